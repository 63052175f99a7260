"""The scoring rules of a scorecard: for every dealer at once, a numerator and a
denominator per rule over a period, and for one dealer the records that counted.

Most rules are row rules: one SELECT of the records in the denominator with a `counted`
flag for the numerator, used both for the grouped counts of the whole network (one query
per rule, whatever the number of dealers) and for a dealer's evidence page, so the two
can never disagree. The rest (targets, the hand-scored preparation and training) count
in Python from small tables.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable

from sqlalchemy import and_, case, exists, func, literal_column, or_, select, union_all

from ..extensions import db
from ..models import (AfterSaleTask, Brand, Callback, CallbackCheck, CallbackItem, Customer, FleetEntry, HotAlert,
                      NegotiationRound, Opportunity, PREPARATION_ITEMS, PreparationAudit, RepairOrder,
                      ServiceCallback, TrainingInvitation, TrainingSession, Vehicle)
from . import surveys
from . import targets as target_service
from .verification import STATUSES as CHECKED

LEVEL1_DAYS = 7  # a level-1 intent (buys within 3 months) must see a negotiation round within a week


def _end(day: date) -> datetime:
    """The first instant after the day: created_at < _end(ends_on) keeps the index usable."""
    return datetime.combine(day + timedelta(days=1), time.min)


def _plus_days(column, days: int):
    if db.engine.dialect.name == "postgresql":
        return func.date(column) + days
    return func.date(column, f"+{days} days")


def _rows(model, counted, customer, on, *where):
    return (select(model.id.label("id"), model.org_id.label("org_id"), customer.label("customer_id"),
                   on.label("on"), case((counted, 1), else_=0).label("counted"))
            .where(*where))


def ledger_completeness(start, end):
    complete = and_(Customer.phone != "", Customer.contact_name != "", Customer.region != "",
                    Customer.transport_type != "", Customer.use != "", Customer.nature != "",
                    or_(Customer.segment == "new", Customer.heavy_units > 0))
    return _rows(Customer, complete, Customer.id, Customer.created_at, Customer.created_at < _end(end))


def callback_completion(start, end):
    return _rows(CallbackItem, CallbackItem.status == "done", CallbackItem.customer_id, CallbackItem.due_on,
                 CallbackItem.due_on.between(start, end), CallbackItem.status != "skipped")


def callback_timeliness(start, end):
    on_time = exists().where(CallbackItem.id == Callback.item_id, Callback.done_on <= CallbackItem.due_on)
    return _rows(Callback, on_time, Callback.customer_id, Callback.done_on,
                 Callback.done_on.between(start, end), Callback.item_id.is_not(None))


def coverage(start, end):
    called = exists().where(Callback.customer_id == Customer.id, Callback.done_on.between(start, end))
    return _rows(Customer, called, Customer.id, Customer.created_at,
                 Customer.segment.in_(("own_old", "rival_old")), Customer.created_at < _end(end))


def level1_followup(start, end):
    met = exists().where(NegotiationRound.opportunity_id == Opportunity.id,
                         NegotiationRound.held_on <= _plus_days(Opportunity.created_at, LEVEL1_DAYS))
    return _rows(Opportunity, met, Opportunity.customer_id, Opportunity.created_at, Opportunity.intent_level == 1,
                 Opportunity.created_at >= _end(start - timedelta(days=1)), Opportunity.created_at < _end(end))


def conversion(start, end):
    closed = or_(and_(Opportunity.stage == "won", Opportunity.contract_on.between(start, end)),
                 and_(Opportunity.stage == "lost", Opportunity.updated_at >= _end(start - timedelta(days=1)),
                      Opportunity.updated_at < _end(end)))
    return _rows(Opportunity, Opportunity.stage == "won", Opportunity.customer_id,
                 func.coalesce(Opportunity.contract_on, func.date(Opportunity.updated_at)), closed)


def rival_conversion(start, end):
    """Customers running a competitor's trucks: converted when they sign a deal in the period."""
    # an IN over the (brand, customer) index: a correlated EXISTS joining brands is quadratic on SQLite
    runs_rival = Customer.id.in_(select(FleetEntry.customer_id).where(
        FleetEntry.quantity > 0, FleetEntry.brand_id.in_(select(Brand.id).where(Brand.is_own.is_(False)))))
    signed = exists().where(Opportunity.customer_id == Customer.id, Opportunity.stage == "won",
                            Opportunity.contract_on.between(start, end))
    return _rows(Customer, signed, Customer.id, Customer.created_at, runs_rival, Customer.created_at < _end(end))


def post_delivery(start, end):
    return _rows(AfterSaleTask, AfterSaleTask.status == "done", AfterSaleTask.customer_id, AfterSaleTask.due_on,
                 AfterSaleTask.due_on.between(start, end))


def verification(start, end):
    """Two kinds of evidence that what the dealer recorded is true: the maker's phone checks of
    sampled callbacks (confirmed counts), and the customers' own survey answers after delivery
    (agreeing with the satisfaction staff recorded counts; services.surveys). `record` says which."""
    checks = (_rows(CallbackCheck, CallbackCheck.status == "confirmed", Callback.customer_id, Callback.done_on,
                    CallbackCheck.status.in_(CHECKED), Callback.done_on.between(start, end))
              .join(Callback, Callback.id == CallbackCheck.callback_id)
              .add_columns(literal_column("'check'").label("record")))
    answers = surveys.comparisons(start, end, event="delivery").subquery()
    answered = select(answers.c.id, answers.c.org_id, answers.c.customer_id, func.date(answers.c.on).label("on"),
                      answers.c.counted, literal_column("'survey'").label("record"))
    both = union_all(checks, answered).subquery()
    return select(both)


# --- service stations' rules -----------------------------------------------------------------
def _station_rows(model, counted, on, *where):
    """As _rows, the customer found through the repaired vehicle (none for a vehicle sold elsewhere)."""
    repair = model.repair_id == RepairOrder.id
    return (select(model.id.label("id"), model.org_id.label("org_id"), Vehicle.customer_id.label("customer_id"),
                   on.label("on"), case((counted, 1), else_=0).label("counted"))
            .join(RepairOrder, repair).join(Vehicle, Vehicle.id == RepairOrder.vehicle_id).where(*where))


def service_callback_completion(start, end):
    return _station_rows(ServiceCallback, ServiceCallback.status == "done", ServiceCallback.first_due_on,
                         ServiceCallback.purpose == "after_repair", ServiceCallback.first_due_on.between(start, end))


def service_callback_timeliness(start, end):
    """Reached on the day the callback fell due (or before)."""
    return _station_rows(ServiceCallback, ServiceCallback.done_on <= ServiceCallback.first_due_on,
                         ServiceCallback.done_on, ServiceCallback.purpose == "after_repair",
                         ServiceCallback.status == "done", ServiceCallback.done_on.between(start, end))


def service_satisfaction(start, end):
    """Surveys whose overall score is 4 or 5."""
    return _station_rows(ServiceCallback, ServiceCallback.score_overall >= 4, ServiceCallback.done_on,
                         ServiceCallback.purpose == "after_repair", ServiceCallback.status == "done",
                         ServiceCallback.done_on.between(start, end))


def complaints_closed_in_time(start, end):
    """Hot alerts opened in the period, resolved by their deadline and confirmed closed."""
    return _station_rows(HotAlert, and_(HotAlert.status == "closed", HotAlert.resolved_on <= HotAlert.deadline),
                         HotAlert.opened_on, HotAlert.opened_on.between(start, end))


# --- rules counted in Python -------------------------------------------------------------
def target_counts(org_ids, start, end, kind):
    """Sum over the period's targets of min(actual, target) / sum of targets."""
    goals = target_service.targets_for(org_ids, kind, start)
    actual = target_service.progress(org_ids, start, end)
    out = {}
    for org_id, metrics in goals.items():
        if metrics:
            out[org_id] = (sum(min(actual[org_id][m], v) for m, v in metrics.items()), sum(metrics.values()))
    return out


def target_evidence(org_id, start, end, kind):
    goals = target_service.targets_for([org_id], kind, start)[org_id]
    actual = target_service.progress([org_id], start, end)[org_id]
    return [{"metric": m, "target": v, "actual": actual[m], "counted": actual[m] >= v} for m, v in goals.items()]


def _latest_audits(org_ids, end):
    latest = (select(PreparationAudit.org_id, func.max(PreparationAudit.id).label("id"))
              .where(PreparationAudit.org_id.in_(org_ids), PreparationAudit.audited_on <= end)
              .group_by(PreparationAudit.org_id).subquery())
    return db.session.scalars(select(PreparationAudit).join(latest, latest.c.id == PreparationAudit.id)).all()


def preparation_counts(org_ids, start, end, kind):
    """The latest audit on or before the period's end: items in place of six."""
    return {a.org_id: (a.in_place, len(PREPARATION_ITEMS)) for a in _latest_audits(org_ids, end)}


def preparation_evidence(org_id, start, end, kind):
    audits = _latest_audits([org_id], end)
    if not audits:
        return []
    a = audits[0]
    return [{"item": item, "on": a.audited_on, "counted": bool(a.results.get(item)), "note": a.notes.get(item, "")}
            for item in PREPARATION_ITEMS]


def _invitations(org_ids, start, end):
    return (select(TrainingInvitation, TrainingSession).join(TrainingSession)
            .where(TrainingInvitation.org_id.in_(org_ids), TrainingSession.held_on.between(start, end)))


def training_counts(org_ids, start, end, kind):
    """Each invitation earns its score share when attended: sum(score / max) / invitations."""
    out: dict[int, list] = {}
    for inv, sess in db.session.execute(_invitations(org_ids, start, end)):
        num, den = out.setdefault(inv.org_id, [0.0, 0])
        earned = (inv.score or 0) / (sess.max_score or 100) if inv.attended else 0.0
        out[inv.org_id] = [num + min(earned, 1.0), den + 1]
    return {k: (round(v[0], 4), v[1]) for k, v in out.items()}


def training_evidence(org_id, start, end, kind):
    return [{"session": sess.title, "on": sess.held_on, "person": inv.user.name, "attended": inv.attended,
             "score": inv.score, "max": sess.max_score, "counted": bool(inv.attended)}
            for inv, sess in db.session.execute(_invitations([org_id], start, end)
                                                .order_by(TrainingSession.held_on, TrainingInvitation.id))]


@dataclass(frozen=True)
class Rule:
    key: str
    rows: Callable | None = None      # row rule: (start, end) -> select(id, org_id, customer_id, on, counted)
    counts: Callable | None = None    # or (org_ids, start, end, kind) -> {org_id: (numerator, denominator)}
    evidence: Callable | None = None  # and (org_id, start, end, kind) -> [dict]
    record: str = ""                  # what a row is, for the evidence page
    manual: bool = False              # scored by hand (audits, training scores)
    kind: str = "dealer"              # the party it scores


RULES = {r.key: r for r in (
    Rule("target_attainment", counts=target_counts, evidence=target_evidence, record="target"),
    Rule("ledger_completeness", rows=ledger_completeness, record="customer"),
    Rule("callback_completion", rows=callback_completion, record="callback_item"),
    Rule("callback_timeliness", rows=callback_timeliness, record="callback"),
    Rule("coverage", rows=coverage, record="customer"),
    Rule("level1_followup", rows=level1_followup, record="opportunity"),
    Rule("conversion", rows=conversion, record="opportunity"),
    Rule("rival_conversion", rows=rival_conversion, record="customer"),
    Rule("post_delivery", rows=post_delivery, record="task"),
    Rule("verification", rows=verification, record="check"),  # and "survey" rows: see verification()
    Rule("preparation", counts=preparation_counts, evidence=preparation_evidence, record="audit", manual=True),
    Rule("training", counts=training_counts, evidence=training_evidence, record="invitation", manual=True),
    Rule("service_callback_completion", rows=service_callback_completion, record="service_callback", kind="service"),
    Rule("service_callback_timeliness", rows=service_callback_timeliness, record="service_callback", kind="service"),
    Rule("service_satisfaction", rows=service_satisfaction, record="service_callback", kind="service"),
    Rule("complaints_closed_in_time", rows=complaints_closed_in_time, record="alert", kind="service"),
)}


def counts(rule_key: str, org_ids: list[int], start: date, end: date, kind: str) -> dict[int, tuple]:
    """{org_id: (numerator, denominator)} for every org with at least one record."""
    rule = RULES[rule_key]
    if rule.counts:
        return rule.counts(org_ids, start, end, kind)
    base = rule.rows(start, end)
    sub = base.where(base.selected_columns.org_id.in_(org_ids)).subquery()
    stmt = select(sub.c.org_id, func.sum(sub.c.counted), func.count()).group_by(sub.c.org_id)
    return {org: (int(num or 0), int(den)) for org, num, den in db.session.execute(stmt)}


def evidence(rule_key: str, org_id: int, start: date, end: date, kind: str, *, counted: bool | None = None,
             page: int = 1, per_page: int = 50) -> tuple[list[dict], int]:
    """The records behind one dealer's item, missed ones first; (rows of this page, total)."""
    rule = RULES[rule_key]
    if rule.evidence:
        rows = [r for r in rule.evidence(org_id, start, end, kind) if counted is None or r["counted"] == counted]
        return rows[(page - 1) * per_page: page * per_page], len(rows)
    base = rule.rows(start, end)
    sub = base.where(base.selected_columns.org_id == org_id).subquery()
    stmt = select(sub)
    if counted is not None:
        stmt = stmt.where(sub.c.counted == (1 if counted else 0))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page_rows = db.session.execute(stmt.order_by(sub.c.counted, sub.c.on.desc(), sub.c.id.desc())
                                   .limit(per_page).offset((page - 1) * per_page)).all()
    names = dict(db.session.execute(select(Customer.id, Customer.name)
                                    .where(Customer.id.in_({r.customer_id for r in page_rows}))).all())
    return [{"id": r.id, "customer_id": r.customer_id, "customer": names.get(r.customer_id, ""), "on": r.on,
             "counted": bool(r.counted), "record": r._mapping.get("record") or rule.record} for r in page_rows], total
