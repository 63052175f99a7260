"""Login sessions kept on the server: the cookie (and a remember-me cookie) only names one,
so logging out, the timeouts and "sign out everywhere" end it for good."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import NetworkOwned, utcnow


class LoginSession(NetworkOwned, db.Model):
    __tablename__ = "login_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the secret the cookie carries
    user_token: Mapped[str] = mapped_column(String(32))   # the user's token then: a rotation ends the session
    remember: Mapped[bool] = mapped_column(default=False)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    end_reason: Mapped[str] = mapped_column(String(20), default="")  # logout, idle, expired, ended, password

    user = relationship("User")
