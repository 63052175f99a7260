"""Callbacks after repairs with the satisfaction survey, and the hot alerts they raise."""
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ... import vocab
from ...extensions import db
from ...models import HotAlert, RepairOrder, ServiceCallback
from ...policies import authorize, scope
from ...services import stations as station
from ...vocab import label
from ..actions import submit
from ..listing import paginate
from ..routing import Routes
from .forms import ResolveAlertForm, SurveyForm

routes = Routes()
register = routes.register


@routes.route("/callbacks")
def callbacks():
    authorize(current_user, "list", ServiceCallback)
    show = request.args.get("show", "due")
    stmt = scope(current_user, select(ServiceCallback), ServiceCallback)
    if show == "due":
        stmt = stmt.where(ServiceCallback.status == "due", ServiceCallback.due_on <= date.today())
    elif show == "upcoming":
        stmt = stmt.where(ServiceCallback.status == "due")
    else:
        stmt = stmt.where(ServiceCallback.status == "done")
    stmt = stmt.options(selectinload(ServiceCallback.repair).selectinload(RepairOrder.vehicle))
    page = paginate(stmt.order_by(ServiceCallback.due_on, ServiceCallback.id))
    return render_template("station/callbacks.html", page=page, show=show, today=date.today())


@routes.route("/callbacks/<int:callback_id>", methods=["GET", "POST"])
def callback(callback_id):
    cb = authorize(current_user, "view", db.session.get(ServiceCallback, callback_id))
    form = SurveyForm()
    if request.method == "POST":
        authorize(current_user, "record", cb)
        rules = station.settings(current_user.network_id)
        if request.form.get("outcome") == "unreachable":
            done = submit(form, lambda f: station.unreachable(cb, date.today(), rules), lambda _result: _(
                "未接通，明天再回访。") if cb.method == "phone" else _(
                "多次未接通，改为%(m)s回访。", m=label(vocab.SERVICE_METHODS, cb.method)))
        else:
            done = submit(form, lambda f: station.reached(
                cb, date.today(), rules, complaint=f.complaint.data, comments=f.comments.data or "",
                scores={k[6:]: int(v) if v else None for k, v in f.data.items() if k.startswith("score_")}),
                _("回访已记录。"))
        if done:
            alert = done.value if request.form.get("outcome") != "unreachable" else None
            if alert is not None and alert.status == "open":
                flash(_("已生成热点预警，请于 %(day)s 前处理。", day=alert.deadline.isoformat()), "danger")
            return redirect(url_for(".callback", callback_id=cb.id))
    return render_template("station/callback.html", cb=cb, form=form)


@routes.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
def alert(alert_id):
    alert = authorize(current_user, "view", db.session.get(HotAlert, alert_id))
    form = ResolveAlertForm()
    if request.method == "POST":
        authorize(current_user, "resolve", alert)
        if submit(form, lambda f: station.resolve(alert, f.resolution.data, date.today()),
                  lambda confirm: _("已处理，%(day)s 回访确认客户满意后关闭。", day=confirm.due_on.isoformat())):
            return redirect(url_for(".alert", alert_id=alert.id))
    confirms = db.session.scalars(select(ServiceCallback).where(ServiceCallback.alert_id == alert.id)
                                  .order_by(ServiceCallback.id)).all()
    return render_template("station/alert.html", alert=alert, form=form, confirms=confirms, today=date.today())
