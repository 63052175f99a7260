"""Callbacks: the strategy matrix, plans generated from the ledger, and recorded callbacks.

The deck's cohorts are 2009's years ("bought since 2008", "2007-08", "before 2007"):
here they are recent / middle / old, by how many years ago the newest vehicle was bought,
and the boundaries are settings of the strategy.
"""
from __future__ import annotations

import calendar
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from .. import vocab
from ..extensions import db
from ..models import (Callback, CallbackItem, CallbackPlan, CallbackStrategy, Customer, Opportunity, Organisation,
                      User)
from ..models.customers import CLASSES
from . import assignment, audit
from .errors import DomainError
from .notify import events as notify
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


@dataclass
class PlanResult:
    """A generated plan and what its generation left out: items the same customer already has
    with the same method in a plan whose period overlaps (titles of those plans)."""
    plan: CallbackPlan
    created: int = 0
    assigned: int = 0
    skipped: int = 0
    overlapping: list[str] = field(default_factory=list)


def month_bounds(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _taken(org, starts_on: date, ends_on: date) -> dict[tuple[int, str], str]:
    """(customer, method) → title of a plan of the organisation whose period overlaps this one."""
    rows = db.session.execute(select(CallbackItem.customer_id, CallbackItem.method, CallbackPlan.title)
                              .join(CallbackPlan, CallbackItem.plan_id == CallbackPlan.id)
                              .where(CallbackPlan.org_id == org.id, CallbackPlan.starts_on <= ends_on,
                                     CallbackPlan.ends_on >= starts_on))
    return {(cid, method): title for cid, method, title in rows}


PLAN_CHUNK = 5_000  # items per INSERT round trip while generating


def generate_plan(org, *, title: str, starts_on: date, ends_on: date, by=None, today: date | None = None,
                  customer_ids: list[int] | None = None, progress=None) -> PlanResult:
    """A plan with one item per customer and method of the customer's group, assigned to the
    customer's responsible sales manager where there is one (still active); the information
    manager assigns the rest. A customer and method already planned in a plan whose period
    overlaps this one is skipped, never planned twice; a plan with nothing left is refused.
    The items are inserted in bulk (a 100,000-customer ledger gives 200,000 items: no ORM
    objects, one audit entry for the plan); progress(percent) is told as chunks are written."""
    if ends_on < starts_on:
        raise CallbackError(_l("结束日期不能早于开始日期。"))
    if (ends_on - starts_on).days > 366:
        raise CallbackError(_l("计划期间不能超过一年。"))
    today = today or date.today()
    strategy = strategy_for(org)
    taken = _taken(org, starts_on, ends_on)
    active = set(db.session.scalars(select(User.id).where(User.org_id == org.id, User.status == "active")))
    days = (ends_on - starts_on).days + 1
    stmt = select(Customer.id, Customer.segment, Customer.klass, Customer.last_bought, Customer.fleet_since,
                  Customer.responsible_id).where(Customer.org_id == org.id)
    if customer_ids is not None:
        stmt = stmt.where(Customer.id.in_(customer_ids))
    wanted, skipped, skipped_in = [], 0, set()
    for row in db.session.execute(stmt):
        group = group_of(row, strategy, today)  # the row has the fields group_of reads
        for method in strategy.matrix.get(group, []):
            if (row.id, method) in taken:
                skipped += 1
                skipped_in.add(taken[row.id, method])
                continue
            wanted.append((row.id, group, method, row.responsible_id if row.responsible_id in active else None))
    if not wanted:
        if skipped_in:
            raise CallbackError(_l("期间与计划“%(titles)s”重叠，其中已有每位客户的这些回访方式，未生成新计划。",
                                   titles="”“".join(sorted(skipped_in))))
        raise CallbackError(_l("没有可计划的回访：台帐中没有客户，或回访策略没有为这些客户安排回访方式。"))
    plan = CallbackPlan(network_id=org.network_id, org_id=org.id, title=title.strip(), starts_on=starts_on,
                        ends_on=ends_on, created_by_id=getattr(by, "id", None))
    db.session.add(plan)
    db.session.flush()
    for n in range(0, len(wanted), PLAN_CHUNK):
        db.session.execute(insert(CallbackItem.__table__), [  # Core: no ORM bookkeeping per row
            {"network_id": org.network_id, "plan_id": plan.id, "org_id": org.id, "customer_id": cid, "group": group,
             "method": method, "due_on": _due(cid, method, starts_on, days), "assignee_id": assignee,
             "status": "planned"}
            for cid, group, method, assignee in wanted[n:n + PLAN_CHUNK]])
        if progress:
            progress(min(99, 100 * (n + PLAN_CHUNK) // len(wanted)))
    assigned = sum(1 for *_, a in wanted if a)
    audit.record("generate_plan", network_id=org.network_id, obj=plan, user=by,
                 summary=f"{plan.title}: {len(wanted)} items, {assigned} assigned, {skipped} skipped")
    return PlanResult(plan, created=len(wanted), assigned=assigned, skipped=skipped, overlapping=sorted(skipped_in))


# Whether assigning a customer's plan items also makes the person the customer's sales manager.
RESPONSIBLE = {
    "unassigned": vocab.N_("客户还没有负责业务经理的，设为其负责人"),
    "all": vocab.N_("全部设为客户的负责业务经理"),
    "none": vocab.N_("只分配计划项，不改客户的负责人"),
}


@dataclass
class ItemFilter:
    """A plan page's filter: assignee ("none": unassigned, or a person's id), method, group."""
    assignee: str = ""
    method: str = ""
    group: str = ""

    @classmethod
    def from_args(cls, args) -> "ItemFilter":
        assignee = args.get("assignee", "").strip()
        if assignee != "none" and not (assignee.isascii() and assignee.isdecimal() and len(assignee) < 10):
            assignee = ""
        method, group = args.get("method", "").strip(), args.get("group", "").strip()
        return cls(assignee=assignee, method=method if method in vocab.CALLBACK_METHODS else "",
                   group=group if group in vocab.CALLBACK_GROUPS else "")

    def args(self) -> dict:
        return {k: v for k, v in (("assignee", self.assignee), ("method", self.method), ("group", self.group)) if v}

    def where(self, stmt):
        if self.assignee == "none":
            stmt = stmt.where(CallbackItem.assignee_id.is_(None))
        elif self.assignee:
            stmt = stmt.where(CallbackItem.assignee_id == int(self.assignee))
        if self.method:
            stmt = stmt.where(CallbackItem.method == self.method)
        if self.group:
            stmt = stmt.where(CallbackItem.group == self.group)
        return stmt


def _planned(plan: CallbackPlan, item_ids) -> list[CallbackItem]:
    """The plan's items among item_ids still to do (a done callback keeps who did it), with their customers."""
    items = db.session.scalars(select(CallbackItem).where(CallbackItem.plan_id == plan.id,
                                                          CallbackItem.id.in_(list(item_ids or [])),
                                                          CallbackItem.status == "planned")
                               .options(selectinload(CallbackItem.customer).selectinload(Customer.fleet))
                               .order_by(CallbackItem.id)).all()
    if not items:
        raise CallbackError(_l("没有选中待回访的计划项。"))
    return items


def _hand_over(plan, items, chosen: dict[int, object], responsible: str) -> dict:
    """Items to chosen[customer id]; the customers' sales manager follows as responsible says."""
    if responsible not in RESPONSIBLE:
        raise CallbackError(_l("请选择是否同时设为客户的负责人。"))
    for item in items:
        item.assignee_id = chosen[item.customer_id].id
    notify.plan_items_assigned(plan, items)
    customers = list({i.customer_id: i.customer for i in items}.values())
    if responsible == "unassigned":
        customers = [c for c in customers if c.responsible_id is None]
    made = 0
    if responsible != "none" and customers:
        made = assignment.set_responsible(customers, chosen, org=db.session.get(Organisation, plan.org_id),
                                          what=f"plan {plan.id}: sales manager of {len(customers)} customers")
    return {"items": len(items), "responsible": made}


def assign_items(plan: CallbackPlan, assignee, item_ids, responsible: str = "unassigned") -> dict:
    """Items of the plan to one of the organisation's people (None if not one of them); by
    default the customers that have no sales manager get that person as theirs, so the next
    plan is assigned from the start. Returns the counts of items and of customers changed."""
    if assignee is None:
        raise CallbackError(_l("请选择计划项和本机构的人员。"))
    items = _planned(plan, item_ids)
    return _hand_over(plan, items, {i.customer_id: assignee for i in items}, responsible)


def distribute_items(plan: CallbackPlan, people, rule: str, item_ids, responsible: str = "unassigned") -> dict:
    """Items spread over people by customer (a customer's items go to one person), round robin
    or by region / transport type (services.assignment.distribution)."""
    items = _planned(plan, item_ids)
    customers = list({i.customer_id: i.customer for i in items}.values())
    return _hand_over(plan, items, assignment.distribution(customers, people, rule), responsible)


def delete_plan(plan: CallbackPlan) -> str:
    """A plan none of whose items has been done or skipped yet; its items go with it (each
    delete audited). Returns the title."""
    worked = db.session.scalar(select(CallbackItem.id).where(CallbackItem.plan_id == plan.id,
                                                             CallbackItem.status != "planned").limit(1))
    if worked is not None:
        raise CallbackError(_l("计划中已有回访完成或跳过，不能删除。"))
    title = plan.title
    db.session.delete(plan)
    return title


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
