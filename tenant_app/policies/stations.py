"""Service stations: a station looks any vehicle of the network up (model, owner, masked
phone) and keeps its own repairs, callbacks and alerts; the manufacturer reads them all;
the selling dealer sees its vehicles."""
from ..models import HotAlert, RepairOrder, ServiceCallback, ServiceSettings, Vehicle
from .base import Policy, in_regions, is_maker, is_network_admin, own_or_regions


def _station(user) -> bool:
    return user.org.kind == "service"


class VehiclePolicy(Policy):
    model = Vehicle

    def can_list(self, user, _):
        return _station(user) or is_maker(user)

    def can_view(self, user, vehicle):
        if isinstance(vehicle, type):
            return self.can_list(user, vehicle)
        return _station(user) or is_maker(user) or vehicle.selling_org_id == user.org_id

    def can_create(self, user, _):
        return _station(user)

    def can_repair(self, user, vehicle):
        return _station(user)

    def can_view_phone(self, user, vehicle):
        return False  # a station calls through its callbacks; the number stays masked

    def scope(self, user, stmt):
        if _station(user) or is_maker(user):
            return stmt
        return stmt.where(Vehicle.selling_org_id == user.org_id)


class _StationOwned(Policy):
    model = None

    def can_list(self, user, _):
        return _station(user) or is_maker(user)

    def can_view(self, user, record):
        if isinstance(record, type):
            return self.can_list(user, record)
        return record.org_id == user.org_id or (is_maker(user) and in_regions(user, record.org))

    def can_edit(self, user, record):
        return _station(user) and (isinstance(record, type) or record.org_id == user.org_id)

    def scope(self, user, stmt):
        if is_maker(user) or _station(user):
            return own_or_regions(self.model, user, stmt)  # a station: its own; the maker: its regions'
        return stmt.where(False)


class RepairOrderPolicy(_StationOwned):
    model = RepairOrder
    can_create = can_close = _StationOwned.can_edit


class ServiceCallbackPolicy(_StationOwned):
    model = ServiceCallback
    can_record = _StationOwned.can_edit

    def can_view_phone(self, user, callback):
        """Whoever makes the call sees the number."""
        return self.can_edit(user, callback)


class HotAlertPolicy(_StationOwned):
    model = HotAlert

    def can_resolve(self, user, alert):
        return self.can_edit(user, alert) and user.has_role("manager")


class ServiceSettingsPolicy(Policy):
    model = ServiceSettings

    def can_edit(self, user, _):
        return is_network_admin(user)

    def scope(self, user, stmt):
        return stmt
