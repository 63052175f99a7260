"""The delivery log of notifications (network administrators): every attempt per channel,
filterable by channel, status, kind and user."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ...models import Delivery, Notification, User
from ...policies import authorize, scope
from ...services import notify
from ..listing import paginate, search
from ..routing import Routes

routes = Routes()
register = routes.register
STATUSES = ("queued", "sent", "failed", "skipped")


@routes.route("/notifications/log")
def notification_log():
    authorize(current_user, "list", Delivery)
    stmt = scope(current_user, select(Delivery).join(Delivery.notification).join(User, User.id == Notification.user_id)
                 .options(contains_eager(Delivery.notification).joinedload(Notification.user)), Delivery)
    args = request.args
    if args.get("channel") in notify.CHANNEL_LABELS:
        stmt = stmt.where(Delivery.channel == args["channel"])
    if args.get("status") in STATUSES:
        stmt = stmt.where(Delivery.status == args["status"])
    if args.get("kind") in notify.KINDS:
        stmt = stmt.where(Notification.kind == args["kind"])
    stmt = search(stmt, [User.username, User.name, Notification.title], args.get("q"))
    page = paginate(stmt.order_by(Delivery.id.desc()))
    return render_template("manufacturer/notification_log.html", page=page, statuses=STATUSES,
                           kinds=notify.KINDS, channel_labels=notify.CHANNEL_LABELS)
