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


# --- policy support received -----------------------------------------------------------------
@bp.route("/announcements")
def announcements():
    from ...models import Acknowledgement, Announcement

    authorize(current_user, "list", Announcement)
    rows = db.session.scalars(scope(current_user, select(Announcement), Announcement)
                              .order_by(Announcement.published_at.desc())).all()
    acked = set(db.session.scalars(select(Acknowledgement.announcement_id).where(
        Acknowledgement.org_id == current_user.org_id)))
    return render_template("org/announcements.html", rows=rows, acked=acked)


@bp.route("/announcements/<int:announcement_id>/acknowledge", methods=["POST"])
def acknowledge(announcement_id):
    from flask import flash, redirect, url_for
    from flask_babel import gettext as _

    from ...models import Announcement
    from ...services.announcements import acknowledge as ack

    ann = authorize(current_user, "acknowledge", db.session.get(Announcement, announcement_id))
    if ack(ann, current_user):
        db.session.commit()
        flash(_("已确认收到。"), "success")
    return redirect(url_for(".announcements"))


@bp.route("/announcements/<int:announcement_id>/document")
def announcement_document(announcement_id):
    import os

    from flask import abort, send_file

    from ...models import Announcement

    ann = authorize(current_user, "view", db.session.get(Announcement, announcement_id))
    if not ann.document_path or not os.path.exists(ann.document_path):
        abort(404)
    return send_file(ann.document_path, as_attachment=True, download_name=ann.document_name)
