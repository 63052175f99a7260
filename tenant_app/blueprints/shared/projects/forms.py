from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ....vocab import PROJECT_STAGES, VEHICLE_TYPES
from ...fields import DateField, FlaskForm, IntegerField, db_int, vocab_choices


class ProjectForm(FlaskForm):
    org_id = SelectField(_l("改装厂"), coerce=db_int, validate_choice=False)
    title = StringField(_l("项目名称"), validators=[DataRequired(_l("请输入项目名称。")), Length(max=120)])
    vehicle_type = SelectField(_l("专用车类型"), choices=vocab_choices(VEHICLE_TYPES))
    chassis_models = StringField(_l("底盘车型"), validators=[DataRequired(_l("请输入底盘车型。")), Length(max=200)])
    target_customers = TextAreaField(_l("目标客户"), validators=[Optional(), Length(max=2000)])
    target_volume = IntegerField(_l("目标销量（台/年）"), default=0,
                                 validators=[Optional(), NumberRange(0, 100000, _l("目标销量须在 0 到 100000 之间。"))])
    specs = TextAreaField(_l("主要技术参数"), validators=[Optional(), Length(max=5000)])


class AdvanceForm(FlaskForm):
    stage = SelectField(_l("推进到"), choices=vocab_choices(PROJECT_STAGES))
    announcement_no = StringField(_l("公告批次/编号"), validators=[Optional(), Length(max=40)])
    announcement_on = DateField(_l("公告发布日期"), validators=[Optional()])


class DocumentForm(FlaskForm):
    file = FileField(_l("文件"))


class MessageForm(FlaskForm):
    body = TextAreaField(_l("留言"), validators=[DataRequired(_l("请输入内容。")), Length(max=5000)])
