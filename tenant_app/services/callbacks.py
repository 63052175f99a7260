"""Callbacks: the strategy matrix, plans generated from the ledger, and recorded callbacks.

The deck's cohorts are 2009's years ("bought since 2008", "2007-08", "before 2007"):
here they are recent / middle / old, by how many years ago the newest vehicle was bought,
and the boundaries are settings of the strategy.
"""
from __future__ import annotations

import zlib
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import vocab
from ..extensions import db
from ..models import Callback, CallbackItem, CallbackPlan, CallbackStrategy, Customer, Opportunity
from ..models.customers import CLASSES
from .errors import DomainError
from .ledger import refresh_intent

DEFAULT_MATRIX = {
    "recent": ["sms", "phone"],
    "middle": ["phone", "home_callback"],
    "old_own": ["home_callback", "thank_you_party"],
    "old_rival": ["visit", "promotion_meeting"],
    "own_major": ["home_callback", "thank_you_party"],
    "rival_major": ["visit", "promotion_meeting"],
    "new": ["phone", "visit"],
}
WHEN_LEVEL = {"3m": 1, "6m": 2, "12m": 3}
WHEN_DAYS = {"3m": 90, "6m": 180, "12m": 365}
MAJOR = set(CLASSES) - {"retail"}


class CallbackError(DomainError):
    pass


def intent_level(when: str) -> int | None:
    """Slide 39: level 1 buys within 3 months, 2 within 6, 3 within 12; otherwise none."""
    return WHEN_LEVEL.get(when)


def strategy_for(org) -> CallbackStrategy:
    """The dealer's own refinement, else the network's default, else the built-in one (unsaved)."""
    rows = db.session.scalars(select(CallbackStrategy).where(
        (CallbackStrategy.org_id == org.id) | CallbackStrategy.org_id.is_(None))).all()
    own = next((s for s in rows if s.org_id == org.id), None)
    default = next((s for s in rows if s.org_id is None), None)
    return own or default or CallbackStrategy(org_id=None, recent_years=2, middle_years=4, matrix=dict(DEFAULT_MATRIX))


def save_strategy(network_id: int, org_id: int | None, recent_years: int, middle_years: int, matrix: dict):
    if not 0 < recent_years < middle_years <= 30:
        raise CallbackError(_l("年限须满足：0 < 近期 < 中期 ≤ 30。"))
    clean = {g: [m for m in matrix.get(g, []) if m in vocab.CALLBACK_METHODS] for g in vocab.CALLBACK_GROUPS}
    row = db.session.scalar(select(CallbackStrategy).where(
        CallbackStrategy.org_id == org_id if org_id else CallbackStrategy.org_id.is_(None)))
    if row is None:
        row = CallbackStrategy(network_id=network_id, org_id=org_id)
        db.session.add(row)
    row.recent_years, row.middle_years, row.matrix = recent_years, middle_years, clean
    return row


def group_of(customer: Customer, strategy: CallbackStrategy, today: date) -> str:
    if customer.segment == "new":
        return "new"
    if customer.klass in MAJOR:
        return "own_major" if customer.segment == "own_old" else "rival_major"
    age = today.year - (customer.last_bought or customer.fleet_since or today.year)
    if age <= strategy.recent_years:
        return "recent"
    if age <= strategy.middle_years:
        return "middle"
    return "old_own" if customer.segment == "own_old" else "old_rival"


def _due(customer_id: int, method: str, starts_on: date, days: int) -> date:
    """Spread the visits over the period, the same way every time for the same customer."""
    return starts_on + timedelta(days=zlib.crc32(f"{customer_id}:{method}".encode()) % max(days, 1))


def generate_plan(org, *, title: str, starts_on: date, ends_on: date, by=None, today: date | None = None,
                  customer_ids: list[int] | None = None) -> CallbackPlan:
    """A plan with one item per customer and method of the customer's group; assigned to the
    customer's responsible sales manager (the information manager reassigns)."""
    if ends_on < starts_on:
        raise CallbackError(_l("结束日期不能早于开始日期。"))
    if (ends_on - starts_on).days > 366:
        raise CallbackError(_l("计划期间不能超过一年。"))
    today = today or date.today()
    strategy = strategy_for(org)
    plan = CallbackPlan(network_id=org.network_id, org_id=org.id, title=title.strip(), starts_on=starts_on,
                        ends_on=ends_on, created_by_id=getattr(by, "id", None))
    db.session.add(plan)
    db.session.flush()
    days = (ends_on - starts_on).days + 1
    stmt = select(Customer.id, Customer.segment, Customer.klass, Customer.last_bought, Customer.fleet_since,
                  Customer.responsible_id).where(Customer.org_id == org.id)
    if customer_ids is not None:
        stmt = stmt.where(Customer.id.in_(customer_ids))
    rows = []
    for cid, segment, klass, last_bought, fleet_since, responsible in db.session.execute(stmt):
        probe = Customer(segment=segment, klass=klass, last_bought=last_bought, fleet_since=fleet_since)
        group = group_of(probe, strategy, today)
        for method in strategy.matrix.get(group, []):
            rows.append(CallbackItem(network_id=org.network_id, plan_id=plan.id, org_id=org.id, customer_id=cid,
                                     group=group, method=method, due_on=_due(cid, method, starts_on, days),
                                     assignee_id=responsible))
    db.session.add_all(rows)
    return plan


def assign_items(plan: CallbackPlan, assignee, item_ids) -> int:
    """Items of the plan to one of the organisation's people (None if not one of them); how many."""
    items = db.session.scalars(select(CallbackItem).where(CallbackItem.plan_id == plan.id,
                                                          CallbackItem.id.in_(item_ids or []))).all()
    if assignee is None or not items:
        raise CallbackError(_l("请选择计划项和本机构的人员。"))
    for item in items:
        item.assignee_id = assignee.id
    return len(items)


def record_callback(customer: Customer, by, data: dict, item: CallbackItem | None = None) -> Callback:
    """Record a callback; the customer's intent level follows its answer to "when", and a
    customer worth following with an intent gets an opportunity to follow up."""
    if item is not None and (item.customer_id != customer.id or item.status != "planned"):
        raise CallbackError(_l("该回访计划项不属于此客户或已完成。"))
    when = data.get("when") or ""
    level = intent_level(when) if data.get("has_intent") else None
    cb = Callback(network_id=customer.network_id, org_id=customer.org_id, customer_id=customer.id,
                  item_id=getattr(item, "id", None), by_id=by.id, intent_level=level,
                  **{k: v for k, v in data.items() if hasattr(Callback, k) and k not in ("intent_level",)})
    db.session.add(cb)
    if item is not None:
        item.status = "done"
    if data.get("worth_following") and data.get("has_intent"):
        db.session.flush()
        # One open opportunity per customer: a later callback updates it rather than adding another.
        opp = db.session.scalars(select(Opportunity).where(Opportunity.customer_id == customer.id,
                                                           Opportunity.stage.in_(("following", "negotiating")))
                                 .order_by(Opportunity.id)).first()
        if opp is None:
            opp = Opportunity(network_id=customer.network_id, org_id=customer.org_id, customer_id=customer.id,
                              owner_id=customer.responsible_id or by.id)
            db.session.add(opp)
        opp.callback_id, opp.intent_level = cb.id, level
        opp.model = data.get("intent_model") or opp.model or ""
        opp.quantity = data.get("intent_quantity") or opp.quantity or 1
        opp.payment = data.get("payment") or opp.payment or ""
        opp.expected_on = cb.done_on + timedelta(days=WHEN_DAYS[when]) if when in WHEN_DAYS else opp.expected_on
        db.session.flush()
        refresh_intent(customer)
    else:
        db.session.flush()
        refresh_intent(customer)
        if customer.intent_level is None:
            customer.intent_level = level  # an intent not (yet) worth following still shows
    return cb


def steps_for(customer: Customer) -> dict:
    """The procedure of slides 35-36: big customers' or ordinary customers'."""
    return vocab.BIG_STEPS if customer.klass in MAJOR else vocab.ORDINARY_STEPS
