"""Marketing budgets and expenses: staff submit, the general manager approves."""


from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ....extensions import db
from ....models import Expense
from ....policies import authorize, scope
from ....services.expenses import CATEGORY_LABELS, decide, set_budgets, submit_expense, year_summary
from ...actions import attempt
from ...listing import db_int, paginate, year_arg
from ...routing import Routes
from .forms import ExpenseForm

routes = Routes(__name__)
register = routes.register


@routes.route("/expenses", methods=["GET", "POST"])
def expenses():
    authorize(current_user, "list", Expense)
    form = ExpenseForm()
    if form.validate_on_submit():
        authorize(current_user, "create", Expense)
        if attempt(lambda: submit_expense(current_user, spent_on=form.spent_on.data, category=form.category.data,
                                          amount=form.amount.data, description=form.description.data,
                                          payee=form.payee.data or ""), _("费用已提交，等待总经理审批。")):
            return redirect(url_for(".expenses"))
    year = year_arg()
    page = paginate(scope(current_user, select(Expense), Expense).options(selectinload(Expense.submitted_by))
                    .order_by(Expense.status != "submitted", Expense.spent_on.desc(), Expense.id.desc()))
    return render_template("expenses/expenses.html", form=form, page=page, year=year,
                           summary=year_summary(current_user.org_id, year), categories=CATEGORY_LABELS)


@routes.route("/expenses/<int:expense_id>/decide", methods=["POST"])
def expense_decide(expense_id):
    expense = authorize(current_user, "approve", db.session.get(Expense, expense_id))
    attempt(lambda: decide(expense, request.form.get("decision") == "approve", current_user,
                           request.form.get("note", "")))
    return redirect(url_for(".expenses"))


@routes.route("/expenses/budget", endpoint="expense_budget", methods=["POST"])
def budget():
    authorize(current_user, "budget", Expense)
    year = request.form.get("year", type=db_int)
    if attempt(lambda: set_budgets(current_user.org, year, request.form), _("预算已保存。")):
        return redirect(url_for(".expenses", year=year))
    return redirect(url_for(".expenses", **({"year": year} if year and 2000 <= year <= 2100 else {})))
