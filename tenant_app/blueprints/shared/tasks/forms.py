from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from ...fields import FlaskForm


class TaskDoneForm(FlaskForm):
    notes = TextAreaField(_l("结果记录"), validators=[Optional(), Length(max=1000)])
