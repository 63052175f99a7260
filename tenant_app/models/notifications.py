"""Notifications (what a person is told, shown in the product's notification centre), the
deliveries of each to the other channels (e-mail, group robots, SMS), each user's
preferences, and each organisation's group robots."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, Timestamps, utcnow


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


class GroupRobot(NetworkOwned, Audited, Timestamps, db.Model):
    """An organisation's group robot on one platform (企业微信/钉钉/飞书): where messages for
    its people are posted when they chose that platform. The webhook URL carries the robot's
    token and the secret signs each call: both are write-only (never shown back in full, never
    copied to the audit trail)."""

    __tablename__ = "group_robots"
    __table_args__ = (UniqueConstraint("network_id", "org_id", "platform", name="uq_group_robots_platform"),)
    __audit_exclude__ = ("webhook_url", "secret", "updated_at")
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    platform: Mapped[str] = mapped_column(String(10))  # wecom | dingtalk | feishu
    webhook_url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200), default="")  # 钉钉/飞书 signing secret ("" : unsigned)
    enabled: Mapped[bool] = mapped_column(default=True)

    org = relationship("Organisation")
