"""The path from an empty ledger to this month's assigned callbacks (import → check the 待归类
values → distribute the customers to sales managers → generate this month's plan → assign
every item), as a checklist whose steps tick themselves from the data. The home page shows
it until every step is done; the import job's page offers the next step."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..models import CallbackItem, CallbackPlan, Customer
from ..vocab import N_
from .callbacks import month_bounds

LABELS = {
    "ledger": N_("导入客户台帐"),
    "unknown_values": N_("检查待归类的值"),
    "distribute": N_("把客户分配给业务经理"),
    "plan": N_("生成本月回访计划"),
    "assign": N_("分配每一项回访"),
}


@dataclass(frozen=True)
class Step:
    key: str
    done: bool
    todo: int = 0  # what is left: values to check, customers without a sales manager, items unassigned
    plan_id: int | None = None  # the plan the step is about (generate: none yet)

    @property
    def label(self) -> str:
        return LABELS[self.key]


def pending_unknown_values(org) -> int:
    """HOOK for the import's unknown values (issue 10, "Import that accepts the ledgers people
    really keep"): how many values of the organisation's ledger are still marked 待归类 and
    waiting to be mapped onto a listed value. That mapping is being added to the import by
    another change; until it lands nothing waits here and the step ticks as soon as the
    ledger has customers. Its link goes to the import page until the mapping has a page."""
    return 0


def setup_steps(org, today: date | None = None) -> list[Step]:
    """The five steps for the organisation, in order, each done or not from the data."""
    first, last = month_bounds(today or date.today())
    # whether the ledger has anyone (not how many: a count of 100,000 rows on every home view),
    # and how many have no sales manager (an index range)
    customers = int(db.session.scalar(select(Customer.id).where(Customer.org_id == org.id).limit(1)) is not None)
    without = db.session.scalar(select(func.count(Customer.id)).where(Customer.org_id == org.id,
                                                                      Customer.responsible_id.is_(None)))
    plans = db.session.scalars(select(CallbackPlan.id).where(
        CallbackPlan.org_id == org.id, CallbackPlan.starts_on <= last, CallbackPlan.ends_on >= first)
        .order_by(CallbackPlan.starts_on.desc(), CallbackPlan.id.desc())).all()
    open_items = dict(db.session.execute(
        select(CallbackItem.plan_id, func.count()).where(CallbackItem.plan_id.in_(plans),
                                                         CallbackItem.status == "planned",
                                                         CallbackItem.assignee_id.is_(None))
        .group_by(CallbackItem.plan_id)).all()) if plans else {}
    unknown = pending_unknown_values(org)
    unassigned = sum(open_items.values())
    return [
        Step("ledger", customers > 0),
        Step("unknown_values", customers > 0 and unknown == 0, todo=unknown),
        Step("distribute", customers > 0 and without == 0, todo=without),
        Step("plan", bool(plans), plan_id=plans[0] if plans else None),
        Step("assign", bool(plans) and unassigned == 0, todo=unassigned,
             plan_id=next(iter(open_items), plans[0] if plans else None)),
    ]


def next_step(steps: list[Step]) -> Step | None:
    return next((s for s in steps if not s.done), None)
