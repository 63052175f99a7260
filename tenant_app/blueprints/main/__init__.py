"""Routes that belong to no party: the landing redirect and the health check."""
from flask import Blueprint, redirect, url_for
from flask_login import current_user
from sqlalchemy import text

from ...extensions import db
from ...security import public
from ...web import PARTY_HOME

bp = Blueprint("main", __name__, template_folder="templates")


@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for(PARTY_HOME[current_user.party]))
    return redirect(url_for("auth.login"))


@bp.route("/healthz")
@public
def healthz():
    db.session.execute(text("SELECT 1"))
    return "ok", 200, {"Content-Type": "text/plain"}
