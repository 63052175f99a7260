"""Callbacks (回访, DOMAIN.md §3 steps 2-6): strategy matrix, plans and their items, records."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, Timestamps, utcnow


class CallbackStrategy(NetworkOwned, Audited, Timestamps, db.Model):
    """Customer groups × methods. org_id NULL: the network's default, set by the
    manufacturer; a dealer's own row refines it for that dealer."""

    __tablename__ = "callback_strategies"
    __table_args__ = (UniqueConstraint("network_id", "org_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), default=None)
    recent_years: Mapped[int] = mapped_column(default=2)   # bought within: the recent cohort
    middle_years: Mapped[int] = mapped_column(default=4)   # bought within: the middle cohort; older is old
    matrix: Mapped[dict] = mapped_column(JSON, default=dict)  # group -> [methods]


class CallbackPlan(NetworkOwned, Audited, Timestamps, db.Model):
    __tablename__ = "callback_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    items: Mapped[list["CallbackItem"]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                                       order_by="CallbackItem.due_on")


class CallbackItem(NetworkOwned, Audited, db.Model):
    """One planned callback: customer, method, due date, who does it."""

    __tablename__ = "callback_items"
    __table_args__ = (
        UniqueConstraint("plan_id", "customer_id", "method"),
        Index("ix_callback_items_assignee_due", "assignee_id", "status", "due_on"),
        # the due list and the dashboard of a large dealer: index-only (RLS reads network_id, scope org_id)
        Index("ix_callback_items_org_status_due", "network_id", "org_id", "status", "due_on", "id", "assignee_id"),
        Index("ix_callback_items_org_assignee_due", "network_id", "org_id", "assignee_id", "status", "due_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("callback_plans.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    group: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date]
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    status: Mapped[str] = mapped_column(String(12), default="planned")  # planned | done | skipped

    plan: Mapped[CallbackPlan] = relationship(back_populates="items")
    customer = relationship("Customer")
    assignee = relationship("User")


class Callback(NetworkOwned, Audited, db.Model):
    """A callback made (slide 38's results), with the procedure steps gone through."""

    __tablename__ = "callbacks"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("callback_items.id", ondelete="SET NULL"), default=None)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    method: Mapped[str] = mapped_column(String(20))
    done_on: Mapped[date]
    met_whom: Mapped[str] = mapped_column(String(120), default="")
    steps: Mapped[list] = mapped_column(JSON, default=list)
    result: Mapped[str] = mapped_column(Text, default="")
    worth_following: Mapped[bool] = mapped_column(default=False)
    has_intent: Mapped[bool] = mapped_column(default=False)
    when: Mapped[str] = mapped_column(String(10), default="")  # 3m | 6m | 12m | later
    intent_level: Mapped[int | None] = mapped_column(default=None)
    intent_model: Mapped[str] = mapped_column(String(60), default="")
    intent_quantity: Mapped[int | None] = mapped_column(default=None)
    payment: Mapped[str] = mapped_column(String(12), default="")
    doubts: Mapped[str] = mapped_column(Text, default="")
    suggestions: Mapped[str] = mapped_column(Text, default="")
    impression_brand: Mapped[str] = mapped_column(String(200), default="")
    impression_dealer: Mapped[str] = mapped_column(String(200), default="")
    impression_service: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer = relationship("Customer")
    by = relationship("User")
    item = relationship("CallbackItem")


class OfflineReplay(NetworkOwned, db.Model):
    """A callback recorded on a phone without a connection and sent when it returned: one row
    per (user, client id) the phone made up, so sending it twice records it once, and a
    conflict (the item done or reassigned meanwhile) is kept with its reason."""

    __tablename__ = "offline_replays"
    __table_args__ = (UniqueConstraint("user_id", "client_id", name="uq_offline_replays_client"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(40))
    callback_id: Mapped[int | None] = mapped_column(ForeignKey("callbacks.id", ondelete="SET NULL"), default=None)
    status: Mapped[str] = mapped_column(String(12))  # recorded | conflict
    reason: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)  # on the phone
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
