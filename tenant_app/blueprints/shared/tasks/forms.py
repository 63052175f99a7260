from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from ...fields import FlaskForm


class TaskDoneForm(FlaskForm):
    notes = TextAreaField(_l("结果记录"), validators=[Optional(), Length(max=1000)])
    satisfied = SelectField(_l("客户满意度"), choices=[("", _l("未询问")), ("yes", _l("客户满意")),
                                                    ("no", _l("客户不满意"))], validators=[Optional()])

    def satisfied_value(self):
        return {"yes": True, "no": False}.get(self.satisfied.data)
