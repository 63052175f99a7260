"""Callbacks (回访): the due list, the visit calendar, plans and their assignment, the strategy matrix, recording a callback."""
import calendar
from collections import defaultdict
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .... import vocab
from ....extensions import db
from ....models import CallbackItem, CallbackPlan, CallbackStrategy, Customer
from ....policies import authorize, can, scope
from ....services import callbacks as cbs
from ...actions import attempt
from ...listing import db_int, paginate
from ...routing import Routes
from ..bulk import bar_context
from ..staff import org_staff
from .forms import CallbackForm, PlanForm, StrategyForm

routes = Routes(__name__)
register = routes.register


def assignee_filter():
    """Keepers see anyone's list (default: everyone's); others only their own."""
    if can(current_user, "create", CallbackPlan):
        return request.args.get("assignee_id", type=db_int)
    return current_user.id


# Rows of item lists show the customer and the assignee: load them with the page, not per row.
ITEM_ROWS = (selectinload(CallbackItem.customer), selectinload(CallbackItem.assignee))


@routes.route("/callbacks", endpoint="callbacks")
def due_list():
    authorize(current_user, "list", CallbackItem)
    stmt = scope(current_user, select(CallbackItem).where(CallbackItem.status == "planned"), CallbackItem)
    assignee = assignee_filter()
    if assignee:
        stmt = stmt.where(CallbackItem.assignee_id == assignee)
    if request.args.get("overdue"):
        stmt = stmt.where(CallbackItem.due_on < date.today())
    page = paginate(stmt.options(*ITEM_ROWS).order_by(CallbackItem.due_on, CallbackItem.id))
    return render_template("callbacks/due.html", page=page, today=date.today(), staff=org_staff(), assignee=assignee)


@routes.route("/callbacks/calendar", endpoint="callbacks_calendar")
def calendar_view():
    authorize(current_user, "list", CallbackItem)
    try:
        year, month = (int(x) for x in request.args.get("month", date.today().strftime("%Y-%m")).split("-"))
        if not 1900 <= year <= 2100:
            raise ValueError
        first = date(year, month, 1)
    except ValueError:
        first = date.today().replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    stmt = scope(current_user, select(CallbackItem).where(CallbackItem.due_on.between(first, last),
                                                          CallbackItem.method.in_(("visit", "home_callback"))),
                 CallbackItem)
    assignee = assignee_filter()
    if assignee:
        stmt = stmt.where(CallbackItem.assignee_id == assignee)
    by_day = defaultdict(list)
    for item in db.session.scalars(stmt.options(*ITEM_ROWS).order_by(CallbackItem.due_on)):
        by_day[item.due_on].append(item)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    prev_month = (first.replace(day=1) - date.resolution).strftime("%Y-%m")
    next_month = (last + date.resolution).strftime("%Y-%m")
    return render_template("callbacks/calendar.html", weeks=weeks, by_day=by_day, first=first, prev_month=prev_month,
                           next_month=next_month)


@routes.route("/callbacks/plans", endpoint="callback_plans", methods=["GET", "POST"])
def plans():
    authorize(current_user, "list", CallbackPlan)
    form = PlanForm()
    if not form.is_submitted():  # opens on the current month
        form.starts_on.data, form.ends_on.data = cbs.month_bounds(date.today())
        form.title.data = _("%(year)s年%(month)s月回访计划", year=form.starts_on.data.year, month=form.starts_on.data.month)
    if form.validate_on_submit():
        authorize(current_user, "create", CallbackPlan)
        done = attempt(lambda: cbs.generate_plan(current_user.org, title=form.title.data,
                                                 starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                                 by=current_user),
                       lambda r: _("已生成回访计划：%(n)s 项，其中 %(a)s 项已分配给客户的负责业务经理。",
                                   n=r.created, a=r.assigned),
                       field=form.ends_on)
        if done:
            if done.value.skipped:
                flash(_("跳过 %(n)s 项：同一客户、同一回访方式已在期间重叠的计划“%(titles)s”中。", n=done.value.skipped,
                        titles="”“".join(done.value.overlapping)), "warning")
            return redirect(url_for(".callback_plan", plan_id=done.value.plan.id))
    tallies = {plan_id: (total, unassigned) for plan_id, total, unassigned in db.session.execute(
        scope(current_user, select(CallbackItem.plan_id, func.count(),
                                   func.count().filter(CallbackItem.assignee_id.is_(None))), CallbackItem)
        .group_by(CallbackItem.plan_id)).all()}
    worked = set(db.session.scalars(scope(current_user, select(CallbackItem.plan_id), CallbackItem)
                                    .where(CallbackItem.status != "planned").distinct()))
    rows = db.session.scalars(scope(current_user, select(CallbackPlan), CallbackPlan)
                              .order_by(CallbackPlan.starts_on.desc(), CallbackPlan.id.desc())).all()
    return render_template("callbacks/plans.html", plans=rows, tallies=tallies, worked=worked, form=form)


@routes.route("/callbacks/plans/<int:plan_id>", endpoint="callback_plan")
def plan(plan_id):
    plan = authorize(current_user, "view", db.session.get(CallbackPlan, plan_id))
    staff = org_staff()
    where = cbs.ItemFilter.from_args(request.args)
    stmt = where.where(select(CallbackItem).where(CallbackItem.plan_id == plan.id)).options(*ITEM_ROWS) \
        .order_by(CallbackItem.due_on, CallbackItem.id)
    done, total, unassigned = db.session.execute(
        select(func.count().filter(CallbackItem.status == "done"), func.count(),
               func.count().filter(CallbackItem.assignee_id.is_(None), CallbackItem.status == "planned"))
        .where(CallbackItem.plan_id == plan.id)).one()
    return render_template("callbacks/plan.html", plan=plan, page=paginate(stmt), staff=staff, done=done, total=total,
                           unassigned=unassigned, where=where, bulk=bar_context(staff))


@routes.route("/callbacks/plans/<int:plan_id>/delete", endpoint="callback_plan_delete", methods=["GET", "POST"])
def plan_delete(plan_id):
    """GET asks to confirm (the page works without JavaScript); POST deletes."""
    plan = authorize(current_user, "delete", db.session.get(CallbackPlan, plan_id))
    form = FlaskForm()
    if form.validate_on_submit():
        if attempt(lambda: cbs.delete_plan(plan), lambda title: _("已删除回访计划“%(title)s”。", title=title)):
            return redirect(url_for(".callback_plans"))
        return redirect(url_for(".callback_plan", plan_id=plan_id))
    items, worked = db.session.execute(select(func.count(), func.count().filter(CallbackItem.status != "planned"))
                                       .where(CallbackItem.plan_id == plan.id)).one()
    return render_template("callbacks/plan_delete.html", plan=plan, items=items, worked=worked, form=form)


@routes.route("/callbacks/strategy", endpoint="callback_strategy", methods=["GET", "POST"])
def strategy():
    authorize(current_user, "view", CallbackStrategy)
    current = cbs.strategy_for(current_user.org)
    mine = current if current.org_id == current_user.org_id else CallbackStrategy(
        network_id=current_user.network_id, org_id=current_user.org_id)
    return strategy_page(current, mine, "callbacks/strategy.html")


def strategy_page(current, target, template):
    form = StrategyForm(obj=current)
    if form.validate_on_submit():
        authorize(current_user, "edit", target)
        matrix = {g: request.form.getlist(f"m-{g}") for g in vocab.CALLBACK_GROUPS}
        if attempt(lambda: cbs.save_strategy(current_user.network_id, target.org_id, form.recent_years.data,
                                             form.middle_years.data, matrix),
                   _("回访策略已保存。"), field=form.middle_years):
            return redirect(request.path)
    return render_template(template, form=form, current=current, editable=can(current_user, "edit", target))


@routes.route("/customers/<int:customer_id>/callbacks/new", endpoint="callback_new", methods=["GET", "POST"])
def record(customer_id):
    customer = authorize(current_user, "view", db.session.get(Customer, customer_id))
    item = None
    if request.args.get("item_id", type=db_int):
        item = authorize(current_user, "record", db.session.get(CallbackItem, request.args.get("item_id", type=db_int)))
    else:
        authorize(current_user, "edit", customer)
    form = CallbackForm()
    steps = cbs.steps_for(customer)
    form.steps.choices = [(k, _(v)) for k, v in steps.items()]
    if request.method == "GET":
        form.done_on.data = date.today()
        if item:
            form.method.data = item.method
    if form.validate_on_submit():
        data = form.data_fields()
        data["steps"] = [s for s in data["steps"] if s in steps]
        if attempt(lambda: cbs.record_callback(customer, current_user, data, item), _("回访已记录。")):
            return redirect(url_for(".customer", customer_id=customer.id))
    return render_template("callbacks/record.html", form=form, customer=customer, item=item)
