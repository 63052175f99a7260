"""Proof of a visit (上门拜访/上门回访): where the phone was when the callback was recorded, and the
photos taken there. The customer's site is set from its first located visit (models.customers)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, utcnow


class VisitCheckIn(NetworkOwned, Audited, db.Model):
    __tablename__ = "visit_checkins"
    __table_args__ = (UniqueConstraint("callback_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    callback_id: Mapped[int] = mapped_column(ForeignKey("callbacks.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12))  # located | refused | unavailable
    lat: Mapped[float | None] = mapped_column(Float, default=None)
    lon: Mapped[float | None] = mapped_column(Float, default=None)
    accuracy_m: Mapped[float | None] = mapped_column(Float, default=None)
    distance_m: Mapped[float | None] = mapped_column(Float, default=None)  # from the customer's site
    far: Mapped[bool] = mapped_column(default=False)  # farther than the network's threshold
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    callback = relationship("Callback")
    org = relationship("Organisation")
    photos: Mapped[list["VisitPhoto"]] = relationship(back_populates="checkin", cascade="all, delete-orphan",
                                                      order_by="VisitPhoto.id")


class VisitPhoto(NetworkOwned, Audited, db.Model):
    """A photo re-encoded on the server (no metadata, bounded size), kept in the file store."""
    __tablename__ = "visit_photos"
    __audit_exclude__ = ("path",)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("visit_checkins.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int]
    height: Mapped[int]
    bytes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    checkin: Mapped[VisitCheckIn] = relationship(back_populates="photos")
    org = relationship("Organisation")
