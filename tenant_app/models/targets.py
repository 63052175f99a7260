"""Targets per dealer and period (客户营销目标), set by the manufacturer."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, Timestamps


class Target(NetworkOwned, Audited, Timestamps, db.Model):
    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("org_id", "period", "starts_on", "metric"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    period: Mapped[str] = mapped_column(String(8))  # month | quarter | year
    starts_on: Mapped[date]
    metric: Mapped[str] = mapped_column(String(20))
    value: Mapped[int]

    org = relationship("Organisation")
