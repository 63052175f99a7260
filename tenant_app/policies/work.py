"""The ledger's daily work: callback plans and records, opportunities, after-sale tasks.
All of it belongs to one dealer (or body-builder): its staff see it, the keepers of
the ledger manage it, and a person acts on what is assigned to them."""
from ..models import (VisitCheckIn, VisitPhoto, AfterSaleTask, Callback, CallbackItem, CallbackPlan, CallbackStrategy, Expense, JobRecord,
                      MarketingEvent, Opportunity)
from .base import Policy, in_regions, is_maker, is_network_admin, own_or_regions
from .customers import LEDGER_KEEPERS, _own_ledger

APPROVERS = ("general_manager", "brand_manager", "manager")


def _same_org(user, record) -> bool:
    return _own_ledger(user) and (isinstance(record, type) or record.org_id == user.org_id)


class _OrgWork(Policy):
    model = None

    def can_list(self, user, _):
        return _own_ledger(user)

    def can_view(self, user, record):
        return _same_org(user, record)

    def scope(self, user, stmt):
        if not _own_ledger(user):
            return stmt.where(False)
        return stmt.where(self.model.org_id == user.org_id)


class CallbackPlanPolicy(_OrgWork):
    model = CallbackPlan

    def can_create(self, user, _):
        return _own_ledger(user) and user.has_role(*LEDGER_KEEPERS)

    def can_assign(self, user, plan):
        return _same_org(user, plan) and user.has_role(*LEDGER_KEEPERS)

    can_delete = can_assign  # the service refuses a plan with work done


class CallbackItemPolicy(_OrgWork):
    model = CallbackItem

    def can_record(self, user, item):
        return _same_org(user, item) and (item.assignee_id == user.id or user.has_role(*LEDGER_KEEPERS))


class CallbackPolicy(_OrgWork):
    model = Callback


class OpportunityPolicy(_OrgWork):
    model = Opportunity

    def can_edit(self, user, opp):
        return _same_org(user, opp) and (opp.owner_id == user.id or user.has_role(*LEDGER_KEEPERS))

    def can_approve(self, user, opp):
        return _same_org(user, opp) and user.has_role(*APPROVERS)


class AfterSaleTaskPolicy(_OrgWork):
    model = AfterSaleTask

    def can_complete(self, user, task):
        return _same_org(user, task) and (task.assignee_id == user.id or user.has_role(*LEDGER_KEEPERS))


class CallbackStrategyPolicy(Policy):
    """The network default is the manufacturer's (network admins edit it); a dealer's
    refinement is its ledger keepers'."""

    model = CallbackStrategy

    def can_view(self, user, strategy):
        return isinstance(strategy, type) or strategy.org_id in (None, user.org_id)

    def can_edit(self, user, strategy):
        if strategy.org_id is None:
            return is_network_admin(user)
        return strategy.org_id == user.org_id and _own_ledger(user) and user.has_role(*LEDGER_KEEPERS)

    def scope(self, user, stmt):
        return stmt.where((CallbackStrategy.org_id.is_(None)) | (CallbackStrategy.org_id == user.org_id))


class JobPolicy(_OrgWork):
    """A job is seen by who started it and by the keepers of its organisation's ledger."""

    model = JobRecord

    def can_view(self, user, job):
        if isinstance(job, type):
            return True
        if job.org_id is None:  # the network's jobs (evaluations, scorecard PDFs): the manufacturer's
            return user.org.kind == "manufacturer"
        return job.org_id == user.org_id and (job.created_by_id == user.id or user.has_role(*LEDGER_KEEPERS))

    def can_rerun(self, user, job):
        return job.status == "failed" and (is_network_admin(user) if job.org_id is None else self.can_view(user, job))


class ExpensePolicy(_OrgWork):
    """Staff submit; the general manager (or a body-builder's manager) approves and keeps the
    budget; the manufacturer reads them through supervision."""

    model = Expense

    def can_create(self, user, _):
        return _own_ledger(user)

    def can_approve(self, user, expense):
        return _same_org(user, expense) and user.has_role("general_manager", "manager")

    can_budget = can_approve

    def can_link_event(self, user, expense):
        return expense.status != "rejected" and (self.can_approve(user, expense) or
                                                 (_same_org(user, expense) and expense.submitted_by_id == user.id))


class MarketingEventPolicy(_OrgWork):
    """The organiser's staff see its events; the keepers of the ledger organise them."""

    model = MarketingEvent

    def can_create(self, user, _):
        return _own_ledger(user) and user.has_role(*LEDGER_KEEPERS)

    def can_edit(self, user, event):
        return _same_org(user, event) and user.has_role(*LEDGER_KEEPERS)


class VisitPhotoPolicy(Policy):
    """A visit's photos: the organisation that made the visit, and the maker's staff in its regions
    (who check callbacks)."""
    model = VisitPhoto

    def can_view(self, user, photo):
        return _same_org(user, photo) or (is_maker(user) and in_regions(user, photo.org))

    def scope(self, user, stmt):
        return own_or_regions(VisitPhoto, user, stmt)


class VisitCheckInPolicy(VisitPhotoPolicy):
    model = VisitCheckIn

    def scope(self, user, stmt):
        return own_or_regions(VisitCheckIn, user, stmt)
