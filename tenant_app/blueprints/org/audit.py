"""The audit trail of what concerns the organisation (the whole network's for network administrators), with CSV export."""
from datetime import datetime, timedelta

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import AuditEntry
from ...policies import authorize, scope
from ..listing import csv_response, paginate, search
from ..routing import Routes

routes = Routes()
register = routes.register


def _audit_query():
    stmt = scope(current_user, select(AuditEntry), AuditEntry)
    stmt = search(stmt, [AuditEntry.username, AuditEntry.summary, AuditEntry.object_type], request.args.get("q"))
    if request.args.get("action"):
        stmt = stmt.where(AuditEntry.action == request.args["action"])
    for arg, op in (("from", "__ge__"), ("to", "__lt__")):
        try:
            day = datetime.strptime(request.args.get(arg, ""), "%Y-%m-%d")
            bound = day + timedelta(days=1) if arg == "to" else day
        except (ValueError, OverflowError):
            continue
        stmt = stmt.where(getattr(AuditEntry.created_at, op)(bound))
    return stmt.order_by(AuditEntry.id.desc())


@routes.route("/audit")
def audit():
    authorize(current_user, "list", AuditEntry)
    return render_template("org/audit.html", page=paginate(_audit_query()),
                           actions=["login", "login_failed", "logout", "create", "update", "delete", "view",
                                    "password_change", "password_reset", "bulk_assign", "generate_plan", "export"])


@routes.route("/audit.csv")
def audit_export():
    authorize(current_user, "list", AuditEntry)
    rows = ((e.created_at.isoformat(sep=" ", timespec="seconds"), e.username, e.action, e.object_type,
             e.object_id or "", e.summary, e.ip, e.changes) for e in db.session.scalars(_audit_query().limit(50000)))
    return csv_response("audit.csv", ["time", "user", "action", "object", "id", "summary", "ip", "changes"], rows)
