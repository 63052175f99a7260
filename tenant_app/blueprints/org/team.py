"""The organisation's own team (phones masked as the reader's role requires)."""
from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import User
from ...policies import authorize, scope
from ..routing import Routes

routes = Routes()
register = routes.register


@routes.route("/team")
def team():
    authorize(current_user, "view", current_user.org)
    stmt = scope(current_user, select(User).where(User.org_id == current_user.org_id).order_by(User.name), User)
    return render_template("org/team.html", members=db.session.scalars(stmt).all())
