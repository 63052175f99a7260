from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..fields import FlaskForm


class LoginForm(FlaskForm):
    network = StringField(_l("企业代码"), validators=[DataRequired(_l("请输入企业代码。")), Length(max=32)])
    username = StringField(_l("用户名"), validators=[DataRequired(_l("请输入用户名。")), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码。")), Length(max=200)])
    remember = BooleanField(_l("记住我（关闭浏览器后仍保持登录）"))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码。"))])
    new = PasswordField(_l("新密码"), validators=[DataRequired(_l("请输入新密码。")), Length(max=200)])
    confirm = PasswordField(_l("确认新密码"), validators=[EqualTo("new", _l("两次输入的新密码不一致。"))])


class CodeForm(FlaskForm):
    code = StringField(_l("验证码"), validators=[DataRequired(_l("请输入验证码。")), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text"})


class DisableTwoFactorForm(FlaskForm):
    password = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码。")), Length(max=200)])

