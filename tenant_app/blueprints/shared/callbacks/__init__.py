"""Callbacks (回访): the due list, the visit calendar, plans and their assignment, the strategy matrix, recording a callback."""
import calendar
import io
import os
from collections import defaultdict
from datetime import date, timedelta

from flask import current_app, flash, jsonify, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict
from sqlalchemy.orm import selectinload

from .... import vocab
from ....extensions import db
from ....jobs import enqueue
from ....jobs.callbacks import generate_callback_plan
from ....models import CallbackItem, CallbackPlan, CallbackStrategy, Customer, JobRecord, VisitPhoto
from ....policies import authorize, can, scope
from ....services import callbacks as cbs, offline, visits
from ....services.errors import DomainError
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


WHEN = ("due", "week", "all")  # today and overdue (what a list opens on), also the coming week, every planned


@routes.route("/callbacks", endpoint="callbacks")
def due_list():
    authorize(current_user, "list", CallbackItem)
    today = date.today()
    stmt = scope(current_user, select(CallbackItem).where(CallbackItem.status == "planned"), CallbackItem)
    assignee = assignee_filter()
    if assignee:
        stmt = stmt.where(CallbackItem.assignee_id == assignee)
    when = request.args.get("when", "due") if request.args.get("when") in WHEN else "due"
    due_now = db.session.scalar(select(func.count()).select_from(
        stmt.where(CallbackItem.due_on <= today).with_only_columns(CallbackItem.id).subquery()))
    if request.args.get("overdue"):
        stmt = stmt.where(CallbackItem.due_on < today)
    elif when != "all":
        stmt = stmt.where(CallbackItem.due_on <= (today if when == "due" else today + timedelta(days=7)))
    # today's first, then back in time; the week and the whole list in date order
    order = (CallbackItem.due_on.desc(), CallbackItem.id) if when == "due" else (CallbackItem.due_on, CallbackItem.id)
    page = paginate(stmt.options(*ITEM_ROWS).order_by(*order))
    return render_template("callbacks/due.html", page=page, today=today, staff=org_staff(), assignee=assignee,
                           when=when, due_now=due_now)


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
                           next_month=next_month, today=date.today())


def _plan_made(created: int, assigned: int) -> str:
    return _("已生成回访计划：%(n)s 项，其中 %(a)s 项已分配给客户的负责业务经理。", n=created, a=assigned)


def _plan_skipped(skipped: int, overlapping: list[str]) -> None:
    if skipped:
        flash(_("跳过 %(n)s 项：同一客户、同一回访方式已在期间重叠的计划“%(titles)s”中。", n=skipped,
                titles="”“".join(overlapping)), "warning")


def _ledger_size() -> int:
    return db.session.scalar(scope(current_user, select(func.count(Customer.id)), Customer)
                             .where(Customer.org_id == current_user.org_id))


def _plan_in_job(form):
    """A large ledger's plan is generated by a job; its page follows the progress."""
    record = JobRecord(network_id=current_user.network_id, org_id=current_user.org_id, created_by_id=current_user.id,
                       kind="callback_plan", params={"title": form.title.data, "starts_on": form.starts_on.data.isoformat(),
                                                     "ends_on": form.ends_on.data.isoformat()})
    db.session.add(record)
    db.session.commit()
    enqueue(record, generate_callback_plan)
    return redirect(url_for(".callback_plan_job", job_id=record.id))


@routes.route("/callbacks/plans/jobs/<int:job_id>", endpoint="callback_plan_job")
def plan_job(job_id):
    record = authorize(current_user, "view", db.session.get(JobRecord, job_id))
    if record.kind != "callback_plan":
        authorize(current_user, "view", None)
    result = record.result or {}
    if record.status == "done" and result.get("plan_id"):  # done: the plan itself, with what it says
        flash(_plan_made(result["created"], result["assigned"]), "success")
        _plan_skipped(result.get("skipped", 0), result.get("overlapping", []))
        return redirect(url_for(".callback_plan", plan_id=result["plan_id"]))
    return render_template("callbacks/plan_job.html", job=record, refresh=not record.finished)


@routes.route("/callbacks/plans", endpoint="callback_plans", methods=["GET", "POST"])
def plans():
    authorize(current_user, "list", CallbackPlan)
    form = PlanForm()
    if not form.is_submitted():  # opens on the current month
        form.starts_on.data, form.ends_on.data = cbs.month_bounds(date.today())
        form.title.data = _("%(year)s年%(month)s月回访计划", year=form.starts_on.data.year, month=form.starts_on.data.month)
    if form.validate_on_submit():
        authorize(current_user, "create", CallbackPlan)
        if _ledger_size() > current_app.config["PLAN_INLINE_CUSTOMERS"]:
            return _plan_in_job(form)
        done = attempt(lambda: cbs.generate_plan(current_user.org, title=form.title.data,
                                                 starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                                 by=current_user),
                       lambda r: _plan_made(r.created, r.assigned), field=form.ends_on)
        if done:
            _plan_skipped(done.value.skipped, done.value.overlapping)
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
        photos = [f.read() for f in request.files.getlist("photos") if f and f.filename]

        def act():
            made = cbs.record_callback(customer, current_user, data, item)
            visits.check_in(made, customer, status=request.form.get("geo_status", ""), lat=request.form.get("lat"),
                            lon=request.form.get("lon"), accuracy=request.form.get("accuracy"), photos=photos,
                            store=os.path.join(current_app.instance_path, "visits"))
            return made
        if attempt(act, _("回访已记录。")):
            return redirect(url_for(".customer", customer_id=customer.id))
    page = make_response(render_template("callbacks/record.html", form=form, customer=customer, item=item,
                                         visit_methods=visits.VISIT_METHODS, max_photos=visits.MAX_PHOTOS))
    page.headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=(self)"  # the check-in's
    return page


@routes.route("/callbacks/replay", endpoint="callback_replay", methods=["POST"])
def replay():
    """A callback recorded on a phone without a connection (static/offline.js), as JSON: recorded
    once whatever the number of tries, or kept as a conflict the phone shows (services.offline)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("fields"), dict) \
            or not offline.CLIENT_ID.match(str(body.get("client_id") or "")):
        authorize(current_user, "list", CallbackItem)
        return jsonify(status="invalid", reason="malformed"), 400
    customer = authorize(current_user, "view", db.session.get(Customer, db_int(body.get("customer_id"))))
    item = None
    if body.get("item_id"):
        item = authorize(current_user, "view", db.session.get(CallbackItem, db_int(body.get("item_id"))))
        if item.customer_id != customer.id:
            authorize(current_user, "view", None)  # 404: the pair does not belong together
    else:
        authorize(current_user, "edit", customer)
    done = offline.known(current_user, body["client_id"])
    if done is None:
        try:
            recorded_at = offline.recorded_time(body.get("recorded_at"))
        except offline.ReplayError:
            return jsonify(status="invalid", reason="recorded_at"), 400
        fields = MultiDict([(k, str(v)) for k, v in body["fields"].items() if not isinstance(v, (list, dict))]
                           + [("steps", str(v)) for v in body["fields"].get("steps") or [] if isinstance(v, str)])
        form = CallbackForm(formdata=fields, meta={"csrf": False})
        steps = cbs.steps_for(customer)
        form.steps.choices = [(k, _(v)) for k, v in steps.items()]
        if not form.validate():
            return jsonify(status="invalid", reason=" ".join(str(e) for errs in form.errors.values() for e in errs)), 422
        data = form.data_fields()
        data["steps"] = [s for s in data["steps"] if s in steps]
        geo = body.get("geo") if isinstance(body.get("geo"), dict) else {}
        try:
            done = offline.replay(current_user, body["client_id"], customer, item, data, geo, recorded_at,
                                  os.path.join(current_app.instance_path, "visits"))
            db.session.commit()
        except IntegrityError:  # the same record sent twice at once: the other try recorded it
            db.session.rollback()
            done = offline.known(current_user, body["client_id"])
        except DomainError as e:
            db.session.rollback()
            return jsonify(status="invalid", reason=str(e)), 422
    answer = {"status": done.status, "reason": done.reason, "customer": customer.name}
    return jsonify(answer), 409 if done.status == "conflict" else 200


@routes.route("/visits/photos/<int:photo_id>", endpoint="visit_photo")
def visit_photo(photo_id):
    photo = authorize(current_user, "view", db.session.get(VisitPhoto, photo_id))
    data = visits.read_photo(photo)
    if data is None:
        authorize(current_user, "view", None)  # gone or altered: 404
    return send_file(io.BytesIO(data), mimetype="image/jpeg", download_name=f"visit-{photo.id}.jpg")
