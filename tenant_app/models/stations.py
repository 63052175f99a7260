"""Service stations (服务商, DOMAIN.md §5): vehicles known by VIN, repair orders, the
callbacks after a repair with their satisfaction survey, and hot alerts on complaints."""
from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, Timestamps

SURVEY_ASPECTS = ("timeliness", "quality", "price", "attitude", "facility")


class ServiceSettings(NetworkOwned, Audited, Timestamps, db.Model):
    """The network's rules for callbacks after repairs, set by the manufacturer."""
    __tablename__ = "service_settings"
    __table_args__ = (UniqueConstraint("network_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    callback_days: Mapped[int] = mapped_column(default=3)  # after the repair closes
    switch_days: Mapped[int] = mapped_column(default=5)    # unreachable this long: SMS / letter instead
    low_score: Mapped[int] = mapped_column(default=2)      # a score at or below this raises a hot alert
    alert_days: Mapped[int] = mapped_column(default=2)     # to resolve a hot alert


class Vehicle(NetworkOwned, Audited, Timestamps, db.Model):
    """A vehicle of the network: from a dealer's deal, or registered by the station it came to."""
    __tablename__ = "vehicles"
    __table_args__ = (UniqueConstraint("network_id", "vin"), Index("ix_vehicles_network_plate", "network_id", "plate"))
    id: Mapped[int] = mapped_column(primary_key=True)
    vin: Mapped[str] = mapped_column(String(17))
    plate: Mapped[str] = mapped_column(String(16), default="")
    model: Mapped[str] = mapped_column(String(60), default="")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), index=True,
                                                    default=None)
    selling_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), default=None)
    registered_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), default=None)
    # sold outside the network's ledgers: who brought it in
    owner_name: Mapped[str] = mapped_column(String(120), default="")
    owner_phone: Mapped[str] = mapped_column(String(40), default="")

    customer = relationship("Customer")
    selling_org = relationship("Organisation", foreign_keys=[selling_org_id])

    @property
    def owner(self) -> str:
        return self.customer.name if self.customer else self.owner_name

    @property
    def phone(self) -> str:
        return self.customer.phone if self.customer else self.owner_phone


class RepairOrder(NetworkOwned, Audited, Timestamps, db.Model):
    __tablename__ = "repair_orders"
    __table_args__ = (Index("ix_repair_orders_org_status", "org_id", "status", "date_in"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"), index=True)
    plate: Mapped[str] = mapped_column(String(16), default="")
    kind: Mapped[str] = mapped_column(String(12))  # maintenance | repair | accident | warranty
    date_in: Mapped[date]
    date_out: Mapped[date | None] = mapped_column(default=None)
    mileage: Mapped[int] = mapped_column(default=0)
    work_done: Mapped[str] = mapped_column(Text, default="")
    parts: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[float] = mapped_column(Numeric(12, 2), default=0)
    technician: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(8), default="open")  # open | closed

    vehicle: Mapped[Vehicle] = relationship()
    org = relationship("Organisation")
    callbacks: Mapped[list["ServiceCallback"]] = relationship(back_populates="repair", order_by="ServiceCallback.id")


class ServiceCallback(NetworkOwned, Audited, Timestamps, db.Model):
    """A call after a repair (or to confirm a complaint is settled), tried until the customer is
    reached; the survey's scores run 1 (poor) to 5 (very satisfied)."""
    __tablename__ = "service_callbacks"
    __table_args__ = (Index("ix_service_callbacks_org_status_due", "org_id", "status", "due_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("repair_orders.id", ondelete="CASCADE"), index=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("hot_alerts.id"), default=None)  # confirming one
    purpose: Mapped[str] = mapped_column(String(12), default="after_repair")  # after_repair | confirm
    first_due_on: Mapped[date]
    due_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(8), default="phone")  # phone | sms | letter
    status: Mapped[str] = mapped_column(String(8), default="due")    # due | done
    attempts: Mapped[int] = mapped_column(default=0)
    done_on: Mapped[date | None] = mapped_column(default=None)
    score_overall: Mapped[int | None] = mapped_column(default=None)
    score_timeliness: Mapped[int | None] = mapped_column(default=None)
    score_quality: Mapped[int | None] = mapped_column(default=None)
    score_price: Mapped[int | None] = mapped_column(default=None)
    score_attitude: Mapped[int | None] = mapped_column(default=None)
    score_facility: Mapped[int | None] = mapped_column(default=None)
    complaint: Mapped[bool] = mapped_column(default=False)
    comments: Mapped[str] = mapped_column(Text, default="")

    repair: Mapped[RepairOrder] = relationship(back_populates="callbacks")
    org = relationship("Organisation")

    def scores(self) -> dict[str, int | None]:
        return {a: getattr(self, f"score_{a}") for a in ("overall",) + SURVEY_ASPECTS}


class HotAlert(NetworkOwned, Audited, Timestamps, db.Model):
    """Opened by a low score or a complaint; resolved by the station, closed only when a second
    callback finds the customer satisfied."""
    __tablename__ = "hot_alerts"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("repair_orders.id", ondelete="CASCADE"), index=True)
    # the callback whose answers raised it (no foreign key: service_callbacks points back here)
    callback_id: Mapped[int | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(Text)  # as written when opened (Chinese), for the record
    # what opened it, shown in the reader's language: {"complaint": bool, "low": {aspect: score}, "comments": str}
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    opened_on: Mapped[date]
    deadline: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | resolved | closed
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_on: Mapped[date | None] = mapped_column(default=None)
    closed_on: Mapped[date | None] = mapped_column(default=None)
    reopened: Mapped[int] = mapped_column(default=0)

    repair: Mapped[RepairOrder] = relationship()
    org = relationship("Organisation")

    def overdue(self, today: date) -> bool:
        return self.status == "open" and today > self.deadline
