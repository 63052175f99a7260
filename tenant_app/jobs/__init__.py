"""Background jobs: RQ when REDIS_URL is set (run by `flask rq worker`), inline otherwise.

A job takes ids, never ORM objects; it opens its own session bound to its network,
records its state in `jobs` (JobRecord) for the UI, is safe to run twice, and writes
its outcome in one transaction, so a worker killed mid-run loses nothing: RQ retries it.
"""
from __future__ import annotations

import os
import traceback
from contextlib import contextmanager

from flask import current_app, has_app_context

from ..extensions import db
from ..models import JobRecord
from ..models.base import utcnow
from ..tenancy import use_network

QUEUES = ("reports", "default")
WORKER = {"parent_pid": None}  # set by `flask rq worker`: its forked work horses reset the pool


def enqueue(record: JobRecord, func, queue: str = "default", timeout: int = 1800, again: bool = False) -> None:
    """Run func(network_id, record_id) now (inline) or on a worker. The caller has committed record."""
    if current_app.config.get("JOBS_INLINE") or not current_app.config.get("REDIS_URL"):
        func(record.network_id, record.id)
        return
    from redis import Redis
    from rq import Queue, Retry

    intervals = current_app.config.get("JOB_RETRY_INTERVALS", [10, 60])
    q = Queue(queue, connection=Redis.from_url(current_app.config["REDIS_URL"]))
    q.enqueue(func, record.network_id, record.id, job_timeout=timeout, retry=Retry(max=2, interval=intervals),
              job_id=rq_id(record) + (f"-again{record.attempts}" if again else ""))


def rq_id(record: JobRecord) -> str:
    return f"{record.kind}-{record.network_id}-{record.id}"


def runner(kind: str):
    """(function, queue) that runs a job record of this kind: for re-runs and the sweeper."""
    from . import ledger, scorecards
    return {"ledger_check": (ledger.check_ledger_file, "default"),
            "ledger_import": (ledger.import_ledger_file, "default"),
            "evaluate": (scorecards.evaluate_period, "reports"),
            "scorecard_pdfs": (scorecards.render_pdfs, "reports")}[kind]


def rerun(record: JobRecord) -> None:
    """Queue a failed (or lost) job again under a new RQ id (the old one may linger in RQ's
    registries); it resumes where it stopped, being idempotent."""
    func, queue = runner(record.kind)
    record.status, record.error = "queued", ""
    db.session.commit()
    enqueue(record, func, queue, again=True)


@contextmanager
def job_context(network_id: int):
    """An app context (a worker may have none) with a fresh session bound to the network."""
    pushed = None
    if not has_app_context():
        from .. import create_app
        pushed = create_app().app_context()
        pushed.push()
    parent = WORKER["parent_pid"]
    if parent and os.getpid() != parent:
        db.engine.dispose(close=False)  # a forked child must not share the parent's connections
    session = db.session()
    previous = session.info.get("network_id")
    try:
        use_network(session, network_id)
        session.info["actor"] = {"username": "job"}
        yield session
    finally:
        session.rollback()
        use_network(session, previous)
        if pushed is not None:
            db.session.remove()
            pushed.pop()


def start(session, record_id: int) -> JobRecord | None:
    """Mark a job running; None if it already succeeded (a second run does nothing).
    A failed job runs again: RQ's retry, or the user's "run again"."""
    record = session.get(JobRecord, record_id)
    if record is None or record.status == "done":
        return None
    record.status, record.started_at, record.attempts = "running", utcnow(), record.attempts + 1
    actor = record.created_by_id
    session.info["actor"] = {"user_id": actor, "username": f"job:{record.kind}", "org_id": record.org_id}
    session.commit()
    return record


def progress(network_id: int, record_id: int, value: int) -> None:
    """Visible at once: its own short transaction, beside the job's long one."""
    from sqlalchemy.orm import Session
    with Session(db.engine) as side:
        use_network(side, network_id)
        side.query(JobRecord).filter(JobRecord.id == record_id).update({"progress": value})
        side.commit()


def finish(session, record: JobRecord, result: dict | None = None, error: str = "") -> None:
    record.status = "failed" if error else "done"
    if not error:
        record.progress = 100
    record.result, record.error, record.finished_at = result or {}, error[:4000], utcnow()
    session.commit()


def fail(network_id: int, record_id: int, exc: BaseException) -> None:
    """Record an unexpected error (the job's own transaction was rolled back), then re-raise for RQ."""
    from sqlalchemy.orm import Session
    with Session(db.engine) as side:
        use_network(side, network_id)
        record = side.get(JobRecord, record_id)
        if record is not None:
            record.status, record.finished_at = "failed", utcnow()
            record.error = "".join(traceback.format_exception_only(type(exc), exc))[:4000]
            side.commit()
