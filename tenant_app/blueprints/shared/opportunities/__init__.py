"""Follow-up to the deal: opportunities, negotiation rounds, won with VINs, given up with a manager's approval."""
from datetime import date

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .... import vocab
from ....extensions import db
from ....models import CATALOGUE_STAGES, MarketingEvent, Opportunity, Project
from ....policies import authorize, scope
from ....reports.qr import svg_data_uri
from ....services import deals, surveys
from ...actions import attempt, submit
from ...listing import db_int, paginate
from ...routing import Routes
from ..staff import org_staff
from .forms import DecideForm, GiveUpForm, RoundForm, WinForm

routes = Routes(__name__)
register = routes.register


@routes.route("/opportunities")
def opportunities():
    authorize(current_user, "list", Opportunity)
    stmt = scope(current_user, select(Opportunity), Opportunity)
    stage = request.args.get("stage", "open")
    if stage == "open":
        stmt = stmt.where(Opportunity.stage.in_(("following", "negotiating", "give_up_pending")))
    elif stage in vocab.STAGES:
        stmt = stmt.where(Opportunity.stage == stage)
    if request.args.get("owner_id", type=db_int):
        stmt = stmt.where(Opportunity.owner_id == request.args.get("owner_id", type=db_int))
    if request.args.get("intent_level", type=db_int):
        stmt = stmt.where(Opportunity.intent_level == request.args.get("intent_level", type=db_int))
    page = paginate(stmt.options(selectinload(Opportunity.customer), selectinload(Opportunity.owner))
                    .order_by(Opportunity.intent_level.is_(None), Opportunity.intent_level,
                                  Opportunity.expected_on, Opportunity.id))
    return render_template("opportunities/opportunities.html", page=page, stage=stage, staff=org_staff())


def _catalogue():
    return db.session.scalars(select(Project).where(Project.stage.in_(CATALOGUE_STAGES))
                              .options(selectinload(Project.org)).order_by(Project.title)).all()


@routes.route("/opportunities/<int:opportunity_id>")
def opportunity(opportunity_id):
    opp = authorize(current_user, "view", db.session.get(Opportunity, opportunity_id))
    answers = [(s, surveys.staff_result(s)) for s in surveys.for_opportunity(opp.id)]
    return render_template("opportunities/opportunity.html", opp=opp, round_form=RoundForm(), win_form=WinForm(),
                           answers=answers,
                           give_up_form=GiveUpForm(), decide_form=DecideForm(), today=date.today(),
                           products=_catalogue(), events_by_id={e.id: e for e in db.session.scalars(
                               scope(current_user, select(MarketingEvent), MarketingEvent)
                               .order_by(MarketingEvent.held_on.desc()).limit(100))})


@routes.route("/opportunities/<int:opportunity_id>/delivery-sheet", endpoint="delivery_sheet")
def delivery_sheet(opportunity_id):
    """The delivery sheet to print and hand over: each vehicle with the QR code of its survey link."""
    opp = authorize(current_user, "view", db.session.get(Opportunity, opportunity_id))
    if opp.stage != "won":
        return redirect(url_for(".opportunity", opportunity_id=opp.id))
    by_vehicle = {}
    for survey in surveys.for_opportunity(opp.id):
        link = surveys.link_for(survey) if survey.answered_at is None else ""
        by_vehicle[survey.vehicle.vin] = (survey, link, svg_data_uri(link) if link else "")
    return render_template("opportunities/delivery_sheet.html", opp=opp, by_vehicle=by_vehicle)


@routes.route("/opportunities/<int:opportunity_id>/product", endpoint="opportunity_product", methods=["POST"])
def attach_product(opportunity_id):
    """A special vehicle of the catalogue for this opportunity (or none)."""
    opp = authorize(current_user, "edit", db.session.get(Opportunity, opportunity_id))
    chosen = request.form.get("product_id", type=db_int)
    attempt(lambda: deals.attach_product(opp, chosen, catalogue=_catalogue()), _("已保存。"))
    return redirect(url_for(".opportunity", opportunity_id=opp.id))


def _opportunity_action(opportunity_id, action, form_cls, act):
    opp = authorize(current_user, action, db.session.get(Opportunity, opportunity_id))
    submit(form_cls(), lambda form: act(opp, form), _("已保存。"))
    return redirect(url_for(".opportunity", opportunity_id=opportunity_id))


@routes.route("/opportunities/<int:opportunity_id>/rounds", endpoint="opportunity_round", methods=["POST"])
def add_round(opportunity_id):
    return _opportunity_action(opportunity_id, "edit", RoundForm, lambda opp, f: deals.add_round(opp, {
        k: getattr(f, k).data for k in ("held_on", "participants", "objections", "prepared", "next_step", "next_on")}))


@routes.route("/opportunities/<int:opportunity_id>/win", endpoint="opportunity_win", methods=["POST"])
def win(opportunity_id):
    opp = authorize(current_user, "edit", db.session.get(Opportunity, opportunity_id))
    if submit(WinForm(), lambda f: deals.win(opp, contract_on=f.contract_on.data, amount=f.amount.data,
                                             vehicles=f.vehicles()), _("已保存。")):
        surveys.send_links_by_sms(surveys.for_opportunity(opp.id), opp.customer.phone)  # after the commit
    return redirect(url_for(".opportunity", opportunity_id=opportunity_id))


@routes.route("/opportunities/<int:opportunity_id>/give-up", endpoint="opportunity_give_up", methods=["POST"])
def give_up(opportunity_id):
    return _opportunity_action(opportunity_id, "edit", GiveUpForm, lambda opp, f: deals.request_give_up(
        opp, current_user, f.reason.data, f.competitor.data or ""))


@routes.route("/opportunities/<int:opportunity_id>/decide", endpoint="opportunity_decide", methods=["POST"])
def decide(opportunity_id):
    return _opportunity_action(opportunity_id, "approve", DecideForm, lambda opp, f: deals.decide_give_up(
        opp, current_user, bool(f.approve.data)))
