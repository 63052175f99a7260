from sqlalchemy import select

from ..models import Organisation, User
from .base import Policy, in_regions, is_maker, is_network_admin, is_org_head


class UserPolicy(Policy):
    model = User

    def can_view(self, user, other):
        if isinstance(other, type):
            return True
        return other.org_id == user.org_id or (is_maker(user) and in_regions(user, other.org))

    def can_list(self, user, _):
        return is_maker(user)

    def can_create(self, user, _):
        return is_network_admin(user)

    def can_edit(self, user, other):
        return is_network_admin(user)

    can_reset_password = can_edit

    def can_suspend(self, user, other):
        return is_network_admin(user) and other.id != user.id

    def can_view_phone(self, user, other):
        """Whole phone numbers: the user, the head of the user's organisation, network admins."""
        return other.id == user.id or is_network_admin(user) or (other.org_id == user.org_id and is_org_head(user))

    def scope(self, user, stmt):
        if not is_maker(user):
            return stmt.where(User.org_id == user.org_id)
        if user.regions and not user.has_role("network_admin"):
            visible = select(Organisation.id).where(
                (Organisation.province.in_(user.regions)) | (Organisation.kind == "manufacturer"))
            return stmt.where(User.org_id.in_(visible))
        return stmt
