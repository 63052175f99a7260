"""The customer's own answer after a delivery or a repair (issue 14, "customers answer for
themselves"): a short survey reached by a signed link (SMS, or a QR code on the delivery or
repair sheet), bound to one vehicle and one event, answered once."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, utcnow

SURVEY_EVENTS = ("delivery", "repair")


class CustomerSurvey(NetworkOwned, Audited, db.Model):
    """One vehicle's survey after one event. `org_id` is the dealer that delivered it or the
    station that repaired it; `opportunity_id` or `repair_id` names the event. The link's token
    carries the id and the nonce; `answered_at` set once is what makes it single use."""
    __tablename__ = "customer_surveys"
    __audit_exclude__ = ("nonce",)
    __table_args__ = (UniqueConstraint("network_id", "event", "event_id", "vehicle_id", name="uq_customer_surveys_event"),
                      Index("ix_customer_surveys_org_answered", "org_id", "answered_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(10))  # delivery | repair
    event_id: Mapped[int]  # the opportunity (delivery) or the repair order (repair)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"),
                                                       index=True, default=None)
    repair_id: Mapped[int | None] = mapped_column(ForeignKey("repair_orders.id", ondelete="CASCADE"),
                                                  index=True, default=None)
    nonce: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    sms_sent_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    score: Mapped[int | None] = mapped_column(default=None)  # 1 (very poor) .. 5 (very satisfied)
    resolved: Mapped[bool | None] = mapped_column(default=None)  # a repair: fixed at the first visit?
    comment: Mapped[str] = mapped_column(Text, default="")

    vehicle = relationship("Vehicle")
    org = relationship("Organisation")

    @property
    def satisfied(self) -> bool | None:
        return None if self.score is None else self.score >= 4
