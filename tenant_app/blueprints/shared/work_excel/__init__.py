"""The deck's work tables in Excel: the callback plan (slide 37), results (slide 38), the follow-up plan (slide 44)."""
from datetime import date, datetime
import io

from flask import request, send_file
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ....extensions import db
from ....models import Callback, CallbackItem, CallbackPlan, Customer, Opportunity, User
from ....policies import authorize, scope
from ....services.brands import own_brand
from ....services.work_excel import callback_plan_workbook, callback_results_workbook, follow_up_plan_workbook
from ...listing import db_int
from ...routing import Routes

routes = Routes()
register = routes.register


def _xlsx(build, filename):
    buf = io.BytesIO()
    build(buf)
    buf.seek(0)
    return send_file(buf, as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _brand_name():
    brand = own_brand()
    return brand.name if brand else ""


def _period():
    """from/to in the query string, else the current month."""
    today = date.today()
    try:
        start = datetime.strptime(request.args.get("from", ""), "%Y-%m-%d").date()
    except ValueError:
        start = today.replace(day=1)
    try:
        end = datetime.strptime(request.args.get("to", ""), "%Y-%m-%d").date()
    except ValueError:
        end = today
    return start, end


@routes.route("/callbacks/plans/<int:plan_id>/export.xlsx", endpoint="callback_plan_export")
def plan_export(plan_id):
    plan = authorize(current_user, "view", db.session.get(CallbackPlan, plan_id))
    items = db.session.scalars(select(CallbackItem).where(CallbackItem.plan_id == plan.id)
                               .options(selectinload(CallbackItem.customer).selectinload(Customer.fleet),
                                        selectinload(CallbackItem.assignee))
                               .order_by(CallbackItem.due_on, CallbackItem.id)).all()
    return _xlsx(lambda buf: callback_plan_workbook(plan, items, _brand_name(), buf), f"callback-plan-{plan.id}.xlsx")


@routes.route("/callbacks/results.xlsx", endpoint="callback_results_export")
def results_export():
    authorize(current_user, "list", Callback)
    start, end = _period()
    rows = db.session.scalars(scope(current_user, select(Callback).where(Callback.done_on.between(start, end)),
                                    Callback).options(selectinload(Callback.customer).selectinload(Customer.fleet))
                              .order_by(Callback.done_on, Callback.id)).all()
    heading = f"{current_user.org.name} 客户回访结果（{start} — {end}）"
    return _xlsx(lambda buf: callback_results_workbook(rows, _brand_name(), buf, heading),
                 f"callback-results-{start}-{end}.xlsx")


@routes.route("/opportunities/plan.xlsx", endpoint="follow_up_plan_export")
def follow_up_export():
    authorize(current_user, "list", Opportunity)
    start, end = _period()
    stmt = scope(current_user, select(Opportunity).where(Opportunity.stage.in_(("following", "negotiating"))),
                 Opportunity)
    owner = db.session.get(User, request.args.get("owner_id", type=db_int) or 0)
    if owner is not None and owner.org_id == current_user.org_id:
        stmt = stmt.where(Opportunity.owner_id == owner.id)
    rows = db.session.scalars(stmt.options(selectinload(Opportunity.customer).selectinload(Customer.fleet))
                              .order_by(Opportunity.intent_level, Opportunity.expected_on)).all()
    return _xlsx(lambda buf: follow_up_plan_workbook(
        rows, _brand_name(), buf, purpose="对已经确定有购车需求的客户进行适时跟进，最终实现客户购买本品",
        period=f"{start} — {end}", person=owner.name if owner and owner.org_id == current_user.org_id else "全体"),
        f"follow-up-plan-{start}.xlsx")
