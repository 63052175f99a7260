from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..fields import FlaskForm

SCORES = [("5", _l("非常满意")), ("4", _l("满意")), ("3", _l("一般")), ("2", _l("不满意")), ("1", _l("非常不满意"))]


class CustomerSurveyForm(FlaskForm):
    score = RadioField(_l("您对本次服务的总体评价"), choices=SCORES,
                       validators=[InputRequired(_l("请选择满意度。"))])
    resolved = RadioField(_l("车辆问题是否一次修好"), choices=[("yes", _l("是")), ("no", _l("否"))],
                          validators=[Optional()])
    comment = TextAreaField(_l("意见或建议（选填，请勿填写个人信息）"), validators=[Optional(), Length(max=500)])

    def resolved_value(self):
        return {"yes": True, "no": False}.get(self.resolved.data)
