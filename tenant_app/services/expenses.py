"""Budgets, expenses and what they bought: cost per new customer and per deal."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import Customer, Opportunity
from ..models.base import utcnow
from ..models.expenses import Budget, Expense
from ..vocab import N_
from .errors import DomainError
from .notify import events as notify

CATEGORY_LABELS = {"events": N_("活动（答谢会、推广会、试乘试驾等）"), "gifts": N_("礼品（按公司规定）"),
                   "informant_fees": N_("信息员信息费（公开支付）"), "advertising": N_("广告宣传"), "other": N_("其他")}


class ExpenseError(DomainError):
    pass


def submit_expense(user, *, spent_on, category: str, amount, description: str, payee: str = "") -> Expense:
    """An expense of the user's organisation, waiting for the general manager's approval."""
    expense = Expense(network_id=user.network_id, org_id=user.org_id, submitted_by_id=user.id, spent_on=spent_on,
                      category=category, amount=amount, description=description.strip(), payee=(payee or "").strip())
    db.session.add(expense)
    notify.expense_submitted(expense)
    return expense


def set_budgets(org, year, posted) -> None:
    """The year's budget per category, as posted (blank: 0); all or nothing."""
    if not year or not 2000 <= year <= 2100:
        raise ExpenseError(_l("年份不正确。"))
    amounts = {}
    for category in CATEGORY_LABELS:
        try:
            amounts[category] = Decimal((posted.get(category) or "").strip() or "0")
        except InvalidOperation:
            amounts[category] = Decimal(-1)
        if not 0 <= amounts[category] <= 10**9:
            raise ExpenseError(_l("预算须为 0 到 10 亿之间的金额。"))
    for category, amount in amounts.items():
        set_budget(org, year, category, amount)


def set_budget(org, year: int, category: str, amount) -> None:
    row = db.session.scalar(select(Budget).where(Budget.org_id == org.id, Budget.year == year,
                                                 Budget.category == category))
    if row is None:
        db.session.add(Budget(network_id=org.network_id, org_id=org.id, year=year, category=category, amount=amount))
    else:
        row.amount = amount


def decide(expense: Expense, approve: bool, by, note: str = "") -> None:
    if expense.status != "submitted":
        raise ExpenseError(_l("该费用已审批。"))
    expense.status = "approved" if approve else "rejected"
    expense.decided_by_id, expense.decided_at, expense.note = by.id, utcnow(), note.strip()[:1000]
    notify.expense_decided(expense)


def year_summary(org_id: int, year: int) -> dict:
    """Budget and approved spending per category, and the cost per new customer and per deal."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    budget = dict(db.session.execute(select(Budget.category, Budget.amount).where(
        Budget.org_id == org_id, Budget.year == year)).all())
    spent = dict(db.session.execute(select(Expense.category, func.sum(Expense.amount)).where(
        Expense.org_id == org_id, Expense.status == "approved", Expense.spent_on.between(start, end))
        .group_by(Expense.category)).all())
    total = sum(float(v) for v in spent.values())
    new_customers = db.session.scalar(select(func.count(Customer.id)).where(
        Customer.org_id == org_id, func.date(Customer.created_at) >= start, func.date(Customer.created_at) <= end)) or 0
    deals = db.session.scalar(select(func.count(Opportunity.id)).where(
        Opportunity.org_id == org_id, Opportunity.stage == "won", Opportunity.contract_on.between(start, end))) or 0
    return {"budget": {k: float(v) for k, v in budget.items()}, "spent": {k: float(v) for k, v in spent.items()},
            "total_budget": sum(float(v) for v in budget.values()), "total_spent": total,
            "new_customers": new_customers, "deals": deals,
            "per_customer": total / new_customers if new_customers else None,
            "per_deal": total / deals if deals else None}
