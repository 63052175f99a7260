"""Policy support (政策支持): promotions and policies published to chosen parties, and who acknowledged."""
import os

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Organisation
from ...policies import authorize, scope
from ..actions import attempt
from ..routing import Routes

routes = Routes()
register = routes.register


@routes.route("/announcements", methods=["GET", "POST"])
def announcements():
    from ...models import Announcement
    from ...services.announcements import publish
    from .forms import AnnouncementForm

    authorize(current_user, "create" if request.method == "POST" else "list", Announcement)
    form = AnnouncementForm()
    builders = db.session.scalars(select(Organisation).where(Organisation.kind == "bodybuilder")
                                  .order_by(Organisation.code)).all()
    form.builder_org_id.choices = [(0, _("无"))] + [(o.id, f"{o.code} {o.name}") for o in builders]
    if form.validate_on_submit():
        done = attempt(lambda: publish(
            current_user.network_id, current_user, kind=form.kind.data, title=form.title.data,
            body=form.body.data or "", effective_from=form.effective_from.data, effective_to=form.effective_to.data,
            parties=form.parties.data or [], upload=form.document.data,
            store=os.path.join(current_app.instance_path, "documents", str(current_user.network_id)),
            builder=form.builder_org_id.data or None, builders={o.id for o in builders}),
            lambda ann: _("已发布：%(t)s", t=ann.title), field=form.title)
        if done:
            return redirect(url_for(".announcement", announcement_id=done.value.id))
    rows = db.session.scalars(scope(current_user, select(Announcement), Announcement)
                              .order_by(Announcement.published_at.desc())).all()
    return render_template("manufacturer/announcements.html", rows=rows, form=form)


@routes.route("/announcements/<int:announcement_id>")
def announcement(announcement_id):
    from ...models import Acknowledgement, Announcement

    ann = authorize(current_user, "view", db.session.get(Announcement, announcement_id))
    kinds = [k for k in ("dealer", "bodybuilder", "service") if ann.addressed_to(k)]
    orgs = db.session.scalars(scope(current_user, select(Organisation).where(Organisation.kind.in_(kinds),
                                                                           Organisation.status == "active"),
                                    Organisation).order_by(Organisation.code)).all()
    acks = {a.org_id: a for a in db.session.scalars(select(Acknowledgement).where(
        Acknowledgement.announcement_id == ann.id).options(selectinload(Acknowledgement.user)))}
    return render_template("manufacturer/announcement.html", ann=ann, orgs=orgs, acks=acks)
