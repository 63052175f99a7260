"""The navigation bar's search on a large network: a dealer with BENCH_BIG_DEALER (100,000)
customers in a network of BENCH_CUSTOMERS (300,000 on PostgreSQL, 60,000 on SQLite), and a
station looking up vehicles among BENCH_VEHICLES (50,000). Run from the project root:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python -m bench.search

Prints p50/p95 of each kind of query through the page (issue 12's goal: p95 under 100 ms).
"""
from __future__ import annotations

import os
import sys

from bench import fresh as fresh_mod  # noqa: F401  (first: INSTANCE_PATH, SECRET_KEY)
from bench.common import logged_in_client
from bench.fresh import dispose, fresh_database, migrated_app
from bench.gen import generate
from bench.ledger import make_gm
from bench.pages import slowest
from bench.timing import note, report_samples, sample_ms

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
BIG = int(os.environ.get("BENCH_BIG_DEALER", "100000"))
VEHICLES = int(os.environ.get("BENCH_VEHICLES", "50000"))


def _vehicles_and_station(app, facts) -> tuple[str, str]:
    """Vehicles registered by a station of the network; returns (a VIN, the station's login id)."""
    from tenant_app.extensions import db
    from tenant_app.models import Vehicle
    from tenant_app.services.accounts import create_user
    from tenant_app.services.orgs import create_org
    from tenant_app.services.sessions import open_session
    from tenant_app.tenancy import use_network
    from tests.factories import vin as make_vin

    with app.app_context():
        use_network(db.session, facts.network_id)
        station = create_org(network_id=facts.network_id, kind="service", code="S0001", name="柳州基准服务站",
                             province="广西", city="柳州", address="柳州市", phone="0772-1234567")
        db.session.flush()
        user, _ = create_user(station, username="s0001.staff", name="服务专员", roles=["staff"], password="x" * 12)
        vins = [make_vin() for _ in range(VEHICLES)]
        db.session.execute(Vehicle.__table__.insert(), [
            {"network_id": facts.network_id, "vin": v, "plate": f"桂B{n:05d}", "model": "乘龙H7",
             "registered_by_org_id": station.id} for n, v in enumerate(vins)])
        db.session.commit()
        login_id = open_session(user)
        db.session.commit()
        db.session.remove()
    return vins[len(vins) // 2], login_id


def _ok(response):
    if response.status_code != 200:
        raise SystemExit(f"HTTP {response.status_code}")
    response.close()


def main() -> int:
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgresql")
    customers = int(os.environ.get("BENCH_CUSTOMERS", "300000" if postgres else "60000"))
    app = None
    with fresh_database("bench_search") as fresh:
        try:
            app = migrated_app(fresh)
            facts = generate(app, fresh, dealers=30, customers=customers, big_dealer=min(BIG, customers))
            vin, station_login = _vehicles_and_station(app, facts)
            fresh_mod.owner_maintenance(fresh, "ANALYZE")
            gm = logged_in_client(app, make_gm(app, facts))
            station = logged_in_client(app, station_login)
            cases = [("name", gm, "/d/search?q=鸿运"), ("contact", gm, "/d/search?q=黄"),
                     ("phone_last4", gm, "/d/search?q=8866"), ("phone_typed", gm, "/d/search?q=138-1234"),
                     ("vin_last6", station, f"/s/search?q={vin[-6:]}"), ("vin_whole", station, f"/s/search?q={vin}"),
                     ("plate", station, "/s/search?q=B01234")]
            for name, client, url in cases:
                note(f"case {name}: {url}")
                if os.environ.get("BENCH_TOP_SQL"):
                    slowest(app, client, url)
                report_samples(f"search_{name}", sample_ms(lambda: client.get(url), REQUESTS, warmup=3, after=_ok))
            return 0
        finally:
            dispose(app)


if __name__ == "__main__":
    sys.exit(main())
