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
from ..listing import flash_form_errors, paginate
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
        if form.validate_on_submit():
            try:
                if request.form.get("outcome") == "unreachable":
                    station.unreachable(cb, date.today(), station.settings(current_user.network_id))
                    message = _("未接通，明天再回访。") if cb.method == "phone" else \
                        _("多次未接通，改为%(m)s回访。", m=label(vocab.SERVICE_METHODS, cb.method))
                    alert = None
                else:
                    scores = {k[6:]: int(v) if v else None for k, v in form.data.items() if k.startswith("score_")}
                    alert = station.reached(cb, date.today(), station.settings(current_user.network_id), scores=scores,
                                            complaint=form.complaint.data, comments=form.comments.data or "")
                    message = _("回访已记录。")
                db.session.commit()
            except station.StationError as e:
                db.session.rollback()
                flash(str(e), "danger")
            else:
                flash(message, "success")
                if alert is not None and alert.status == "open":
                    flash(_("已生成热点预警，请于 %(day)s 前处理。", day=alert.deadline.isoformat()), "danger")
                return redirect(url_for(".callback", callback_id=cb.id))
        else:
            flash_form_errors(form)
    return render_template("station/callback.html", cb=cb, form=form)


@routes.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
def alert(alert_id):
    alert = authorize(current_user, "view", db.session.get(HotAlert, alert_id))
    form = ResolveAlertForm()
    if request.method == "POST":
        authorize(current_user, "resolve", alert)
        if form.validate_on_submit():
            try:
                confirm = station.resolve(alert, form.resolution.data, date.today())
                db.session.commit()
            except station.StationError as e:
                db.session.rollback()
                flash(str(e), "danger")
            else:
                flash(_("已处理，%(day)s 回访确认客户满意后关闭。", day=confirm.due_on.isoformat()), "success")
                return redirect(url_for(".alert", alert_id=alert.id))
        else:
            flash_form_errors(form)
    confirms = db.session.scalars(select(ServiceCallback).where(ServiceCallback.alert_id == alert.id)
                                  .order_by(ServiceCallback.id)).all()
    return render_template("station/alert.html", alert=alert, form=form, confirms=confirms, today=date.today())
