"""The network's default callback strategy matrix, which each dealer may refine."""
from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ...policies import authorize
from ...services import visits
from ..actions import submit
from ..routing import Routes
from ..shared.callbacks import strategy_page

routes = Routes()
register = routes.register


@routes.route("/callback-strategy", methods=["GET", "POST"])
def callback_strategy():
    from ...models import CallbackStrategy
    from ...services.callbacks import strategy_for

    authorize(current_user, "view", CallbackStrategy)
    current = strategy_for(current_user.org)  # the maker has no refinement: the network default
    target = current if current.id else CallbackStrategy(network_id=current_user.network_id, org_id=None)
    return strategy_page(current, target, "callbacks/strategy.html")


@routes.route("/callback-strategy/visit-threshold", endpoint="visit_threshold", methods=["POST"])
def visit_threshold():
    """How far from a customer's site a visit's check-in is flagged (network administrators)."""
    network = authorize(current_user, "edit", current_user.network)
    submit(FlaskForm(), lambda f: visits.set_threshold(network, request.form.get("visit_far_m")), _("已保存。"))
    return redirect(url_for(".callback_strategy"))
