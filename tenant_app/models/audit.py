"""The audit log: logins, failed logins, every create/update/delete."""
from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import NetworkOwned, utcnow


class AuditEntry(NetworkOwned, db.Model):
    __tablename__ = "audit_log"
    # Newest first within one network: a small network's page must not scan a big one's rows.
    __table_args__ = (Index("ix_audit_log_network_newest", "network_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # No foreign keys: the trail outlives what it describes.
    user_id: Mapped[int | None] = mapped_column(default=None, index=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    org_id: Mapped[int | None] = mapped_column(default=None, index=True)
    # The organisation whose record it was: its head sees who touched or looked at it.
    subject_org_id: Mapped[int | None] = mapped_column(default=None, index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    object_type: Mapped[str] = mapped_column(String(32), default="")
    object_id: Mapped[int | None] = mapped_column(default=None)
    summary: Mapped[str] = mapped_column(String(200), default="")
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(45), default="")
