"""The customers' own answers against what staff recorded: per dealer and station, how often
they disagree (services.surveys); the organisations are the maker's user's (policies' scope)."""
from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import CustomerSurvey, Organisation
from ...policies import authorize, scope
from ...services import surveys
from ..routing import Routes
from .supervision import looked_at

routes = Routes()
register = routes.register
KINDS = ("dealer", "service")
SORTS = {"rate": lambda r: (r[1]["rate"] is None, -(r[1]["rate"] or 0), r[0].code),
         "compared": lambda r: (-r[1]["compared"], r[0].code),
         "answered": lambda r: (-r[1]["answered"], r[0].code),
         "org": lambda r: (r[0].province, r[0].code)}


@routes.route("/surveys", endpoint="surveys")
def survey_rates():
    authorize(current_user, "list", CustomerSurvey)
    stmt = scope(current_user, select(Organisation).where(Organisation.kind.in_(KINDS)), Organisation)
    provinces = sorted({p for p in db.session.scalars(stmt.with_only_columns(Organisation.province).distinct()) if p})
    kind, province = request.args.get("kind", ""), request.args.get("province", "")
    if kind in KINDS:
        stmt = stmt.where(Organisation.kind == kind)
    if province:
        stmt = stmt.where(Organisation.province == province)
    orgs = db.session.scalars(stmt.order_by(Organisation.province, Organisation.code)).all()
    rates = surveys.disagreement_rates([o.id for o in orgs])
    key = request.args.get("sort", "rate")
    rows = sorted(((o, rates[o.id]) for o in orgs), key=SORTS.get(key, SORTS["rate"]))
    return render_template("manufacturer/surveys.html", rows=rows, provinces=provinces, kind=kind,
                           province=province, sort=key if key in SORTS else "rate")


@routes.route("/surveys/<int:org_id>", endpoint="survey_org")
def survey_org(org_id):
    """One dealer's or station's answers that disagree with what its staff recorded (audited look)."""
    org = authorize(current_user, "view", db.session.get(Organisation, org_id))
    if org.kind not in KINDS:
        abort(404)
    rate = surveys.disagreement_rates([org.id])[org.id]
    rows = [(s, surveys.staff_result(s)) for s in surveys.disagreeing(org.id, limit=200)]
    looked_at(org, "surveys")
    return render_template("manufacturer/survey_org.html", org=org, rate=rate, rows=rows)
