"""A party's blueprint: the gate that keeps each party's users in their own pages."""
from flask import Blueprint, abort
from flask_login import current_user


def party_blueprint(name: str, import_name: str, party: str | None = None) -> Blueprint:
    """party: the organisation kind the blueprint serves, when it is not the blueprint's name
    (the service-station party is `station` in code and `service` in stored data)."""
    bp = Blueprint(name, import_name, template_folder="templates")
    kind = party or name

    @bp.before_request
    def _only_this_party():
        if current_user.is_authenticated and current_user.party != kind:
            abort(403)

    return bp
