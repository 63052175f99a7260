"""Repair orders; closing one schedules the callback after it."""
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import HotAlert, RepairOrder, Vehicle
from ...policies import authorize, scope
from ...reports.qr import svg_data_uri
from ...services import stations as station
from ...services import surveys
from ..actions import submit
from ..listing import paginate, search, sort
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
        if submit(form, lambda f: station.close_repair(repair, f.date_out.data, station.settings(current_user.network_id)),
                  lambda callback: _("已结算出厂，回访定于 %(day)s。", day=callback.due_on.isoformat())):
            surveys.send_links_by_sms([surveys.for_repair(repair.id)], repair.vehicle.phone)  # after the commit
            return redirect(url_for(".repair", repair_id=repair.id))
    alerts = db.session.scalars(select(HotAlert).where(HotAlert.repair_id == repair.id)).all()
    survey = surveys.for_repair(repair.id)
    return render_template("station/repair.html", repair=repair, form=form, alerts=alerts, survey=survey,
                           staff_satisfied=surveys.staff_result(survey) if survey else None)


@routes.route("/repairs/<int:repair_id>/sheet")
def repair_sheet(repair_id):
    """The repair sheet to print and hand over, with the QR code of the customer's survey link."""
    repair = authorize(current_user, "view", db.session.get(RepairOrder, repair_id))
    survey = surveys.for_repair(repair.id)
    link = surveys.link_for(survey) if survey and survey.answered_at is None else ""
    return render_template("station/repair_sheet.html", repair=repair, survey=survey, link=link,
                           qr=svg_data_uri(link) if link else "")
