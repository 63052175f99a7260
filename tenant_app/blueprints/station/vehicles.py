"""Vehicles by VIN or plate: found from the dealers' deals, or registered here."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import RepairOrder, Vehicle
from ...policies import authorize, scope
from ...services import stations as station
from ..actions import attempt, submit
from ..listing import paginate
from ..routing import Routes
from .forms import RepairForm, VehicleForm

routes = Routes()
register = routes.register


@routes.route("/vehicles")
def vehicles():
    authorize(current_user, "list", Vehicle)
    q = request.args.get("q", "").strip()[:40]
    if q:
        found = station.find_vehicles(q)
        if len(found) == 1:
            return redirect(url_for(".vehicle", vehicle_id=found[0].id))
        if found:
            return render_template("station/vehicles.html", q=q, matches=found, page=None)
        flash(_("没有找到车架号或车牌号为 %(q)s 的车辆，可以登记。", q=q), "warning")
        plate = q.upper().replace(" ", "")
        return redirect(url_for(".vehicle_new", vin=q if len(q) == 17 else "",
                                plate=plate if len(q) != 17 and station.PLATE.match(plate) else ""))
    served = select(RepairOrder.vehicle_id).where(RepairOrder.org_id == current_user.org_id)
    stmt = scope(current_user, select(Vehicle).where(Vehicle.id.in_(served)), Vehicle)
    return render_template("station/vehicles.html", page=paginate(stmt.order_by(Vehicle.id.desc())), q="", matches=None)


@routes.route("/vehicles/new", methods=["GET", "POST"])
def vehicle_new():
    authorize(current_user, "create", Vehicle)
    form = VehicleForm(data={"vin": request.args.get("vin", ""), "plate": request.args.get("plate", "")}
                       if request.method == "GET" else None)
    if form.validate_on_submit():
        done = attempt(lambda: station.register_vehicle(current_user.org, vin=form.vin.data, model=form.model.data,
                                                        plate=form.plate.data or "", owner_name=form.owner_name.data,
                                                        owner_phone=form.owner_phone.data or ""),
                       _("车辆已登记。"), field=form.vin)
        if done:
            return redirect(url_for(".vehicle", vehicle_id=done.value.id))
    return render_template("station/vehicle_form.html", form=form)


@routes.route("/vehicles/<int:vehicle_id>", methods=["GET", "POST"])
def vehicle(vehicle_id):
    vehicle = authorize(current_user, "view", db.session.get(Vehicle, vehicle_id))
    form = RepairForm()
    if request.method == "POST":
        authorize(current_user, "repair", vehicle)
        done = submit(form, lambda f: station.open_repair(
            current_user.org, vehicle, kind=f.kind.data, date_in=f.date_in.data, mileage=f.mileage.data,
            plate=f.plate.data or "", work_done=f.work_done.data, parts=f.parts.data or "", amount=f.amount.data,
            technician=f.technician.data or ""), _("维修单已开立。"))
        if done:
            return redirect(url_for(".repair", repair_id=done.value.id))
    history = db.session.scalars(scope(current_user, select(RepairOrder).where(RepairOrder.vehicle_id == vehicle.id),
                                       RepairOrder).order_by(RepairOrder.date_in.desc())).all()
    return render_template("station/vehicle.html", vehicle=vehicle, history=history, form=form)
