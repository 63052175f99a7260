"""Callbacks, follow-up and after-sale work, presented on each ledger party's blueprint."""
import calendar
from collections import defaultdict
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ... import vocab
from ...extensions import db
from ...models import (AfterSaleTask, Callback, CallbackItem, CallbackPlan, CallbackStrategy, Customer, MarketingEvent,
                       Opportunity, User)
from ...policies import authorize, can, scope
from ...services import callbacks as cbs
from ...services import deals
from ..listing import flash_form_errors, paginate, year_arg
from .views import _staff
from .work_forms import (AssignForm, CallbackForm, DecideForm, GiveUpForm, PlanForm, RoundForm, StrategyForm,
                         TaskDoneForm, WinForm)


def _assignee_filter():
    """Keepers see anyone's list (default: everyone's); others only their own."""
    if can(current_user, "create", CallbackPlan):
        return request.args.get("assignee_id", type=int)
    return current_user.id


# Rows of item lists show the customer and the assignee: load them with the page, not per row.
ITEM_ROWS = (selectinload(CallbackItem.customer), selectinload(CallbackItem.assignee))


# --- callbacks ------------------------------------------------------------------------
def due_list():
    authorize(current_user, "list", CallbackItem)
    stmt = scope(current_user, select(CallbackItem).where(CallbackItem.status == "planned"), CallbackItem)
    assignee = _assignee_filter()
    if assignee:
        stmt = stmt.where(CallbackItem.assignee_id == assignee)
    if request.args.get("overdue"):
        stmt = stmt.where(CallbackItem.due_on < date.today())
    page = paginate(stmt.options(*ITEM_ROWS).order_by(CallbackItem.due_on, CallbackItem.id))
    return render_template("work/due.html", page=page, today=date.today(), staff=_staff(), assignee=assignee)


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
    assignee = _assignee_filter()
    if assignee:
        stmt = stmt.where(CallbackItem.assignee_id == assignee)
    by_day = defaultdict(list)
    for item in db.session.scalars(stmt.options(*ITEM_ROWS).order_by(CallbackItem.due_on)):
        by_day[item.due_on].append(item)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    prev_month = (first.replace(day=1) - date.resolution).strftime("%Y-%m")
    next_month = (last + date.resolution).strftime("%Y-%m")
    return render_template("work/calendar.html", weeks=weeks, by_day=by_day, first=first, prev_month=prev_month,
                           next_month=next_month)


def plans():
    authorize(current_user, "list", CallbackPlan)
    form = PlanForm()
    if form.validate_on_submit():
        authorize(current_user, "create", CallbackPlan)
        try:
            plan = cbs.generate_plan(current_user.org, title=form.title.data, starts_on=form.starts_on.data,
                                     ends_on=form.ends_on.data, by=current_user)
            db.session.commit()
        except cbs.CallbackError as e:
            db.session.rollback()
            form.ends_on.errors.append(str(e))
        else:
            n = db.session.scalar(select(func.count(CallbackItem.id)).where(CallbackItem.plan_id == plan.id))
            flash(_("已生成回访计划：%(n)s 项。", n=n), "success")
            return redirect(url_for(".callback_plan", plan_id=plan.id))
    counts = dict(db.session.execute(scope(current_user, select(CallbackItem.plan_id, func.count()), CallbackItem)
                                     .group_by(CallbackItem.plan_id)).all())
    rows = db.session.scalars(scope(current_user, select(CallbackPlan), CallbackPlan)
                              .order_by(CallbackPlan.starts_on.desc())).all()
    return render_template("work/plans.html", plans=rows, counts=counts, form=form)


def plan(plan_id):
    plan = authorize(current_user, "view", db.session.get(CallbackPlan, plan_id))
    form = AssignForm()
    staff = _staff()
    form.assignee_id.choices = [(u.id, u.name) for u in staff]
    if form.validate_on_submit():
        authorize(current_user, "assign", plan)
        assignee = next((u for u in staff if u.id == form.assignee_id.data), None)
        items = db.session.scalars(select(CallbackItem).where(CallbackItem.plan_id == plan.id,
                                                              CallbackItem.id.in_(form.item_ids.data or []))).all()
        if assignee is None or not items:
            flash(_("请选择计划项和本机构的人员。"), "danger")
        else:
            for item in items:
                item.assignee_id = assignee.id
            db.session.commit()
            flash(_("已将 %(n)s 项分配给 %(name)s。", n=len(items), name=assignee.name), "success")
        return redirect(url_for(".callback_plan", plan_id=plan.id))
    stmt = select(CallbackItem).where(CallbackItem.plan_id == plan.id).options(*ITEM_ROWS) \
        .order_by(CallbackItem.due_on, CallbackItem.id)
    done, total = db.session.execute(select(func.sum(case((CallbackItem.status == "done", 1), else_=0)),
                                            func.count(CallbackItem.id)).where(CallbackItem.plan_id == plan.id)).one()
    return render_template("work/plan.html", plan=plan, page=paginate(stmt), form=form, staff=staff, done=done or 0,
                           total=total)


def strategy():
    authorize(current_user, "view", CallbackStrategy)
    current = cbs.strategy_for(current_user.org)
    mine = current if current.org_id == current_user.org_id else CallbackStrategy(
        network_id=current_user.network_id, org_id=current_user.org_id)
    return _strategy_page(current, mine, "work/strategy.html")


def _strategy_page(current, target, template):
    form = StrategyForm(obj=current)
    if form.validate_on_submit():
        authorize(current_user, "edit", target)
        matrix = {g: request.form.getlist(f"m-{g}") for g in vocab.CALLBACK_GROUPS}
        try:
            cbs.save_strategy(current_user.network_id, target.org_id, form.recent_years.data,
                              form.middle_years.data, matrix)
            db.session.commit()
        except cbs.CallbackError as e:
            db.session.rollback()
            form.middle_years.errors.append(str(e))
        else:
            flash(_("回访策略已保存。"), "success")
            return redirect(request.path)
    return render_template(template, form=form, current=current, editable=can(current_user, "edit", target))


def record(customer_id):
    customer = authorize(current_user, "view", db.session.get(Customer, customer_id))
    item = None
    if request.args.get("item_id", type=int):
        item = authorize(current_user, "record", db.session.get(CallbackItem, request.args.get("item_id", type=int)))
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
        try:
            cbs.record_callback(customer, current_user, data, item)
            db.session.commit()
        except cbs.CallbackError as e:
            db.session.rollback()
            flash(str(e), "danger")
        else:
            flash(_("回访已记录。"), "success")
            return redirect(url_for(".customer", customer_id=customer.id))
    return render_template("work/record.html", form=form, customer=customer, item=item)


# --- follow-up and deals ------------------------------------------------------------------
def opportunities():
    authorize(current_user, "list", Opportunity)
    stmt = scope(current_user, select(Opportunity), Opportunity)
    stage = request.args.get("stage", "open")
    if stage == "open":
        stmt = stmt.where(Opportunity.stage.in_(("following", "negotiating", "give_up_pending")))
    elif stage in vocab.STAGES:
        stmt = stmt.where(Opportunity.stage == stage)
    if request.args.get("owner_id", type=int):
        stmt = stmt.where(Opportunity.owner_id == request.args.get("owner_id", type=int))
    if request.args.get("intent_level", type=int):
        stmt = stmt.where(Opportunity.intent_level == request.args.get("intent_level", type=int))
    page = paginate(stmt.options(selectinload(Opportunity.customer), selectinload(Opportunity.owner))
                    .order_by(Opportunity.intent_level.is_(None), Opportunity.intent_level,
                                  Opportunity.expected_on, Opportunity.id))
    return render_template("work/opportunities.html", page=page, stage=stage, staff=_staff())


def _catalogue():
    from ...models import CATALOGUE_STAGES, Project
    return db.session.scalars(select(Project).where(Project.stage.in_(CATALOGUE_STAGES))
                              .options(selectinload(Project.org)).order_by(Project.title)).all()


def opportunity(opportunity_id):
    opp = authorize(current_user, "view", db.session.get(Opportunity, opportunity_id))
    return render_template("work/opportunity.html", opp=opp, round_form=RoundForm(), win_form=WinForm(),
                           give_up_form=GiveUpForm(), decide_form=DecideForm(), today=date.today(),
                           products=_catalogue(), events_by_id={e.id: e for e in db.session.scalars(
                               scope(current_user, select(MarketingEvent), MarketingEvent)
                               .order_by(MarketingEvent.held_on.desc()).limit(100))})


def attach_product(opportunity_id):
    """A special vehicle of the catalogue for this opportunity (or none)."""
    opp = authorize(current_user, "edit", db.session.get(Opportunity, opportunity_id))
    chosen = request.form.get("product_id", type=int)
    if chosen and chosen not in {p.id for p in _catalogue()}:
        flash(_("请从专用车目录中选择。"), "danger")
    elif not opp.is_open:
        flash(_("该商机已结束。"), "danger")
    else:
        opp.product_id = chosen or None
        db.session.commit()
        flash(_("已保存。"), "success")
    return redirect(url_for(".opportunity", opportunity_id=opp.id))


def _opportunity_action(opportunity_id, action, form_cls, act):
    opp = authorize(current_user, action, db.session.get(Opportunity, opportunity_id))
    form = form_cls()
    if form.validate_on_submit():
        try:
            act(opp, form)
            db.session.commit()
        except deals.DealError as e:
            db.session.rollback()
            flash(str(e), "danger")
        else:
            flash(_("已保存。"), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for(".opportunity", opportunity_id=opportunity_id))


def add_round(opportunity_id):
    return _opportunity_action(opportunity_id, "edit", RoundForm, lambda opp, f: deals.add_round(opp, {
        k: getattr(f, k).data for k in ("held_on", "participants", "objections", "prepared", "next_step", "next_on")}))


def win(opportunity_id):
    return _opportunity_action(opportunity_id, "edit", WinForm, lambda opp, f: deals.win(
        opp, contract_on=f.contract_on.data, amount=f.amount.data, vehicles=f.vehicles()))


def give_up(opportunity_id):
    return _opportunity_action(opportunity_id, "edit", GiveUpForm, lambda opp, f: deals.request_give_up(
        opp, current_user, f.reason.data, f.competitor.data or ""))


def decide(opportunity_id):
    return _opportunity_action(opportunity_id, "approve", DecideForm, lambda opp, f: deals.decide_give_up(
        opp, current_user, bool(f.approve.data)))


def tasks():
    authorize(current_user, "list", AfterSaleTask)
    stmt = scope(current_user, select(AfterSaleTask).where(AfterSaleTask.status == "open"), AfterSaleTask)
    assignee = _assignee_filter()
    if assignee:
        stmt = stmt.where(AfterSaleTask.assignee_id == assignee)
    page = paginate(stmt.options(selectinload(AfterSaleTask.customer), selectinload(AfterSaleTask.assignee))
                    .order_by(AfterSaleTask.due_on, AfterSaleTask.id))
    return render_template("work/tasks.html", page=page, today=date.today(), form=TaskDoneForm())


def task_done(task_id):
    task = authorize(current_user, "complete", db.session.get(AfterSaleTask, task_id))
    form = TaskDoneForm()
    if form.validate_on_submit():
        deals.complete_task(task, form.notes.data or "")
        db.session.commit()
        flash(_("已完成。"), "success")
    return redirect(url_for(".tasks"))


def dashboard():
    from ...reports.charts import funnel, hbar
    from ...services.dashboard import figures

    authorize(current_user, "list", Customer)
    f = figures(current_user.org_id)
    names = {"ledger": _("台帐客户"), "called": _("已回访"), "following": _("跟进中"), "won": _("已成交")}
    charts = {
        "funnel": funnel([(names[k], v) for k, v in f["funnel"]], title=_("客户漏斗")),
        "overdue": hbar(f["overdue"], title=_("逾期回访（按负责人）")) if f["overdue"] else None,
        "intents": hbar([(_(vocab.INTENT_LEVELS[lvl]), n) for lvl, n in f["intents"]], title=_("意向等级")),
        "rivals": hbar(f["rivals"], title=_("客户车队中的竞品品牌（台）")) if f["rivals"] else None,
        "callbacks": hbar([(_("本月计划"), f["month_planned"]), (_("本月完成"), f["month_done"])],
                          title=_("回访完成情况（本月到今天）")),
    }
    return render_template("work/dashboard.html", f=f, charts=charts)


# --- the deck's tables in Excel ------------------------------------------------------------
def _xlsx(build, filename):
    import io

    from flask import send_file
    buf = io.BytesIO()
    build(buf)
    buf.seek(0)
    return send_file(buf, as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _brand_name():
    from ...services.brands import own_brand
    brand = own_brand()
    return brand.name if brand else ""


def _period():
    """from/to in the query string, else the current month."""
    from datetime import datetime
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


def plan_export(plan_id):
    from ...services.work_excel import callback_plan_workbook
    plan = authorize(current_user, "view", db.session.get(CallbackPlan, plan_id))
    items = db.session.scalars(select(CallbackItem).where(CallbackItem.plan_id == plan.id)
                               .options(selectinload(CallbackItem.customer).selectinload(Customer.fleet),
                                        selectinload(CallbackItem.assignee))
                               .order_by(CallbackItem.due_on, CallbackItem.id)).all()
    return _xlsx(lambda buf: callback_plan_workbook(plan, items, _brand_name(), buf), f"callback-plan-{plan.id}.xlsx")


def results_export():
    from ...services.work_excel import callback_results_workbook
    authorize(current_user, "list", Callback)
    start, end = _period()
    rows = db.session.scalars(scope(current_user, select(Callback).where(Callback.done_on.between(start, end)),
                                    Callback).options(selectinload(Callback.customer).selectinload(Customer.fleet))
                              .order_by(Callback.done_on, Callback.id)).all()
    heading = f"{current_user.org.name} 客户回访结果（{start} — {end}）"
    return _xlsx(lambda buf: callback_results_workbook(rows, _brand_name(), buf, heading),
                 f"callback-results-{start}-{end}.xlsx")


def follow_up_export():
    from ...services.work_excel import follow_up_plan_workbook
    authorize(current_user, "list", Opportunity)
    start, end = _period()
    stmt = scope(current_user, select(Opportunity).where(Opportunity.stage.in_(("following", "negotiating"))),
                 Opportunity)
    owner = db.session.get(User, request.args.get("owner_id", type=int) or 0)
    if owner is not None and owner.org_id == current_user.org_id:
        stmt = stmt.where(Opportunity.owner_id == owner.id)
    rows = db.session.scalars(stmt.options(selectinload(Opportunity.customer).selectinload(Customer.fleet))
                              .order_by(Opportunity.intent_level, Opportunity.expected_on)).all()
    return _xlsx(lambda buf: follow_up_plan_workbook(
        rows, _brand_name(), buf, purpose="对已经确定有购车需求的客户进行适时跟进，最终实现客户购买本品",
        period=f"{start} — {end}", person=owner.name if owner and owner.org_id == current_user.org_id else "全体"),
        f"follow-up-plan-{start}.xlsx")


def my_targets():
    from ...models import Target
    from ...services import targets

    authorize(current_user, "view", current_user.org)
    authorize(current_user, "view", Target)
    period = request.args.get("period", "month")
    period = period if period in targets.PERIODS else "month"
    start, end = targets.period_bounds(period, date.today())
    org_id = current_user.org_id
    return render_template("work/targets.html", period=period, start=start, end=end,
                           goals=targets.targets_for([org_id], period, start)[org_id],
                           actual=targets.progress([org_id], start, end)[org_id], metrics=targets.METRICS,
                           periods=targets.PERIODS)


# --- budgets and expenses -------------------------------------------------------------------
def expenses():
    from ...models import Expense
    from ...services.expenses import CATEGORY_LABELS, year_summary
    from .work_forms import ExpenseForm

    authorize(current_user, "list", Expense)
    form = ExpenseForm()
    if form.validate_on_submit():
        authorize(current_user, "create", Expense)
        db.session.add(Expense(network_id=current_user.network_id, org_id=current_user.org_id,
                               submitted_by_id=current_user.id, spent_on=form.spent_on.data,
                               category=form.category.data, amount=form.amount.data,
                               description=form.description.data.strip(), payee=(form.payee.data or "").strip()))
        db.session.commit()
        flash(_("费用已提交，等待总经理审批。"), "success")
        return redirect(url_for(".expenses"))
    year = year_arg()
    page = paginate(scope(current_user, select(Expense), Expense).options(selectinload(Expense.submitted_by))
                    .order_by(Expense.status != "submitted", Expense.spent_on.desc(), Expense.id.desc()))
    return render_template("work/expenses.html", form=form, page=page, year=year,
                           summary=year_summary(current_user.org_id, year), categories=CATEGORY_LABELS)


def expense_decide(expense_id):
    from ...models import Expense
    from ...services.expenses import ExpenseError, decide

    expense = authorize(current_user, "approve", db.session.get(Expense, expense_id))
    try:
        decide(expense, request.form.get("decision") == "approve", current_user, request.form.get("note", ""))
        db.session.commit()
    except ExpenseError as e:
        db.session.rollback()
        flash(str(e), "danger")
    return redirect(url_for(".expenses"))


def budget():
    from decimal import Decimal, InvalidOperation

    from ...models import Expense
    from ...services.expenses import CATEGORY_LABELS, set_budget

    authorize(current_user, "budget", Expense)
    year = request.form.get("year", type=int)
    if not year or not 2000 <= year <= 2100:
        flash(_("年份不正确。"), "danger")
        return redirect(url_for(".expenses"))
    amounts = {}
    for category in CATEGORY_LABELS:
        raw = request.form.get(category, "").strip() or "0"
        try:
            amounts[category] = Decimal(raw)
        except InvalidOperation:
            amounts[category] = Decimal(-1)
        if not 0 <= amounts[category] <= 10**9:
            flash(_("预算须为 0 到 10 亿之间的金额。"), "danger")
            return redirect(url_for(".expenses", year=year))
    for category, amount in amounts.items():
        set_budget(current_user.org, year, category, amount)
    db.session.commit()
    flash(_("预算已保存。"), "success")
    return redirect(url_for(".expenses", year=year))


def register(bp):
    bp.add_url_rule("/expenses", "expenses", expenses, methods=["GET", "POST"])
    bp.add_url_rule("/expenses/<int:expense_id>/decide", "expense_decide", expense_decide, methods=["POST"])
    bp.add_url_rule("/expenses/budget", "expense_budget", budget, methods=["POST"])
    bp.add_url_rule("/targets", "targets", my_targets)
    bp.add_url_rule("/callbacks/plans/<int:plan_id>/export.xlsx", "callback_plan_export", plan_export)
    bp.add_url_rule("/callbacks/results.xlsx", "callback_results_export", results_export)
    bp.add_url_rule("/opportunities/plan.xlsx", "follow_up_plan_export", follow_up_export)
    bp.add_url_rule("/dashboard", "dashboard", dashboard)
    bp.add_url_rule("/callbacks", "callbacks", due_list)
    bp.add_url_rule("/callbacks/calendar", "callbacks_calendar", calendar_view)
    bp.add_url_rule("/callbacks/plans", "callback_plans", plans, methods=["GET", "POST"])
    bp.add_url_rule("/callbacks/plans/<int:plan_id>", "callback_plan", plan, methods=["GET", "POST"])
    bp.add_url_rule("/callbacks/strategy", "callback_strategy", strategy, methods=["GET", "POST"])
    bp.add_url_rule("/customers/<int:customer_id>/callbacks/new", "callback_new", record, methods=["GET", "POST"])
    bp.add_url_rule("/opportunities", "opportunities", opportunities)
    bp.add_url_rule("/opportunities/<int:opportunity_id>", "opportunity", opportunity)
    bp.add_url_rule("/opportunities/<int:opportunity_id>/rounds", "opportunity_round", add_round, methods=["POST"])
    bp.add_url_rule("/opportunities/<int:opportunity_id>/win", "opportunity_win", win, methods=["POST"])
    bp.add_url_rule("/opportunities/<int:opportunity_id>/give-up", "opportunity_give_up", give_up, methods=["POST"])
    bp.add_url_rule("/opportunities/<int:opportunity_id>/decide", "opportunity_decide", decide, methods=["POST"])
    bp.add_url_rule("/opportunities/<int:opportunity_id>/product", "opportunity_product", attach_product,
                    methods=["POST"])
    bp.add_url_rule("/tasks", "tasks", tasks)
    bp.add_url_rule("/tasks/<int:task_id>/done", "task_done", task_done, methods=["POST"])
