"""Pages every party has for its own organisation: the team and the audit trail."""
from flask import Blueprint

bp = Blueprint("org", __name__, template_folder="templates")

from . import catalogue, routes, scorecards  # noqa: E402,F401
