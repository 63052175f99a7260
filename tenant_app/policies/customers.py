from ..models import Customer, Stakeholder
from .base import Policy, in_regions, is_maker

LEDGER_PARTIES = ("dealer", "bodybuilder")
# Roles that keep the whole ledger; sales staff edit the customers they are responsible for.
LEDGER_KEEPERS = ("general_manager", "information_manager", "brand_manager", "manager")
LEDGER_STAFF = LEDGER_KEEPERS + ("sales_manager", "service_manager", "staff")


def _own_ledger(user) -> bool:
    return user.org.kind in LEDGER_PARTIES and user.has_role(*LEDGER_STAFF)


class CustomerPolicy(Policy):
    model = Customer

    def can_list(self, user, _):
        return _own_ledger(user)

    def can_view(self, user, customer):
        if isinstance(customer, type):
            return _own_ledger(user)
        if is_maker(user):  # supervision: read-only, audited by the view
            return in_regions(user, customer.org)
        return _own_ledger(user) and customer.org_id == user.org_id

    def can_create(self, user, _):
        return _own_ledger(user) and user.has_role(*LEDGER_KEEPERS, "sales_manager", "staff")

    def can_edit(self, user, customer):
        if not (_own_ledger(user) and customer.org_id == user.org_id):
            return False
        if user.has_role(*LEDGER_KEEPERS):
            return True
        return user.has_role("sales_manager", "staff") and customer.responsible_id in (None, user.id)

    def can_merge(self, user, customer):
        return self.can_edit(user, customer) and user.has_role(*LEDGER_KEEPERS)

    def can_import(self, user, _):
        return _own_ledger(user) and user.has_role(*LEDGER_KEEPERS)

    # Giving customers their sales manager, many at a time (the ledger's bulk actions).
    can_assign = can_import

    def can_view_phone(self, user, customer):
        return _own_ledger(user) and customer.org_id == user.org_id  # the dealer's staff call them

    def scope(self, user, stmt):
        if not _own_ledger(user):
            return stmt.where(False)
        return stmt.where(Customer.org_id == user.org_id)


class StakeholderPolicy(Policy):
    model = Stakeholder

    def can_view(self, user, person):
        return CustomerPolicy().can_view(user, person.customer)

    def can_edit(self, user, person):
        return CustomerPolicy().can_edit(user, person.customer)

    can_delete = can_edit

    def can_view_phone(self, user, person):
        return CustomerPolicy().can_view_phone(user, person.customer)

    def scope(self, user, stmt):
        return stmt.where(False) if not _own_ledger(user) else stmt.join(Stakeholder.customer).where(
            Customer.org_id == user.org_id)
