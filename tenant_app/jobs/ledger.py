"""Ledger file jobs: check an uploaded .xlsx (with progress), then import it."""
from __future__ import annotations

import os
from dataclasses import asdict

from ..models import Organisation
from ..services.ledger_excel import import_rows, read_ledger
from . import job, progress

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


def _read(session, record):
    org = session.get(Organisation, record.org_id)
    network_id, record_id = record.network_id, record.id
    return org, read_ledger(record.params["path"], org,
                            progress=lambda n: progress(network_id, record_id, n))


@job("ledger_check", queue="default", timeout=1800)
def check_ledger_file(session, record) -> dict:
    _, report = _read(session, record)
    session.rollback()  # reading writes nothing
    return _summary(report)


@job("ledger_import", queue="default", timeout=1800)
def import_ledger_file(session, record):
    """Checks again (the ledger may have changed since the preview), then imports all rows
    and marks the job done in one transaction: all or nothing, also for a killed worker."""
    path = record.params["path"]
    org, report = _read(session, record)
    summary = _summary(report)
    if report.ok:
        summary["imported"] = import_rows(org, report)
    yield summary
    if summary.get("imported") and os.path.exists(path):
        os.remove(path)  # imported: the upload is no longer needed
