"""A party's home page: the signed-in person's work of the day (services.my_work), the
set-up checklist, and the organisation's duties (the template is the party's own)."""
from flask import render_template, request
from flask_login import current_user

from ...policies import authorize, scope
from ...services import my_work
from ..routing import Routes

routes = Routes()
register = routes.register


@routes.route("/")
def home():
    authorize(current_user, "view", current_user.org)
    sections = my_work.sections(current_user, lambda stmt, model: scope(current_user, stmt, model), request.blueprint)
    return render_template(f"{request.blueprint}/home.html", org=current_user.org, sections=sections)
