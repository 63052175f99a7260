"""The manufacturer's home: the signed-in person's work (appeals, samples, late alerts, falling
scores), then the network at a glance."""
from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from ...extensions import db
from ...models import Organisation, User
from ...policies import authorize, scope
from ...services import my_work
from ..routing import Routes

routes = Routes()
register = routes.register


@routes.route("/")
def home():
    authorize(current_user, "list", Organisation)
    orgs = scope(current_user, select(Organisation.kind, Organisation.status, func.count()), Organisation)
    counts = {(k, s): n for k, s, n in db.session.execute(orgs.group_by(Organisation.kind, Organisation.status))}
    users = db.session.scalar(scope(current_user, select(func.count(User.id)), User))
    sections = my_work.sections(current_user, lambda stmt, model: scope(current_user, stmt, model), "manufacturer")
    return render_template("manufacturer/home.html", counts=counts, user_count=users, sections=sections)
