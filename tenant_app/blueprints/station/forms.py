from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ...vocab import REPAIR_KINDS
from ..fields import DateField, DecimalField, FlaskForm, IntegerField, vocab_choices

SCORE = [("", "—")] + [(str(n), str(n)) for n in range(5, 0, -1)]


class VehicleForm(FlaskForm):
    vin = StringField(_l("车架号（VIN）"), validators=[DataRequired(_l("请输入车架号。")), Length(max=17)])
    model = StringField(_l("车型"), validators=[DataRequired(_l("请输入车型。")), Length(max=60)])
    plate = StringField(_l("车牌号"), validators=[Optional(), Length(max=16)])
    owner_name = StringField(_l("车主"), validators=[DataRequired(_l("请填写车主。")), Length(max=120)])
    owner_phone = StringField(_l("车主电话"), validators=[Optional(), Regexp(r"^[0-9 +\-]{0,20}$",
                                                                          message=_l("电话只能包含数字、空格、+ 和 -。"))])


class RepairForm(FlaskForm):
    kind = SelectField(_l("类型"), choices=vocab_choices(REPAIR_KINDS))
    date_in = DateField(_l("进厂日期"), validators=[DataRequired(_l("请输入进厂日期。"))])
    mileage = IntegerField(_l("里程（公里）"), validators=[DataRequired(_l("请输入里程。")),
                                                      NumberRange(0, 5_000_000, _l("里程须在 0 到 5000000 之间。"))])
    plate = StringField(_l("车牌号"), validators=[Optional(), Length(max=16)])
    work_done = TextAreaField(_l("维修内容"), validators=[DataRequired(_l("请填写维修内容。")), Length(max=5000)])
    parts = TextAreaField(_l("更换配件"), validators=[Optional(), Length(max=5000)])
    amount = DecimalField(_l("金额（元）"), places=2, validators=[Optional(), NumberRange(0, 10_000_000)])
    technician = StringField(_l("维修技师"), validators=[Optional(), Length(max=60)])


class CloseForm(FlaskForm):
    date_out = DateField(_l("出厂日期"), validators=[DataRequired(_l("请输入出厂日期。"))])


class SurveyForm(FlaskForm):
    score_overall = SelectField(_l("总体满意度"), choices=SCORE)
    score_timeliness = SelectField(_l("及时性"), choices=SCORE)
    score_quality = SelectField(_l("维修质量"), choices=SCORE)
    score_price = SelectField(_l("价格"), choices=SCORE)
    score_attitude = SelectField(_l("服务态度"), choices=SCORE)
    score_facility = SelectField(_l("环境设施"), choices=SCORE)
    complaint = BooleanField(_l("客户投诉"))
    comments = TextAreaField(_l("客户意见"), validators=[Optional(), Length(max=2000)])


class ResolveAlertForm(FlaskForm):
    resolution = TextAreaField(_l("处理结果"), validators=[DataRequired(_l("请写明处理结果。")), Length(max=2000)])
