"""The ledger page at scale: /d/customers for a dealer with a large ledger, in a network of
many dealers, beside the bare SQL under it. Run from the project root:

    .venv/bin/python -m bench.ledger                                                         # SQLite
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python -m bench.ledger  # PostgreSQL

stdout: one figure a line, ``name: value unit``; progress on stderr. Figures only, never
assertions on time (the issue's target: p95 under 50 ms server time on PostgreSQL for a
dealer with 20,000 customers). See bench/README.md.
"""
from __future__ import annotations

import html
import os
import re
import sys
import time
from urllib.parse import parse_qsl, urlsplit

from bench import fresh as fresh_mod  # noqa: F401  (first: INSTANCE_PATH, SECRET_KEY)
from bench.fresh import dispose, fresh_database, migrated_app
from bench.gen import PASSWORD, generate
from bench.common import logged_in_client  # noqa: E402,F401
from bench.timing import note, p95, report, report_samples, sample_ms

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100"))
PROBE_TIMEOUT_S = float(os.environ.get("BENCH_CASE_TIMEOUT", "20"))  # one query slower than this: case skipped
CASE_BUDGET_S = float(os.environ.get("BENCH_CASE_BUDGET", "60"))  # fewer samples for a slow case, at least 5
DEEP_PAGES = int(os.environ.get("BENCH_DEEP_PAGES", "40"))
WARMUP = 5
PER_PAGE = 50
NEXT_LINK = re.compile(r'href="([^"]+)" data-test="next"')


def cases(facts) -> list[tuple[str, str]]:
    """(case name, query string) of the ledger page; deep pages are found later by following links."""
    rival = facts.brand_ids["中国重汽"]
    return [
        ("name", "sort=name"),
        ("rival_heavy", "segment=rival_old&sort=heavy"),
        ("key_major", "klass=key_major"),
        ("q", "q=%E9%B8%BF%E8%BF%90"),  # 鸿运: a word in about 3% of the company names
        ("brand", f"brand_id={rival}"),
    ]


def make_gm(app, facts) -> str:
    """A general manager of the big dealer (accounts.create_user); returns the session login id."""
    from tenant_app.extensions import db
    from tenant_app.models import Organisation
    from tenant_app.services.accounts import create_user
    from tenant_app.services.sessions import open_session
    from tenant_app.tenancy import use_network

    with app.app_context():
        use_network(db.session, facts.network_id)
        org = db.session.get(Organisation, facts.big_org_id)
        user, _ = create_user(org, username=f"{org.code.lower()}.gm", name="总经理 韦国栋",
                              roles=["general_manager"], password=PASSWORD)
        db.session.commit()
        login_id = open_session(user)  # a login session on the server, as signing in makes
        db.session.commit()
        db.session.remove()
    return login_id


def get_ok(client, url: str) -> str:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url}: HTTP {response.status_code} (Location: {response.headers.get('Location')})")
    body = response.get_data(as_text=True)
    response.close()
    return body


def deep_url(client, url: str, pages: int) -> str:
    """Follow the page's data-test="next" link pages times; the URL of the last page reached."""
    for n in range(pages):
        m = NEXT_LINK.search(get_ok(client, url))
        if not m:
            note(f"  {url}: no next link after {n} pages")
            break
        url = html.unescape(m.group(1))
    return url


def _check_page(url: str):
    def after(response):
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: HTTP {response.status_code}")
        if b'data-test="ledger"' not in response.data:
            raise SystemExit(f"GET {url}: no rows on the page")
        response.close()
    return after


def bench_sql(app, facts, query_string: str, capture: list | None = None, n: int = REQUESTS,
              warmup: int = WARMUP) -> list[float]:
    """The floor: LedgerQuery.page() + counts() directly in a bound session, one transaction a sample."""
    from sqlalchemy import event, select
    from werkzeug.datastructures import MultiDict

    from tenant_app.extensions import db
    from tenant_app.models import Customer
    from tenant_app.services.ledger_query import LedgerQuery, counts
    from tenant_app.tenancy import use_network

    args = MultiDict(parse_qsl(query_string))
    with app.app_context():
        use_network(db.session, facts.network_id)
        base = select(Customer).where(Customer.org_id == facts.big_org_id)

        def run():
            query = LedgerQuery.from_args(args, facts.big_org_id)
            rows, _ = query.page(db.session, base, PER_PAGE)
            tally = db.session.execute(counts(base, query)).all()
            return rows, tally

        def after(result):
            if not result[0]:
                raise SystemExit(f"ledger SQL {query_string}: no rows")
            db.session.rollback()

        samples = sample_ms(run, n, warmup=warmup, after=after) if capture is None else []
        if capture is not None:  # the statements one run sends, for EXPLAIN
            engine = db.engine

            def grab(conn, cursor, statement, parameters, context, executemany):
                if "FROM customers" in statement:
                    capture.append((statement, parameters))
            event.listen(engine, "before_cursor_execute", grab)
            try:
                after(run())
            finally:
                event.remove(engine, "before_cursor_execute", grab)
        db.session.remove()
    return samples


def probe_sql(app, facts, query_string: str) -> float | None:
    """One run of the SQL floor with a time limit (PostgreSQL statement_timeout; SQLite a progress
    handler that interrupts): milliseconds, or None when it was cut off."""
    from sqlalchemy import select, text
    from sqlalchemy.exc import OperationalError
    from werkzeug.datastructures import MultiDict

    from tenant_app.extensions import db
    from tenant_app.models import Customer
    from tenant_app.services.ledger_query import LedgerQuery, counts
    from tenant_app.tenancy import use_network

    args = MultiDict(parse_qsl(query_string))
    with app.app_context():
        use_network(db.session, facts.network_id)
        base = select(Customer).where(Customer.org_id == facts.big_org_id)
        conn = db.session.connection()
        raw = conn.connection.driver_connection
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"SET LOCAL statement_timeout = {int(PROBE_TIMEOUT_S * 1000)}"))
        else:
            deadline = time.monotonic() + PROBE_TIMEOUT_S
            raw.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 200_000)
        try:
            start = time.perf_counter()
            query = LedgerQuery.from_args(args, facts.big_org_id)
            query.page(db.session, base, PER_PAGE)
            db.session.execute(counts(base, query)).all()
            return (time.perf_counter() - start) * 1000.0
        except OperationalError as e:  # psycopg QueryCanceled and sqlite "interrupted" both map here
            note(f"  cut off after {PROBE_TIMEOUT_S:.0f} s: {str(e).splitlines()[0]}")
            return None
        finally:
            if conn.dialect.name != "postgresql":
                raw.set_progress_handler(None, 0)
            db.session.rollback()
            db.session.remove()


def explain(app, facts, name: str, statements: list) -> None:
    from tenant_app.extensions import db
    from tenant_app.tenancy import use_network

    with app.app_context():
        use_network(db.session, facts.network_id)
        conn = db.session.connection()  # RLS set for this transaction, as in a request
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(PROBE_TIMEOUT_S * 5000)}")
        prefix = "EXPLAIN (ANALYZE, BUFFERS)" if postgres else "EXPLAIN QUERY PLAN"
        note(f"==== EXPLAIN, case {name}")
        for statement, params in statements:
            note(f"-- {' '.join(statement.split())}")
            note(f"-- params: {params}")
            for row in conn.exec_driver_sql(f"{prefix} {statement}", params):
                note("   " + " | ".join(str(v) for v in row))
        db.session.rollback()
        db.session.remove()


def customers_of_big_dealer(app, facts) -> None:
    from sqlalchemy import func, select

    from tenant_app.extensions import db
    from tenant_app.models import Customer
    from tenant_app.tenancy import use_network

    with app.app_context():
        use_network(db.session, facts.network_id)
        n = db.session.scalar(select(func.count()).select_from(Customer).where(Customer.org_id == facts.big_org_id))
        db.session.remove()
    report("ledger_big_dealer_customers", n, "rows")


def main() -> int:
    app = None
    with fresh_database("bench_ledger") as fresh:
        try:
            app = migrated_app(fresh)
            facts = generate(app, fresh)
            customers_of_big_dealer(app, facts)
            login_id = make_gm(app, facts)
            client = logged_in_client(app, login_id)

            todo = cases(facts)
            for sort in ("name", "heavy"):  # deep pages: follow the next link a few dozen pages in
                url = deep_url(client, f"/d/customers?sort={sort}", DEEP_PAGES)
                note(f"deep page ({sort}): {url}")
                todo.append((f"deep_{sort}", urlsplit(url).query))

            sql_p95 = {}
            for name, qs in todo:
                url = f"/d/customers?{qs}"
                note(f"case {name}: {url}")
                probe = probe_sql(app, facts, qs)
                if probe is None:  # a query past the limit: no figures but the limit, so the run ends
                    report(f"ledger_sql_{name}_over_ms", PROBE_TIMEOUT_S * 1000.0, "ms")
                    sql_p95[name] = float("inf")
                    continue
                n, warmup = REQUESTS, WARMUP
                if probe * (REQUESTS + WARMUP) * 2 > CASE_BUDGET_S * 1000:
                    n, warmup = max(5, int(CASE_BUDGET_S * 1000 / 2 / probe)), 1
                    note(f"  slow ({probe:.0f} ms a run): {n} samples instead of {REQUESTS}")
                    report(f"ledger_{name}_samples", n)
                report_samples(f"ledger_page_{name}",
                               sample_ms(lambda: client.get(url), n, warmup=warmup, after=_check_page(url)))
                samples = bench_sql(app, facts, qs, n=n, warmup=warmup)
                report_samples(f"ledger_sql_{name}", samples)
                sql_p95[name] = p95(samples)

            explain_mode = os.environ.get("BENCH_EXPLAIN", "")
            if explain_mode:
                chosen = list(sql_p95) if explain_mode == "all" else [max(sql_p95, key=sql_p95.get)]
                for name in chosen:
                    statements: list = []
                    bench_sql(app, facts, dict(todo)[name], capture=statements)
                    explain(app, facts, name, statements)
            return 0
        finally:
            dispose(app)


if __name__ == "__main__":
    sys.exit(main())
