from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, EmailField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

PHONE = Regexp(r"^[0-9 +\-]{0,20}$", message=_l("电话只能包含数字、空格、+ 和 -。"))


class OrgForm(FlaskForm):
    kind = SelectField(_l("类型"), choices=[("dealer", _l("经销商")), ("bodybuilder", _l("改装厂")),
                                            ("service", _l("服务商"))])
    code = StringField(_l("机构代码"), validators=[
        DataRequired(_l("请输入机构代码。")), Length(max=32),
        Regexp(r"^[A-Za-z0-9\-_]+$", message=_l("机构代码只能包含字母、数字、- 和 _。"))])
    name = StringField(_l("名称"), validators=[DataRequired(_l("请输入名称。")), Length(max=120)])
    province = StringField(_l("省份"), validators=[DataRequired(_l("请输入省份。")), Length(max=32)])
    city = StringField(_l("城市"), validators=[Optional(), Length(max=32)])
    address = StringField(_l("地址"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("电话"), validators=[Optional(), PHONE])


class UserForm(FlaskForm):
    org_id = SelectField(_l("所属机构"), coerce=int)
    username = StringField(_l("用户名"), validators=[
        DataRequired(_l("请输入用户名。")), Length(min=3, max=64),
        Regexp(r"^[A-Za-z0-9._\-]+$", message=_l("用户名只能包含字母、数字、. _ -。"))])
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请输入姓名。")), Length(max=64)])
    roles = SelectMultipleField(_l("角色"), validators=[DataRequired(_l("请至少选择一个角色。"))])
    phone = StringField(_l("手机"), validators=[Optional(), PHONE])
    email = EmailField(_l("邮箱"), validators=[Optional(), Email(_l("邮箱格式不正确。"))])
    regions = StringField(_l("督导区域（省份，逗号分隔；留空为全部）"), validators=[Optional(), Length(max=200)])


class BrandForm(FlaskForm):
    name = StringField(_l("品牌名称"), validators=[DataRequired(_l("请输入品牌名称。")), Length(max=40)])
    aliases = StringField(_l("别名（逗号分隔）"), validators=[Optional(), Length(max=400)])


class SampleForm(FlaskForm):
    starts_on = DateField(_l("回访日期从"), validators=[DataRequired(_l("请输入开始日期。"))])
    ends_on = DateField(_l("至"), validators=[DataRequired(_l("请输入结束日期。"))])
    size = IntegerField(_l("抽样数量"), default=10, validators=[DataRequired(_l("请输入抽样数量。")),
                                                             NumberRange(1, 200, _l("抽样数量须在 1 到 200 之间。"))])


class AnnouncementForm(FlaskForm):
    kind = SelectField(_l("类型"), choices=[("promotion", _l("促销活动")), ("policy", _l("政策"))])
    title = StringField(_l("标题"), validators=[DataRequired(_l("请输入标题。")), Length(max=120)])
    body = TextAreaField(_l("内容"), validators=[Optional(), Length(max=5000)])
    effective_from = DateField(_l("生效日期"), validators=[DataRequired(_l("请输入生效日期。"))])
    effective_to = DateField(_l("截止日期"), validators=[Optional()])
    parties = SelectMultipleField(_l("发布对象"), choices=[("dealer", _l("经销商")), ("bodybuilder", _l("改装厂")),
                                                          ("service", _l("服务商"))])
    document = FileField(_l("附件（PDF、Word、Excel 或图片，10 MB 以内）"))
