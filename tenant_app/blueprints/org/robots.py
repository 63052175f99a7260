"""The organisation's group robots (企业微信/钉钉/飞书): its heads enter each webhook (and, for
钉钉 and 飞书, the signing secret), shown back masked only, and send a test message."""
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm as CsrfForm
from sqlalchemy import select
from wtforms import BooleanField, HiddenField, PasswordField
from wtforms.validators import AnyOf, Length

from ...extensions import db
from ...models import GroupRobot
from ...policies import authorize, scope
from ...services.notify import robots
from ..actions import attempt, submit
from ..fields import FlaskForm
from ..listing import flash_form_errors
from ..routing import Routes

routes = Routes()
register = routes.register


class RobotForm(FlaskForm):
    platform = HiddenField(validators=[AnyOf(list(robots.PLATFORMS))])
    # write-only, as the secret: the URL carries the robot's token
    webhook_url = PasswordField(_l("Webhook 地址"), validators=[Length(max=500)])
    secret = PasswordField(_l("签名密钥"), validators=[Length(max=200)])
    clear_secret = BooleanField(_l("清除签名密钥"))
    enabled = BooleanField(_l("启用此机器人"), default=True)


@routes.route("/robots", methods=["GET", "POST"])
def robots_page():
    authorize(current_user, "configure", GroupRobot)
    org = current_user.org
    if request.method == "POST":
        form = RobotForm()
        if form.validate_on_submit() and attempt(lambda: robots.save_robot(
                org, form.platform.data, form.webhook_url.data, form.secret.data, form.enabled.data,
                form.clear_secret.data), _("群机器人设置已保存。")):
            return redirect(url_for(".robots_page"))
        flash_form_errors(form)
    current = {r.platform: r for r in db.session.scalars(scope(current_user, select(GroupRobot), GroupRobot))}
    forms = {p: RobotForm(formdata=None, platform=p, enabled=current[p].enabled if p in current else True)
             for p in robots.PLATFORMS}
    return render_template("org/robots.html", forms=forms, current=current, platforms=robots.PLATFORMS,
                           signed=robots.SIGNED, hosts=robots.HOSTS, mask_url=robots.mask_url,
                           mask_secret=robots.mask_secret, action_form=CsrfForm())


@routes.route("/robots/<int:robot_id>/test", methods=["POST"])
def robot_test(robot_id):
    robot = authorize(current_user, "test", db.session.get(GroupRobot, robot_id))
    submit(CsrfForm(), lambda f: robots.send_test(robot, current_user), _("测试消息已发出，请到群里查看。"))
    return redirect(url_for(".robots_page"))


@routes.route("/robots/<int:robot_id>/remove", methods=["POST"])
def robot_remove(robot_id):
    robot = authorize(current_user, "remove", db.session.get(GroupRobot, robot_id))
    submit(CsrfForm(), lambda f: robots.remove_robot(robot), _("群机器人已删除。"))
    return redirect(url_for(".robots_page"))
