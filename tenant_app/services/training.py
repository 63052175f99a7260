"""Training sessions with invitations, attendance and scores; preparation-checklist audits."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import PREPARATION_ITEMS, Organisation, PreparationAudit, TrainingInvitation, TrainingSession, User
from .errors import DomainError
from .notify import events as notify

TRAINED_KINDS = ("dealer", "service")


class TrainingError(DomainError):
    pass


def create_session(*, title: str, held_on: date, place: str, topic: str, max_score: int, orgs: list[Organisation],
                   by) -> TrainingSession:
    """The session, and an invitation to every active member of the chosen organisations."""
    if not orgs:
        raise TrainingError(_l("请至少选择一个受邀机构。"))
    if any(o.kind not in TRAINED_KINDS for o in orgs):
        raise TrainingError(_l("只能邀请经销商和服务商。"))
    session = TrainingSession(network_id=by.network_id, title=title.strip(), held_on=held_on, place=place.strip(),
                              topic=topic.strip(), max_score=max_score, created_by_id=by.id)
    people = db.session.scalars(select(User).where(User.org_id.in_([o.id for o in orgs]), User.status == "active")
                                .order_by(User.org_id, User.id)).all()
    if not people:
        raise TrainingError(_l("所选机构没有可邀请的在职人员。"))
    session.invitations = [TrainingInvitation(network_id=by.network_id, org_id=u.org_id, user_id=u.id)
                           for u in people]
    db.session.add(session)
    notify.training_invited(session)
    return session


def record_all(invitations, attended: set[int], scores: dict[int, str]) -> None:
    """Attendance and scores of these invitations (those the recorder may see), as posted:
    the ids of the invitations attended, and a score per invitation id."""
    for inv in invitations:
        record(inv, inv.id in attended, scores.get(inv.id, ""))


def record(invitation: TrainingInvitation, attended: bool, score: str) -> None:
    """Attendance, and the score of one who attended (0..the session's maximum)."""
    score = (score or "").strip()
    if score and not attended:
        raise TrainingError(_l("%(name)s：未出席者不能有成绩。", name=invitation.user.name))
    if score and not (score.isascii() and score.isdecimal() and int(score) <= invitation.session.max_score):
        raise TrainingError(_l("%(name)s：成绩须为 0 到 %(max)s 的整数。", name=invitation.user.name,
                               max=invitation.session.max_score))
    invitation.attended = attended
    invitation.score = int(score) if score else None


def audit_preparation(org: Organisation, *, audited_on: date, results: dict, notes: dict, remark: str,
                      by) -> PreparationAudit:
    missing = [i for i in PREPARATION_ITEMS if not results.get(i) and not (notes.get(i) or "").strip()]
    if missing:
        raise TrainingError(_l("未到位的项目请写明缺什么。"))
    if audited_on > date.today():
        raise TrainingError(_l("审核日期不能晚于今天。"))
    audit = PreparationAudit(network_id=org.network_id, org_id=org.id, audited_on=audited_on, by_id=by.id,
                             results={i: bool(results.get(i)) for i in PREPARATION_ITEMS},
                             notes={i: (notes.get(i) or "").strip()[:300] for i in PREPARATION_ITEMS
                                    if (notes.get(i) or "").strip()},
                             remark=remark.strip()[:2000])
    db.session.add(audit)
    return audit
