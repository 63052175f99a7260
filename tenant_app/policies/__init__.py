"""Authorization: one policy per model (see base.py)."""
from . import audit, customers, notifications, orgs, projects, scorecards, stations, surveys, users, work  # noqa: F401  (registers the policies)
from .base import authorize, can, policy_for, scope, skip_authorization

__all__ = ["authorize", "can", "policy_for", "scope", "skip_authorization"]
