"""The network's dictionary of truck brands, kept by the manufacturer."""
from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

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


class TruckModel(NetworkOwned, Audited, Timestamps, db.Model):
    """A model of a brand (H7 of 东风柳汽), with its aliases. Fleet lines resolve to one
    (services.brands.ModelResolver): 乘龙H7, 东风柳汽 H7 and H7 are one model, so the census
    counts one row. A model nobody has listed is made as written on first sight."""

    __tablename__ = "truck_models"
    __table_args__ = (UniqueConstraint("brand_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(60))  # without the brand's names, normalised
    aliases: Mapped[list] = mapped_column(JSON, default=list)

    brand = relationship("Brand", lazy="joined")

    def __repr__(self) -> str:
        return f"<TruckModel {self.name}>"
