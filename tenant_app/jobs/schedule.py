"""The scheduler's tick (`flask scorecards scheduler` runs it every minute; systemd keeps
that process alive). Its state is the database, so it survives restarts of itself, the
workers and Redis:
- evaluates each network's last ended period once the configured day has come;
- queues PDFs that no job is rendering (a render finished beside an appeal, say);
- queues again any job the database says is queued or running but RQ has lost: Redis
  restarted empty, or a worker died with the job (its heartbeat stopped);
- removes ledger uploads checked but not confirmed within a day (jobs.ledger), and ledger
  exports a day old (jobs.exports);
- gives up a job lost MAX_STARTS times (a work horse killed outright leaves no failure behind);
- notifications: escalates hot alerts past their deadline, records each person's daily digest of
  callbacks at their hour and today's next steps and tasks (each once a day: their keys name the
  day), sends deliveries held for quiet hours or digests, tries failed ones again, and sends
  what was recorded but never queued (Redis down when the action committed);
- takes a large network's overview and census figures every 15 minutes (services.supervision).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Evaluation, EvaluationSchedule, JobRecord, Network
from ..models.base import utcnow
from ..services import scorecards as service
from ..tenancy import use_network
from . import KILLED, JobRefused, enqueue, refuse, rerun, rq_id
from .exports import expire_exports
from .ledger import expire_uploads
from .scorecards import plan_renders, render_pdfs, start_evaluation

GRACE = timedelta(seconds=60)       # a job younger than this may not have reached Redis yet
HEARTBEAT_LOST = timedelta(seconds=150)  # RQ's work horse heartbeats every 30 s or so
# starts after which a lost job is given up: a work horse killed outright (the kernel's OOM
# killer) leaves no failure behind, and queueing it again every minute would never end
MAX_STARTS = 5


def tick(today: date | None = None, now: datetime | None = None) -> list[str]:
    today = today or date.today()
    now = now or utcnow()
    said = []
    redis = _redis()
    actor = db.session.info.get("actor")  # the caller's (the scheduler's label), for the audit log
    # db.session is scoped to the app context: a new context is a fresh session, one for the
    # list and one per network, so no identity map hands one network's objects to another
    with current_app.app_context():
        networks = db.session.execute(select(Network.id, Network.code).where(Network.status == "active")
                                      .order_by(Network.id)).all()
    for network in networks:
        with current_app.app_context():
            use_network(db.session, network.id)
            if actor is not None:
                db.session.info["actor"] = dict(actor)
            said += _due_evaluation(network, today)
            said += _unrendered(network)
            said += expire_uploads(network)
            said += expire_exports(network)
            said += _notifications(network, now)
            said += _supervision(network, now)
            if redis is not None:
                said += _lost_jobs(network, redis)
    return said


def _due_evaluation(network, today) -> list[str]:
    schedule = db.session.scalar(select(EvaluationSchedule))
    if schedule is None or not schedule.period_kind or today.day < schedule.day:
        return []
    evaluation, created = service.open_evaluation(network.id, service.last_ended(schedule.period_kind, today))
    if not created:
        return []
    start_evaluation(evaluation, None)
    return [f"{network.code}: evaluating {evaluation.period}"]


def _unrendered(network) -> list[str]:
    said = []
    for evaluation in db.session.scalars(select(Evaluation).where(Evaluation.status == "issued")).all():
        parts = plan_renders(evaluation, None)
        if parts:
            db.session.commit()
            for part in parts:
                enqueue(part, render_pdfs)
            said.append(f"{network.code}: rendering {evaluation.period} in {len(parts)} jobs")
    return said


def _notifications(network, now) -> list[str]:
    from ..services.notify import daily, delivery
    alerts = daily.escalations(db.session, now)
    digests = daily.digests(db.session, now)
    due = daily.due_today(db.session, now)
    db.session.commit()  # recorded; the after-commit listener sends them
    held = delivery.flush_held(db.session, now)
    retried = delivery.retry_failed(db.session, now)
    unsent = delivery.deliver_unsent(db.session, now)
    return [f"{network.code}: notifications: {len(alerts)} alerts past deadline, {len(digests)} digests, "
            f"{due} due today, {held} held sent, {retried} retried, {unsent} never queued sent"] \
        if alerts or digests or due or held or retried or unsent else []


def _supervision(network, now) -> list[str]:
    from ..services import supervision
    if not supervision.needs_snapshot(now):
        return []
    taken = supervision.take_snapshot(now)
    db.session.commit()
    return [f"{network.code}: overview and census figures taken in {taken.seconds:.1f} s"]


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url or current_app.config.get("JOBS_INLINE"):
        return None
    from redis import Redis
    return Redis.from_url(url)


def _lost_jobs(network, redis) -> list[str]:
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    said = []
    cutoff = utcnow() - GRACE
    for record in db.session.scalars(select(JobRecord).where(JobRecord.status.in_(("queued", "running")),
                                                             JobRecord.created_at < cutoff)).all():
        ids = [rq_id(record)] + [f"{rq_id(record)}-again{n}" for n in range(record.attempts, -1, -1)]
        alive = False
        for job_id in ids:
            try:
                job = Job.fetch(job_id, connection=redis)
            except NoSuchJobError:
                continue
            status = job.get_status()
            beat = job.last_heartbeat
            stale = status == JobStatus.STARTED and beat is not None and \
                datetime.now(timezone.utc) - beat.replace(tzinfo=beat.tzinfo or timezone.utc) > HEARTBEAT_LOST
            if status in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED) or \
                    (status == JobStatus.STARTED and not stale):
                alive = True
                break
        if not alive and record.attempts >= MAX_STARTS:
            refuse(network.id, record.id, JobRefused(KILLED, n=record.attempts))
            db.session.expire(record)
            said.append(f"{network.code}: job {record.id} ({record.kind}) was lost {record.attempts} times; given up")
        elif not alive:
            rerun(record)
            said.append(f"{network.code}: job {record.id} ({record.kind}) was lost; queued again")
    return said
