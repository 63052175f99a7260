"""A notification is its recipient's alone; the delivery log is the network administrators'."""
from ..models import Delivery, Notification
from .base import Policy, is_network_admin


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
