"""Follow-up to the deal (跟进 → 成交 → 跟踪, DOMAIN.md §3 steps 7-8)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, Timestamps

STAGES = ("following", "negotiating", "give_up_pending", "won", "lost")
OPEN_STAGES = ("following", "negotiating", "give_up_pending")


class Opportunity(NetworkOwned, Audited, Timestamps, db.Model):
    __tablename__ = "opportunities"
    __table_args__ = (Index("ix_opportunities_org_stage", "org_id", "stage"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    callback_id: Mapped[int | None] = mapped_column(ForeignKey("callbacks.id", ondelete="SET NULL"), default=None)
    # a special vehicle of the network's catalogue (a body-builder's project with its 公告)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), default=None)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("marketing_events.id", ondelete="SET NULL"), default=None)
    model: Mapped[str] = mapped_column(String(60), default="")
    quantity: Mapped[int] = mapped_column(default=1)
    payment: Mapped[str] = mapped_column(String(12), default="")
    expected_on: Mapped[date | None] = mapped_column(default=None)
    intent_level: Mapped[int | None] = mapped_column(default=None)
    stage: Mapped[str] = mapped_column(String(16), default="following")
    # won
    contract_on: Mapped[date | None] = mapped_column(default=None)
    amount: Mapped[float | None] = mapped_column(Numeric(14, 2), default=None)
    # not won: a manager approves giving up; the customer stays in the ledger for later
    lost_reason: Mapped[str] = mapped_column(Text, default="")
    competitor: Mapped[str] = mapped_column(String(40), default="")
    give_up_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    customer = relationship("Customer")
    owner = relationship("User", foreign_keys=[owner_id])
    product = relationship("Project")
    rounds: Mapped[list["NegotiationRound"]] = relationship(back_populates="opportunity",
                                                            cascade="all, delete-orphan",
                                                            order_by="NegotiationRound.held_on")
    vehicles: Mapped[list["DealVehicle"]] = relationship(back_populates="opportunity", cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class NegotiationRound(NetworkOwned, Audited, db.Model):
    __tablename__ = "negotiation_rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date]
    participants: Mapped[str] = mapped_column(String(200), default="")
    objections: Mapped[str] = mapped_column(Text, default="")
    prepared: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(String(200), default="")
    next_on: Mapped[date | None] = mapped_column(default=None)

    opportunity: Mapped[Opportunity] = relationship(back_populates="rounds")


class DealVehicle(NetworkOwned, Audited, db.Model):
    __tablename__ = "deal_vehicles"
    __table_args__ = (UniqueConstraint("network_id", "vin"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    model: Mapped[str] = mapped_column(String(60))
    vin: Mapped[str] = mapped_column(String(17))
    delivered_on: Mapped[date | None] = mapped_column(default=None)

    opportunity: Mapped[Opportunity] = relationship(back_populates="vehicles")


class AfterSaleTask(NetworkOwned, Audited, db.Model):
    """After a deal: delivery, word-of-mouth, and the service manager's tracking callbacks."""

    __tablename__ = "after_sale_tasks"
    __table_args__ = (Index("ix_after_sale_tasks_assignee_due", "assignee_id", "status", "due_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    # indexed: the customers' survey answers are compared with the deal's tasks (services.surveys)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"),
                                                       index=True, default=None)
    kind: Mapped[str] = mapped_column(String(20))  # delivery | word_of_mouth | service_tracking
    due_on: Mapped[date]
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | done
    done_on: Mapped[date | None] = mapped_column(default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    # what staff recorded of the customer's satisfaction (a delivery, a tracking callback); None: not asked
    satisfied: Mapped[bool | None] = mapped_column(default=None)

    customer = relationship("Customer")
    assignee = relationship("User")
