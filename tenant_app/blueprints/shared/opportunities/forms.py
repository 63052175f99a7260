from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ...fields import DateField, DecimalField, FlaskForm


class RoundForm(FlaskForm):
    held_on = DateField(_l("洽谈日期"), validators=[DataRequired(_l("请输入洽谈日期。"))])
    participants = StringField(_l("参加人员"), validators=[Optional(), Length(max=200)])
    objections = TextAreaField(_l("客户提出的意见"), validators=[Optional(), Length(max=2000)])
    prepared = TextAreaField(_l("针对意见的准备"), validators=[Optional(), Length(max=2000)])
    next_step = StringField(_l("下一步"), validators=[Optional(), Length(max=200)])
    next_on = DateField(_l("下次洽谈日期"), validators=[Optional()])


class WinForm(FlaskForm):
    contract_on = DateField(_l("合同日期"), validators=[DataRequired(_l("请输入合同日期。"))])
    amount = DecimalField(_l("合同金额（元）"), places=2, validators=[Optional(), NumberRange(0, 10**11)])
    vins = TextAreaField(_l("车架号（每行一个，可写“车型 车架号”）"), validators=[DataRequired(_l("请填写车架号。"))])

    def vehicles(self) -> list[dict]:
        out = []
        for line in (self.vins.data or "").splitlines():
            parts = line.split()
            if parts:
                out.append({"vin": parts[-1], "model": " ".join(parts[:-1])})
        return out


class GiveUpForm(FlaskForm):
    reason = TextAreaField(_l("未成交原因"), validators=[DataRequired(_l("请说明未成交原因。")), Length(max=1000)])
    competitor = StringField(_l("客户选择的竞品"), validators=[Optional(), Length(max=40)])


class DecideForm(FlaskForm):
    approve = BooleanField(_l("批准放弃"))
