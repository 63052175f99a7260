"""What the scheduler's tick tells people once a day: callbacks due tomorrow and overdue (a
digest per person, at their hour), opportunities' next steps and after-sale tasks due today,
and hot alerts past their deadline (escalated). Each event's key names the day (or the
deadline), so ticking every minute tells each person once.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...models import AfterSaleTask, CallbackItem, HotAlert, NegotiationRound, ServiceCallback, User
from . import DEFAULT_DIGEST_HOUR, events, local, preferences, recipients


def callback_counts(session, today) -> dict[int, list[int]]:
    """user id -> [due tomorrow, overdue]: a dealer's or builder's plan items assigned to them, and
    a station's open service callbacks (for each of its people)."""
    tomorrow = today + timedelta(days=1)
    counts = defaultdict(lambda: [0, 0])
    for who, due_on, n in session.execute(
            select(CallbackItem.assignee_id, CallbackItem.due_on, func.count())
            .where(CallbackItem.status == "planned", CallbackItem.assignee_id.is_not(None),
                   CallbackItem.due_on <= tomorrow)
            .group_by(CallbackItem.assignee_id, CallbackItem.due_on)):
        if due_on != today:  # today's are on today's list already
            counts[who][0 if due_on == tomorrow else 1] += n
    stations = defaultdict(lambda: [0, 0])
    for org_id, due_on, n in session.execute(
            select(ServiceCallback.org_id, ServiceCallback.due_on, func.count())
            .where(ServiceCallback.status == "due", ServiceCallback.due_on <= tomorrow)
            .group_by(ServiceCallback.org_id, ServiceCallback.due_on)):
        if due_on != today:
            stations[org_id][0 if due_on == tomorrow else 1] += n
    if stations:
        for person in recipients(session, User.org_id.in_(list(stations))):
            for i in (0, 1):
                counts[person.id][i] += stations[person.org_id][i]
    return {k: v for k, v in counts.items() if any(v)}


def digests(session, now: datetime, any_hour: bool = False, dry_run: bool = False) -> list[tuple]:
    """Today's callback digests of the people whose hour has come (any_hour: all of them).
    [(user, due tomorrow, overdue)]; with dry_run nothing is recorded."""
    here = local(now)
    today = here.date()
    counts = callback_counts(session, today)
    out = []
    for person in (recipients(session, User.id.in_(list(counts))) if counts else []):
        hour = preferences(person, session)["digest_hour"]
        if not any_hour and here.hour < (DEFAULT_DIGEST_HOUR if hour is None else hour):
            continue
        tomorrow, overdue = counts[person.id]
        out.append((person, tomorrow, overdue))
        if not dry_run:
            events.callbacks_due(person, today, tomorrow, overdue)
    return out


def due_today(session, now: datetime) -> int:
    """Next steps of open opportunities and after-sale tasks due today, each told once."""
    today = local(now).date()
    n = 0
    for step in session.scalars(select(NegotiationRound).where(NegotiationRound.next_on == today)
                                .options(joinedload(NegotiationRound.opportunity))):
        opp = step.opportunity
        if opp is not None and opp.is_open and opp.owner_id:
            events.next_step_due(opp, step)
            n += 1
    for task in session.scalars(select(AfterSaleTask).where(AfterSaleTask.status == "open",
                                                            AfterSaleTask.due_on == today,
                                                            AfterSaleTask.assignee_id.is_not(None))):
        events.task_due(task)
        n += 1
    return n


def escalations(session, now: datetime) -> list:
    """Open hot alerts past their deadline: escalated once per deadline."""
    today = local(now).date()
    alerts = session.scalars(select(HotAlert).where(HotAlert.status == "open", HotAlert.deadline < today)
                             .order_by(HotAlert.id)).all()
    for alert in alerts:
        events.alert_overdue(alert)
    return alerts

