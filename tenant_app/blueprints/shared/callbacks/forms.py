from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from .... import vocab
from ...fields import DateField, FlaskForm, IntegerField
from ..customers.forms import vocab_select


class PlanForm(FlaskForm):
    title = StringField(_l("计划名称"), validators=[DataRequired(_l("请输入计划名称。")), Length(max=120)])
    starts_on = DateField(_l("开始日期"), validators=[DataRequired(_l("请输入开始日期。"))])
    ends_on = DateField(_l("结束日期"), validators=[DataRequired(_l("请输入结束日期。"))])


class StrategyForm(FlaskForm):
    recent_years = IntegerField(_l("近期购车：几年内"), validators=[DataRequired(), NumberRange(1, 29)])
    middle_years = IntegerField(_l("中期购车：几年内"), validators=[DataRequired(), NumberRange(2, 30)])


class CallbackForm(FlaskForm):
    method = vocab_select(_l("回访方式"), vocab.CALLBACK_METHODS, blank=False)
    done_on = DateField(_l("回访日期"), validators=[DataRequired(_l("请输入回访日期。"))])
    met_whom = StringField(_l("接触人"), validators=[Optional(), Length(max=120)])
    steps = SelectMultipleField(_l("回访程序"), choices=[], validate_choice=False)
    result = TextAreaField(_l("走访结果"), validators=[Optional(), Length(max=2000)])
    worth_following = BooleanField(_l("具有继续跟进条件"))
    has_intent = BooleanField(_l("有购车意向"))
    when = vocab_select(_l("何时购车"), vocab.WHEN)
    intent_model = StringField(_l("购买车型"), validators=[Optional(), Length(max=60)])
    intent_quantity = IntegerField(_l("购车台数"), validators=[Optional(), NumberRange(1, 1000, _l("台数须在 1 到 1000 之间。"))])
    payment = vocab_select(_l("购车方式"), vocab.PAYMENTS)
    doubts = TextAreaField(_l("对本品存在的疑虑"), validators=[Optional(), Length(max=1000)])
    suggestions = TextAreaField(_l("提出的改进意见"), validators=[Optional(), Length(max=1000)])
    impression_brand = StringField(_l("对品牌的印象"), validators=[Optional(), Length(max=200)])
    impression_dealer = StringField(_l("对经销商（当地销售）的印象"), validators=[Optional(), Length(max=200)])
    impression_service = StringField(_l("对当地服务的印象"), validators=[Optional(), Length(max=200)])

    def validate_done_on(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("回访日期不能晚于今天。"))

    def validate_when(self, field):
        if self.has_intent.data and not field.data:
            raise ValidationError(_l("有购车意向时请选择何时购车。"))

    def data_fields(self) -> dict:
        return {k: getattr(self, k).data for k in (
            "method", "done_on", "met_whom", "steps", "result", "worth_following", "has_intent", "when",
            "intent_model", "intent_quantity", "payment", "doubts", "suggestions", "impression_brand",
            "impression_dealer", "impression_service")}
