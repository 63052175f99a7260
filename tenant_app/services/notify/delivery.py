"""Sending notifications on the channels each person chose, after the action has committed.

For every notification and every channel its recipient chose for its kind (beyond the
notification centre, which the row itself is), one `deliveries` row: at most one per
notification and channel, so an event processed twice is sent once. A delivery is
- sent now (on a shared channel, a group robot, one post for the same event told to several
  people of one organisation, naming them all: `send_together`), or held until the quiet hours end or until the person's digest hour (then the
  held ones go out together, one message per person and channel: `flush_held`);
- skipped, and logged so, when the channel is not configured or the person has no address
  on it (nothing pretends a message went out);
- failed with the channel's error, tried again with backoff (RQ's retry, and the scheduler's
  tick for what is left) up to MAX_ATTEMPTS. One channel failing holds back no other.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ...models import Delivery, Notification
from ...models.base import utcnow
from . import in_quiet_hours, next_hour, preferences
from .channels import CHANNELS, ChannelError, Message, mask_address

MAX_ATTEMPTS = 4
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))  # before attempts 2, 3, 4


def deliver(session, ids, now: datetime | None = None) -> bool:
    """Send these notifications where their recipients want them. True when a delivery failed
    and may be tried again (the job raises then, for RQ's retry with backoff)."""
    now = now or utcnow()
    again = False
    notes = session.scalars(select(Notification).where(Notification.id.in_(list(ids)))
                            .options(joinedload(Notification.user)).order_by(Notification.id)).all()
    together = defaultdict(list)  # a group robot's posts: (org, channel, kind, key) -> [(note, row)]
    for note in notes:
        prefs = preferences(note.user, session)
        for name in prefs["channels"].get(note.kind, []):
            channel = CHANNELS.get(name)
            if channel is None or name == "inapp":
                continue
            row = _delivery(session, note, name, now)
            if row.status in ("sent", "skipped") or row.attempts >= MAX_ATTEMPTS:
                continue
            if row.status == "queued" and row.due_at is not None and row.due_at > now:
                continue  # held: flush_held sends it
            if row.attempts == 0 and row.due_at is None:
                hold = next_hour(prefs["digest_hour"], now) if prefs["digest_hour"] is not None \
                    else in_quiet_hours(prefs, now)
                if hold is not None:
                    row.due_at = hold
                    session.commit()
                    continue
            if channel.shared:
                together[(note.org_id, name, note.kind, note.key)].append((note, row))
                continue
            again |= send(session, channel, note.user, [note], [row], now)
    for (_org, name, _kind, _key), members in together.items():
        again |= send_together(session, CHANNELS[name], members, now)
    return again


def _delivery(session, note, channel: str, now) -> Delivery:
    """The delivery of note on channel, made once (two workers racing make one)."""
    row = session.scalar(select(Delivery).where(Delivery.notification_id == note.id, Delivery.channel == channel))
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = Delivery(network_id=note.network_id, notification_id=note.id, channel=channel, at=now)
            session.add(row)
    except IntegrityError:
        row = session.scalar(select(Delivery).where(Delivery.notification_id == note.id, Delivery.channel == channel))
    return row


def message_for(user, notes) -> Message:
    """One notification, or several held ones together, in the recipient's language."""
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    with force_locale(user.locale or "zh_CN"):
        network = user.network.name
        if len(notes) == 1:
            note = notes[0]
            return Message(subject=f"【{network}】{note.title}", text=note.body,
                           link=base + note.link if note.link else base + "/notifications",
                           locale=user.locale or "zh_CN")
        return Message(subject=str(_l("【%(network)s】%(n)s 条新通知", network=network, n=len(notes))),
                       text=str(_l("%(name)s，您好：以下是等待您处理的事项。", name=user.name)),
                       link=base + "/notifications",
                       items=[(n.title, n.body, base + n.link if n.link else base + "/notifications") for n in notes],
                       locale=user.locale or "zh_CN")


def send(session, channel, user, notes, rows, now) -> bool:
    """Send notes to user as one message on channel, logging it on each of their rows; True
    when it failed and may be tried again."""
    address = channel.address(user)
    if not channel.configured(user.org) or not address:
        why = "channel not configured" if address else "no address for this user"
        for row in rows:
            row.status, row.error, row.at = "skipped", why, now
        session.commit()
        return False
    for row in rows:
        row.recipient, row.attempts, row.at = mask_address(address), row.attempts + 1, now
    try:
        channel.send(message_for(user, notes), address, org=user.org)
    except ChannelError as exc:
        for row in rows:
            row.status, row.error = "failed", str(exc)[:1000]
        session.commit()
        current_app.logger.warning("notification on %s to user %s failed: %s", channel.name, user.id, exc)
        return any(row.attempts < MAX_ATTEMPTS for row in rows)
    for row in rows:
        row.status, row.error = "sent", ""
    session.commit()
    return False


def send_together(session, channel, members, now) -> bool:
    """One post to an organisation's group (a shared channel) for one event told to several of its
    people, naming them all, logged on each one's row; True when it failed and may be tried again."""
    user = members[0][0].user
    if not channel.configured(user.org):
        for _note, row in members:
            row.status, row.error, row.at = "skipped", "channel not configured", now
        session.commit()
        return False
    names = [channel.address(note.user) for note, _row in members]
    for (_note, row), name in zip(members, names):
        row.recipient, row.attempts, row.at = mask_address(name), row.attempts + 1, now
    try:
        channel.send(message_for(user, [members[0][0]]), "\n".join(n for n in names if n), org=user.org)
    except ChannelError as exc:
        for _note, row in members:
            row.status, row.error = "failed", str(exc)[:1000]
        session.commit()
        current_app.logger.warning("notification on %s to users %s failed: %s", channel.name,
                                   [note.user_id for note, _row in members], exc)
        return any(row.attempts < MAX_ATTEMPTS for _note, row in members)
    for _note, row in members:
        row.status, row.error = "sent", ""
    session.commit()
    return False


def flush_held(session, now: datetime | None = None) -> int:
    """Held deliveries whose hour has come: one message per person and channel. How many sent."""
    now = now or utcnow()
    rows = session.scalars(select(Delivery).where(Delivery.status == "queued", Delivery.due_at <= now)
                           .options(joinedload(Delivery.notification).joinedload(Notification.user))
                           .order_by(Delivery.id)).all()
    groups = defaultdict(list)
    for row in rows:
        groups[(row.notification.user_id, row.channel)].append(row)
    sent = 0
    for (_user_id, name), group in groups.items():
        channel = CHANNELS.get(name)
        if channel is None:
            continue
        send(session, channel, group[0].notification.user, [r.notification for r in group], group, now)
        sent += sum(r.status == "sent" for r in group)
    return sent


UNSENT_AFTER, UNSENT_WITHIN = timedelta(minutes=2), timedelta(days=1)


def deliver_unsent(session, now: datetime | None = None) -> int:
    """Notifications recorded but never handed to their channels (Redis was down when the action
    committed, or the worker died before it began): sent now, once past a short grace, for a
    day. How many notifications were taken up."""
    now = now or utcnow()
    started = select(Delivery.notification_id)
    notes = session.scalars(select(Notification).where(
        Notification.created_at <= now - UNSENT_AFTER, Notification.created_at > now - UNSENT_WITHIN,
        Notification.id.not_in(started)).options(joinedload(Notification.user)).order_by(Notification.id)).all()
    chosen, ids = {}, []
    for note in notes:
        if note.user_id not in chosen:
            chosen[note.user_id] = preferences(note.user, session)["channels"]
        if any(name != "inapp" and name in CHANNELS for name in chosen[note.user_id].get(note.kind, [])):
            ids.append(note.id)
    if ids:
        deliver(session, ids, now)
    return len(ids)


def retry_failed(session, now: datetime | None = None) -> int:
    """Failed deliveries whose backoff has passed, tried again (without Redis there is no RQ retry)."""
    now = now or utcnow()
    due = [r for r in session.scalars(select(Delivery).where(Delivery.status == "failed",
                                                            Delivery.attempts < MAX_ATTEMPTS))
           if r.at + BACKOFF[min(r.attempts, len(BACKOFF)) - 1] <= now]
    if due:
        deliver(session, {r.notification_id for r in due}, now)
    return len(due)
