"""The maker's network pages on a large network: the dealer overview (/m/dealers) and the
competitor census (/m/census, each dimension) counted live, then from the figures the scheduler
takes (services.supervision.take_snapshot, timed too). Run from the project root:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python -m bench.maker_pages

BENCH_CUSTOMERS (default 1,000,000 on PostgreSQL, 60,000 on SQLite) in a network of 300 dealers.
Figures only (issue 13's goal: p95 under 100 ms on the 1,000,000-customer network).
"""
from __future__ import annotations

import os
import sys

from bench import fresh as fresh_mod  # noqa: F401  (first: INSTANCE_PATH, SECRET_KEY)
from bench.common import logged_in_client
from bench.fresh import dispose, fresh_database, migrated_app
from bench.gen import generate
from bench.timing import note, report, report_samples, sample_ms, time_ms

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20"))
PAGES = [("dealers", "/m/dealers"), ("census_province", "/m/census?by=province"),
         ("census_transport", "/m/census?by=transport_type"), ("census_klass", "/m/census?by=klass")]


def make_supervisor(app, facts) -> str:
    """A supervisor of the whole network at its maker; returns the session login id."""
    from sqlalchemy import select

    from tenant_app.extensions import db
    from tenant_app.models import Organisation
    from tenant_app.services.accounts import create_user
    from tenant_app.services.sessions import open_session
    from tenant_app.tenancy import use_network
    with app.app_context():
        use_network(db.session, facts.network_id)
        maker = db.session.scalar(select(Organisation).where(Organisation.kind == "manufacturer"))
        user, _ = create_user(maker, username="bench.supervisor", name="督导", roles=["supervisor"],
                              password="x" * 12)
        db.session.commit()
        login_id = open_session(user)
        db.session.commit()
        db.session.remove()
    return login_id


def _ok(response):
    if response.status_code != 200:
        raise SystemExit(f"HTTP {response.status_code}")
    response.close()


def _snapshot(app, facts) -> None:
    from tenant_app.extensions import db
    from tenant_app.services import supervision
    from tenant_app.tenancy import use_network
    with app.app_context():
        use_network(db.session, facts.network_id)
        ms, taken = time_ms(supervision.take_snapshot)
        db.session.commit()
        report("maker_snapshot_ms", ms, "ms")
        report("maker_snapshot_db_seconds", taken.seconds, "s")
        db.session.remove()


def main() -> int:
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgresql")
    customers = int(os.environ.get("BENCH_CUSTOMERS", "1000000" if postgres else "60000"))
    app = None
    with fresh_database("bench_maker") as fresh:
        try:
            app = migrated_app(fresh)
            facts = generate(app, fresh, dealers=300, customers=customers, big_dealer=min(100_000, customers))
            fresh_mod.owner_maintenance(fresh, "ANALYZE")
            client = logged_in_client(app, make_supervisor(app, facts))
            for stage in ("live", "snapshot"):
                if stage == "snapshot":
                    _snapshot(app, facts)
                for name, url in PAGES:
                    note(f"{stage} {name}: {url}")
                    report_samples(f"maker_{stage}_{name}", sample_ms(lambda: client.get(url), REQUESTS, warmup=2,
                                                                      after=_ok))
            return 0
        finally:
            dispose(app)


if __name__ == "__main__":
    sys.exit(main())
