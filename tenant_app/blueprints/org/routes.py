"""Own organisation: the team (phones masked by role) and the audit trail."""
from datetime import datetime, timedelta

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import AuditEntry, User
from ...policies import authorize, scope
from ..listing import csv_response, paginate, search
from . import bp


@bp.route("/team")
def team():
    authorize(current_user, "view", current_user.org)
    stmt = scope(current_user, select(User).where(User.org_id == current_user.org_id).order_by(User.name), User)
    return render_template("org/team.html", members=db.session.scalars(stmt).all())


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


@bp.route("/audit")
def audit():
    authorize(current_user, "list", AuditEntry)
    return render_template("org/audit.html", page=paginate(_audit_query()),
                           actions=["login", "login_failed", "logout", "create", "update", "delete", "view",
                                    "password_change", "password_reset"])


@bp.route("/audit.csv")
def audit_export():
    authorize(current_user, "list", AuditEntry)
    rows = ((e.created_at.isoformat(sep=" ", timespec="seconds"), e.username, e.action, e.object_type,
             e.object_id or "", e.summary, e.ip, e.changes) for e in db.session.scalars(_audit_query().limit(50000)))
    return csv_response("audit.csv", ["time", "user", "action", "object", "id", "summary", "ip", "changes"], rows)
