"""A 50,000-row ledger export, two ways. Run from the project root:

    .venv/bin/python -m bench.ledger_export                                                         # SQLite
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python -m bench.ledger_export  # PostgreSQL

1. The sheet alone: 50,000 rows of the deck's columns through export_ledger (openpyxl's write-only
   mode), from plain objects: time and the resident set's growth.
2. The whole export job: a dealer with BENCH_EXPORT_ROWS customers (fleets included) streamed from
   the database by jobs.exports.export_ledger_file into a file: time and the resident set's growth.
Figures only (issue 11's goal: under 10 s and under 300 MB for 50,000 rows).
"""
from __future__ import annotations

import io
import os
import sys
import time
from types import SimpleNamespace

from bench import fresh as fresh_mod  # noqa: F401  (first: INSTANCE_PATH, SECRET_KEY)
from bench.callback_plan import RssPeak, _rss_mb
from bench.fresh import dispose, fresh_database, migrated_app
from bench.gen import generate
from bench.timing import note, report

ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "50000"))


def sheet_alone() -> None:
    from tenant_app.services.ledger_excel import export_ledger
    line = SimpleNamespace(brand_text="乘龙", model="H7", quantity=3)
    rows = (SimpleNamespace(region="广西柳州", name=f"柳州市客户{n:05d}物流有限公司", transport_type="long_haul", nature="private",
                            contact_name="张伟", phone="13812345678", fleet=[line, line], own_since=2021, fleet_since=2019,
                            klass="retail", notes="=备注看起来像公式", use="city_transport", source="referral",
                            responsible=SimpleNamespace(name="业务经理 莫丽萍"), pending=[]) for n in range(ROWS))
    before = _rss_mb()
    with RssPeak() as rss:
        started = time.perf_counter()
        written = export_ledger(rows, io.BytesIO(), own_brand="柳汽", groups=3)
        elapsed = time.perf_counter() - started
    report("ledger_export_sheet_rows", written)
    report("ledger_export_sheet_s", elapsed, "s")
    report("ledger_export_sheet_rss_growth_mb", rss.peak - before, "MB")


def _queued(facts) -> int:
    """An export job record as the page makes it (its filter: none), committed; its id."""
    from tenant_app.extensions import db
    from tenant_app.models import JobRecord
    from tenant_app.tenancy import use_network
    use_network(db.session, facts.network_id)
    record = JobRecord(network_id=facts.network_id, org_id=facts.big_org_id, kind="ledger_export",
                       params={"args": {}, "filename": "bench.xlsx", "rows": ROWS})
    db.session.add(record)
    db.session.commit()
    record_id = record.id
    db.session.remove()
    return record_id


def whole_job(app, facts) -> None:
    import tracemalloc

    from tenant_app.extensions import db
    from tenant_app.jobs.exports import export_ledger_file
    from tenant_app.models import JobRecord
    from tenant_app.tenancy import use_network

    with app.app_context():
        record_id = _queued(facts)
        before = _rss_mb()
        with RssPeak() as rss:
            started = time.perf_counter()
            export_ledger_file(facts.network_id, record_id)
            elapsed = time.perf_counter() - started
        use_network(db.session, facts.network_id)
        done = db.session.get(JobRecord, record_id)
        if done.status != "done":
            raise SystemExit(f"export job: {done.status} {done.error}")
        report("ledger_export_job_rows", done.result["rows"])
        report("ledger_export_job_s", elapsed, "s")
        report("ledger_export_job_rss_growth_mb", rss.peak - before, "MB")
        report("ledger_export_job_file_mb", os.path.getsize(done.result["path"]) / 2**20, "MB")
        db.session.remove()
        again = _queued(facts)  # the same again under tracemalloc: the Python heap's peak
        tracemalloc.start()
        export_ledger_file(facts.network_id, again)
        report("ledger_export_job_traced_peak_mb", tracemalloc.get_traced_memory()[1] / 2**20, "MB")
        tracemalloc.stop()


def main() -> int:
    sheet_alone()
    app = None
    with fresh_database("bench_export") as fresh:
        try:
            app = migrated_app(fresh)
            facts = generate(app, fresh, dealers=2, customers=ROWS, big_dealer=ROWS)
            note("the export job")
            whole_job(app, facts)
            return 0
        finally:
            dispose(app)


if __name__ == "__main__":
    sys.exit(main())
