"""A notification is its recipient's alone; the delivery log is the network administrators';
an organisation's group robots are its heads' to set (for the maker, its network administrators)."""
from ..models import Delivery, GroupRobot, Notification
from .base import Policy, is_maker, is_network_admin, is_org_head


class NotificationPolicy(Policy):
    model = Notification

    def can_view(self, user, note):
        return isinstance(note, type) or note.user_id == user.id

    can_read = can_view

    def scope(self, user, stmt):
        return stmt.where(Notification.user_id == user.id)


class DeliveryPolicy(Policy):
    model = Delivery

    def can_list(self, user, _):
        return is_network_admin(user)

    def can_view(self, user, delivery):
        return is_network_admin(user)

    def scope(self, user, stmt):
        return stmt if is_network_admin(user) else stmt.where(False)


def _heads_robots(user) -> bool:
    return is_org_head(user) or (is_maker(user) and is_network_admin(user))


class GroupRobotPolicy(Policy):
    """The robots post into the organisation's own groups: its heads set them, test them and
    see them (masked); nobody else, of this organisation or another, reaches them."""

    model = GroupRobot

    def can_configure(self, user, _):
        return _heads_robots(user)

    def can_view(self, user, robot):
        """That it exists: the organisation's members (so a member who is not a head gets 403, an outsider 404)."""
        if isinstance(robot, type):
            return _heads_robots(user)
        return robot.org_id == user.org_id

    def can_edit(self, user, robot):
        return self.can_view(user, robot) and _heads_robots(user)

    can_test = can_remove = can_edit

    def scope(self, user, stmt):
        return stmt.where(GroupRobot.org_id == user.org_id) if _heads_robots(user) else stmt.where(False)
