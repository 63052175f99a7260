"""Notifications (what a person is told, shown in the product's notification centre), the
deliveries of each to the other channels (e-mail, later group robots and SMS), and each
user's preferences."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import NetworkOwned, utcnow


class Notification(NetworkOwned, db.Model):
    """One event told to one user. The key makes recording it twice a no-op: unique per
    (network, user, kind, key)."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("network_id", "user_id", "kind", "key", name="uq_notifications_key"),
                      Index("ix_notifications_user_unread", "user_id", "read_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  # the recipient's
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")  # a path in the product; policies decide on click
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(default=None)

    user = relationship("User")


class Delivery(NetworkOwned, db.Model):
    """A notification sent (or held, or skipped) on one channel: at most one per notification
    and channel; every attempt counts here, with the last error."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("network_id", "notification_id", "channel", name="uq_deliveries_channel"),
                      Index("ix_deliveries_status_due", "status", "due_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(120), default="")  # masked address
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued | sent | failed | skipped
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime | None] = mapped_column(default=None)  # held until then (quiet hours, digest)
    at: Mapped[datetime] = mapped_column(default=utcnow)  # the last change

    notification = relationship("Notification")


class NotificationPreference(NetworkOwned, db.Model):
    """A user's choices; a user without a row gets the defaults of their roles."""

    __tablename__ = "notification_preferences"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    channels: Mapped[dict] = mapped_column(JSON, default=dict)  # kind -> [channel, ...] beyond in-app
    quiet_from: Mapped[int | None] = mapped_column(default=None)  # local hour; quiet_from..quiet_to, across midnight
    quiet_to: Mapped[int | None] = mapped_column(default=None)
    digest_hour: Mapped[int | None] = mapped_column(default=None)  # None: one message per event
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
