"""Co-development of special vehicles: projects, their stages up to the 公告 and production,
the plan per stage, versioned documents, the discussion, and the catalogue they feed."""
from __future__ import annotations

import hashlib
import re
import uuid
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import PROJECT_STAGES, Project, ProjectDocument, ProjectMessage, ProjectStage
from ..vocab import VEHICLE_TYPES
from .errors import DomainError
from .filenames import display_name

DOCUMENT_TYPES = {".pdf", ".docx", ".doc", ".xlsx", ".xls", ".jpg", ".jpeg", ".png", ".dwg", ".zip"}
ANNOUNCEMENT_NO = re.compile(r"^[0-9A-Za-z\-（）()第批号]{3,40}$")


class ProjectError(DomainError):
    pass


def create_project(builder, *, title: str, vehicle_type: str, chassis_models: str, target_customers: str,
                   target_volume: int, specs: str, by) -> Project:
    if builder is None:
        raise ProjectError(_l("请选择改装厂。"))
    if builder.kind != "bodybuilder":
        raise ProjectError(_l("联合开发项目须属于一家改装厂。"))
    if vehicle_type not in VEHICLE_TYPES:
        raise ProjectError(_l("请选择专用车类型。"))
    project = Project(network_id=builder.network_id, org_id=builder.id, title=title.strip()[:120],
                      vehicle_type=vehicle_type, chassis_models=chassis_models.strip()[:200],
                      target_customers=target_customers.strip(), target_volume=target_volume or 0,
                      specs=specs.strip(), created_by_id=by.id)
    project.plan = [ProjectStage(network_id=builder.network_id, org_id=builder.id, stage=s)
                    for s in PROJECT_STAGES if s != "stopped"]
    db.session.add(project)
    return project


def plan_stages(project: Project, owners: dict[str, str], dues: dict[str, str]) -> None:
    """The plan as posted: an owner and an ISO due date (or nothing) per stage."""
    for row in project.plan:
        raw = (dues.get(row.stage) or "").strip()
        try:
            due = date.fromisoformat(raw) if raw else None
        except ValueError:
            raise ProjectError(_l("日期格式不正确。"))
        plan_stage(project, row.stage, owners.get(row.stage, ""), due)


def plan_stage(project: Project, stage: str, owner: str, due_on: date | None) -> None:
    row = next((p for p in project.plan if p.stage == stage), None)
    if row is None:
        raise ProjectError(_l("没有这个阶段。"))
    row.owner, row.due_on = (owner or "").strip()[:60], due_on


def advance(project: Project, to: str, *, today: date, announcement_no: str = "",
            announcement_on: date | None = None) -> None:
    """Forward one or more stages (never back); 'stopped' at any time before series production.
    Publishing needs the 公告 number and date."""
    if project.stage == "stopped":
        raise ProjectError(_l("项目已终止。"))
    if to not in PROJECT_STAGES or to == project.stage:
        raise ProjectError(_l("请选择新的阶段。"))
    order = PROJECT_STAGES.index
    if to != "stopped" and order(to) < order(project.stage):
        raise ProjectError(_l("阶段只能向前推进。"))
    if to == "stopped" and project.stage == "series":
        raise ProjectError(_l("已批量生产的项目不能终止。"))
    if to != "stopped" and order(to) >= order("published") and order(project.stage) < order("published"):
        announcement_no = (announcement_no or "").strip()
        if not ANNOUNCEMENT_NO.match(announcement_no) or announcement_on is None:
            raise ProjectError(_l("公告发布须填写公告批次/编号和发布日期。"))
        if announcement_on > today:
            raise ProjectError(_l("公告发布日期不能晚于今天。"))
        project.announcement_no, project.announcement_on = announcement_no, announcement_on
    for row in project.plan:
        if row.done_on is None and (to == "stopped" and row.stage == project.stage or
                                    to != "stopped" and order(row.stage) < order(to)):
            row.done_on = today
    project.stage = to


def add_document(project: Project, filename: str, data: bytes, by) -> ProjectDocument:
    name = display_name(filename)
    if not name or Path(name).suffix.lower() not in DOCUMENT_TYPES:
        raise ProjectError(_l("只能上传 PDF、Word、Excel、图片、DWG 或 ZIP 文件。"))
    if not data:
        raise ProjectError(_l("文件是空的。"))
    version = (db.session.scalar(select(func.max(ProjectDocument.version)).where(
        ProjectDocument.project_id == project.id, ProjectDocument.name == name)) or 0) + 1
    folder = Path(current_app.instance_path) / "uploads" / "projects" / str(project.network_id) / str(project.id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(name).suffix.lower()}"
    path.write_bytes(data)
    doc = ProjectDocument(network_id=project.network_id, project=project, org_id=project.org_id, name=name,
                          version=version, path=str(path), sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                          uploaded_by_id=by.id)
    db.session.add(doc)
    return doc


def post(project: Project, body: str, by) -> ProjectMessage:
    body = (body or "").strip()
    if not body:
        raise ProjectError(_l("请输入内容。"))
    message = ProjectMessage(network_id=project.network_id, project=project, org_id=project.org_id,
                             author_id=by.id, body=body[:5000])
    db.session.add(message)
    return message
