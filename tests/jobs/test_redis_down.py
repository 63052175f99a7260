"""With Redis down, people still log in (the rate limits fall back to per-process counters) and an
action that queues a job answers that it will run later, instead of a 500; with Redis back,
both recover. The Redis here is a server of the test's own, on a free port, that it stops."""
import io
import shutil
import socket
import subprocess
import time

from datetime import timedelta

import pytest
from redis import Redis
from rq import Queue

from tenant_app.jobs import schedule
from tenant_app.models import JobRecord
from tests.conftest import app_config
from tests.web.test_ledger_excel import deck_file, row

PASSWORD = "Demo@2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    def __init__(self, tmp_path):
        self.port, self.dir, self.proc = _free_port(), tmp_path, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed (Debian's redis-server package; CI has it)"
        self.proc = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.dir)], stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("own Redis did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    if server.proc.poll() is None:
        server.stop()


@pytest.fixture
def redis_app(app, database_urls, own_redis):
    """The suite's database, with Redis at own_redis for queues and rate limits."""
    from tenant_app import create_app
    from tenant_app.extensions import limiter

    other = create_app(app_config(*database_urls, REDIS_URL=own_redis.url, RATELIMIT_STORAGE_URI=own_redis.url,
                                  JOBS_INLINE=False))
    yield other
    limiter.init_app(app)  # the limiter is one object: give it back to the suite's app


def _login(client, username):
    return client.post("/login", data={"network": "liuqi", "username": username, "password": PASSWORD})


def test_login_and_a_queued_upload_survive_redis_going_down(redis_app, own_redis, new_user, in_network, caplog):
    p = new_user("GX-LZ-001", "information_manager")
    assert _login(redis_app.test_client(), p.username).status_code == 302
    own_redis.stop()

    client = redis_app.test_client()
    assert _login(client, p.username).status_code == 302, "nobody is locked out when Redis is down"
    upload = client.post("/d/customers/import", data={"file": (io.BytesIO(deck_file([row(1, "柳州", "柳州宏达物流", "13800000001",
                                                                                        ("乘龙", "H7", 3))])), "台帐.xlsx")},
                         content_type="multipart/form-data")
    assert upload.status_code == 302, "the job is recorded, not a 500"
    page = client.get(upload.location).get_data(as_text=True)
    assert "恢复后会自动运行" in page
    job_id = int(upload.location.rstrip("/").rsplit("/", 1)[1])
    with in_network(p.network_id) as s:
        record = s.get(JobRecord, job_id)
        assert record.status == "queued"
        record.created_at -= schedule.GRACE + timedelta(seconds=1)  # past the scheduler's grace period
        s.commit()
    assert any("Redis unreachable" in r.getMessage() for r in caplog.records)

    own_redis.start()
    with redis_app.app_context():
        said = schedule.tick()
        assert any(f"job {job_id} " in line for line in said), said  # queued again by the scheduler
        assert Queue("default", connection=Redis.from_url(own_redis.url)).count >= 1
    assert _login(redis_app.test_client(), p.username).status_code == 302
    with in_network(p.network_id) as s:  # no worker here: leave no queued job for the other tests' sweeps
        s.get(JobRecord, job_id).status = "failed"
        s.commit()
