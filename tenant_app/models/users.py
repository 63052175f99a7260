"""Users of every party, their roles, and what each role may do."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, Timestamps

# Roles per party (DOMAIN.md §1). Labels: Chinese first, English in the catalog.
ROLES: dict[str, dict[str, str]] = {
    "manufacturer": {
        "network_admin": _l("网络管理员"),
        "supervisor": _l("督导"),
    },
    "dealer": {
        "general_manager": _l("总经理"),
        "brand_manager": _l("品牌经理"),
        "information_manager": _l("信息经理"),
        "sales_manager": _l("业务经理"),
        "service_manager": _l("服务经理"),
    },
    "bodybuilder": {"manager": _l("经理"), "staff": _l("专员")},
    "service": {"manager": _l("站长"), "staff": _l("专员")},
}


def new_token() -> str:
    return secrets.token_urlsafe(16)


class User(NetworkOwned, Audited, Timestamps, UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("network_id", "username"),)
    __audit_exclude__ = ("password_hash", "session_token", "last_login_at", "updated_at", "locale", "totp_secret",
                         "recovery_codes")

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    username: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list] = mapped_column(JSON, default=list)
    # A supervisor limited to regions sees only organisations in these provinces.
    regions: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="active")
    # Part of the login id: rotating it ends every session and remember-me cookie.
    session_token: Mapped[str] = mapped_column(String(32), default=new_token)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(String(8), default="zh_CN")
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    # optional second factor: a TOTP secret once confirmed, and the hashes of unused recovery codes
    totp_secret: Mapped[str] = mapped_column(String(64), default="")
    totp_enabled_at: Mapped[datetime | None] = mapped_column(default=None)
    recovery_codes: Mapped[list] = mapped_column(JSON, default=list)

    org: Mapped["Organisation"] = relationship(back_populates="users", lazy="joined")  # noqa: F821
    network: Mapped["Network"] = relationship()  # noqa: F821

    login_handle = None  # set by services.sessions: the handle of the login session this request runs in
    login_session = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie: the login session's handle."""
        if self.login_handle is None:
            raise RuntimeError("log a user in through services.sessions.open_session")
        return self.login_handle

    @property
    def is_active(self) -> bool:
        return self.status == "active" and self.org is not None and self.org.active

    @property
    def party(self) -> str:
        return self.org.kind

    def has_role(self, *roles: str) -> bool:
        return any(r in (self.roles or []) for r in roles)

    def __repr__(self) -> str:
        return f"<User {self.username}>"
