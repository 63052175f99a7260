"""Networks (the SaaS tenant) and the organisations of the four parties."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, Timestamps, utcnow

ORG_KINDS = ("manufacturer", "dealer", "bodybuilder", "service")
ORG_STATUSES = ("active", "suspended")


class Network(db.Model):
    """One manufacturer's joint organisation (联合组织). Created from the CLI only."""

    __tablename__ = "networks"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the maker's network administrators must sign in with a second factor (TOTP)
    admin_totp_required: Mapped[bool] = mapped_column(default=False)
    # a visit checked in farther than this from the customer's site is flagged (services.visits)
    visit_far_m: Mapped[int] = mapped_column(default=2000)


class Organisation(NetworkOwned, Audited, Timestamps, db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        UniqueConstraint("network_id", "code"),
        # Exactly one manufacturer per network (the other half is in services.orgs).
        Index(
            "uq_organisations_one_manufacturer",
            "network_id",
            unique=True,
            sqlite_where=text("kind = 'manufacturer'"),
            postgresql_where=text("kind = 'manufacturer'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120))
    province: Mapped[str] = mapped_column(String(32), default="")
    city: Mapped[str] = mapped_column(String(32), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16), default="active")

    users: Mapped[list["User"]] = relationship(back_populates="org")  # noqa: F821

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def region(self) -> str:
        return f"{self.province}{self.city}"

    def __repr__(self) -> str:
        return f"<Organisation {self.code} {self.kind}>"
