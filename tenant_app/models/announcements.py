"""Policy support (政策支持): promotions and policies the manufacturer publishes to parties
of the network, with a document, effective dates, and each recipient's acknowledgement."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, utcnow


class Announcement(NetworkOwned, Audited, db.Model):
    __tablename__ = "announcements"
    __audit_exclude__ = ("document_path",)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), default="promotion")  # promotion | policy
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, default="")
    effective_from: Mapped[date]
    effective_to: Mapped[date | None] = mapped_column(default=None)
    # addressed to these parties
    for_dealer: Mapped[bool] = mapped_column(default=True)
    for_bodybuilder: Mapped[bool] = mapped_column(default=False)
    for_service: Mapped[bool] = mapped_column(default=False)
    # a joint promotion of special vehicles, issued with this body-builder
    builder_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), default=None)
    document_name: Mapped[str] = mapped_column(String(120), default="")
    document_path: Mapped[str] = mapped_column(String(300), default="")
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    builder = relationship("Organisation", foreign_keys=[builder_org_id])

    def addressed_to(self, kind: str) -> bool:
        return bool(getattr(self, f"for_{kind}", False))

    acknowledgements: Mapped[list["Acknowledgement"]] = relationship(back_populates="announcement",
                                                                     cascade="all, delete-orphan")


class Acknowledgement(NetworkOwned, Audited, db.Model):
    __tablename__ = "acknowledgements"
    __table_args__ = (UniqueConstraint("announcement_id", "org_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    acknowledged_at: Mapped[datetime] = mapped_column(default=utcnow)

    announcement: Mapped[Announcement] = relationship(back_populates="acknowledgements")
    user = relationship("User")
