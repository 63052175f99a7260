"""The organisation's targets and its progress against them."""
from datetime import date

from flask import render_template, request
from flask_login import current_user

from ....models import Target
from ....policies import authorize
from ....services import targets
from ...routing import Routes

routes = Routes(__name__)
register = routes.register


@routes.route("/targets", endpoint="targets")
def my_targets():
    authorize(current_user, "view", current_user.org)
    authorize(current_user, "view", Target)
    period = request.args.get("period", "month")
    period = period if period in targets.PERIODS else "month"
    start, end = targets.period_bounds(period, date.today())
    org_id = current_user.org_id
    return render_template("targets/targets.html", period=period, start=start, end=end,
                           goals=targets.targets_for([org_id], period, start)[org_id],
                           actual=targets.progress([org_id], start, end)[org_id], metrics=targets.METRICS,
                           periods=targets.PERIODS)
