"""Supervision: every dealer's figures, a read-only drill-in (each look audited), the competitor census."""
from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ... import vocab
from ...extensions import db
from ...models import Callback, Customer, Opportunity, Organisation
from ...policies import authorize, scope
from ...services import audit, supervision
from ...services.ledger_query import LedgerQuery
from ...services.timeline import timeline
from ..listing import csv_response, paginate
from ..routing import Routes

routes = Routes()
register = routes.register


def supervised(org_id) -> Organisation:
    """The dealer being looked at; the look is written to the audit log, which its general
    manager reads."""
    return authorize(current_user, "supervise", db.session.get(Organisation, org_id))


def looked_at(obj, what: str) -> None:
    audit.record_look(obj, what, current_user, current_user.network_id)


def _ledger_orgs(kind: str):
    stmt = scope(current_user, select(Organisation).where(Organisation.kind == kind), Organisation)
    if request.args.get("province"):
        stmt = stmt.where(Organisation.province == request.args["province"])
    return db.session.scalars(stmt.order_by(Organisation.province, Organisation.code)).all()


@routes.route("/dealers")
def dealers():
    authorize(current_user, "supervise", Organisation)
    kind = "bodybuilder" if request.args.get("kind") == "bodybuilder" else "dealer"
    taken = supervision.snapshot()
    rows = supervision.overview(_ledger_orgs(kind), taken=taken)
    return render_template("manufacturer/dealers.html", rows=rows, regions=supervision.by_region(rows), kind=kind,
                           taken=taken)


@routes.route("/dealers/<int:org_id>/customers")
def dealer_customers(org_id):
    org = supervised(org_id)
    query = LedgerQuery.from_args(request.args, org.id)
    try:
        rows, next_cursor = query.page(db.session, select(Customer).where(Customer.org_id == org.id),
                                       current_app.config["PAGE_SIZE"])
    except ValueError:
        return redirect(url_for(".dealer_customers", org_id=org.id))
    looked_at(org, "ledger")
    return render_template("manufacturer/dealer_customers.html", org=org, rows=rows, next_cursor=next_cursor,
                           query=query)


@routes.route("/dealers/<int:org_id>/customers/<int:customer_id>")
def dealer_customer(org_id, customer_id):
    org = supervised(org_id)
    customer = authorize(current_user, "view", db.session.get(Customer, customer_id))
    if customer.org_id != org.id:
        authorize(current_user, "view", None)
    looked_at(customer, "customer")
    return render_template("manufacturer/dealer_customer.html", org=org, customer=customer,
                           events=timeline(customer))


@routes.route("/dealers/<int:org_id>/callbacks")
def dealer_callbacks(org_id):
    org = supervised(org_id)
    page = paginate(select(Callback).where(Callback.org_id == org.id)
                    .options(selectinload(Callback.customer), selectinload(Callback.by))
                    .order_by(Callback.done_on.desc(), Callback.id))
    looked_at(org, "callbacks")
    return render_template("manufacturer/dealer_callbacks.html", org=org, page=page)


@routes.route("/dealers/<int:org_id>/deals")
def dealer_deals(org_id):
    org = supervised(org_id)
    page = paginate(select(Opportunity).where(Opportunity.org_id == org.id)
                    .options(selectinload(Opportunity.customer), selectinload(Opportunity.vehicles))
                    .order_by(Opportunity.stage, Opportunity.updated_at.desc()))
    looked_at(org, "deals")
    return render_template("manufacturer/dealer_deals.html", org=org, page=page)


def _census():
    authorize(current_user, "supervise", Organisation)
    orgs = _ledger_orgs("dealer") + _ledger_orgs("bodybuilder")
    dimension = request.args.get("by", "province")
    if dimension not in supervision.CENSUS_DIMENSIONS:
        dimension = "province"
    taken = supervision.snapshot()
    return dimension, supervision.census([o.id for o in orgs], dimension, taken=taken), taken


@routes.route("/census")
def census():
    dimension, rows, taken = _census()
    return render_template("manufacturer/census.html", rows=rows, dimension=dimension, taken=taken)


@routes.route("/census.csv")
def census_export():
    dimension, rows, _taken = _census()
    head = {"province": "区域", "transport_type": "运输类型", "klass": "客户级别"}[dimension]
    lookup = {"transport_type": vocab.TRANSPORT_TYPES, "klass": vocab.CLASSES}.get(dimension, {})
    return csv_response(f"census-{dimension}.csv", [head, "品牌", "车型", "台数", "客户数"],
                        ((lookup.get(d, d), b, m, units, n) for d, b, m, units, n in rows))
