from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ....services.expenses import CATEGORY_LABELS
from ...fields import DateField, DecimalField, FlaskForm


class ExpenseForm(FlaskForm):
    spent_on = DateField(_l("发生日期"), validators=[DataRequired(_l("请输入日期。"))])
    category = SelectField(_l("类别"), choices=[], validate_choice=False)
    amount = DecimalField(_l("金额（元）"), places=2, validators=[InputRequired(_l("请输入金额。")),
                                                              NumberRange(0.01, 10**9, _l("金额须大于 0。"))])
    description = StringField(_l("用途说明"), validators=[DataRequired(_l("请说明用途。")), Length(max=200)])
    payee = StringField(_l("收款方"), validators=[Optional(), Length(max=60)])

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.category.choices = [(k, _l(v)) for k, v in CATEGORY_LABELS.items()]

    def validate_category(self, field):
        if field.data not in CATEGORY_LABELS:
            raise ValidationError(_l("请从列表中选择。"))

    def validate_spent_on(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("日期不能晚于今天。"))
