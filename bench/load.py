"""Twenty people at once: the app under gunicorn (deploy/gunicorn.conf.py, APP_ENV=production)
on PostgreSQL, driven by wrk with the page mix of issue 13 (ledger 25 %, customer 25 %, due
callbacks 15 %, dashboard 15 %, the maker's dealer overview 10 %, census 10 %), as a dealer's
general manager, two of its sales managers and a maker's supervisor, at 5 and 20 concurrent
connections; the same gunicorn's bare /healthz beside it as the ceiling. Run from the project
root (needs `wrk`, from Debian's packages):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python -m bench.load

BENCH_CUSTOMERS (default 100,000) in the network, BENCH_BIG_DEALER (default 20,000) at the
dealer whose people are the clients, BENCH_LOAD_SECONDS (default 20) per run. Prints
load_c{5,20}_{rps,p50_ms,p95_ms,p99_ms,errors} and ceiling_c{5,20}_rps. Goal (issue 13):
at least 300 req/s at 20 clients, p95 under 100 ms, p99 under 250 ms, no errors.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date

from bench import fresh as fresh_mod  # noqa: F401  (first: INSTANCE_PATH, SECRET_KEY)
from bench.callback_plan import run_plan
from bench.common import logged_in_client
from bench.fresh import dispose, fresh_database, migrated_app
from bench.gen import generate
from bench.ledger import make_gm
from bench.maker_pages import make_supervisor
from bench.timing import note, report

SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "20"))
BIG = int(os.environ.get("BENCH_BIG_DEALER", "20000"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# wrk: each connection walks the list (20 entries: the mix's proportions); done() prints the figures.
LUA = r"""
local entries = {%(entries)s}
local counter = 0
function setup(thread) thread:set("offset", counter * 7); counter = counter + 1 end
local i = 0
function request()
  i = i + 1
  local e = entries[((i + (offset or 0)) %% #entries) + 1]
  return wrk.format("GET", e[1], {["Cookie"] = e[2]})
end
function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
               + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), errors))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _people(app, facts) -> dict:
    """Login sessions of the big dealer's GM and two sales managers, and a maker supervisor;
    and some of the dealer's customers."""
    from sqlalchemy import select

    from tenant_app.extensions import db
    from tenant_app.models import Customer, User
    from tenant_app.services.sessions import open_session
    from tenant_app.tenancy import use_network

    logins = {"gm": make_gm(app, facts), "maker": make_supervisor(app, facts)}
    with app.app_context():
        use_network(db.session, facts.network_id)
        for n, user_id in enumerate(facts.sales_ids[:2]):
            logins[f"sales{n}"] = open_session(db.session.get(User, user_id))
        db.session.commit()
        customers = db.session.scalars(select(Customer.id).where(Customer.org_id == facts.big_org_id)
                                       .order_by(Customer.id).limit(400)).all()
        db.session.remove()
    cookies = {}
    for who, login_id in logins.items():
        client = logged_in_client(app, login_id)
        cookie = client.get_cookie("session")
        cookies[who] = f"session={cookie.value}"
    return {"cookies": cookies, "customers": customers[::40]}


def _mix(people) -> list[tuple[str, str]]:
    c, ids = people["cookies"], people["customers"]
    dealer = [c["gm"], c["sales0"], c["sales1"]]
    ledger = ["/d/customers", "/d/customers?sort=-heavy_units", "/d/customers?klass=A",
              "/d/customers?q=%E9%B8%BF%E8%BF%90", "/d/customers?segment=big"]
    entries = [(url, dealer[n % 3]) for n, url in enumerate(ledger)]                       # 5: 25 %
    entries += [(f"/d/customers/{ids[n % len(ids)]}", dealer[n % 3]) for n in range(5)]     # 5: 25 %
    entries += [("/d/callbacks", dealer[n % 3]) for n in range(3)]                           # 3: 15 %
    entries += [("/d/dashboard", c["gm"]) for _ in range(3)]                                 # 3: 15 %
    entries += [("/m/dealers", c["maker"]), ("/m/dealers?sort=name", c["maker"])]             # 2: 10 %
    entries += [("/m/census", c["maker"]), ("/m/census", c["maker"])]                          # 2: 10 %
    return entries


def _serve(fresh, port: int, logs: str):
    env = dict(os.environ, DATABASE_URL=fresh.app_url, MIGRATION_DATABASE_URL=fresh.owner_url, APP_ENV="production",
               BASE_URL=f"http://127.0.0.1:{port}")
    env.pop("REDIS_URL", None)
    out = open(os.path.join(logs, "gunicorn.log"), "w")
    proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-c",
                             os.path.join(ROOT, "deploy", "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
                             "wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"gunicorn did not answer; see {logs}/gunicorn.log")


def _check(base: str, entries) -> None:
    """Every URL answers 200 with its cookie (a redirect to the login would count as success in wrk)."""
    opener = urllib.request.build_opener(NoRedirect)
    for url, cookie in {e: None for e in entries}:
        req = urllib.request.Request(base + url, headers={"Cookie": cookie})
        started = time.perf_counter()
        with opener.open(req, timeout=30) as resp:
            if resp.status != 200:
                raise SystemExit(f"GET {url}: HTTP {resp.status}")
            resp.read()
        note(f"  {url}: {(time.perf_counter() - started) * 1000:.0f} ms alone")  # where the mix's time goes


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise SystemExit(f"GET {req.full_url}: redirected to {newurl} (HTTP {code})")


def _wrk(base: str, script: str, connections: int, seconds: int = SECONDS) -> tuple[float, int, int, int, int]:
    threads = min(connections, 2)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
                          "-s", script, base], capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    requests, duration_us, p50, p95, p99, errors = map(int, line.split()[1:])
    return requests / (duration_us / 1e6), p50, p95, p99, errors


def _script(folder: str, name: str, entries) -> str:
    body = ", ".join('{"%s", "%s"}' % (url, cookie) for url, cookie in entries)
    path = os.path.join(folder, f"{name}.lua")
    with open(path, "w") as f:
        f.write(LUA % {"entries": body})
    return path


def main() -> int:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        raise SystemExit("bench.load runs on PostgreSQL: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres")
    customers = int(os.environ.get("BENCH_CUSTOMERS", "100000"))
    logs = tempfile.mkdtemp(prefix="bench-load-")
    app = proc = None
    with fresh_database("bench_load") as fresh:
        try:
            app = migrated_app(fresh)
            facts = generate(app, fresh, dealers=30, customers=customers, big_dealer=min(BIG, customers))
            note("generating this month's plan for the big dealer")
            run_plan(app, facts, date.today())
            fresh_mod.owner_maintenance(fresh, "ANALYZE")
            entries = _mix(_people(app, facts))
            dispose(app)
            app = None
            port = _free_port()
            proc = _serve(fresh, port, logs)
            base = f"http://127.0.0.1:{port}"
            _check(base, entries)
            mix, bare = _script(logs, "mix", entries), _script(logs, "bare", [("/healthz", "")])
            _wrk(base, mix, 10, seconds=5)  # every worker warm (templates compiled, pools filled)
            for connections in (5, 20):
                note(f"{connections} clients, {SECONDS} s: the page mix, then /healthz")
                rps, p50, p95, p99, errors = _wrk(base, mix, connections)
                report(f"load_c{connections}_rps", rps, "req/s")
                report(f"load_c{connections}_p50_ms", p50 / 1000, "ms")
                report(f"load_c{connections}_p95_ms", p95 / 1000, "ms")
                report(f"load_c{connections}_p99_ms", p99 / 1000, "ms")
                report(f"load_c{connections}_errors", errors)
                report(f"ceiling_c{connections}_rps", _wrk(base, bare, connections)[0], "req/s")
            return 0
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)
            if app is not None:
                dispose(app)
            shutil.rmtree(logs, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
