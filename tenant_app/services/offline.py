"""Callbacks recorded on a phone without a connection, sent when it returns (static/offline.js).

The phone makes up a client id per record; the first replay of (user, client id) records the
callback through the same service as the form, with the phone's time on the callback and its
check-in; a later replay of the same id answers what the first one did. A replay whose plan
item was done or reassigned meanwhile, or that is older than MAX_AGE, is kept as a conflict
with its reason, and the phone shows it: nothing recorded offline is silently dropped."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import CallbackItem, Customer, OfflineReplay
from ..models.base import utcnow
from ..policies import can
from . import callbacks as cbs
from . import visits

MAX_AGE = timedelta(days=7)
CLIENT_ID = re.compile(r"^[A-Za-z0-9-]{8,40}$")


class ReplayError(ValueError):
    """The replay itself is malformed (400), as opposed to a conflict (kept, 409)."""


def recorded_time(text) -> datetime:
    """The phone's ISO time (2026-12-05T07:30:00.000Z) as naive UTC, never in the future."""
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        raise ReplayError("recorded_at is not an ISO time") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return min(moment, utcnow())


def known(user, client_id: str) -> OfflineReplay | None:
    return db.session.scalar(select(OfflineReplay).where(OfflineReplay.user_id == user.id,
                                                         OfflineReplay.client_id == client_id))


def replay(user, client_id: str, customer: Customer, item: CallbackItem | None, data: dict, geo: dict,
           recorded_at: datetime, store: str) -> OfflineReplay:
    """Record it, or keep it as a conflict; the caller commits (and catches the unique key of a
    racing second replay)."""
    reason = ""
    if recorded_at < utcnow() - MAX_AGE:
        reason = _l("离线记录已超过 7 天，不能再同步，请重新录入。")
    elif item is not None and item.status != "planned":
        reason = _l("该回访项在离线期间已经完成（可能由同事记录）。")
    elif item is not None and not can(user, "record", item):
        reason = _l("该回访项在离线期间已改派给他人。")
    row = OfflineReplay(org_id=user.org_id, user_id=user.id, client_id=client_id, recorded_at=recorded_at,
                        status="conflict" if reason else "recorded", reason=str(reason))
    if not reason:
        made = cbs.record_callback(customer, user, data, item)
        made.created_at = recorded_at
        db.session.flush()
        visits.check_in(made, customer, status=str(geo.get("status") or ""), lat=geo.get("lat"), lon=geo.get("lon"),
                        accuracy=geo.get("accuracy"), store=store, recorded_at=recorded_at)
        row.callback_id = made.id
    db.session.add(row)
    db.session.flush()
    return row
