"""Policies and promotions published to the organisation; acknowledging receipt."""
from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...policies import authorize, scope
from ..routing import Routes

routes = Routes()
register = routes.register


@routes.route("/announcements")
def announcements():
    from ...models import Acknowledgement, Announcement

    authorize(current_user, "list", Announcement)
    rows = db.session.scalars(scope(current_user, select(Announcement), Announcement)
                              .order_by(Announcement.published_at.desc())).all()
    acked = set(db.session.scalars(select(Acknowledgement.announcement_id).where(
        Acknowledgement.org_id == current_user.org_id)))
    return render_template("org/announcements.html", rows=rows, acked=acked)


@routes.route("/announcements/<int:announcement_id>/acknowledge", methods=["POST"])
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


@routes.route("/announcements/<int:announcement_id>/document")
def announcement_document(announcement_id):
    import os

    from flask import abort, send_file

    from ...models import Announcement

    ann = authorize(current_user, "view", db.session.get(Announcement, announcement_id))
    if not ann.document_path or not os.path.exists(ann.document_path):
        abort(404)
    return send_file(ann.document_path, as_attachment=True, download_name=ann.document_name)
