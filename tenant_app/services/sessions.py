"""Login sessions kept on the server. The session cookie and the remember-me cookie carry only
a handle, "network:session id:secret"; the record holds when the session started and was last
seen, so a copied cookie dies with logout, either timeout, a password change or "sign out
everywhere", whatever the cookie says.

Kept in the database whatever the deployment (not in Redis, which here keeps nothing on disk):
a user lists and ends their sessions, and a restart of Redis signs nobody out. A request
refreshes last-seen at most once a minute, in a short transaction of its own, so a GET still
commits nothing of its own.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import LoginSession, Network, User
from ..models.base import utcnow
from ..tenancy import use_network

TOUCH_EVERY = timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def open_session(user: User, *, ip: str = "", user_agent: str = "", remember: bool = False) -> str:
    """A new login session for user (the caller commits); returns the handle to log in with."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    record = LoginSession(network_id=user.network_id, user_id=user.id, secret_hash=_digest(secret),
                          user_token=user.session_token, remember=remember, ip=(ip or "")[:64],
                          user_agent=(user_agent or "")[:200], created_at=now, last_seen_at=now,
                          expires_at=now + current_app.config["SESSION_ABSOLUTE"])
    db.session.add(record)
    db.session.flush()
    handle = f"{user.network_id}:{record.id}:{secret}"
    user.login_handle, user.login_session = handle, record
    return handle


def resolve(handle: str, now: datetime | None = None) -> tuple[User | None, str]:
    """The user a handle logs in, or (None, why): "unknown", "ended", "idle", "expired"."""
    try:
        network_id, session_id, secret = handle.split(":", 2)
        network_id, session_id = int(network_id), int(session_id)
    except (AttributeError, ValueError):
        return None, "unknown"
    now = now or utcnow()
    use_network(db.session, network_id)
    record = db.session.get(LoginSession, session_id)
    if record is None or not hmac.compare_digest(record.secret_hash, _digest(secret)):
        return None, "unknown"
    user = db.session.get(User, record.user_id)
    network = db.session.get(Network, network_id)
    if record.ended_at is not None or user is None or not user.is_active or network.status != "active" \
            or not hmac.compare_digest(record.user_token, user.session_token):
        return None, "ended"
    if now >= record.expires_at:
        _write(record, ended_at=now, end_reason="expired")
        return None, "expired"
    if now - record.last_seen_at > current_app.config["SESSION_IDLE"]:
        _write(record, ended_at=now, end_reason="idle")
        return None, "idle"
    if now - record.last_seen_at >= TOUCH_EVERY:
        _write(record, last_seen_at=now)
    user.login_handle, user.login_session = handle, record
    return user, ""


def _write(record: LoginSession, **values) -> None:
    """On the record, in a short transaction of its own (the request's session may be a GET's)."""
    with Session(db.engine) as side:
        use_network(side, record.network_id)
        side.query(LoginSession).filter(LoginSession.id == record.id).update(values)
        side.commit()
    for key, value in values.items():
        set_committed_value(record, key, value)  # as stored, without making the request's session dirty


def end(record: LoginSession, reason: str = "logout") -> None:
    record.ended_at, record.end_reason = utcnow(), reason


def active(user: User) -> list[LoginSession]:
    """The user's sessions still alive, the latest seen first."""
    now = utcnow()
    idle_since = now - current_app.config["SESSION_IDLE"]
    return db.session.scalars(select(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.ended_at.is_(None), LoginSession.user_token == user.session_token,
        LoginSession.expires_at > now, LoginSession.last_seen_at > idle_since)
        .order_by(LoginSession.last_seen_at.desc())).all()


def end_others(user: User, keep: LoginSession | None) -> int:
    """Sign out everywhere else: every other live session of the user ends; how many."""
    others = [s for s in active(user) if keep is None or s.id != keep.id]
    for record in others:
        end(record, "ended")
    return len(others)


def device(user_agent: str) -> str:
    """A short name for the browser and system, as a person recognises them."""
    ua = user_agent or ""
    system = next((name for key, name in (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
                                          ("Windows", "Windows"), ("Mac OS", "macOS"), ("Linux", "Linux"))
                   if key in ua), "")
    browser = next((name for key, name in (("MicroMessenger", "微信"), ("DingTalk", "钉钉"), ("Edg/", "Edge"),
                                           ("Chrome/", "Chrome"), ("Firefox/", "Firefox"), ("Safari/", "Safari"))
                    if key in ua), "")
    return " · ".join(p for p in (browser, system) if p) or (ua[:40] or "—")
