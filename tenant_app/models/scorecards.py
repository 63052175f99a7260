"""Scorecards (考评, DOMAIN.md §4): versioned templates, evaluations of a period, each
dealer's scorecard with its items, deductions and appeals, and the rendered PDFs."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, Timestamps, utcnow


class ScorecardTemplate(NetworkOwned, Audited, Timestamps, db.Model):
    """Items, weights, rules, caps, deduction cap and grade bands. A published version never
    changes: editing makes a new draft, and a scorecard keeps the version it was computed with."""
    __tablename__ = "scorecard_templates"
    __table_args__ = (UniqueConstraint("network_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft | published | retired
    # [{"key", "rule", "weight", "full_at", "cap"}]: see services/scoring.RULES
    items: Mapped[list] = mapped_column(JSON, default=list)
    grade_bands: Mapped[list] = mapped_column(JSON, default=list)  # [[minimum score, grade]], highest first
    deduction_cap: Mapped[float] = mapped_column(Float, default=10.0)
    appeal_days: Mapped[int] = mapped_column(default=10)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class EvaluationSchedule(NetworkOwned, Audited, Timestamps, db.Model):
    """Evaluate each ended period automatically on a day of the following month."""
    __tablename__ = "evaluation_schedules"
    __table_args__ = (UniqueConstraint("network_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    period_kind: Mapped[str] = mapped_column(String(8), default="")  # "" (off) | month | quarter | year
    day: Mapped[int] = mapped_column(default=5)


class Evaluation(NetworkOwned, Audited, Timestamps, db.Model):
    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("network_id", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(8))  # 2026-Q3 | 2026-09 | 2026
    kind: Mapped[str] = mapped_column(String(8))    # quarter | month | year
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    template_id: Mapped[int] = mapped_column(ForeignKey("scorecard_templates.id"))
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued | computing | issued | failed
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    computed_at: Mapped[datetime | None] = mapped_column(default=None)
    ranking_pdf_path: Mapped[str] = mapped_column(String(300), default="")
    ranking_pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    ranking_pdf_revision: Mapped[int] = mapped_column(default=0)  # revision of the ranking it shows
    ranking_revision: Mapped[int] = mapped_column(default=0)      # bumped whenever any scorecard changes

    template = relationship("ScorecardTemplate")
    job = relationship("JobRecord")
    scorecards: Mapped[list["Scorecard"]] = relationship(back_populates="evaluation", order_by="Scorecard.rank_network")

    @property
    def provisional(self) -> bool:
        """临时: computed before the period ended (or not computed yet). Derived from when it was
        computed, so evaluating the period again after its last day makes it final."""
        return self.computed_at is None or self.computed_at.date() <= self.ends_on


class Scorecard(NetworkOwned, Audited, Timestamps, db.Model):
    __tablename__ = "scorecards"
    __table_args__ = (UniqueConstraint("evaluation_id", "org_id"),)
    __audit_exclude__ = ("items", "trend", "pdf_path")
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("scorecard_templates.id"))
    revision: Mapped[int] = mapped_column(default=1)
    # [{"key", "rule", "weight", "full_at", "cap", "numerator", "denominator", "points", "applicable", "adjusted"}]
    items: Mapped[list] = mapped_column(JSON, default=list)
    score: Mapped[float] = mapped_column(Float, default=0.0)       # before deductions
    deducted: Mapped[float] = mapped_column(Float, default=0.0)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    grade: Mapped[str] = mapped_column(String(4), default="")
    rank_network: Mapped[int] = mapped_column(default=0)
    rank_region: Mapped[int] = mapped_column(default=0)
    trend: Mapped[list] = mapped_column(JSON, default=list)  # [[period, total]], oldest first, this one last
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    pdf_path: Mapped[str] = mapped_column(String(300), default="")
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    pdf_revision: Mapped[int] = mapped_column(default=0)  # the revision the stored PDF shows

    evaluation: Mapped[Evaluation] = relationship(back_populates="scorecards")
    org = relationship("Organisation")
    template = relationship("ScorecardTemplate")
    appeals: Mapped[list["Appeal"]] = relationship(back_populates="scorecard", cascade="all, delete-orphan",
                                                   order_by="Appeal.id")

    def item(self, key: str) -> dict | None:
        return next((i for i in self.items if i["key"] == key), None)


class Deduction(NetworkOwned, Audited, db.Model):
    """Points taken off a dealer's scorecard of a period, with the reason."""
    __tablename__ = "deductions"
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    points: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    by = relationship("User")


class Appeal(NetworkOwned, Audited, Timestamps, db.Model):
    """A dealer contests one item; upheld with new points, the scorecard is re-issued."""
    __tablename__ = "appeals"
    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | upheld | rejected
    points: Mapped[float | None] = mapped_column(Float, default=None)  # the item's points when upheld
    response: Mapped[str] = mapped_column(Text, default="")
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)

    scorecard: Mapped[Scorecard] = relationship(back_populates="appeals")
    raised_by = relationship("User", foreign_keys=[raised_by_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])
