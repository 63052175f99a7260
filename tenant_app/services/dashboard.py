"""The dealer's own figures: funnel, callbacks done vs planned, overdue per person, intent
levels, and the competitor brands in its customers' fleets. Callbacks done this month are
counted as the targets page counts them (targets.callbacks_done)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import distinct, func, select

from ..extensions import db
from ..models import Brand, Callback, CallbackItem, Customer, FleetEntry, Opportunity, User
from ..models.deals import OPEN_STAGES
from .targets import callbacks_done


def figures(org_id: int, today: date | None = None) -> dict:
    today = today or date.today()
    month_start = today.replace(day=1)
    count = lambda stmt: db.session.scalar(stmt) or 0  # noqa: E731
    ledger = count(select(func.count(Customer.id)).where(Customer.org_id == org_id))
    called = count(select(func.count(distinct(Callback.customer_id))).where(Callback.org_id == org_id))
    following = count(select(func.count(distinct(Opportunity.customer_id)))
                      .where(Opportunity.org_id == org_id, Opportunity.stage.in_(OPEN_STAGES)))
    won = count(select(func.count(distinct(Opportunity.customer_id)))
                .where(Opportunity.org_id == org_id, Opportunity.stage == "won"))
    items_month = select(CallbackItem.status, func.count()).where(
        CallbackItem.org_id == org_id, CallbackItem.due_on >= month_start, CallbackItem.due_on <= today)
    by_status = dict(db.session.execute(items_month.group_by(CallbackItem.status)).all())
    overdue = db.session.execute(
        select(func.coalesce(User.name, ""), func.count(CallbackItem.id))
        .select_from(CallbackItem).outerjoin(User, User.id == CallbackItem.assignee_id)
        .where(CallbackItem.org_id == org_id, CallbackItem.status == "planned", CallbackItem.due_on < today)
        .group_by(User.name).order_by(func.count(CallbackItem.id).desc())).all()
    intents = dict(db.session.execute(
        select(Customer.intent_level, func.count()).where(Customer.org_id == org_id,
                                                          Customer.intent_level.is_not(None))
        .group_by(Customer.intent_level)).all())
    rivals = db.session.execute(
        select(Brand.name, func.sum(FleetEntry.quantity))
        .join(FleetEntry, FleetEntry.brand_id == Brand.id)  # fleet lines carry their ledger's org: no join
        .where(FleetEntry.org_id == org_id, Brand.is_own.is_(False))
        .group_by(Brand.name).order_by(func.sum(FleetEntry.quantity).desc()).limit(10)).all()
    return {
        "funnel": [("ledger", ledger), ("called", called), ("following", following), ("won", won)],
        "month_planned": sum(by_status.values()), "month_done": callbacks_done([org_id], month_start, today).get(org_id, 0),
        "overdue": [(name or "—", n) for name, n in overdue],
        "intents": [(level, intents.get(level, 0)) for level in (1, 2, 3)],
        "rivals": [(name, int(units or 0)) for name, units in rivals],
    }
