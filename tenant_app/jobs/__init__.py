"""Background jobs: RQ when REDIS_URL is set (run by `flask rq worker`), inline otherwise.

A job takes ids, never ORM objects; it opens its own session bound to its network,
records its state in `jobs` (JobRecord) for the UI, is safe to run twice, and writes
its outcome in one transaction, so a worker killed mid-run loses nothing: RQ retries it.
Every job is declared with `@job(kind, queue=..., timeout=...)`, which owns that skeleton.
A failure that running again cannot mend (a file refused, memory exhausted) is recorded
with a message for people and not retried (JobRefused). In `flask rq worker`'s work horse,
forked for each job, the address space is limited (JOB_MEMORY_LIMIT_MB).
"""
from __future__ import annotations

import functools
import importlib
import inspect
import os
import pkgutil
import resource
import traceback
from contextlib import contextmanager

from flask import current_app, has_app_context

from ..extensions import db
from ..models import JobRecord
from ..models.base import utcnow
from ..services.notify import events as notify_events
from ..tenancy import use_network
from ..vocab import N_

QUEUES = ("notifications", "reports", "default")  # a worker takes them in this order
WORKER = {"parent_pid": None}  # set by `flask rq worker`: its forked work horses reset the pool
DECLARED: dict = {}  # kind -> the job function; filled by @job as the job modules are imported


class JobRefused(Exception):
    """Raised by a job body for a failure that running again cannot mend (a file that breaks a
    bound or cannot be parsed): the job is recorded as failed with this message, an N_()
    msgid and its values (its page translates it), and is not retried."""

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message, self.params = message, params


OUT_OF_MEMORY = N_("处理时超出内存上限（%(n)s MB），已停止，未保存任何数据。文件可能过大或异常，请分批处理。")
KILLED = N_("任务已中断 %(n)s 次（可能超出内存或被系统终止），已停止重试，未保存任何数据。请分批处理或联系网络管理员。")
NO_MEMORY = N_("处理时内存不足，已停止，未保存任何数据。文件可能过大或异常，请分批处理。")


def job(kind: str, queue: str = "default", timeout: int = 1800, on_failure=None):
    """Declare a job of this kind, run on this queue with this timeout (seconds).

    The decorated body is called as body(session, record) with a fresh session bound to the
    record's network and the record marked running; the function it becomes is called as
    f(network_id, record_id), inline or by RQ (which imports it by its dotted name, so it
    must stay a module-level name). The body returns the job's result, recorded with the
    outcome in the body's transaction. A body with work for after that commit (queue the
    next jobs, remove a file) yields its result instead and does it after the yield; an
    error there propagates, but the outcome stays recorded. A finished job run again does
    nothing. An unexpected error rolls back, is recorded as the failure in a side
    session (then `on_failure(network_id, record_id)`, if given) and is raised again for
    RQ's retry; JobRefused and MemoryError are recorded likewise, with their message for
    people, and not raised again, so RQ does not retry them.
    """
    if queue not in QUEUES:
        raise ValueError(f"job {kind}: unknown queue {queue}")

    def declare(body):
        # RQ imports the job by module and name; the annotations stay run's own
        @functools.wraps(body, assigned=("__module__", "__name__", "__qualname__", "__doc__"))
        def run(network_id: int, record_id: int) -> None:
            with job_context(network_id) as session:
                record = start(session, record_id)
                if record is None:
                    return
                limit = limit_memory()
                try:
                    outcome = body(session, record)
                    after = outcome if inspect.isgenerator(outcome) else None
                    finish(session, record, next(after) if after is not None else outcome)
                except (JobRefused, MemoryError) as exc:
                    if isinstance(exc, MemoryError):
                        exc = JobRefused(OUT_OF_MEMORY, n=limit) if limit else JobRefused(NO_MEMORY)
                    session.rollback()
                    refuse(network_id, record_id, exc)
                    if on_failure is not None:
                        on_failure(network_id, record_id)
                    return
                except Exception as exc:
                    session.rollback()
                    fail(network_id, record_id, exc)
                    if on_failure is not None:
                        on_failure(network_id, record_id)
                    raise
                for _ in after or ():
                    raise TypeError(f"job {kind} yielded more than its result")

        run.__signature__ = inspect.signature(run, follow_wrapped=False)
        run.kind, run.queue, run.timeout = kind, queue, timeout
        known = DECLARED.get(kind)
        if known is not None and (known.__module__, known.__qualname__) != (run.__module__, run.__qualname__):
            raise ValueError(f"job {kind} is declared twice: {known.__module__}.{known.__qualname__}")
        DECLARED[kind] = run
        return run
    return declare


def enqueue(record: JobRecord, func=None, queue: str | None = None, timeout: int | None = None,
            again: bool = False) -> None:
    """Run func(network_id, record_id) now (inline) or on a worker, on the queue and with
    the timeout its @job declares (queue and timeout given here override them). Without
    func: the job declared for the record's kind. The caller has committed record."""
    func = func or runner(record.kind)
    if current_app.config.get("JOBS_INLINE") or not current_app.config.get("REDIS_URL"):
        func(record.network_id, record.id)
        return
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue, Retry

    intervals = current_app.config.get("JOB_RETRY_INTERVALS", [10, 60])
    q = Queue(queue or func.queue, connection=Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=5,
                                                            socket_connect_timeout=5))
    try:
        q.enqueue(func, record.network_id, record.id, job_timeout=timeout or func.timeout,
                  retry=Retry(max=2, interval=intervals),
                  job_id=rq_id(record) + (f"-again{record.attempts}" if again else ""))
    except RedisError as exc:
        # The record is committed as queued: the scheduler queues it again once Redis is back.
        current_app.logger.warning("job %s not queued, Redis unreachable: %s", rq_id(record), exc)
        for notify in DEFERRED:
            notify(record)


# Called with the record of a job Redis could not take (the web layer tells the user it will run later).
DEFERRED: list = []


def rq_id(record: JobRecord) -> str:
    return f"{record.kind}-{record.network_id}-{record.id}"


def runner(kind: str):
    """The job function that runs a record of this kind (its .queue and .timeout with it):
    for re-runs and the sweeper. The job modules declare their jobs as they are imported."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return DECLARED[kind]


def rerun(record: JobRecord) -> None:
    """Queue a failed (or lost) job again under a new RQ id (the old one may linger in RQ's
    registries); it resumes where it stopped, being idempotent."""
    func = runner(record.kind)
    record.status, record.error = "queued", ""
    db.session.commit()
    enqueue(record, func, again=True)


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


@contextmanager
def side_session(network_id: int):
    """A short transaction of its own beside the job's long one, committed when the block
    ends: progress, and a failure after the job's transaction was rolled back."""
    from sqlalchemy.orm import Session
    with Session(db.engine) as side:
        use_network(side, network_id)
        yield side
        side.commit()


def progress(network_id: int, record_id: int, value: int) -> None:
    """Visible at once: its own short transaction, beside the job's long one."""
    with side_session(network_id) as side:
        side.query(JobRecord).filter(JobRecord.id == record_id).update({"progress": value})


def finish(session, record: JobRecord, result: dict | None = None, error: str = "") -> None:
    record.status = "failed" if error else "done"
    if not error:
        record.progress = 100
    record.result, record.error, record.finished_at = result or {}, error[:4000], utcnow()
    (notify_events.job_failed if error else notify_events.job_finished)(record, session)
    session.commit()


def fail(network_id: int, record_id: int, exc: BaseException) -> None:
    """Record an unexpected error (the job's own transaction was rolled back), then re-raise for RQ."""
    with side_session(network_id) as side:
        record = side.get(JobRecord, record_id)
        if record is not None:
            record.status, record.finished_at = "failed", utcnow()
            record.error = "".join(traceback.format_exception_only(type(exc), exc))[:4000]
            notify_events.job_failed(record, side)


def refuse(network_id: int, record_id: int, exc: JobRefused) -> None:
    """Record a refusal: failed, its message in the result for the page to translate, and in
    Chinese (the source language) as the error for logs and the command line."""
    from flask_babel import force_locale, gettext

    with force_locale("zh_CN"):
        text = gettext(exc.message, **exc.params)
    with side_session(network_id) as side:
        record = side.get(JobRecord, record_id)
        if record is not None:
            record.status, record.finished_at, record.error = "failed", utcnow(), text[:4000]
            record.result = {**(record.result or {}), "refused": [exc.message, exc.params]}
            notify_events.job_failed(record, side)


def limit_memory() -> int | None:
    """In `flask rq worker`'s work horse (forked for one job, gone after it), lower the soft
    limit of the address space to JOB_MEMORY_LIMIT_MB: past it an allocation fails with
    MemoryError in this job only. Not inline: that would bound a web process and its threads.
    The limit in MB, or None where none was set."""
    mb = current_app.config.get("JOB_MEMORY_LIMIT_MB") or 0
    parent = WORKER["parent_pid"]
    if mb <= 0 or not parent or os.getpid() == parent:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or wanted < soft:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    return mb
