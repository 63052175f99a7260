"""The user's own account security: where they are signed in (and ending those sessions),
the two-factor authentication, and, for network administrators, whether it is required of them."""
from __future__ import annotations

import base64

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ...policies import authorize, can, skip_authorization
from ...services import audit, sessions, two_factor
from ..actions import attempt, submit
from ..listing import db_int
from ..routing import Routes
from .forms import CodeForm, DisableTwoFactorForm

routes = Routes()
register = routes.register


@routes.route("/account/security")
def security():
    skip_authorization()  # the user's own sessions and second factor
    me = current_user._get_current_object()
    return render_template("auth/security.html", sessions=sessions.active(me), current=me.login_session,
                           device=sessions.device, form=FlaskForm(), code_form=CodeForm(),
                           disable_form=DisableTwoFactorForm(), required=two_factor.required_of(me),
                           network=me.network, may_require=can(me, "edit", me.network))


@routes.route("/account/sessions/end", methods=["POST"])
def session_end():
    skip_authorization()
    me = current_user._get_current_object()
    which = request.form.get("session_id", "")
    if which == "others":
        submit(FlaskForm(), lambda f: sessions.end_others(me, keep=me.login_session),
               lambda n: _("已退出其他 %(n)s 处登录。", n=n))
    else:
        # only the user's own live sessions can be named
        mine = {s.id: s for s in sessions.active(me) if s.id != me.login_session.id}
        record = mine.get(request.form.get("session_id", type=db_int))
        if record is not None:
            submit(FlaskForm(), lambda f: sessions.end(record, "ended"), _("该设备上的登录已结束。"))
    return redirect(url_for(".security"))


@routes.route("/account/two-factor/setup", methods=["POST"])
def two_factor_setup():
    """A new secret to scan; kept in this browser's session until a code from the app confirms it."""
    skip_authorization()
    me = current_user._get_current_object()
    if not FlaskForm().validate_on_submit() or me.totp_enabled_at:
        return redirect(url_for(".security"))
    secret = session["totp_pending"] = two_factor.new_secret()
    return _setup_page(me, secret, CodeForm())


def _setup_page(me, secret, form, status=200):
    uri = two_factor.provisioning_uri(me, secret)
    qr = "data:image/svg+xml;base64," + base64.b64encode(two_factor.qr_svg(uri).encode()).decode()
    return render_template("auth/two_factor_setup.html", form=form, secret=secret, qr=qr), status


@routes.route("/account/two-factor/confirm", methods=["POST"])
def two_factor_confirm():
    skip_authorization()
    me = current_user._get_current_object()
    secret = session.get("totp_pending")
    form = CodeForm()
    if not secret or me.totp_enabled_at:
        return redirect(url_for(".security"))
    if form.validate_on_submit():
        done = attempt(lambda: two_factor.enable(me, secret, form.code.data), _("两步验证已启用。"), field=form.code)
        if done:
            session.pop("totp_pending", None)
            return render_template("auth/recovery_codes.html", codes=done.value)
    return _setup_page(me, secret, form, 400)


@routes.route("/account/two-factor/disable", methods=["POST"])
def two_factor_disable():
    skip_authorization()
    me = current_user._get_current_object()
    submit(DisableTwoFactorForm(), lambda f: two_factor.disable(me, f.password.data), _("两步验证已关闭。"))
    return redirect(url_for(".security"))


@routes.route("/account/two-factor/requirement", methods=["POST"])
def two_factor_requirement():
    """Network administrators: whether the network requires two-factor authentication of them."""
    network = authorize(current_user, "edit", current_user.network)
    required = request.form.get("required") == "1"

    def set_requirement(form):
        network.admin_totp_required = required
        audit.record("update", network_id=network.id, obj=network,
                     changes={"admin_totp_required": [not required, required]})
    submit(FlaskForm(), set_requirement, _("已要求网络管理员使用两步验证。") if required else _("已取消该要求。"))
    return redirect(url_for(".security"))
