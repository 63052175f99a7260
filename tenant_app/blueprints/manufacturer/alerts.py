"""Hot alerts of the network's service stations, overdue ones first (escalated)."""
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import HotAlert, RepairOrder, ServiceCallback, ServiceSettings
from ...policies import authorize, scope
from ...services.stations import settings
from ..listing import flash_form_errors, paginate
from ..routing import Routes
from .forms import ServiceSettingsForm

routes = Routes()
register = routes.register


@routes.route("/alerts")
def alerts():
    authorize(current_user, "list", HotAlert)
    today = date.today()
    status = request.args.get("status", "active")
    stmt = scope(current_user, select(HotAlert), HotAlert)
    if status == "active":
        stmt = stmt.where(HotAlert.status != "closed")
    elif status in ("open", "resolved", "closed"):
        stmt = stmt.where(HotAlert.status == status)
    overdue_first = case(((HotAlert.status == "open") & (HotAlert.deadline < today), 0), else_=1)
    page = paginate(stmt.options(selectinload(HotAlert.org), selectinload(HotAlert.repair)
                                 .selectinload(RepairOrder.vehicle))
                    .order_by(overdue_first, HotAlert.deadline, HotAlert.id))
    return render_template("manufacturer/alerts.html", page=page, status=status, today=today)


@routes.route("/alerts/<int:alert_id>")
def alert(alert_id):
    alert = authorize(current_user, "view", db.session.get(HotAlert, alert_id))
    confirms = db.session.scalars(select(ServiceCallback).where(ServiceCallback.alert_id == alert.id)
                                  .order_by(ServiceCallback.id)).all()
    return render_template("station/alert.html", alert=alert, form=None, confirms=confirms, today=date.today())


@routes.route("/service-settings", methods=["GET", "POST"])
def service_settings():
    authorize(current_user, "edit", ServiceSettings)
    current = settings(current_user.network_id)
    form = ServiceSettingsForm(obj=current)
    if form.validate_on_submit():
        if current.id is None:
            db.session.add(current)
        form.populate_obj(current)
        db.session.commit()
        flash(_("售后回访设置已保存。"), "success")
        return redirect(url_for(".service_settings"))
    flash_form_errors(form)
    return render_template("manufacturer/service_settings.html", form=form)
