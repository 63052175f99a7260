"""The notification centre (/notifications: the bell's list, opening one marks it read) and each
user's notification preferences (/account/notifications). Any party's users; each sees only
their own."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from ...extensions import db
from ...models import Delivery, Notification
from ...policies import authorize, can, scope, skip_authorization
from ...services import notify
from ..actions import attempt, submit
from ..listing import paginate
from ..routing import Routes

routes = Routes()
bp = Blueprint("notifications", __name__, template_folder="templates")


@routes.route("/notifications")
def index():
    page = paginate(scope(current_user, select(Notification), Notification)
                    .order_by(Notification.id.desc()))
    return render_template("notifications/index.html", page=page, form=FlaskForm(), kinds=notify.KINDS,
                           may_log=can(current_user, "list", Delivery))


@routes.route("/notifications/<int:notification_id>/open", methods=["POST"])
def open_one(notification_id):
    """Opening a notification marks it read and goes to its object (whose page checks the policy)."""
    note = authorize(current_user, "read", db.session.get(Notification, notification_id))
    if not submit(FlaskForm(), lambda f: notify.mark_read(note)):
        return redirect(url_for(".index"))
    link = note.link if note.link.startswith("/") and not note.link.startswith("//") else ""
    return redirect(link or url_for(".index"))


@routes.route("/notifications/read-all", methods=["POST"])
def read_all():
    skip_authorization()  # the user's own notifications only
    submit(FlaskForm(), lambda f: notify.mark_all_read(current_user), _("已全部标为已读。"))
    return redirect(url_for(".index"))


@routes.route("/account/notifications", methods=["GET", "POST"])
def preferences():
    skip_authorization()  # the user's own choices
    me = current_user._get_current_object()
    form = FlaskForm()
    channels = notify.extra_channels()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        posted = {kind: request.form.getlist(f"ch-{kind}") for kind in notify.KINDS}
        quiet = request.form.get("quiet") == "on"
        if attempt(lambda: notify.save_preferences(
                me, posted, request.form.get("quiet_from") if quiet else None,
                request.form.get("quiet_to") if quiet else None,
                request.form.get("digest_hour") if request.form.get("digest") == "on" else None),
                _("通知设置已保存。")):
            return redirect(url_for(".preferences"))
    from ...services.notify.channels import CHANNELS
    configured = {name: CHANNELS[name].configured(me.org) for name in channels}
    return render_template("notifications/preferences.html", form=form, prefs=notify.preferences(me),
                           kinds=notify.KINDS, channels=channels, channel_labels=notify.CHANNEL_LABELS, configured=configured,
                           address={name: CHANNELS[name].address(me) for name in channels})


routes.register(bp)
