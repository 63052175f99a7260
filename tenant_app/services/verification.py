"""Drawing and checking samples of a dealer's recorded callbacks."""
from __future__ import annotations

import random
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import Callback
from ..models.base import utcnow
from ..models.verification import CallbackCheck, VerificationSample
from .errors import DomainError

STATUSES = ("confirmed", "not_confirmed")


class VerificationError(DomainError):
    pass


def draw_sample(org, *, starts_on: date, ends_on: date, size: int, by, rng: random.Random | None = None):
    """A uniform random sample of the callbacks the dealer recorded in the period."""
    if ends_on < starts_on:
        raise VerificationError(_l("结束日期不能早于开始日期。"))
    if not 1 <= size <= 200:
        raise VerificationError(_l("抽样数量须在 1 到 200 之间。"))
    ids = db.session.scalars(select(Callback.id).where(Callback.org_id == org.id,
                                                       Callback.done_on.between(starts_on, ends_on))).all()
    if not ids:
        raise VerificationError(_l("该期间没有回访记录可抽查。"))
    chosen = (rng or random.SystemRandom()).sample(sorted(ids), min(size, len(ids)))
    sample = VerificationSample(network_id=org.network_id, org_id=org.id, starts_on=starts_on, ends_on=ends_on,
                                size=len(chosen), drawn_by_id=by.id)
    sample.checks = [CallbackCheck(network_id=org.network_id, org_id=org.id, callback_id=cid) for cid in chosen]
    db.session.add(sample)
    return sample


def mark(check: CallbackCheck, status: str, note: str, by) -> None:
    if status not in STATUSES:
        raise VerificationError(_l("请选择核实结果。"))
    check.status, check.note, check.checked_by_id, check.checked_at = status, note.strip()[:1000], by.id, utcnow()


def confirmation_rate(org_id: int, starts_on: date | None = None, ends_on: date | None = None) -> tuple[int, int]:
    """(confirmed, checked) over the org's checks, optionally for callbacks in a period."""
    stmt = (select(CallbackCheck.status, func.count()).join(Callback, Callback.id == CallbackCheck.callback_id)
            .where(CallbackCheck.org_id == org_id, CallbackCheck.status.in_(STATUSES)))
    if starts_on and ends_on:
        stmt = stmt.where(Callback.done_on.between(starts_on, ends_on))
    counts = dict(db.session.execute(stmt.group_by(CallbackCheck.status)).all())
    return counts.get("confirmed", 0), sum(counts.values())
