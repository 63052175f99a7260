"""Large ledger exports, written off the request (62,000 customers held a web thread for minutes):
streamed from the database in write-only mode, kept for a day under the instance's exports/."""
from __future__ import annotations

import os
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from ..extensions import db
from ..models import Customer, FleetEntry, JobRecord, Organisation, PendingValue, User
from ..models.base import utcnow
from ..services import audit
from ..services.brands import own_brand
from ..services.ledger_excel import FLEET_GROUPS, export_ledger
from ..services.ledger_query import LedgerQuery
from . import job, progress

EXPORT_KEPT = timedelta(days=1)


def export_dir(instance_path: str, network_id: int, org_id: int) -> str:
    return os.path.join(instance_path, "exports", str(network_id), str(org_id))


@job("ledger_export", queue="default", timeout=1800)
def export_ledger_file(session, record) -> dict:
    """The organisation's ledger under the filter the user had, in the deck's layout. The
    filter was read (and the user authorised) when the export was asked for."""
    from flask import current_app

    org = session.get(Organisation, record.org_id)
    query = LedgerQuery.from_args(MultiDict(record.params.get("args", {})), org.id)
    stmt = query.where(select(Customer).where(Customer.org_id == org.id)).order_by(Customer.name, Customer.id)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    longest = session.scalar(select(func.count(FleetEntry.id)).where(FleetEntry.org_id == org.id)
                             .group_by(FleetEntry.customer_id).order_by(func.count(FleetEntry.id).desc()).limit(1))
    rows = _customers(session, stmt, org.id)
    folder = export_dir(current_app.instance_path, record.network_id, org.id)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{record.id}.xlsx")
    network_id, record_id = record.network_id, record.id
    brand = own_brand()
    # SQLite lets no other connection write while this one streams rows: no progress there (the
    # embedded default runs jobs inline anyway)
    told = None if session.get_bind().dialect.name == "sqlite" else \
        (lambda n: progress(network_id, record_id, min(99, 100 * n // max(total, 1))))
    written = export_ledger(rows, path, own_brand=brand.name if brand else "",
                            groups=max(FLEET_GROUPS, longest or 0), progress=told)
    audit.record("export", network_id=network_id, obj=org, user=session.get(User, record.created_by_id),
                 summary=f"ledger export: {written} rows")
    return {"path": path, "rows": written, "filename": record.params.get("filename", "ledger.xlsx")}


COLUMNS = (Customer.id, Customer.region, Customer.name, Customer.transport_type, Customer.nature, Customer.contact_name,
           Customer.phone, Customer.own_since, Customer.fleet_since, Customer.klass, Customer.notes, Customer.use,
           Customer.source, Customer.responsible_id)


def _customers(session, stmt, org_id: int, chunk: int = 2000):
    """The export's customers as plain records (what export_ledger reads of a Customer), in the
    statement's order, a chunk at a time: three queries a chunk instead of ORM objects and their
    relationships (a third of the job's time at 50,000)."""
    names = dict(session.execute(select(User.id, User.name).where(User.org_id == org_id)).all())
    ids = session.scalars(stmt.with_only_columns(Customer.id)).all()
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        found = {r.id: SimpleNamespace(**r._mapping, fleet=[], pending=[])
                 for r in session.execute(select(*COLUMNS).where(Customer.id.in_(part)))}
        for line in session.execute(select(FleetEntry.customer_id, FleetEntry.brand_text, FleetEntry.model,
                                           FleetEntry.quantity).where(FleetEntry.customer_id.in_(part))
                                    .order_by(FleetEntry.customer_id, FleetEntry.id)):
            found[line.customer_id].fleet.append(line)
        for value in session.execute(select(PendingValue.customer_id, PendingValue.field, PendingValue.text)
                                     .where(PendingValue.customer_id.in_(part))):
            found[value.customer_id].pending.append(value)
        for customer_id in part:
            c = found[customer_id]
            c.responsible = SimpleNamespace(name=names[c.responsible_id]) if c.responsible_id in names else None
            yield c


def expire_exports(network) -> list[str]:
    """The scheduler's part: export files older than EXPORT_KEPT are removed; the record stays,
    marked expired, so its page says so."""
    old = db.session.scalars(select(JobRecord).where(
        JobRecord.kind == "ledger_export", JobRecord.status == "done",
        JobRecord.finished_at < utcnow() - EXPORT_KEPT,
        JobRecord.result["expired"].as_boolean().is_(None))).all()
    for record in old:
        path = record.result.get("path", "")
        if path and os.path.exists(path):
            os.remove(path)
        record.result = {**record.result, "expired": True}
    if not old:
        return []
    db.session.commit()
    return [f"{network.code}: {len(old)} ledger exports expired"]
