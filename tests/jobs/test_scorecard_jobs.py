"""Scorecard jobs on real Redis with a real worker process: a period evaluated and rendered
by `flask rq worker`, whose work horse is killed mid-render and loses nothing; and the
scheduler queueing again what Redis lost."""
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tenant_app.models import Evaluation, JobRecord, Scorecard
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="the embedded run has no Redis; CI runs this with Redis")


def children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(entry.name))
    return out


def _wait(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def redis_jobs(app):
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(REDIS_URL)
    for name in ("reports", "default"):
        Queue(name, connection=connection).empty()
    app.config["JOBS_INLINE"] = False
    try:
        yield connection
    finally:
        app.config["JOBS_INLINE"] = True


def _state(in_network, net, evaluation_id):
    with in_network(net) as s:
        cards = s.scalars(select(Scorecard).where(Scorecard.evaluation_id == evaluation_id)).all()
        jobs = s.scalars(select(JobRecord).where(JobRecord.kind == "scorecard_pdfs")
                         .where(JobRecord.params["evaluation_id"].as_integer() == evaluation_id)).all()
        evaluation = s.get(Evaluation, evaluation_id)
        return ([(c.revision, c.pdf_revision, c.pdf_path, c.pdf_sha256) for c in cards],
                [(j.id, j.status, j.attempts, j.progress) for j in jobs],
                (evaluation.status, evaluation.ranking_pdf_revision, evaluation.ranking_revision))


def test_a_worker_killed_mid_render_loses_nothing(app, world, in_network, redis_jobs, person, tmp_path):
    from tenant_app.extensions import db
    from tenant_app.jobs.scorecards import start_evaluation
    from tenant_app.reports.pdf import read_checked
    from tenant_app.services.scorecards import open_evaluation
    from tenant_app.tenancy import use_network

    net = world["networks"]["liuqi"]
    env = dict(os.environ, FLASK_APP="wsgi", REDIS_URL=REDIS_URL, JOB_RETRY_INTERVALS="0",
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], REPORTS_DIR=app.config["REPORTS_DIR"])
    log = tmp_path / "worker.log"
    worker = subprocess.Popen([sys.executable, "-m", "flask", "rq", "worker", "reports"], env=env,
                              cwd=Path(__file__).parents[2], stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        time.sleep(3)  # the worker and its scheduler process are up: what is forked later is a work horse
        baseline = children(worker.pid)
        with app.app_context():
            use_network(db.session, net)
            evaluation, _ = open_evaluation(net, "2018-Q2")
            db.session.commit()
            evaluation_id = evaluation.id
            start_evaluation(evaluation, person("admin").id)
            db.session.remove()

        def rendering_started():
            cards, jobs, _ = _state(in_network, net, evaluation_id)
            return jobs and any(s == "running" for _, s, _, _ in jobs) and \
                any(r == p for r, p, _, _ in cards) and not all(r == p for r, p, _, _ in cards)
        _wait(rendering_started, 120, "the first PDFs")
        horses = children(worker.pid) - baseline
        assert horses, "a work horse is rendering"
        for pid in horses:
            os.kill(pid, signal.SIGKILL)

        def all_rendered():
            cards, jobs, ev = _state(in_network, net, evaluation_id)
            return all(r == p for r, p, _, _ in cards) and jobs and all(s == "done" for _, s, _, _ in jobs) \
                and ev[1] == ev[2] and (cards, jobs)
        cards, jobs = _wait(all_rendered, 180, "the rest after the kill")
        assert any(attempts >= 2 for _, _, attempts, _ in jobs), "the killed job ran again"
        folder = Path(cards[0][2]).parent
        assert sorted(p.name for p in folder.glob("*.pdf")) == sorted(
            [Path(c[2]).name for c in cards] + ["ranking-r1.pdf"]), "one file per scorecard, no duplicates"
        assert not list(folder.glob("*.part")), "no half-written file left"
        assert all(read_checked(path, digest) for _, _, path, digest in cards)
        # evaluated again: same scorecards, nothing re-rendered
        with app.app_context():
            use_network(db.session, net)
            start_evaluation(db.session.get(Evaluation, evaluation_id), None)
            db.session.remove()
        _wait(lambda: _state(in_network, net, evaluation_id)[0] == cards and all(
            s == "done" for _, s, _, _ in _state(in_network, net, evaluation_id)[1]) and
              len(_state(in_network, net, evaluation_id)[1]) == len(jobs), 60, "the second evaluation")
    except AssertionError:
        print(log.read_text()[-5000:])
        raise
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_the_scheduler_queues_again_what_redis_lost(app, world, in_network, redis_jobs):
    from rq import Queue, SimpleWorker

    from tenant_app.extensions import db
    from tenant_app.jobs.schedule import tick
    from tenant_app.jobs.scorecards import plan_renders
    from tenant_app.services.scorecards import compute, open_evaluation
    from tenant_app.tenancy import use_network

    net = world["networks"]["demo2"]
    with app.app_context():
        use_network(db.session, net)
        evaluation, _ = open_evaluation(net, "2018-Q3")
        compute(evaluation)
        evaluation.status = "issued"
        parts = plan_renders(evaluation, None)  # recorded, never queued: as if Redis restarted empty
        for part in parts:
            part.created_at = datetime.utcnow() - timedelta(minutes=5)
        db.session.commit()
        ids, evaluation_id = [p.id for p in parts], evaluation.id
        db.session.remove()
        said = tick()
        assert sum("was lost; queued again" in line for line in said) == len(ids)
        queue = Queue("reports", connection=redis_jobs)
        assert {f"scorecard_pdfs-{net}-{i}-again0" for i in ids} <= set(queue.job_ids)
        assert not [line for line in tick() if "lost" in line], "queued now: not lost twice"
        SimpleWorker([queue], connection=redis_jobs).work(burst=True)
    cards, jobs, ev = _state(in_network, net, evaluation_id)
    assert all(r == p for r, p, _, _ in cards) and {s for _, s, _, _ in jobs} == {"done"} and ev[1] == ev[2]


def test_a_job_lost_again_and_again_is_given_up_with_a_message(app, world, in_network, redis_jobs):
    """A work horse the kernel kills leaves no failure behind: after MAX_STARTS starts the
    scheduler records the job as failed, with a message for people, instead of queueing it forever."""
    from rq import Queue

    from tenant_app.extensions import db
    from tenant_app.jobs.schedule import MAX_STARTS, tick
    from tenant_app.models import JobRecord
    from tenant_app.tenancy import use_network

    net = world["networks"]["demo2"]
    with app.app_context():
        use_network(db.session, net)
        old = datetime.utcnow() - timedelta(minutes=5)
        tired = JobRecord(network_id=net, kind="ledger_check", params={"path": "/nonexistent.xlsx"},
                          status="running", attempts=MAX_STARTS, created_at=old, started_at=old)
        fresh = JobRecord(network_id=net, kind="ledger_check", params={"path": "/nonexistent.xlsx"},
                          status="running", attempts=1, created_at=old, started_at=old)
        db.session.add_all([tired, fresh])
        db.session.commit()
        tired_id, fresh_id = tired.id, fresh.id
        db.session.remove()
        said = tick()
        assert any(f"job {tired_id} (ledger_check) was lost {MAX_STARTS} times; given up" in s for s in said), said
        assert any(f"job {fresh_id} (ledger_check) was lost; queued again" in s for s in said), said
        queued = set(Queue("default", connection=redis_jobs).job_ids)
        assert f"ledger_check-{net}-{fresh_id}-again1" in queued and not any(f"-{tired_id}-" in j for j in queued)
    with in_network(net) as s:
        gone = s.get(JobRecord, tired_id)
        assert gone.status == "failed" and gone.finished_at is not None
        assert "已停止重试" in gone.error and gone.result["refused"][1] == {"n": MAX_STARTS}
        s.delete(gone)
        s.delete(s.get(JobRecord, fresh_id))
        s.commit()
