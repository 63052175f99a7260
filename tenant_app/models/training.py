"""Training the network (DOMAIN.md §1, §4): sessions, invitations with attendance and
scores, and the audit of a dealer's preparation checklist (slide 27, 前期准备)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, Timestamps

PREPARATION_ITEMS = ("staff", "office", "vehicles", "relations", "budget", "mechanism")


class TrainingSession(NetworkOwned, Audited, Timestamps, db.Model):
    __tablename__ = "training_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    topic: Mapped[str] = mapped_column(Text, default="")
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(120), default="")
    max_score: Mapped[int] = mapped_column(default=100)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    invitations: Mapped[list["TrainingInvitation"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="TrainingInvitation.id")


class TrainingInvitation(NetworkOwned, Audited, db.Model):
    """One person invited; attendance and the test score are recorded after the session."""
    __tablename__ = "training_invitations"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    attended: Mapped[bool | None] = mapped_column(default=None)
    score: Mapped[int | None] = mapped_column(default=None)

    session: Mapped[TrainingSession] = relationship(back_populates="invitations")
    org = relationship("Organisation")
    user = relationship("User")


class PreparationAudit(NetworkOwned, Audited, Timestamps, db.Model):
    """The manufacturer's check of the six preparation items at one dealer on one day."""
    __tablename__ = "preparation_audits"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    audited_on: Mapped[date]
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    results: Mapped[dict] = mapped_column(JSON, default=dict)  # item -> True (in place) / False
    notes: Mapped[dict] = mapped_column(JSON, default=dict)    # item -> what is missing
    remark: Mapped[str] = mapped_column(Text, default="")

    org = relationship("Organisation")
    by = relationship("User")

    @property
    def in_place(self) -> int:
        return sum(1 for item in PREPARATION_ITEMS if self.results.get(item))
