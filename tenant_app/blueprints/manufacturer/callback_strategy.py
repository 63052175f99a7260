"""The network's default callback strategy matrix, which each dealer may refine."""
from flask_login import current_user

from ...policies import authorize
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
