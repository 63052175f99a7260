"""Ledger file jobs: on a real RQ worker (Redis), idempotent, and a crash loses nothing."""
import uuid

import pytest
from sqlalchemy import func, select

from tenant_app.models import Customer, JobRecord
from tests.conftest import REDIS_URL
from tests.web.test_ledger_excel import deck_file, row


@pytest.fixture
def dealer(new_org):
    return new_org("GX-J")[1]


def _job(app, world, org_id, kind, tmp_path, rows):
    from tenant_app.extensions import db
    from tenant_app.tenancy import use_network

    path = tmp_path / f"{uuid.uuid4().hex}.xlsx"
    path.write_bytes(deck_file(rows))
    with app.app_context():
        use_network(db.session, world["networks"]["liuqi"])
        record = JobRecord(network_id=world["networks"]["liuqi"], org_id=org_id, kind=kind,
                           params={"path": str(path), "filename": "x.xlsx"})
        db.session.add(record)
        db.session.commit()
        record_id = record.id
        db.session.remove()
    return record_id


def _state(in_network, world, record_id, org_id):
    with in_network(world["networks"]["liuqi"]) as s:
        job = s.get(JobRecord, record_id)
        n = s.scalar(select(func.count(Customer.id)).where(Customer.org_id == org_id))
        return job.status, job.result, job.error, n


ROWS = [row(1, "广西", f"任务客户{i}", f"1380000{i:04d}", ("乘龙", "H7", 2)) for i in range(1, 6)]


def test_a_crash_mid_import_loses_nothing_and_a_rerun_imports_once(app, world, dealer, tmp_path, in_network,
                                                                   monkeypatch):
    from tenant_app.jobs import ledger as ledger_jobs
    from tenant_app.services import ledger_excel

    record_id = _job(app, world, dealer, "ledger_import", tmp_path, ROWS)
    real = ledger_excel.import_rows

    def half_then_crash(org, report, batch=1000):
        real(org, report, batch=2)
        raise RuntimeError("worker killed")

    monkeypatch.setattr(ledger_jobs, "import_rows", half_then_crash)
    with app.app_context(), pytest.raises(RuntimeError):
        ledger_jobs.import_ledger_file(world["networks"]["liuqi"], record_id)
    status, _, error, n = _state(in_network, world, record_id, dealer)
    assert (status, n) == ("failed", 0) and "worker killed" in error
    monkeypatch.setattr(ledger_jobs, "import_rows", real)
    with app.app_context():
        ledger_jobs.import_ledger_file(world["networks"]["liuqi"], record_id)
        ledger_jobs.import_ledger_file(world["networks"]["liuqi"], record_id)  # a second run does nothing
    status, result, _, n = _state(in_network, world, record_id, dealer)
    assert (status, result["imported"], n) == ("done", 5, 5)


@pytest.mark.skipif(not REDIS_URL, reason="the embedded run has no Redis: jobs run inline; CI runs this with Redis")
def test_the_check_runs_on_an_rq_worker(app, world, dealer, tmp_path, in_network, login_as):
    from redis import Redis
    from rq import Queue, SimpleWorker

    client = login_as("gx-lz-001.gm")
    app.config["JOBS_INLINE"] = False
    try:
        import io
        resp = client.post("/d/customers/import", data={"file": (io.BytesIO(deck_file(ROWS)), "台帐.xlsx")},
                           content_type="multipart/form-data")
        job_id = int(resp.location.rsplit("/", 1)[1])
        page = client.get(resp.location).get_data(as_text=True)
        assert 'http-equiv="refresh"' in page and "正在检查文件" in page, "queued: the page shows progress"
        connection = Redis.from_url(REDIS_URL)
        queue = Queue("default", connection=connection)
        assert f"ledger_check-{world['networks']['liuqi']}-{job_id}" in queue.job_ids
        with app.app_context():
            SimpleWorker([queue], connection=connection).work(burst=True)
        page = client.get(resp.location).get_data(as_text=True)
        assert "5 位客户可以导入" in page and 'http-equiv="refresh"' not in page
    finally:
        app.config["JOBS_INLINE"] = True
