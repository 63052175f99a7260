"""Marketing budgets and expenses: staff submit, the general manager approves."""

from decimal import Decimal, InvalidOperation

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ....extensions import db
from ....models import Expense
from ....policies import authorize, scope
from ....services.expenses import CATEGORY_LABELS, ExpenseError, decide, set_budget, year_summary
from ...listing import paginate, year_arg
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
        db.session.add(Expense(network_id=current_user.network_id, org_id=current_user.org_id,
                               submitted_by_id=current_user.id, spent_on=form.spent_on.data,
                               category=form.category.data, amount=form.amount.data,
                               description=form.description.data.strip(), payee=(form.payee.data or "").strip()))
        db.session.commit()
        flash(_("费用已提交，等待总经理审批。"), "success")
        return redirect(url_for(".expenses"))
    year = year_arg()
    page = paginate(scope(current_user, select(Expense), Expense).options(selectinload(Expense.submitted_by))
                    .order_by(Expense.status != "submitted", Expense.spent_on.desc(), Expense.id.desc()))
    return render_template("expenses/expenses.html", form=form, page=page, year=year,
                           summary=year_summary(current_user.org_id, year), categories=CATEGORY_LABELS)


@routes.route("/expenses/<int:expense_id>/decide", methods=["POST"])
def expense_decide(expense_id):
    expense = authorize(current_user, "approve", db.session.get(Expense, expense_id))
    try:
        decide(expense, request.form.get("decision") == "approve", current_user, request.form.get("note", ""))
        db.session.commit()
    except ExpenseError as e:
        db.session.rollback()
        flash(str(e), "danger")
    return redirect(url_for(".expenses"))


@routes.route("/expenses/budget", endpoint="expense_budget", methods=["POST"])
def budget():
    authorize(current_user, "budget", Expense)
    year = request.form.get("year", type=int)
    if not year or not 2000 <= year <= 2100:
        flash(_("年份不正确。"), "danger")
        return redirect(url_for(".expenses"))
    amounts = {}
    for category in CATEGORY_LABELS:
        raw = request.form.get(category, "").strip() or "0"
        try:
            amounts[category] = Decimal(raw)
        except InvalidOperation:
            amounts[category] = Decimal(-1)
        if not 0 <= amounts[category] <= 10**9:
            flash(_("预算须为 0 到 10 亿之间的金额。"), "danger")
            return redirect(url_for(".expenses", year=year))
    for category, amount in amounts.items():
        set_budget(current_user.org, year, category, amount)
    db.session.commit()
    flash(_("预算已保存。"), "success")
    return redirect(url_for(".expenses", year=year))
