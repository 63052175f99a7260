"""Targets per dealer and period, with progress counted from the ledger."""
from datetime import date

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...models import Organisation
from ...policies import authorize
from ...services import targets
from ..actions import attempt
from ..routing import Routes

routes = Routes()
register = routes.register


def _period_args():
    from datetime import datetime
    period = request.args.get("period", "month")
    period = period if period in targets.PERIODS else "month"
    try:
        on = datetime.strptime(request.args.get("on", ""), "%Y-%m-%d").date()
    except ValueError:
        on = date.today()
    if not 2000 <= on.year <= 2100:  # the period arithmetic stays within the calendar
        on = date.today()
    return period, *targets.period_bounds(period, on)


@routes.route("/dealers/<int:org_id>/targets", methods=["GET", "POST"])
def dealer_targets(org_id):
    org = authorize(current_user, "set_targets", db.session.get(Organisation, org_id))
    period, start, end = _period_args()
    if request.method == "POST":
        if attempt(lambda: targets.set_targets(org, period, start, request.form), _("目标已保存。")):
            return redirect(url_for(".dealer_targets", org_id=org.id, period=period, on=start.isoformat()))
    return render_template("manufacturer/targets.html", org=org, period=period, start=start, end=end,
                           goals=targets.targets_for([org.id], period, start)[org.id],
                           actual=targets.progress([org.id], start, end)[org.id], metrics=targets.METRICS)
