"""Routes that belong to no party: the landing redirect and the health check."""
from flask import current_app, redirect, send_from_directory, url_for
from flask_login import current_user
from sqlalchemy import text

from ...extensions import db
from ...security import public
from ...web import PARTY_HOME
from ..routing import Routes

routes = Routes()
register = routes.register


@routes.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for(PARTY_HOME[current_user.party]))
    return redirect(url_for("auth.login"))


@routes.route("/healthz")
@public
def healthz():
    db.session.execute(text("SELECT 1"))
    return "ok", 200, {"Content-Type": "text/plain"}


@routes.route("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico whatever the page says: the same icon the pages link."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)
