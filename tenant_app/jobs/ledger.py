"""Ledger file jobs: check an uploaded .xlsx (with progress), then import it."""
from __future__ import annotations

import os
from dataclasses import asdict

from ..models import Organisation
from ..services.ledger_excel import import_rows, read_ledger
from . import fail, finish, job_context, progress, start

PREVIEW_ROWS = 20
PROBLEMS_KEPT = 1000


def _summary(report) -> dict:
    return {
        "rows": len(report.rows), "layout": report.layout, "problem_count": len(report.problems),
        "problems": [asdict(p) for p in report.problems[:PROBLEMS_KEPT]],
        "preview": [{"row": r.row, "name": r.data.get("name", ""), "region": r.data.get("region", ""),
                     "phone": r.data.get("phone", ""),
                     "fleet": "；".join(f"{f['brand']} {f['model']} ×{f['quantity']}" for f in r.fleet)}
                    for r in report.rows[:PREVIEW_ROWS]],
    }


def _read(session, record, network_id):
    org = session.get(Organisation, record.org_id)
    return org, read_ledger(record.params["path"], org,
                            progress=lambda n: progress(network_id, record.id, n))


def check_ledger_file(network_id: int, record_id: int) -> None:
    with job_context(network_id) as session:
        record = start(session, record_id)
        if record is None:
            return
        try:
            _, report = _read(session, record, network_id)
            session.rollback()  # reading writes nothing
            finish(session, record, _summary(report))
        except Exception as exc:
            session.rollback()
            fail(network_id, record_id, exc)
            raise


def import_ledger_file(network_id: int, record_id: int) -> None:
    """Checks again (the ledger may have changed since the preview), then imports all rows
    and marks the job done in one transaction: all or nothing, also for a killed worker."""
    with job_context(network_id) as session:
        record = start(session, record_id)
        if record is None:
            return
        path = record.params["path"]
        try:
            org, report = _read(session, record, network_id)
            summary = _summary(report)
            if report.ok:
                summary["imported"] = import_rows(org, report)
            finish(session, record, summary)
        except Exception as exc:
            session.rollback()
            fail(network_id, record_id, exc)
            raise
    if summary.get("imported") and os.path.exists(path):
        os.remove(path)  # imported: the upload is no longer needed
