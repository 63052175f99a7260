"""All models, imported here so Alembic and the app see one metadata."""
from .audit import AuditEntry
from .brands import Brand
from .customers import CLASSES, SEGMENTS, Customer, FleetEntry, Stakeholder
from .network import ORG_KINDS, Network, Organisation
from .users import ROLES, User

__all__ = ["AuditEntry", "Brand", "CLASSES", "Customer", "FleetEntry", "Network", "Organisation", "ORG_KINDS",
           "ROLES", "SEGMENTS", "Stakeholder", "User"]
