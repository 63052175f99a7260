"""Writes the audit trail: explicit events (logins) and, through flush hooks that create_app
registers (init_app), every create/update/delete of an Audited model with who, when, which
network and what changed."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session

from ..extensions import db
from ..models.audit import AuditEntry
from ..models.base import Audited, utcnow
from ..tenancy import listen_once


def set_actor(session: Session, user=None, ip: str = "", label: str = "") -> None:
    """Who the following changes are made by; a CLI run passes a label instead of a user."""
    session.info["actor"] = {
        "user_id": getattr(user, "id", None),
        "username": getattr(user, "username", None) or label,
        "org_id": getattr(user, "org_id", None),
        "ip": ip,
    }


def record(action: str, *, network_id: int, summary: str = "", obj=None, changes=None,
           user=None, username: str = "", ip: str = "", session: Session | None = None) -> None:
    """Add an explicit event (login, login_failed, view ...) to the session."""
    session = session or db.session
    actor = session.info.get("actor", {})
    session.add(AuditEntry(
        network_id=network_id,
        user_id=getattr(user, "id", None) if user else actor.get("user_id"),
        username=(getattr(user, "username", "") if user else "") or username or actor.get("username") or "",
        org_id=getattr(user, "org_id", None) if user else actor.get("org_id"),
        subject_org_id=subject_org_of(obj),
        action=action,
        object_type=obj.__class__.__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        summary=summary[:200],
        changes=changes or {},
        ip=ip or actor.get("ip", ""),
    ))


def record_look(obj, summary: str, user, network_id: int) -> None:
    """A read worth auditing (the manufacturer looking at a dealer's records), written in a short
    transaction of its own: the page's own session commits nothing on a GET."""
    from ..tenancy import use_network
    with Session(db.engine) as side:
        use_network(side, network_id)
        side.info["actor"] = dict(db.session.info.get("actor", {}))
        record("view", network_id=network_id, obj=obj, summary=summary, user=user, session=side)
        side.commit()


def subject_org_of(obj) -> int | None:
    if obj is None:
        return None
    if obj.__class__.__name__ == "Organisation":
        return obj.id
    return getattr(obj, "org_id", None)


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat(sep=" ", timespec="seconds") if isinstance(value, datetime) else value.isoformat()
    return value


def _columns(obj):
    return [c.key for c in inspect(obj).mapper.column_attrs if c.key not in obj.__audit_exclude__]


def _diff(obj) -> dict:
    state = inspect(obj)
    changes = {}
    for key in _columns(obj):
        hist = state.attrs[key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old != new:
                changes[key] = [_plain(old), _plain(new)]
    return changes


def _snapshot(obj) -> dict:
    return {key: _plain(getattr(obj, key)) for key in _columns(obj)}


def _collect(session, flush_context, instances):
    # Diffs must be read before the flush resets attribute history.
    pending = session.info.setdefault("audit_pending", [])
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            changes = _diff(obj)
            if changes:
                pending.append(("update", obj, changes))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            pending.append(("delete", obj, _snapshot(obj)))
    for obj in session.new:
        if isinstance(obj, Audited):
            pending.append(("create", obj, None))


def _write(session, flush_context):
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    actor = session.info.get("actor", {})
    rows = []
    for action, obj, changes in pending:
        rows.append({
            "network_id": obj.network_id,
            "created_at": utcnow(),
            "user_id": actor.get("user_id"),
            "username": actor.get("username") or "",
            "org_id": actor.get("org_id"),
            "subject_org_id": subject_org_of(obj),
            "action": action,
            "object_type": obj.__class__.__name__,
            "object_id": obj.id,
            "summary": str(getattr(obj, "name", "") or getattr(obj, "code", ""))[:200],
            "changes": changes if changes is not None else _snapshot(obj),
            "ip": actor.get("ip", ""),
        })
    # Core insert on the flush's own connection: no second flush, same transaction.
    session.connection().execute(insert(AuditEntry), rows)


def init_app(app) -> None:
    """Collect the changes before each flush (after the other before_flush hooks: register
    this last, so derived fields are recorded too) and write them after it."""
    listen_once(Session, "before_flush", _collect)
    listen_once(Session, "after_flush", _write)
