"""The network's dictionary of truck brands, kept by the manufacturer."""
from __future__ import annotations

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import Audited, NetworkOwned, Timestamps


class Brand(NetworkOwned, Audited, Timestamps, db.Model):
    """A brand with its aliases (乘龙 → 东风柳汽). A brand written in a ledger that
    nobody knows is kept as written with mapped=False, for the manufacturer to map."""

    __tablename__ = "brands"
    __table_args__ = (UniqueConstraint("network_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    is_own: Mapped[bool] = mapped_column(default=False)
    mapped: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Brand {self.name}>"
