"""A ledger file the check job cannot read fails once, with a message for people, and is not
retried (on a real RQ worker where Redis is there); in a work horse the job's memory is
bounded, so a file that needs too much fails its own job only; and uploads left unconfirmed
are removed by the scheduler after a day."""
import os
import resource
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from tenant_app.models import JobRecord
from tenant_app.models.base import utcnow
from tenant_app.services import xlsx_check
from tests.conftest import REDIS_URL
from tests.web.test_hostile_uploads import HEADER_ROW, NS, sheet, xlsx

BROKEN = xlsx(sheet(HEADER_ROW + '<row r="2"><c r="A2"><v>1</c></row>'))


def _record(app, world, tmp_path, data: bytes, kind="ledger_check", **fields) -> tuple[int, str]:
    from tenant_app.extensions import db
    from tenant_app.tenancy import use_network

    path = tmp_path / f"{uuid.uuid4().hex}.xlsx"
    path.write_bytes(data)
    net = world["networks"]["liuqi"]
    with app.app_context():
        use_network(db.session, net)
        org_id = world["orgs"][("liuqi", "GX-LZ-001")]["id"]
        record = JobRecord(network_id=net, org_id=org_id, kind=kind, params={"path": str(path), "filename": "x.xlsx"},
                           **fields)
        db.session.add(record)
        db.session.commit()
        record_id = record.id
        db.session.remove()
    return record_id, str(path)


def _job(in_network, world, record_id) -> JobRecord:
    with in_network(world["networks"]["liuqi"]) as s:
        job = s.get(JobRecord, record_id)
        s.expunge(job)
        return job


def test_a_file_that_cannot_be_parsed_fails_once_and_is_not_raised_for_a_retry(app, world, tmp_path, in_network):
    from tenant_app.jobs.ledger import check_ledger_file

    record_id, _ = _record(app, world, tmp_path, BROKEN)
    with app.app_context():
        check_ledger_file(world["networks"]["liuqi"], record_id)  # returns: RQ sees no failure to retry
    job = _job(in_network, world, record_id)
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.error.startswith("文件内容无法读取") and "mismatched" not in job.error
    assert job.result["refused"] == [xlsx_check.UNREADABLE, {}]


def test_running_out_of_memory_is_recorded_as_a_refusal(app, world, tmp_path, in_network, monkeypatch):
    from tenant_app.jobs import ledger as ledger_jobs

    def greedy(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(ledger_jobs, "read_ledger", greedy)
    record_id, _ = _record(app, world, tmp_path, xlsx())
    with app.app_context():
        ledger_jobs.check_ledger_file(world["networks"]["liuqi"], record_id)
    job = _job(in_network, world, record_id)
    assert (job.status, job.attempts) == ("failed", 1) and job.error.startswith("处理时内存不足")


def _vm_mb() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmSize:"))


def test_in_a_work_horse_a_file_needing_too_much_memory_fails_only_its_job(app, world, tmp_path, in_network,
                                                                          monkeypatch):
    """A forked child stands for `flask rq worker`'s work horse. Its limit is its own size plus
    150 MB; the file (200 MB of blanks in one cell, the bounds that refuse it lifted) needs
    more. The child records the failure and exits normally; the parent keeps no limit."""
    from tenant_app import jobs
    from tenant_app.jobs.ledger import check_ledger_file

    def blank_cell():
        yield f'<?xml version="1.0"?><worksheet {NS}><sheetData>{HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>'
        for _ in range(200):
            yield " " * (1024 * 1024)
        yield "</t></is></c></row></sheetData></worksheet>"

    for name in ("MAX_RATIO", "MAX_STREAMED_PART_BYTES", "MAX_UNCOMPRESSED_BYTES"):
        monkeypatch.setattr(xlsx_check, name, 10 ** 12)
    record_id, _ = _record(app, world, tmp_path, xlsx(blank_cell()))
    before = resource.getrlimit(resource.RLIMIT_AS)
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the work horse
        code = 1
        try:
            jobs.WORKER["parent_pid"] = parent
            app.config["JOB_MEMORY_LIMIT_MB"] = _vm_mb() + 150
            with app.app_context():
                check_ledger_file(world["networks"]["liuqi"], record_id)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the job returned: a refusal, not a crash"
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    job = _job(in_network, world, record_id)
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.error.startswith("处理时超出内存上限（") and job.result["refused"][0] == jobs.OUT_OF_MEMORY


def test_no_limit_inline_nor_when_set_to_zero(app):
    from tenant_app import jobs

    with app.app_context():
        assert jobs.limit_memory() is None, "inline: the web process is not bounded"
        app.config["JOB_MEMORY_LIMIT_MB"] = 0
        try:
            jobs.WORKER["parent_pid"] = -1
            assert jobs.limit_memory() is None
        finally:
            jobs.WORKER["parent_pid"] = None
            app.config["JOB_MEMORY_LIMIT_MB"] = 2048


@pytest.mark.skipif(not REDIS_URL, reason="the embedded run has no Redis: jobs run inline; CI runs this with Redis")
def test_on_an_rq_worker_the_broken_file_runs_once(app, world, in_network, login_as):
    import io

    from redis import Redis
    from rq import Queue, SimpleWorker
    from rq.job import Job, JobStatus

    client = login_as("gx-lz-001.gm")
    connection = Redis.from_url(REDIS_URL)
    queue = Queue("default", connection=connection)
    queue.empty()
    app.config["JOBS_INLINE"] = False
    app.config["JOB_RETRY_INTERVALS"] = [0, 0]  # a retry, were there one, would run within this burst
    try:
        resp = client.post("/d/customers/import", data={"file": (io.BytesIO(BROKEN), "台帐.xlsx")},
                           content_type="multipart/form-data")
        job_id = int(resp.location.rsplit("/", 1)[1])
        with app.app_context():
            SimpleWorker([queue], connection=connection).work(burst=True)
        rq_job = Job.fetch(f"ledger_check-{world['networks']['liuqi']}-{job_id}", connection=connection)
        assert rq_job.get_status() == JobStatus.FINISHED and rq_job.retries_left == 2, "not retried"
        job = _job(in_network, world, job_id)
        assert (job.status, job.attempts) == ("failed", 1)
        page = client.get(resp.location).get_data(as_text=True)
        assert "文件内容无法读取" in page and "mismatched" not in page
    finally:
        app.config["JOBS_INLINE"] = True
        app.config["JOB_RETRY_INTERVALS"] = [10, 60]


def test_the_scheduler_removes_day_old_unconfirmed_uploads_only(app, world, tmp_path, in_network, login_as,
                                                                 monkeypatch):
    from tenant_app.extensions import db
    from tenant_app.jobs import schedule
    from tenant_app.jobs.ledger import problem_path
    from tenant_app.services.audit import set_actor

    old = utcnow() - timedelta(days=1, minutes=5)
    made = {}
    for name, finished, result in (("stale", old, {"rows": 3}), ("stale_refused", old, {"refused": ["x", {}]}),
                                   ("fresh", utcnow() - timedelta(hours=23), {"rows": 3}),
                                   ("confirmed", old, {"rows": 3, "confirmed": True})):
        record_id, path = _record(app, world, tmp_path, xlsx(), status="failed" if "refused" in result else "done",
                                  finished_at=finished, result=result)
        open(problem_path(path), "wb").close()
        made[name] = (record_id, path)
    monkeypatch.setattr(schedule, "_due_evaluation", lambda network, today: [])
    monkeypatch.setattr(schedule, "_unrendered", lambda network: [])
    with app.app_context():
        set_actor(db.session, label="scheduler")
        said = schedule.tick()
    assert any(line.startswith("liuqi: ") and "uploads expired" in line for line in said)
    for name, (record_id, path) in made.items():
        gone = name.startswith("stale")
        assert os.path.exists(path) is not gone and os.path.exists(problem_path(path)) is not gone, name
        job = _job(in_network, world, record_id)
        assert bool(job.result.get("expired")) is gone and job.result.get("rows", 3) == 3, "the record is kept"
    with app.app_context():
        assert not any("uploads expired" in line for line in schedule.tick()), "once"

    client = login_as("gx-lz-001.gm")
    page = client.get(f"/d/customers/import/{made['stale'][0]}").get_data(as_text=True)
    assert 'data-test="expired"' in page and "已过期" in page and 'data-test="confirm"' not in page
    resp = client.post(f"/d/customers/import/{made['stale'][0]}/confirm", follow_redirects=True)
    assert "导入已过期" in resp.get_data(as_text=True)
    with in_network(world["networks"]["liuqi"]) as s:
        assert not s.scalars(select(JobRecord).where(JobRecord.kind == "ledger_import")
                             .where(JobRecord.params["path"].as_string() == made["stale"][1])).first()
