from sqlalchemy import or_

from ..models import AuditEntry
from .base import Policy, is_network_admin, is_org_head


class AuditPolicy(Policy):
    """Network admins read the whole network's trail; an organisation's head reads
    what happened in, and to, their own organisation."""

    model = AuditEntry

    def can_list(self, user, _):
        return is_network_admin(user) or is_org_head(user)

    def can_view(self, user, entry):
        if isinstance(entry, type):
            return self.can_list(user, entry)
        return is_network_admin(user) or (is_org_head(user) and user.org_id in (entry.org_id, entry.subject_org_id))

    def scope(self, user, stmt):
        if is_network_admin(user):
            return stmt
        if is_org_head(user):
            return stmt.where(or_(AuditEntry.org_id == user.org_id, AuditEntry.subject_org_id == user.org_id))
        return stmt.where(False)
