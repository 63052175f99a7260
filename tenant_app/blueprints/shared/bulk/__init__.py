"""Bulk actions on the ledger and on a plan's items: assign a sales manager, distribute evenly
over several, export, invite to an event. The rows are the ticked ones, the page's, or every
row the filter matches; whichever, they are derived again here from the filter through the
policy's scope, so ids posted by hand never reach past it. An action is one transaction
(all or nothing, audited) and comes back to the same filter and page."""
import io
from datetime import date

from flask import current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ....extensions import db
from ....models import CallbackItem, CallbackPlan, Customer, MarketingEvent
from ....policies import authorize, can, scope
from ....services import assignment, audit, events
from ....services import callbacks as cbs
from ....services.brands import own_brand
from ....services.ledger_excel import export_ledger
from ....services.ledger_query import LedgerQuery
from ....services.work_excel import callback_plan_workbook
from ...actions import attempt
from ...listing import flash_form_errors
from ...routing import Routes
from ..ledger_excel import start_export
from ..staff import org_staff
from .forms import BulkForm

routes = Routes(__name__)
register = routes.register

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def bar_context(staff=None) -> dict:
    """What the bulk bar offers: the organisation's people, its events still to come, the rules."""
    upcoming = []
    if can(current_user, "create", MarketingEvent):
        upcoming = db.session.scalars(scope(current_user, select(MarketingEvent), MarketingEvent)
                                      .where(MarketingEvent.held_on >= date.today())
                                      .order_by(MarketingEvent.held_on, MarketingEvent.id).limit(50)).all()
    return {"staff": org_staff() if staff is None else staff, "events": upcoming, "rules": assignment.RULES,
            "responsible": cbs.RESPONSIBLE}


def chosen_rows(form: BulkForm, stmt, id_column):
    """stmt selects the ids the user may act on under the current filter (already through scope());
    the selection narrows it, never widens it: ticked ids and the page's ids are intersected."""
    if form.selection.data == "all":
        return stmt
    wanted = form.ids.data if form.selection.data == "checked" else form.page_ids.data
    return stmt.where(id_column.in_(wanted or []))


def _person(form):
    return next((u for u in org_staff() if u.id == form.assignee_id.data), None)


def _people(form):
    """The chosen people of the organisation, in the order chosen (round robin deals in that order)."""
    staff = {u.id: u for u in org_staff()}
    return [staff[i] for i in dict.fromkeys(form.people.data or []) if i in staff]


def _event(form):
    return authorize(current_user, "edit", db.session.get(MarketingEvent, form.event_id.data or 0))


def _invite(event, customer_ids: list[int]):
    if not customer_ids:
        flash(_("没有选中任何客户。"), "danger")
        return
    attempt(lambda: events.invite(event, customer_ids),
            lambda n: _("已邀请 %(n)s 位客户参加“%(title)s”（已邀请过的不重复）。", n=n, title=event.title))


def _xlsx(build, filename: str, what: str):
    """A workbook of the selection; the export is written to the audit trail."""
    buf = io.BytesIO()
    build(buf)
    buf.seek(0)
    audit.record("export", network_id=current_user.network_id, obj=current_user.org, summary=what)
    db.session.commit()
    return send_file(buf, as_attachment=True, download_name=filename, mimetype=XLSX)


def _brand() -> str:
    brand = own_brand()
    return brand.name if brand else ""


def _valid(form) -> bool:
    if form.validate_on_submit():
        return True
    flash_form_errors(form)
    return False


@routes.route("/customers/bulk", endpoint="customers_bulk", methods=["POST"])
def ledger_bulk():
    authorize(current_user, "list", Customer)
    form = BulkForm()
    query = LedgerQuery.from_args(request.form, current_user.org_id)
    back = redirect(url_for(".customers", **query.args(), **({"after": form.after.data} if form.after.data else {})))
    if not _valid(form):
        return back
    ids = chosen_rows(form, query.where(scope(current_user, select(Customer.id), Customer)), Customer.id)
    action = form.action.data

    def customers():
        return db.session.scalars(select(Customer).where(Customer.id.in_(ids)).options(selectinload(Customer.fleet))
                                  .order_by(Customer.name, Customer.id)).all()

    if action == "export" and db.session.scalar(select(func.count()).select_from(ids.subquery())) > \
            current_app.config["EXPORT_INLINE_ROWS"]:  # only "every row of the filter" gets this long: the filter's job
        return redirect(url_for(".customers_export_job", job_id=start_export(query.args())))
    if action == "export":
        rows = customers()
        if not rows:
            flash(_("没有选中任何客户。"), "danger")
            return back
        return _xlsx(lambda buf: export_ledger(rows, buf, own_brand=_brand()),
                     f"ledger-{current_user.org.code}-{date.today():%Y%m%d}.xlsx",
                     f"ledger export of {len(rows)} customers (bulk)")
    if action == "invite":
        _invite(_event(form), db.session.scalars(ids).all())
        return back
    authorize(current_user, "assign", Customer)
    if action == "assign":
        person = _person(form)
        attempt(lambda: assignment.assign(customers(), person, org=current_user.org),
                lambda n: _("已将所选客户的负责业务经理设为 %(name)s（%(n)s 位有变动）。", name=person.name, n=n))
    else:
        people = _people(form)
        attempt(lambda: assignment.distribute(customers(), people, form.rule.data, org=current_user.org),
                lambda counts: _("已分配 %(n)s 位客户：%(who)s。", n=sum(counts.values()),
                                 who="，".join(f"{name} {n}" for name, n in counts.items())))
    return back


@routes.route("/callbacks/plans/<int:plan_id>/bulk", endpoint="callback_plan_bulk", methods=["POST"])
def plan_bulk(plan_id):
    plan = authorize(current_user, "view", db.session.get(CallbackPlan, plan_id))
    form = BulkForm()
    where = cbs.ItemFilter.from_args(request.form)
    back = redirect(url_for(".callback_plan", plan_id=plan.id, **where.args(),
                            **({"page": form.page.data} if (form.page.data or 0) > 1 else {})))
    if not _valid(form):
        return back
    stmt = scope(current_user, select(CallbackItem.id), CallbackItem).where(CallbackItem.plan_id == plan.id)
    ids = chosen_rows(form, where.where(stmt), CallbackItem.id)
    action = form.action.data
    if action == "export":
        items = db.session.scalars(select(CallbackItem).where(CallbackItem.id.in_(ids))
                                   .options(selectinload(CallbackItem.customer).selectinload(Customer.fleet),
                                            selectinload(CallbackItem.assignee))
                                   .order_by(CallbackItem.due_on, CallbackItem.id)).all()
        if not items:
            flash(_("没有选中待回访的计划项。"), "danger")
            return back
        return _xlsx(lambda buf: callback_plan_workbook(plan, items, _brand(), buf), f"callback-plan-{plan.id}.xlsx",
                     f"plan {plan.id}: export of {len(items)} items (bulk)")
    if action == "invite":
        customer_ids = select(CallbackItem.customer_id).where(CallbackItem.id.in_(ids)).distinct()
        _invite(_event(form), db.session.scalars(customer_ids).all())
        return back
    authorize(current_user, "assign", plan)
    responsible = form.responsible.data
    if responsible != "none":
        authorize(current_user, "assign", Customer)
    item_ids = db.session.scalars(ids).all()
    if action == "assign":
        person = _person(form)
        done = attempt(lambda: cbs.assign_items(plan, person, item_ids, responsible),
                       lambda n: _("已将 %(n)s 项分配给 %(name)s。", n=n["items"], name=person.name))
    else:
        people = _people(form)
        done = attempt(lambda: cbs.distribute_items(plan, people, form.rule.data, item_ids, responsible),
                       lambda n: _("已把 %(n)s 项分配给 %(k)s 位人员。", n=n["items"], k=len(people)))
    if done and done.value["responsible"]:
        flash(_("%(n)s 位客户的负责业务经理同时设为所分配的人员，下次计划直接分配给他们。", n=done.value["responsible"]), "info")
    return back
