"""Targets and the progress against them, counted from the ledger and its work."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select

from ..extensions import db
from ..models import Brand, Callback, Customer, FleetEntry, NegotiationRound, Opportunity
from ..models.targets import Target
from ..vocab import N_
from .errors import DomainError

METRICS = {
    "new_own_old": N_("新建台帐：本品老客户"), "new_rival_old": N_("新建台帐：竞品老客户"), "new_new": N_("新建台帐：新客户"),
    "callbacks": N_("回访"), "follow_ups": N_("跟进洽谈"), "deals": N_("成交"), "rival_converted": N_("转化竞品客户"),
}
PERIODS = {"month": N_("月"), "quarter": N_("季度"), "year": N_("年")}


def period_bounds(period: str, any_day: date) -> tuple[date, date]:
    """The period containing any_day: (first day, last day)."""
    if period == "year":
        return date(any_day.year, 1, 1), date(any_day.year, 12, 31)
    if period == "quarter":
        first_month = 3 * ((any_day.month - 1) // 3) + 1
        start = date(any_day.year, first_month, 1)
        end_month = first_month + 2
    else:
        start, end_month = any_day.replace(day=1), any_day.month
    nxt = date(start.year + (end_month // 12), end_month % 12 + 1, 1)
    return start, nxt - timedelta(days=1)


def callbacks_done(org_ids: list[int], start: date, end: date) -> dict[int, int]:
    """Callbacks done in [start, end] per organisation: every recorded callback by the day it was
    done, planned or not, whenever its plan item was due. The one definition the targets page
    ("回访") and the dealer's dashboard ("本月完成") count by."""
    rows = db.session.execute(select(Callback.org_id, func.count()).where(
        Callback.org_id.in_(org_ids), Callback.done_on.between(start, end)).group_by(Callback.org_id))
    return {org_id: n for org_id, n in rows}


def progress(org_ids: list[int], start: date, end: date) -> dict[int, dict[str, int]]:
    """Actuals per organisation and metric for the period."""
    out = {o: dict.fromkeys(METRICS, 0) for o in org_ids}
    created = func.date(Customer.created_at)
    for org_id, segment, n in db.session.execute(
            select(Customer.org_id, Customer.segment, func.count()).where(
                Customer.org_id.in_(org_ids), created >= start, created <= end)
            .group_by(Customer.org_id, Customer.segment)):
        out[org_id][f"new_{segment}"] = n
    for org_id, n in callbacks_done(org_ids, start, end).items():
        out[org_id]["callbacks"] = n
    for metric, stmt in (
        ("follow_ups", select(NegotiationRound.org_id, func.count()).where(NegotiationRound.held_on.between(start, end))
         .group_by(NegotiationRound.org_id)),
        ("deals", select(Opportunity.org_id, func.count()).where(Opportunity.stage == "won",
                                                                 Opportunity.contract_on.between(start, end))
         .group_by(Opportunity.org_id)),
        # a deal with a customer who also runs a competitor's trucks: a rival customer converted
        ("rival_converted", select(Opportunity.org_id, func.count(distinct(Opportunity.customer_id)))
         .join(FleetEntry, FleetEntry.customer_id == Opportunity.customer_id)
         .join(Brand, Brand.id == FleetEntry.brand_id)
         .where(Opportunity.stage == "won", Opportunity.contract_on.between(start, end), Brand.is_own.is_(False))
         .group_by(Opportunity.org_id)),
    ):
        for org_id, n in db.session.execute(stmt.where(stmt.selected_columns[0].in_(org_ids))):
            out[org_id][metric] = n
    return out


def targets_for(org_ids: list[int], period: str, start: date) -> dict[int, dict[str, int]]:
    out = {o: {} for o in org_ids}
    for t in db.session.scalars(select(Target).where(Target.org_id.in_(org_ids), Target.period == period,
                                                     Target.starts_on == start)):
        out[t.org_id][t.metric] = t.value
    return out


def set_target(org, period: str, start: date, metric: str, value: int | None) -> None:
    row = db.session.scalar(select(Target).where(Target.org_id == org.id, Target.period == period,
                                                 Target.starts_on == start, Target.metric == metric))
    if value is None:
        if row is not None:
            db.session.delete(row)
        return
    if row is None:
        db.session.add(Target(network_id=org.network_id, org_id=org.id, period=period, starts_on=start,
                              metric=metric, value=value))
    else:
        row.value = value


class TargetError(DomainError):
    pass


def set_targets(org, period: str, start: date, posted) -> None:
    """Every metric's target as posted (blank: none), each a whole number up to 1,000,000; all or nothing."""
    values = {}
    for metric in METRICS:
        raw = (posted.get(metric) or "").strip()
        if raw and not (raw.isascii() and raw.isdecimal() and int(raw) <= 1_000_000):
            raise TargetError(_l("目标须为 0 到 1000000 之间的整数。"))
        values[metric] = int(raw) if raw else None
    for metric, value in values.items():
        set_target(org, period, start, metric, value)
