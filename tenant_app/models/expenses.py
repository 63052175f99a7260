"""Customer-marketing budgets and expenses of a dealer (客户营销费用, DOMAIN.md §4).
Legitimate, recorded spending only: there is no category for payments to customers' staff."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, Timestamps

CATEGORIES = ("events", "gifts", "informant_fees", "advertising", "other")


class Budget(NetworkOwned, Audited, Timestamps, db.Model):
    __tablename__ = "budgets"
    __table_args__ = (UniqueConstraint("org_id", "year", "category"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    year: Mapped[int]
    category: Mapped[str] = mapped_column(String(20))
    amount: Mapped[float] = mapped_column(Numeric(14, 2))


class Expense(NetworkOwned, Audited, Timestamps, db.Model):
    __tablename__ = "expenses"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    spent_on: Mapped[date]
    category: Mapped[str] = mapped_column(String(20))
    amount: Mapped[float] = mapped_column(Numeric(14, 2))
    description: Mapped[str] = mapped_column(String(200))
    payee: Mapped[str] = mapped_column(String(60), default="")  # the informant paid, the venue, the printer ...
    event_id: Mapped[int | None] = mapped_column(ForeignKey("marketing_events.id", ondelete="SET NULL"), default=None)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    status: Mapped[str] = mapped_column(String(10), default="submitted")  # submitted | approved | rejected
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    note: Mapped[str] = mapped_column(Text, default="")

    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
