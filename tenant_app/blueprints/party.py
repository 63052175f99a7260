"""What every party blueprint shares: the gate that keeps each party in its own,
and a home page showing the organisation and the party's duties."""
from flask import Blueprint, abort, render_template
from flask_login import current_user

from ..policies import authorize


def party_blueprint(name: str, import_name: str, with_home: bool = True, ledger: bool = False) -> Blueprint:
    bp = Blueprint(name, import_name, template_folder="templates")

    @bp.before_request
    def _only_this_party():
        if current_user.is_authenticated and current_user.party != name:
            abort(403)

    if with_home:
        @bp.route("/")
        def home():
            authorize(current_user, "view", current_user.org)
            return render_template(f"{name}/home.html", org=current_user.org)

    if ledger:
        from .ledger import register
        register(bp)

    return bp
