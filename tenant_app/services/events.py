"""Marketing events: organise, invite customers of the own ledger, record attendance; the
leads, deals and expenses that came from an event, against its budget."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import Customer, EventGuest, Expense, MarketingEvent, Opportunity
from ..vocab import EVENT_KINDS
from .errors import DomainError

MAX_GUESTS = 500


class EventError(DomainError):
    pass


def create(org, *, kind: str, title: str, held_on: date, place: str, budget, notes: str, by) -> MarketingEvent:
    if kind not in EVENT_KINDS:
        raise EventError(_l("请选择活动类型。"))
    event = MarketingEvent(network_id=org.network_id, org_id=org.id, kind=kind, title=title.strip()[:120],
                           held_on=held_on, place=place.strip()[:120], budget=budget or 0, notes=notes.strip(),
                           created_by_id=by.id)
    db.session.add(event)
    return event


def invite(event: MarketingEvent, customer_ids: list[int]) -> int:
    """Customers of the organiser's own ledger; those invited already are skipped."""
    wanted = set(customer_ids) - {g.customer_id for g in event.guests}
    if not wanted:
        return 0
    if len(event.guests) + len(wanted) > MAX_GUESTS:  # before asking the database about that many ids
        raise EventError(_l("一次活动最多邀请 %(n)s 位客户。", n=MAX_GUESTS))
    own = set(db.session.scalars(select(Customer.id).where(Customer.id.in_(wanted), Customer.org_id == event.org_id)))
    if own != wanted:
        raise EventError(_l("只能邀请本机构台帐中的客户。"))
    for cid in sorted(own):
        event.guests.append(EventGuest(network_id=event.network_id, org_id=event.org_id, customer_id=cid))
    return len(own)


def record_attendance(event: MarketingEvent, attended_ids: set[int], today: date) -> None:
    if event.held_on > today:
        raise EventError(_l("活动尚未举行，不能登记出席。"))
    for guest in event.guests:
        guest.attended = guest.customer_id in attended_ids


def link(record, event_id: int | None, own_event_ids: set[int]) -> None:
    """An opportunity or an expense said to come from one of the organisation's own events (None: from none)."""
    if event_id and event_id not in own_event_ids:
        raise EventError(_l("请选择本机构的活动。"))
    record.event_id = event_id or None


def results(event: MarketingEvent) -> dict:
    """Leads and deals that came from the event, and what it cost against its budget."""
    leads = db.session.execute(select(func.count(Opportunity.id),
                                      func.count(Opportunity.id).filter(Opportunity.stage == "won"))
                               .where(Opportunity.event_id == event.id)).one()
    spent = db.session.scalar(select(func.coalesce(func.sum(Expense.amount), 0)).where(
        Expense.event_id == event.id, Expense.status != "rejected"))
    return {"invited": len(event.guests), "attended": sum(1 for g in event.guests if g.attended),
            "leads": leads[0], "deals": leads[1], "spent": float(spent or 0), "budget": float(event.budget or 0)}
