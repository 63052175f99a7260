"""Mixins shared by the models."""
from datetime import datetime, timezone

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class NetworkOwned:
    """Rows that belong to one network. The ORM filter and PostgreSQL RLS key on
    network_id; tenancy.py fills it on INSERT from the session's network."""

    __network_owned__ = True

    @declared_attr
    def network_id(cls) -> Mapped[int]:
        return mapped_column(Integer, ForeignKey("networks.id"), index=True, nullable=False)


class Audited:
    """Create/update/delete of these rows is written to the audit log.
    __audit_exclude__ names columns never copied there (hashes, tokens)."""

    __audit_exclude__: tuple[str, ...] = ()


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
