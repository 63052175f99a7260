"""Marketing events (活动): invitations from the own ledger, attendance, and the leads, deals and spending they bring."""
from datetime import date

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ....extensions import db
from ....models import Customer, EventGuest, Expense, MarketingEvent, Opportunity
from ....policies import authorize, scope
from ....services import events as service
from ...actions import submit
from ...listing import db_int, ids_posted, paginate, search
from ...routing import Routes
from .forms import EventForm

routes = Routes(__name__)
register = routes.register


@routes.route("/events", methods=["GET", "POST"])
def events():
    authorize(current_user, "list", MarketingEvent)
    form = EventForm()
    if request.method == "POST":
        authorize(current_user, "create", MarketingEvent)
        done = submit(form, lambda f: service.create(
            current_user.org, kind=f.kind.data, title=f.title.data, held_on=f.held_on.data, place=f.place.data or "",
            budget=f.budget.data, notes=f.notes.data or "", by=current_user), _("活动已创建，可以邀请客户。"))
        if done:
            return redirect(url_for(".event", event_id=done.value.id))
    stmt = search(scope(current_user, select(MarketingEvent), MarketingEvent),
                  [MarketingEvent.title, MarketingEvent.place], request.args.get("q"))
    page = paginate(stmt.order_by(MarketingEvent.held_on.desc(), MarketingEvent.id.desc()))
    return render_template("events/events.html", page=page, form=form)


@routes.route("/events/<int:event_id>")
def event(event_id):
    ev = authorize(current_user, "view", db.session.get(MarketingEvent, event_id))
    q = request.args.get("q", "").strip()
    candidates = []
    if q:
        stmt = scope(current_user, select(Customer), Customer).where(Customer.org_id == ev.org_id)
        candidates = db.session.scalars(search(stmt, [Customer.name, Customer.contact_name], q)
                                        .order_by(Customer.name).limit(50)).all()
    guests = db.session.scalars(select(EventGuest).where(EventGuest.event_id == ev.id)
                                .options(selectinload(EventGuest.customer)).order_by(EventGuest.id)).all()
    leads = db.session.scalars(select(Opportunity).where(Opportunity.event_id == ev.id)
                               .options(selectinload(Opportunity.customer))).all()
    expenses = db.session.scalars(select(Expense).where(Expense.event_id == ev.id).order_by(Expense.spent_on)).all()
    unlinked = db.session.scalars(scope(current_user, select(Expense), Expense).where(
        Expense.event_id.is_(None), Expense.status != "rejected").order_by(Expense.spent_on.desc()).limit(50)).all()
    return render_template("events/event.html", event=ev, guests=guests, candidates=candidates, q=q, leads=leads,
                           expenses=expenses, unlinked=unlinked, results=service.results(ev), form=FlaskForm(), today=date.today())


def _change(event_id, act, message):
    ev = authorize(current_user, "edit", db.session.get(MarketingEvent, event_id))
    submit(FlaskForm(), lambda form: act(ev), message)
    return redirect(url_for(".event", event_id=ev.id))


@routes.route("/events/<int:event_id>/guests", endpoint="event_invite", methods=["POST"])
def invite(event_id):
    ids = ids_posted("customer_id")
    return _change(event_id, lambda ev: service.invite(ev, ids), _("已邀请。"))


@routes.route("/events/<int:event_id>/attendance", endpoint="event_attendance", methods=["POST"])
def attendance(event_id):
    came = set(ids_posted("attended"))
    return _change(event_id, lambda ev: service.record_attendance(ev, came, date.today()), _("出席情况已保存。"))


def _link(record):
    """An opportunity or an expense of the own organisation, said to come from an event (or none)."""
    chosen = request.form.get("event_id", type=db_int)
    own = set(db.session.scalars(scope(current_user, select(MarketingEvent.id), MarketingEvent)))
    submit(FlaskForm(), lambda form: service.link(record, chosen, own), _("已保存。"))
    back = request.form.get("back_event", type=db_int)
    return redirect(url_for(".event", event_id=back) if back else
                    url_for(".opportunity", opportunity_id=record.id) if isinstance(record, Opportunity)
                    else url_for(".expenses"))


@routes.route("/opportunities/<int:opportunity_id>/event", endpoint="opportunity_event", methods=["POST"])
def link_opportunity(opportunity_id):
    return _link(authorize(current_user, "edit", db.session.get(Opportunity, opportunity_id)))


@routes.route("/expenses/<int:expense_id>/event", endpoint="expense_event", methods=["POST"])
def link_expense(expense_id):
    return _link(authorize(current_user, "link_event", db.session.get(Expense, expense_id)))
