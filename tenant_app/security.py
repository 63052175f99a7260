"""Request-level security: who is logged in (and in which network), timeouts,
login required by default, the authorize() check, and security headers."""
from __future__ import annotations

from flask import abort, current_app, flash, g, has_request_context, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db, login_manager
from .services.audit import set_actor
from .static_files import is_static as _is_static
from .tenancy import use_network


def public(view):
    """Mark a view that needs no login and no authorize() call."""
    view.is_public = True
    return view


def _is_public(endpoint: str | None) -> bool:
    if endpoint is None or endpoint == "static" or endpoint.endswith(".static"):
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))


@login_manager.user_loader
def load_user(handle: str):
    """The handle names a login session kept on the server (services/sessions.py); one that
    ended, idled or expired logs nobody in, whatever cookie carries it."""
    from .services import sessions

    user, why = sessions.resolve(handle)
    if user is None:
        use_network(db.session, None)
        g.session_timed_out = why in ("idle", "expired")
    return user


# what a network administrator may open before enabling a required second factor
TWO_FACTOR_SETUP = {"auth.security", "auth.two_factor_setup", "auth.two_factor_confirm", "auth.logout",
                    "auth.password", "auth.session_end"}


def _has_nul() -> bool:
    return any("\x00" in v for v in request.args.values()) or any("\x00" in v for v in request.form.values())


def _before_request():
    g.authorized = False
    if _is_static(request.endpoint):
        return  # a stylesheet needs no user: no session look-up, no network setting
    if _has_nul():  # PostgreSQL refuses NUL in text: answer 400, not 500
        g.authorized = True
        abort(400)
    db.session.info["actor"] = {"ip": request.remote_addr or ""}
    user = current_user
    if user.is_authenticated:
        use_network(db.session, user.network_id)
        set_actor(db.session, user, ip=request.remote_addr or "")
        if user.must_change_password and request.endpoint not in ("auth.password", "auth.logout") \
                and not _is_public(request.endpoint):
            g.authorized = True
            flash(_("请先修改初始密码。"), "warning")
            return redirect(url_for("auth.password"))
        if not user.totp_enabled_at and request.endpoint not in TWO_FACTOR_SETUP and not _is_public(request.endpoint):
            from .services.two_factor import required_of
            if required_of(user):
                g.authorized = True
                flash(_("本网络要求网络管理员使用两步验证，请先启用。"), "warning")
                return redirect(url_for("auth.security"))
    elif g.get("session_timed_out") and not _is_public(request.endpoint):
        g.authorized = True  # a redirect of our own, not a view
        session.clear()
        logout_user()  # the remember-me cookie goes too
        flash(_("会话已超时，请重新登录。"), "warning")
        return redirect(url_for("auth.login", next=request.full_path))
    elif not _is_public(request.endpoint):
        g.authorized = True
        return login_manager.unauthorized()


def _after_request(response):
    h = response.headers
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "same-origin")
    # none by default; the callback form (a visit's check-in) allows this origin its position and camera
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    h.setdefault("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                 "frame-ancestors 'none'; form-action 'self'; base-uri 'self'")
    if current_app.config["PRODUCTION"]:
        h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if not _is_static(request.endpoint) and current_user.is_authenticated:
        h["Cache-Control"] = "no-store"  # pages and downloads alike (send_file's no-cache would let caches keep them)
    if (current_app.config["VERIFY_AUTHORIZED"] and response.status_code < 400
            and not _is_public(request.endpoint) and not g.get("authorized")):
        raise RuntimeError(f"view {request.endpoint} did not call authorize()")
    if current_app.config["VERIFY_AUTHORIZED"] and g.get("committed") and request.method in ("GET", "HEAD"):
        raise RuntimeError(f"GET {request.endpoint} committed: a GET never writes")
    return response


def _note_commit(session):
    """Outside production, a GET whose session commits fails its request (see _after_request)."""
    if has_request_context() and session is db.session():
        g.committed = True


def init_app(app):
    if not event.contains(Session, "after_commit", _note_commit):
        event.listen(Session, "after_commit", _note_commit)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(_before_request)
    app.after_request(_after_request)
