"""Login, logout, own password, language."""
import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ...extensions import db, limiter
from ...models import User
from ...policies import skip_authorization
from ...security import public
from ...services import audit, sessions, two_factor
from ...services.accounts import authenticate, change_password
from ...tenancy import use_network
from ...web import PARTY_HOME
from ..actions import attempt
from ..routing import Routes
from .forms import CodeForm, LoginForm, PasswordForm

routes = Routes()
register = routes.register


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_key():
    """Per address and account: guessing one account is slowed without locking out a shared office IP."""
    account = "/".join(request.form.get(k, "").strip().lower() for k in ("network", "username"))[:100]
    return f"{request.remote_addr}|{account}"


def _ip_limit():
    return current_app.config["LOGIN_IP_RATE_LIMIT"]


def _sign_in(user, remember: bool) -> None:
    """A new session at login (nothing of the anonymous one carries over but the language),
    recorded on the server; the cookies carry only its handle."""
    kept = {k: session[k] for k in ("lang", "_flashes") if k in session}
    session.clear()
    session.update(kept)
    sessions.open_session(user, ip=request.remote_addr or "", user_agent=request.user_agent.string,
                          remember=remember)
    db.session.commit()
    login_user(user, remember=remember)


@routes.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_key)
@limiter.limit(_ip_limit, methods=["POST"])  # many accounts from one address
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for(PARTY_HOME[current_user.party]))
    form = LoginForm()
    if form.validate_on_submit():
        result = authenticate(form.network.data, form.username.data, form.password.data, ip=request.remote_addr or "")
        if result.user is None:
            flash(result.error, "danger")
            return render_template("auth/login.html", form=form), 401
        target = _safe_next(request.args.get("next")) or url_for(PARTY_HOME[result.user.party])
        if result.user.totp_enabled_at:  # the password was right: now the second factor
            session["pending_login"] = {"network_id": result.user.network_id, "user_id": result.user.id,
                                        "remember": bool(form.remember.data), "next": target, "at": time.time()}
            return redirect(url_for("auth.login_code"))
        _sign_in(result.user, remember=form.remember.data)
        return redirect(target)
    return render_template("auth/login.html", form=form)


PENDING_SECONDS = 300  # the password step is good for five minutes


def _pending_user():
    pending = session.get("pending_login") or {}
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, pending
    use_network(db.session, pending["network_id"])
    user = db.session.get(User, pending["user_id"])
    return (user if user is not None and user.is_active else None), pending


def _pending_key():
    pending = session.get("pending_login") or {}
    return f"{request.remote_addr}|2fa|{pending.get('network_id')}:{pending.get('user_id')}"


@routes.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_pending_key)
@limiter.limit(_ip_limit, methods=["POST"])
@public
def login_code():
    """The second step of a login with two-factor authentication: a code from the app, or a recovery code."""
    user, pending = _pending_user()
    if user is None:
        session.pop("pending_login", None)
        flash(_("请重新登录。"), "warning")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if two_factor.check(user, form.code.data):
            audit.record("login_second_factor", network_id=user.network_id, user=user, ip=request.remote_addr or "")
            _sign_in(user, remember=pending.get("remember", False))
            return redirect(_safe_next(pending.get("next")) or url_for(PARTY_HOME[user.party]))
        audit.record("login_failed", network_id=user.network_id, user=user, ip=request.remote_addr or "",
                     summary="wrong second factor")
        db.session.commit()
        form.code.errors = [_("验证码不正确。")]
        return render_template("auth/login_code.html", form=form), 401
    return render_template("auth/login_code.html", form=form)


@routes.route("/logout", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
        sessions.end(current_user.login_session, "logout")  # a copied cookie dies with it
        audit.record("logout", network_id=current_user.network_id, user=current_user)
        db.session.commit()
    lang = session.get("lang")
    session.clear()
    logout_user()  # after clear(): it leaves the flag that deletes the remember-me cookie
    if lang:
        session["lang"] = lang
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@routes.route("/account/password", methods=["GET", "POST"])
def password():
    skip_authorization()  # a user's own password
    form = PasswordForm()
    if form.validate_on_submit():
        if attempt(lambda: change_password(current_user._get_current_object(), form.current.data, form.new.data),
                   _("密码已修改，其他设备上的登录已失效。"), field=form.new):
            # Every session ended with the old token: this browser goes on in a new one.
            _sign_in(current_user._get_current_object(), remember=False)
            return redirect(url_for(PARTY_HOME[current_user.party]))
    return render_template("auth/password.html", form=form)


@routes.route("/lang/<code>", methods=["POST"])
@public
def set_language(code):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("main.index"))
