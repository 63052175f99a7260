"""A big dealer's everyday pages besides the ledger: home (my work), dashboard, due list,
customer page, for its general manager and one of its sales managers, after a month's plan
was generated for its whole ledger. Run from the project root:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python -m bench.pages

BENCH_BIG_DEALER (default 100,000) customers at the big dealer, BENCH_CUSTOMERS (default
300,000 on PostgreSQL, 60,000 on SQLite) in the network. Figures only (issue 13's goal:
p95 under 50 ms for each page of a dealer with 100,000 customers).
"""
from __future__ import annotations

import os
import sys
from datetime import date

from bench import fresh as fresh_mod  # noqa: F401  (first: INSTANCE_PATH, SECRET_KEY)
from bench.callback_plan import run_plan
from bench.common import logged_in_client
from bench.fresh import dispose, fresh_database, migrated_app
from bench.gen import generate
from bench.ledger import make_gm
from bench.timing import note, report, report_samples, sample_ms

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
BIG = int(os.environ.get("BENCH_BIG_DEALER", "100000"))


def _sales_login(app, facts) -> str:
    from tenant_app.extensions import db
    from tenant_app.models import User
    from tenant_app.services.sessions import open_session
    from tenant_app.tenancy import use_network
    with app.app_context():
        use_network(db.session, facts.network_id)
        login_id = open_session(db.session.get(User, facts.sales_ids[0]))
        db.session.commit()
        db.session.remove()
    return login_id


def _a_customer(app, facts) -> int:
    from sqlalchemy import select

    from tenant_app.extensions import db
    from tenant_app.models import Customer
    from tenant_app.tenancy import use_network
    with app.app_context():
        use_network(db.session, facts.network_id)
        cid = db.session.scalar(select(Customer.id).where(Customer.org_id == facts.big_org_id)
                                .order_by(Customer.heavy_units.desc()).limit(1))
        db.session.remove()
    return cid


def _ok(url):
    def after(response):
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: HTTP {response.status_code}")
        response.close()
    return after


def slowest(app, client, url: str, top: int = 4) -> None:
    """BENCH_TOP_SQL=1: the page's slowest statements on stderr, to see where its time goes."""
    import time

    from sqlalchemy import event

    from tenant_app.extensions import db
    timings = []

    def before(conn, cursor, statement, params, context, many):
        context._t0 = time.perf_counter()

    def after(conn, cursor, statement, params, context, many):
        timings.append(((time.perf_counter() - context._t0) * 1000, " ".join(statement.split())[:300]))
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        client.get(url).close()
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    note(f"  {len(timings)} statements, {sum(t for t, _ in timings):.1f} ms in SQL")
    for ms, sql in sorted(timings, reverse=True)[:top]:
        note(f"  {ms:7.1f} ms  {sql}")


def main() -> int:
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgresql")
    customers = int(os.environ.get("BENCH_CUSTOMERS", "300000" if postgres else "60000"))
    app = None
    with fresh_database("bench_pages") as fresh:
        try:
            app = migrated_app(fresh)
            facts = generate(app, fresh, dealers=30, customers=customers, big_dealer=min(BIG, customers))
            today = date.today()
            note("generating this month's plan for the big dealer (its job)")
            made = run_plan(app, facts, today)
            report("pages_plan_items", made["created"], "rows")
            fresh_mod.owner_maintenance(fresh, "ANALYZE")
            gm = logged_in_client(app, make_gm(app, facts))
            sales = logged_in_client(app, _sales_login(app, facts))
            customer = _a_customer(app, facts)
            cases = [("home_gm", gm, "/d/"), ("home_sales", sales, "/d/"), ("dashboard", gm, "/d/dashboard"),
                     ("due_gm", gm, "/d/callbacks"), ("due_sales", sales, "/d/callbacks"),
                     ("customer", gm, f"/d/customers/{customer}")]
            for name, client, url in cases:
                note(f"case {name}: {url}")
                if os.environ.get("BENCH_TOP_SQL"):
                    slowest(app, client, url)
                report_samples(f"pages_{name}", sample_ms(lambda: client.get(url), REQUESTS, warmup=3,
                                                          after=_ok(url)))
            return 0
        finally:
            dispose(app)


if __name__ == "__main__":
    sys.exit(main())
