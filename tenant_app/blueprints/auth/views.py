"""Login, logout, own password, language."""
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ...extensions import db, limiter
from ...policies import skip_authorization
from ...security import public
from ...services import audit
from ...services.accounts import authenticate, change_password
from ...web import PARTY_HOME
from ..actions import attempt
from ..routing import Routes
from .forms import LoginForm, PasswordForm

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
        lang = session.get("lang")
        session.clear()  # a new session at login
        if lang:
            session["lang"] = lang
        login_user(result.user, remember=form.remember.data)
        return redirect(_safe_next(request.args.get("next")) or url_for(PARTY_HOME[result.user.party]))
    return render_template("auth/login.html", form=form)


@routes.route("/logout", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
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
            # The token rotated: log in again under it so this browser stays signed in.
            login_user(current_user._get_current_object())
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
