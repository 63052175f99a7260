"""Publishing policy support with a document, and acknowledging it."""
from __future__ import annotations

import os
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Acknowledgement, Announcement
from .errors import DomainError
from .notify import events as notify
from .filenames import display_name

DOCUMENT_TYPES = {".pdf", ".docx", ".xlsx", ".jpg", ".jpeg", ".png"}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


class AnnouncementError(DomainError):
    pass


def publish(network_id: int, by, *, kind, title, body, effective_from, effective_to, parties: list[str],
            upload=None, store: str, builder=None, builders=()) -> Announcement:
    """builder: the body-builder co-issuing a joint promotion, one of builders (those the publisher may name)."""
    if builder is not None and builder not in builders:
        raise AnnouncementError(_l("请选择改装厂。"))
    if effective_to and effective_to < effective_from:
        raise AnnouncementError(_l("结束日期不能早于开始日期。"))
    if not parties:
        raise AnnouncementError(_l("请至少选择一类发布对象。"))
    ann = Announcement(network_id=network_id, kind=kind, title=title.strip(), body=body.strip(),
                       effective_from=effective_from, effective_to=effective_to, published_by_id=by.id,
                       builder_org_id=builder, **{f"for_{p}": p in parties for p in ("dealer", "bodybuilder", "service")})
    if upload is not None and upload.filename:
        ext = os.path.splitext(upload.filename)[1].lower()
        if ext not in DOCUMENT_TYPES:
            raise AnnouncementError(_l("附件只接受 PDF、Word、Excel 或图片。"))
        os.makedirs(store, exist_ok=True)
        path = os.path.join(store, secrets.token_hex(16) + ext)  # never the uploaded name on disk
        upload.save(path)
        if os.path.getsize(path) > MAX_DOCUMENT_BYTES:
            os.remove(path)
            raise AnnouncementError(_l("附件不能超过 10 MB。"))
        ann.document_name, ann.document_path = display_name(upload.filename), path
    db.session.add(ann)
    notify.announcement_published(ann)
    return ann


def acknowledge(ann: Announcement, user) -> bool:
    """Once per organisation; False when it was acknowledged already."""
    if db.session.scalar(select(Acknowledgement.id).where(Acknowledgement.announcement_id == ann.id,
                                                          Acknowledgement.org_id == user.org_id)):
        return False
    db.session.add(Acknowledgement(network_id=ann.network_id, announcement_id=ann.id, org_id=user.org_id,
                                   user_id=user.id))
    return True
