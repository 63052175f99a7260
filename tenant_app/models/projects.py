"""Special vehicles co-developed by a body-builder and the manufacturer (DOMAIN.md §5):
the project through its stages to the 公告 (MIIT announcement) and production, with its
plan per stage, versioned documents and the discussion between the two parties. A project
whose 公告 is published is a product of the network's special-vehicle catalogue."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, Timestamps, utcnow

PROJECT_STAGES = ("proposal", "design", "prototype", "applied", "published", "small_batch", "series", "stopped")
CATALOGUE_STAGES = ("published", "small_batch", "series")


class Project(NetworkOwned, Audited, Timestamps, db.Model):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  # the body-builder
    title: Mapped[str] = mapped_column(String(120))
    vehicle_type: Mapped[str] = mapped_column(String(20))  # tanker | mixer | dump | refrigerated | ...
    chassis_models: Mapped[str] = mapped_column(String(200), default="")
    target_customers: Mapped[str] = mapped_column(Text, default="")
    target_volume: Mapped[int] = mapped_column(default=0)
    specs: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[str] = mapped_column(String(12), default="proposal")
    announcement_no: Mapped[str] = mapped_column(String(40), default="")
    announcement_on: Mapped[date | None] = mapped_column(default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    org = relationship("Organisation")
    plan: Mapped[list["ProjectStage"]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                      order_by="ProjectStage.id")
    documents: Mapped[list["ProjectDocument"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="(ProjectDocument.name, ProjectDocument.version)")
    messages: Mapped[list["ProjectMessage"]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                            order_by="ProjectMessage.id")

    @property
    def in_catalogue(self) -> bool:
        return self.stage in CATALOGUE_STAGES


class ProjectStage(NetworkOwned, Audited, db.Model):
    """Who owns a stage and by when; done_on once the project moved past it."""
    __tablename__ = "project_stages"
    __table_args__ = (UniqueConstraint("project_id", "stage"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    stage: Mapped[str] = mapped_column(String(12))
    owner: Mapped[str] = mapped_column(String(60), default="")
    due_on: Mapped[date | None] = mapped_column(default=None)
    done_on: Mapped[date | None] = mapped_column(default=None)

    project: Mapped[Project] = relationship(back_populates="plan")


class ProjectDocument(NetworkOwned, Audited, db.Model):
    """A file of the project; uploading a file of the same name makes its next version."""
    __tablename__ = "project_documents"
    __table_args__ = (UniqueConstraint("project_id", "name", "version"),)
    __audit_exclude__ = ("path",)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(default=1)
    path: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="documents")
    uploaded_by = relationship("User")


class ProjectMessage(NetworkOwned, Audited, db.Model):
    __tablename__ = "project_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))  # the project's builder
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="messages")
    author = relationship("User")
