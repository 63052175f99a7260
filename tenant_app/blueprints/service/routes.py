"""The service station's pages: dashboard, vehicle look-up and registration, repair orders,
callbacks due after repairs with the survey, and hot alerts."""
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ... import vocab
from ...extensions import db
from ...models import HotAlert, RepairOrder, ServiceCallback, Vehicle
from ...policies import authorize, scope
from ...services import service_station as station
from ...vocab import label
from ..listing import flash_form_errors, paginate, search, sort
from . import bp
from .forms import CloseForm, RepairForm, ResolveAlertForm, SurveyForm, VehicleForm


def _rules():
    return station.settings(current_user.network_id)


@bp.route("/dashboard")
def dashboard():
    authorize(current_user, "list", RepairOrder)
    today = date.today()
    own = RepairOrder.org_id == current_user.org_id
    open_repairs = db.session.scalar(select(func.count(RepairOrder.id)).where(own, RepairOrder.status == "open"))
    due = db.session.scalar(select(func.count(ServiceCallback.id)).where(
        ServiceCallback.org_id == current_user.org_id, ServiceCallback.status == "due", ServiceCallback.due_on <= today))
    surveyed = db.session.execute(select(func.count(), func.avg(ServiceCallback.score_overall)).where(
        ServiceCallback.org_id == current_user.org_id, ServiceCallback.status == "done",
        ServiceCallback.purpose == "after_repair")).one()
    alerts = db.session.scalars(select(HotAlert).where(HotAlert.org_id == current_user.org_id,
                                                       HotAlert.status != "closed")
                                .order_by(HotAlert.deadline)).all()
    return render_template("service/dashboard.html", open_repairs=open_repairs, due=due, surveyed=surveyed[0],
                           satisfaction=surveyed[1], alerts=alerts, today=today)


# --- vehicles ------------------------------------------------------------------------------
@bp.route("/vehicles")
def vehicles():
    authorize(current_user, "list", Vehicle)
    q = request.args.get("q", "").strip()
    if q:
        found = station.find_vehicle(q)
        db.session.commit()  # a sold vehicle seen for the first time is kept
        if found is not None:
            return redirect(url_for(".vehicle", vehicle_id=found.id))
        flash(_("没有找到车架号或车牌号为 %(q)s 的车辆，可以登记。", q=q), "warning")
        return redirect(url_for(".vehicle_new", vin=q if len(q) == 17 else "", plate=q if len(q) != 17 else ""))
    served = select(RepairOrder.vehicle_id).where(RepairOrder.org_id == current_user.org_id)
    stmt = scope(current_user, select(Vehicle).where(Vehicle.id.in_(served)), Vehicle)
    return render_template("service/vehicles.html", page=paginate(stmt.order_by(Vehicle.id.desc())))


@bp.route("/vehicles/new", methods=["GET", "POST"])
def vehicle_new():
    authorize(current_user, "create", Vehicle)
    form = VehicleForm(data={"vin": request.args.get("vin", ""), "plate": request.args.get("plate", "")}
                       if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            vehicle = station.register_vehicle(current_user.org, vin=form.vin.data, model=form.model.data,
                                               plate=form.plate.data or "", owner_name=form.owner_name.data,
                                               owner_phone=form.owner_phone.data or "")
            db.session.commit()
        except station.ServiceError as e:
            db.session.rollback()
            form.vin.errors.append(str(e))
        else:
            flash(_("车辆已登记。"), "success")
            return redirect(url_for(".vehicle", vehicle_id=vehicle.id))
    return render_template("service/vehicle_form.html", form=form)


@bp.route("/vehicles/<int:vehicle_id>", methods=["GET", "POST"])
def vehicle(vehicle_id):
    vehicle = authorize(current_user, "view", db.session.get(Vehicle, vehicle_id))
    form = RepairForm()
    if request.method == "POST":
        authorize(current_user, "repair", vehicle)
        if form.validate_on_submit():
            try:
                repair = station.open_repair(current_user.org, vehicle, kind=form.kind.data, date_in=form.date_in.data,
                                             mileage=form.mileage.data, plate=form.plate.data or "",
                                             work_done=form.work_done.data, parts=form.parts.data or "",
                                             amount=form.amount.data, technician=form.technician.data or "")
                db.session.commit()
            except station.ServiceError as e:
                db.session.rollback()
                flash(str(e), "danger")
            else:
                flash(_("维修单已开立。"), "success")
                return redirect(url_for(".repair", repair_id=repair.id))
        else:
            flash_form_errors(form)
    history = db.session.scalars(scope(current_user, select(RepairOrder).where(RepairOrder.vehicle_id == vehicle.id),
                                       RepairOrder).order_by(RepairOrder.date_in.desc())).all()
    return render_template("service/vehicle.html", vehicle=vehicle, history=history, form=form)


# --- repair orders -----------------------------------------------------------------------
@bp.route("/repairs")
def repairs():
    authorize(current_user, "list", RepairOrder)
    stmt = scope(current_user, select(RepairOrder).join(Vehicle, Vehicle.id == RepairOrder.vehicle_id), RepairOrder)
    stmt = search(stmt, [Vehicle.vin, RepairOrder.plate, Vehicle.model, RepairOrder.technician], request.args.get("q"))
    if request.args.get("status") in ("open", "closed"):
        stmt = stmt.where(RepairOrder.status == request.args["status"])
    stmt = sort(stmt, {"date_in": RepairOrder.date_in, "amount": RepairOrder.amount}, "-date_in")
    return render_template("service/repairs.html", page=paginate(stmt.options(selectinload(RepairOrder.vehicle))))


@bp.route("/repairs/<int:repair_id>", methods=["GET", "POST"])
def repair(repair_id):
    repair = authorize(current_user, "view", db.session.get(RepairOrder, repair_id))
    form = CloseForm()
    if request.method == "POST":
        authorize(current_user, "close", repair)
        if form.validate_on_submit():
            try:
                callback = station.close_repair(repair, form.date_out.data, _rules())
                db.session.commit()
            except station.ServiceError as e:
                db.session.rollback()
                flash(str(e), "danger")
            else:
                flash(_("已结算出厂，回访定于 %(day)s。", day=callback.due_on.isoformat()), "success")
                return redirect(url_for(".repair", repair_id=repair.id))
        else:
            flash_form_errors(form)
    alerts = db.session.scalars(select(HotAlert).where(HotAlert.repair_id == repair.id)).all()
    return render_template("service/repair.html", repair=repair, form=form, alerts=alerts)


# --- callbacks after repairs -------------------------------------------------------------
@bp.route("/callbacks")
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
    return render_template("service/callbacks.html", page=page, show=show, today=date.today())


@bp.route("/callbacks/<int:callback_id>", methods=["GET", "POST"])
def callback(callback_id):
    cb = authorize(current_user, "view", db.session.get(ServiceCallback, callback_id))
    form = SurveyForm()
    if request.method == "POST":
        authorize(current_user, "record", cb)
        if form.validate_on_submit():
            try:
                if request.form.get("outcome") == "unreachable":
                    station.unreachable(cb, date.today(), _rules())
                    message = _("未接通，明天再回访。") if cb.method == "phone" else \
                        _("多次未接通，改为%(m)s回访。", m=label(vocab.SERVICE_METHODS, cb.method))
                    alert = None
                else:
                    scores = {k[6:]: int(v) if v else None for k, v in form.data.items() if k.startswith("score_")}
                    alert = station.reached(cb, date.today(), _rules(), scores=scores,
                                            complaint=form.complaint.data, comments=form.comments.data or "")
                    message = _("回访已记录。")
                db.session.commit()
            except station.ServiceError as e:
                db.session.rollback()
                flash(str(e), "danger")
            else:
                flash(message, "success")
                if alert is not None and alert.status == "open":
                    flash(_("已生成热点预警，请于 %(day)s 前处理。", day=alert.deadline.isoformat()), "danger")
                return redirect(url_for(".callback", callback_id=cb.id))
        else:
            flash_form_errors(form)
    return render_template("service/callback.html", cb=cb, form=form)


# --- hot alerts ----------------------------------------------------------------------------
@bp.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
def alert(alert_id):
    alert = authorize(current_user, "view", db.session.get(HotAlert, alert_id))
    form = ResolveAlertForm()
    if request.method == "POST":
        authorize(current_user, "resolve", alert)
        if form.validate_on_submit():
            try:
                confirm = station.resolve(alert, form.resolution.data, date.today())
                db.session.commit()
            except station.ServiceError as e:
                db.session.rollback()
                flash(str(e), "danger")
            else:
                flash(_("已处理，%(day)s 回访确认客户满意后关闭。", day=confirm.due_on.isoformat()), "success")
                return redirect(url_for(".alert", alert_id=alert.id))
        else:
            flash_form_errors(form)
    confirms = db.session.scalars(select(ServiceCallback).where(ServiceCallback.alert_id == alert.id)
                                  .order_by(ServiceCallback.id)).all()
    return render_template("service/alert.html", alert=alert, form=form, confirms=confirms, today=date.today())
