"""Marketing events (活动, DOMAIN.md §3): thank-you parties, promotion meetings, roadshows,
test drives, launches and seminars, with their invited customers and attendance; the
opportunities and expenses that came from them point back here."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, Timestamps


class MarketingEvent(NetworkOwned, Audited, Timestamps, db.Model):
    __tablename__ = "marketing_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  # the organiser
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(120))
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(120), default="")
    budget: Mapped[float] = mapped_column(Numeric(12, 2), default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    guests: Mapped[list["EventGuest"]] = relationship(back_populates="event", cascade="all, delete-orphan",
                                                      order_by="EventGuest.id")


class EventGuest(NetworkOwned, Audited, db.Model):
    __tablename__ = "event_guests"
    __table_args__ = (UniqueConstraint("event_id", "customer_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("marketing_events.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    attended: Mapped[bool | None] = mapped_column(default=None)

    event: Mapped[MarketingEvent] = relationship(back_populates="guests")
    customer = relationship("Customer")
