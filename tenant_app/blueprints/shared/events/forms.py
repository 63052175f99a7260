from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .... import vocab
from ...fields import DateField, DecimalField, FlaskForm, vocab_choices


class EventForm(FlaskForm):
    kind = SelectField(_l("活动类型"), choices=vocab_choices(vocab.EVENT_KINDS))
    title = StringField(_l("活动名称"), validators=[DataRequired(_l("请输入活动名称。")), Length(max=120)])
    held_on = DateField(_l("日期"), validators=[DataRequired(_l("请输入日期。"))])
    place = StringField(_l("地点"), validators=[Optional(), Length(max=120)])
    budget = DecimalField(_l("预算（元）"), places=2, validators=[Optional(), NumberRange(0, 100_000_000)])
    notes = TextAreaField(_l("说明"), validators=[Optional(), Length(max=5000)])
