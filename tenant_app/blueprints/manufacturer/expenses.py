"""A dealer's budgets and expenses, read by the manufacturer (audited)."""
from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..listing import paginate, year_arg
from ..routing import Routes
from .supervision import looked_at, supervised

routes = Routes()
register = routes.register


@routes.route("/dealers/<int:org_id>/expenses")
def dealer_expenses(org_id):
    from ...models import Expense
    from ...services.expenses import CATEGORY_LABELS, year_summary

    org = supervised(org_id)
    year = year_arg()
    page = paginate(select(Expense).where(Expense.org_id == org.id).options(selectinload(Expense.submitted_by))
                    .order_by(Expense.spent_on.desc(), Expense.id.desc()))
    looked_at(org, "expenses")
    return render_template("manufacturer/dealer_expenses.html", org=org, page=page, year=year,
                           summary=year_summary(org.id, year), categories=CATEGORY_LABELS)
