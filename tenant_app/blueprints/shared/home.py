"""A party's home page: its organisation and duties (the template is the party's own)."""
from flask import render_template, request
from flask_login import current_user

from ...policies import authorize
from ..routing import Routes

routes = Routes()
register = routes.register


@routes.route("/")
def home():
    authorize(current_user, "view", current_user.org)
    return render_template(f"{request.blueprint}/home.html", org=current_user.org)
