"""Delivering notifications: after the commit that recorded them, on the `notifications` queue.

Not a @job: the deliveries table is its record (every attempt, per channel), so a JobRecord per
event would only double it. The session's after_commit listener takes the notifications the
transaction recorded (services.notify.tell keeps their ids in session.info) and enqueues one
job per network; without Redis it sends them inline, after the commit, in a session of its
own. A rollback forgets them. The job retries with backoff while a delivery failed.
"""
from __future__ import annotations

import os
from collections import defaultdict
from contextlib import contextmanager

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from ..extensions import db
from ..services.notify import PENDING
from ..services.notify.delivery import deliver
from ..tenancy import listen_once, use_network
from . import WORKER

QUEUE = "notifications"
RETRY_INTERVALS = [60, 300, 1800]


class DeliveryFailed(Exception):
    """Raised so RQ retries the job; deliveries already sent are not sent again."""


def init_app(app) -> None:
    listen_once(Session, "after_commit", _after_commit)
    listen_once(Session, "after_soft_rollback", _after_rollback)


def _after_commit(session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending or not has_app_context():
        return
    per_network = defaultdict(list)
    for network_id, note_id in pending:
        per_network[network_id].append(note_id)
    for network_id, ids in per_network.items():
        enqueue(network_id, ids)


def _after_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction: its notifications are gone
        session.info.pop(PENDING, None)


def enqueue(network_id: int, ids: list[int]) -> None:
    if current_app.config.get("JOBS_INLINE") or not current_app.config.get("REDIS_URL"):
        try:
            deliver_notifications(network_id, ids, retry=False)
        except Exception:  # the action has committed; a failed send is in the delivery log
            current_app.logger.exception("delivering notifications %s failed", ids)
        return
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue, Retry

    queue = Queue(QUEUE, connection=Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=5,
                                                    socket_connect_timeout=5))
    try:
        queue.enqueue(deliver_notifications, network_id, ids, job_timeout=300,
                      retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS))
    except RedisError as exc:  # in the centre already; the scheduler's tick sends what is left
        current_app.logger.warning("notifications %s not queued, Redis unreachable: %s", ids, exc)


@contextmanager
def _session(network_id: int):
    """An app context (a worker may have none) and a session of its own, bound to the network."""
    pushed = None
    if not has_app_context():
        from .. import create_app
        pushed = create_app().app_context()
        pushed.push()
    parent = WORKER["parent_pid"]
    if parent and os.getpid() != parent:
        db.engine.dispose(close=False)  # a forked work horse must not share the parent's connections
    try:
        with Session(db.engine) as session:
            use_network(session, network_id)
            session.info["actor"] = {"username": "job:notify"}
            yield session
    finally:
        if pushed is not None:
            pushed.pop()


def deliver_notifications(network_id: int, ids: list[int], retry: bool = True) -> None:
    with _session(network_id) as session:
        again = deliver(session, ids)
    if again and retry:
        raise DeliveryFailed(f"a delivery of notifications {ids} failed; RQ tries again")
