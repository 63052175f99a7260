"""Callback plans of large ledgers, generated off the request (100,000 customers: 200,000 items)."""
from __future__ import annotations

from datetime import date

from ..models import Organisation, User
from ..services.callbacks import CallbackError, generate_plan
from . import job, progress


@job("callback_plan", queue="default", timeout=1800)
def generate_callback_plan(session, record) -> dict:
    """The plan and its items in the job's one transaction. A plan the strategy refuses (nothing
    left to plan) is an answer for the user, recorded as the result, not a failure to retry."""
    p = record.params
    network_id, record_id = record.network_id, record.id
    # SQLite lets no second connection write while this transaction does: no progress there (the
    # embedded default runs jobs inline anyway, so nobody is watching)
    told = None if session.get_bind().dialect.name == "sqlite" else lambda n: progress(network_id, record_id, n)
    try:
        made = generate_plan(session.get(Organisation, record.org_id), title=p["title"],
                             starts_on=date.fromisoformat(p["starts_on"]), ends_on=date.fromisoformat(p["ends_on"]),
                             by=session.get(User, record.created_by_id),
                             progress=told)
    except CallbackError as exc:
        session.rollback()
        return {"answer": str(exc)}
    return {"plan_id": made.plan.id, "created": made.created, "assigned": made.assigned, "skipped": made.skipped,
            "overlapping": made.overlapping}
