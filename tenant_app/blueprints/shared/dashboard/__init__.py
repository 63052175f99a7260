"""The dashboard: funnel, callbacks done against planned, overdue per person, intent levels, rival brands."""

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from .... import vocab
from ....models import Customer
from ....policies import authorize
from ....reports.charts import funnel, hbar
from ....services.dashboard import figures
from ...routing import Routes

routes = Routes(__name__)
register = routes.register


@routes.route("/dashboard")
def dashboard():
    authorize(current_user, "list", Customer)
    f = figures(current_user.org_id)
    names = {"ledger": _("台帐客户"), "called": _("已回访"), "following": _("跟进中"), "won": _("已成交")}
    charts = {
        "funnel": funnel([(names[k], v) for k, v in f["funnel"]], title=_("客户漏斗")),
        "overdue": hbar(f["overdue"], title=_("逾期回访（按负责人）")) if f["overdue"] else None,
        "intents": hbar([(_(vocab.INTENT_LEVELS[lvl]), n) for lvl, n in f["intents"]], title=_("意向等级")),
        "rivals": hbar(f["rivals"], title=_("客户车队中的竞品品牌（台）")) if f["rivals"] else None,
        "callbacks": hbar([(_("本月计划"), f["month_planned"]), (_("本月完成"), f["month_done"])],
                          title=_("回访完成情况（本月到今天）")),
    }
    return render_template("dashboard/dashboard.html", f=f, charts=charts)
