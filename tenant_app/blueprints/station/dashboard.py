"""The station's dashboard: callbacks due, satisfaction, open hot alerts."""
from datetime import date

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from ...extensions import db
from ...models import HotAlert, RepairOrder, ServiceCallback
from ...policies import authorize
from ..routing import Routes

routes = Routes()
register = routes.register


@routes.route("/dashboard")
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
    return render_template("station/dashboard.html", open_repairs=open_repairs, due=due, surveyed=surveyed[0],
                           satisfaction=surveyed[1], alerts=alerts, today=today)
