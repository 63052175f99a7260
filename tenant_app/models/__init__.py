"""All models, imported here so Alembic and the app see one metadata."""
from .audit import AuditEntry
from .network import ORG_KINDS, Network, Organisation
from .users import ROLES, User

__all__ = ["AuditEntry", "Network", "Organisation", "ORG_KINDS", "ROLES", "User"]
