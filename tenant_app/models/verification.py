"""Callback verification: the manufacturer phones a random sample of a dealer's recorded
callbacks to confirm they happened; the confirmation rate feeds the scorecard."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, utcnow


class VerificationSample(NetworkOwned, Audited, db.Model):
    __tablename__ = "verification_samples"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  # the dealer checked
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    size: Mapped[int]
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    org = relationship("Organisation")
    checks: Mapped[list["CallbackCheck"]] = relationship(back_populates="sample", cascade="all, delete-orphan",
                                                         order_by="CallbackCheck.id")


class CallbackCheck(NetworkOwned, Audited, db.Model):
    __tablename__ = "callback_checks"
    __table_args__ = (UniqueConstraint("sample_id", "callback_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("verification_samples.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    callback_id: Mapped[int] = mapped_column(ForeignKey("callbacks.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | confirmed | not_confirmed
    note: Mapped[str] = mapped_column(Text, default="")
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    checked_at: Mapped[datetime | None] = mapped_column(default=None)

    sample: Mapped[VerificationSample] = relationship(back_populates="checks")
    callback = relationship("Callback")
