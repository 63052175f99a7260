from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from ..fields import DateField, DecimalField, FlaskForm, IntegerField, db_int

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
    org_id = SelectField(_l("所属机构"), coerce=db_int)
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
    builder_org_id = SelectField(_l("联合发布的改装厂（专用车联合促销）"), coerce=db_int, default=0, validate_choice=False)


class TrainingForm(FlaskForm):
    title = StringField(_l("培训主题"), validators=[DataRequired(_l("请输入培训主题。")), Length(max=120)])
    held_on = DateField(_l("日期"), validators=[DataRequired(_l("请输入日期。"))])
    place = StringField(_l("地点"), validators=[Optional(), Length(max=120)])
    topic = TextAreaField(_l("内容"), validators=[Optional(), Length(max=5000)])
    max_score = IntegerField(_l("满分"), default=100, validators=[DataRequired(_l("请输入满分。")),
                                                                NumberRange(1, 1000, _l("满分须在 1 到 1000 之间。"))])
    orgs = SelectMultipleField(_l("受邀机构"), coerce=db_int,
                               validators=[DataRequired(_l("请至少选择一个受邀机构。"))])


class PreparationForm(FlaskForm):
    audited_on = DateField(_l("审核日期"), validators=[DataRequired(_l("请输入审核日期。"))])
    remark = TextAreaField(_l("总体意见"), validators=[Optional(), Length(max=2000)])


class PeriodForm(FlaskForm):
    period = StringField(_l("考评期间"), validators=[DataRequired(_l("请输入考评期间。")), Length(max=8)],
                         render_kw={"placeholder": "2026-Q3"})


class ScheduleForm(FlaskForm):
    period_kind = SelectField(_l("自动考评"), choices=[("", _l("关闭")), ("month", _l("每月")),
                                                    ("quarter", _l("每季度")), ("year", _l("每年"))])
    day = IntegerField(_l("于下一期间第几天"), default=5, validators=[NumberRange(1, 28, _l("日期须在 1 到 28 之间。"))])


class DeductionForm(FlaskForm):
    points = DecimalField(_l("扣分"), places=1, validators=[DataRequired(_l("请输入扣分。")),
                                                            NumberRange(0.1, 100, _l("扣分须大于 0 且不超过 100。"))])
    reason = StringField(_l("原因"), validators=[DataRequired(_l("请填写扣分原因。")), Length(max=1000)])


class ResolveForm(FlaskForm):
    decision = SelectField(_l("处理结果"), choices=[("upheld", _l("采纳")), ("rejected", _l("驳回"))])
    points = DecimalField(_l("采纳后该项得分"), places=2, validators=[Optional()])
    response = TextAreaField(_l("答复"), validators=[DataRequired(_l("请填写答复。")), Length(max=2000)])


class ServiceSettingsForm(FlaskForm):
    callback_days = IntegerField(_l("出厂后第几天回访"), validators=[NumberRange(0, 30, _l("须在 0 到 30 之间。"))])
    switch_days = IntegerField(_l("连续几天未接通改为短信/信函"), validators=[NumberRange(1, 30, _l("须在 1 到 30 之间。"))])
    low_score = IntegerField(_l("评分不高于此值生成热点预警（1–5）"), validators=[NumberRange(1, 4, _l("须在 1 到 4 之间。"))])
    alert_days = IntegerField(_l("热点预警处理期限（天）"), validators=[NumberRange(1, 30, _l("须在 1 到 30 之间。"))])


class VocabularyAliasesForm(FlaskForm):
    """The aliases of one listed value of a vocabulary."""
    vocabulary = StringField(validators=[DataRequired()])
    code = StringField(validators=[DataRequired()])
    aliases = StringField(_l("别名（逗号分隔）"), validators=[Optional(), Length(max=2000)])


class PendingValueForm(FlaskForm):
    """A value waiting to be classified, mapped onto a listed value."""
    vocabulary = StringField(validators=[DataRequired()])
    key = StringField(validators=[DataRequired(), Length(max=60)])
    target = StringField(_l("归入"), validators=[DataRequired(_l("请选择要归入的值。"))])


class TruckModelForm(FlaskForm):
    name = StringField(_l("车型名称"), validators=[DataRequired(_l("请输入车型名称。")), Length(max=60)])
    aliases = StringField(_l("别名（逗号分隔）"), validators=[Optional(), Length(max=1000)])


class MergeModelForm(FlaskForm):
    target_id = IntegerField(_l("并入车型"), validators=[DataRequired(_l("请选择车型。"))])
