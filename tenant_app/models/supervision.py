"""The maker's network figures, computed by the scheduler for a large network so its overview
and census pages read a few hundred rows instead of grouping a million customers on every
view (services.supervision). A small network has none of these rows and is counted live."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import NetworkOwned, utcnow


class SupervisionSnapshot(NetworkOwned, db.Model):
    """When the network's figures below were taken (one row per network)."""

    __tablename__ = "supervision_snapshots"
    __table_args__ = (UniqueConstraint("network_id", name="uq_supervision_snapshots_network"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)
    seconds: Mapped[float] = mapped_column(default=0.0)  # how long taking them took


class OrgFigures(NetworkOwned, db.Model):
    """One ledger-keeping organisation's row of the overview, as supervision.overview makes it."""

    __tablename__ = "org_figures"
    __table_args__ = (UniqueConstraint("network_id", "org_id", name="uq_org_figures_org"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    figures: Mapped[dict] = mapped_column(JSON, default=dict)


class CensusCell(NetworkOwned, db.Model):
    """Units and customers of one (dimension value, brand, model) in one organisation's ledger;
    a customer belongs to one organisation, so the page's sums over organisations are exact."""

    __tablename__ = "census_cells"
    __table_args__ = (Index("ix_census_cells_dimension_org", "network_id", "dimension", "own", "org_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(20))
    own: Mapped[bool] = mapped_column(default=False)
    value: Mapped[str | None] = mapped_column(String(120), default=None)
    brand: Mapped[str] = mapped_column(String(120))
    model: Mapped[str | None] = mapped_column(String(120), default=None)
    units: Mapped[int] = mapped_column(default=0)
    customers: Mapped[int] = mapped_column(default=0)
