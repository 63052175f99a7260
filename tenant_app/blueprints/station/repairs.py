"""Repair orders; closing one schedules the callback after it."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import HotAlert, RepairOrder, Vehicle
from ...policies import authorize, scope
from ...services import stations as station
from ..listing import flash_form_errors, paginate, search, sort
from ..routing import Routes
from .forms import CloseForm

routes = Routes()
register = routes.register


@routes.route("/repairs")
def repairs():
    authorize(current_user, "list", RepairOrder)
    stmt = scope(current_user, select(RepairOrder).join(Vehicle, Vehicle.id == RepairOrder.vehicle_id), RepairOrder)
    stmt = search(stmt, [Vehicle.vin, RepairOrder.plate, Vehicle.model, RepairOrder.technician], request.args.get("q"))
    if request.args.get("status") in ("open", "closed"):
        stmt = stmt.where(RepairOrder.status == request.args["status"])
    stmt = sort(stmt, {"date_in": RepairOrder.date_in, "amount": RepairOrder.amount}, "-date_in")
    return render_template("station/repairs.html", page=paginate(stmt.options(selectinload(RepairOrder.vehicle))))


@routes.route("/repairs/<int:repair_id>", methods=["GET", "POST"])
def repair(repair_id):
    repair = authorize(current_user, "view", db.session.get(RepairOrder, repair_id))
    form = CloseForm()
    if request.method == "POST":
        authorize(current_user, "close", repair)
        if form.validate_on_submit():
            try:
                callback = station.close_repair(repair, form.date_out.data, station.settings(current_user.network_id))
                db.session.commit()
            except station.StationError as e:
                db.session.rollback()
                flash(str(e), "danger")
            else:
                flash(_("已结算出厂，回访定于 %(day)s。", day=callback.due_on.isoformat()), "success")
                return redirect(url_for(".repair", repair_id=repair.id))
        else:
            flash_form_errors(form)
    alerts = db.session.scalars(select(HotAlert).where(HotAlert.repair_id == repair.id)).all()
    return render_template("station/repair.html", repair=repair, form=form, alerts=alerts)
