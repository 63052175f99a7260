"""Ledger file jobs: check an uploaded .xlsx (with progress), then import it."""
from __future__ import annotations

import os
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import JobRecord, Organisation, User
from ..models.base import utcnow
from ..services.ledger_excel import (NOTICES, REFUSALS, UploadRejected, grouped, import_rows, problem_workbook,
                                     read_ledger)
from ..services.ledger_import import plain
from ..services.phones import format_phone
from ..services.vocabulary import VOCABULARIES
from . import JobRefused, job, progress

PREVIEW_ROWS = 20
FIRST_OF_KIND = 5
UPLOAD_KEPT = timedelta(days=1)  # a checked upload waits this long for its confirmation


def problem_path(path: str) -> str:
    """Where the check writes the uploaded file back with its problems marked."""
    return f"{path}.problems.xlsx"


def _row(r, staff: dict) -> dict:
    f = r.final
    return {"row": r.row, "status": r.status, "name": f.get("name", ""), "region": f.get("region", ""),
            "phone": format_phone(f.get("phone", "")),
            "fleet": "；".join(f"{line['brand']} {line['model']} ×{line['quantity']}".replace("  ", " ")
                              for line in (r.final_fleet if r.final_fleet is not None else r.fleet)),
            "segment": r.derived[0] if r.derived else "", "klass": r.derived[1] if r.derived else "",
            "responsible": staff.get(f.get("responsible_id"), ""),
            "pending": r.pending,
            "changes": [[k, _shown(k, a, staff), _shown(k, b, staff)] for k, (a, b) in r.changes.items()]}


def _shown(field: str, value, staff: dict):
    if field == "responsible_id":
        return staff.get(value, "")
    if field in ("phone", "phone2"):
        return format_phone(value)
    return plain(value)


def _summary(session, report, org) -> dict:
    staff = dict(session.execute(select(User.id, User.name).where(User.org_id == org.id)).all())
    counts = {s: report.count(s) for s in ("new", "updated", "unchanged")}
    pending = sorted(report.pending.values(), key=lambda p: (list(VOCABULARIES).index(p["field"]), -p["rows"]))
    return {
        "rows": len(report.rows), "layout": report.layout, "counts": counts,
        "problem_count": len(report.problems), "problems": grouped(report.problems, REFUSALS, FIRST_OF_KIND),
        "notice_count": len(report.notices), "notices": grouped(report.notices, NOTICES, FIRST_OF_KIND),
        "pending": [{**p, "column": VOCABULARIES[p["field"]][0]} for p in pending],
        "preview": [_row(r, staff) for r in report.rows if r.status == "new"][:PREVIEW_ROWS],
        "updates": [_row(r, staff) for r in report.rows if r.status == "updated"][:PREVIEW_ROWS],
    }


def _read(session, record):
    """A file refused (a bound broken, or it cannot be parsed) fails the job once, with the
    refusal's message: reading it again would refuse it again."""
    org = session.get(Organisation, record.org_id)
    network_id, record_id = record.network_id, record.id
    try:
        return org, read_ledger(record.params["path"], org,
                                progress=lambda n: progress(network_id, record_id, n))
    except UploadRejected as e:
        raise JobRefused(e.message, **e.params) from e


def _with_problem_file(summary: dict, report, path: str) -> dict:
    if report.problems and os.path.exists(path):
        problem_workbook(path, report, problem_path(path))
        summary["problem_file"] = True
    return summary


@job("ledger_check", queue="default", timeout=1800)
def check_ledger_file(session, record) -> dict:
    org, report = _read(session, record)
    summary = _with_problem_file(_summary(session, report, org), report, record.params["path"])
    session.rollback()  # reading writes nothing
    return summary


@job("ledger_import", queue="default", timeout=1800)
def import_ledger_file(session, record):
    """Checks again (the ledger may have changed since the preview), then imports all rows
    and marks the job done in one transaction: all or nothing, also for a killed worker."""
    path = record.params["path"]
    org, report = _read(session, record)
    summary = _with_problem_file(_summary(session, report, org), report, path)
    if report.ok:
        summary["imported"] = import_rows(org, report)
        summary["updated"] = report.updated
    yield summary
    if summary.get("imported") is not None and not report.problems and os.path.exists(path):
        os.remove(path)  # imported: the upload is no longer needed


def expire_uploads(network) -> list[str]:
    """The scheduler's part: uploads checked (or refused) more than UPLOAD_KEPT ago and never
    confirmed lose their file and problem file; the record stays, marked expired, so its
    page says so. A confirmed upload is the import job's (it removes the file once imported)."""
    old = db.session.scalars(select(JobRecord).where(
        JobRecord.kind == "ledger_check", JobRecord.status.in_(("done", "failed")),
        JobRecord.finished_at < utcnow() - UPLOAD_KEPT,
        JobRecord.result["confirmed"].as_boolean().is_(None),
        JobRecord.result["expired"].as_boolean().is_(None))).all()
    for record in old:
        path = record.params.get("path", "")
        for leftover in (path, problem_path(path)) if path else ():
            if os.path.exists(leftover):
                os.remove(leftover)
        record.result = {**record.result, "expired": True}
    if not old:
        return []
    db.session.commit()
    return [f"{network.code}: {len(old)} unconfirmed uploads expired"]
