from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional, ValidationError

from .... import vocab
from ....services.ledger import one_line
from ....services.phones import NotAPhone, normalise_phone
from ....services.vocabulary import PENDING
from ....web import maker_name
from ...fields import DateField, FlaskForm, IntegerField

MAX_FLEET_LINES = 200  # a customer's fleet lines; deals add one each


def PHONE(form, field):
    """A phone as people type it (138 1234 5678, +86 …, 0772-3100000); saved in its normal form."""
    try:
        normalise_phone(field.data)
    except NotAPhone as e:
        raise ValidationError(str(e))


# One-line fields: tabs and line breaks pasted in become spaces.
ONE_LINE = [one_line]


class Longest(Length):
    """At most n characters, or refused with a message. No maxlength attribute on the input:
    with one, a browser cuts a longer pasted value silently."""

    def __init__(self, n: int):
        super().__init__(max=n, message=_l("最多 %(max)d 个字（现在 %(length)d 个）。"))
        self.field_flags = {}


def vocab_select(text, v: dict, blank=True):
    """A select over a vocabulary; a missing value is blank, anything else must be a code."""
    def choices():  # read in the request: a label may name the network's maker
        return ([("", "—")] if blank else []) + [(k, vocab.label(v, k, maker=maker_name)) for k in v]
    allowed = list(v) + ([""] if blank else []) + [PENDING]  # PENDING: keep the value waiting to be classified
    default = "" if blank else next(iter(v))
    return SelectField(text, choices=choices, validate_choice=False, default=default, filters=[lambda x: x or default],
                       validators=[AnyOf(allowed, message=_l("请从列表中选择。"))])


class FleetRowForm(Form):
    brand = StringField(_l("品牌"), validators=[Optional(), Longest(40)], filters=ONE_LINE)
    model = StringField(_l("车型"), validators=[Optional(), Longest(60)], filters=ONE_LINE)
    quantity = IntegerField(_l("数量"), validators=[Optional(), NumberRange(0, 10000, _l("数量须在 0 到 10000 之间。"))])
    heavy = BooleanField(_l("重卡"), default=True)
    since = IntegerField(_l("使用起始年份"), validators=[Optional(), NumberRange(1950, 2100, _l("年份不正确。"))])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if (self.brand.data or "").strip() and not self.quantity.data:  # Optional() would skip a field check
            self.quantity.errors = list(self.quantity.errors) + [_l("填写了品牌，请填写数量。")]
            ok = False
        return ok


class CustomerForm(FlaskForm):
    kind = vocab_select(_l("客户类型"), vocab.CUSTOMER_KINDS, blank=False)
    name = StringField(_l("客户单位(个人)名称"), validators=[DataRequired(_l("请输入客户名称。")), Longest(120)],
                       filters=ONE_LINE)
    region = StringField(_l("区域"), validators=[Optional(), Longest(60)], filters=ONE_LINE)
    transport_type = vocab_select(_l("运输类型"), vocab.TRANSPORT_TYPES)
    nature = vocab_select(_l("客户性质"), vocab.NATURES)
    contact_name = StringField(_l("主要负责人"), validators=[Optional(), Longest(60)], filters=ONE_LINE)
    phone = StringField(_l("联系电话"), validators=[Optional(), PHONE, Longest(40)], filters=ONE_LINE)
    phone2 = StringField(_l("备用电话"), validators=[Optional(), PHONE, Longest(40)], filters=ONE_LINE)
    address = StringField(_l("地址"), validators=[Optional(), Longest(200)], filters=ONE_LINE)
    industry = StringField(_l("行业"), validators=[Optional(), Longest(60)], filters=ONE_LINE)
    use = vocab_select(_l("用途"), vocab.USES)
    source = vocab_select(_l("信息来源"), vocab.SOURCES)
    informant = StringField(_l("信息员"), validators=[Optional(), Longest(60)], filters=ONE_LINE)
    first_contact_on = DateField(_l("首次接触日期"), validators=[Optional()])
    responsible_id = SelectField(_l("负责业务经理"), coerce=lambda v: int(v) if v not in (None, "", "None") else None,
                                 validate_choice=False)
    industry_major = BooleanField(_l("行业性大客户（中石油、中石化、部队、水电等）"))
    notes = TextAreaField(_l("备注"), validators=[Optional(), Longest(2000)])
    fleet = FieldList(FormField(FleetRowForm), min_entries=3, max_entries=MAX_FLEET_LINES)

    def __init__(self, *a, staff=(), **kw):
        super().__init__(*a, **kw)
        self.responsible_id.choices = [("", "—")] + [(u.id, u.name) for u in staff]
        self._staff_ids = {u.id for u in staff}
        # a value imported as written (待归类) is an option of its own, chosen until someone picks a listed one
        for p in getattr(kw.get("obj"), "pending", None) or ():
            select = getattr(self, p.field, None)
            if isinstance(select, SelectField):
                listed = select.choices() if callable(select.choices) else select.choices
                select.choices = [(PENDING, _l("待归类：%(v)s", v=p.text))] + list(listed)
                if not self.is_submitted():
                    select.data = PENDING

    def validate_responsible_id(self, field):
        # only a colleague of this organisation: never an id typed in from elsewhere
        if field.data is not None and field.data not in self._staff_ids:
            raise ValidationError(_l("请选择本机构的在职人员。"))

    def validate_first_contact_on(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("首次接触日期不能晚于今天。"))

    def validate_informant(self, field):
        if field.data and self.source.data not in ("informant", "broker"):
            raise ValidationError(_l("只有信息来源为信息员或车托儿时才填写信息员。"))

    def data_fields(self) -> dict:
        """The fields to save; a controlled field left on its value waiting to be classified is left out."""
        return {k: getattr(self, k).data for k in (
            "kind", "name", "region", "transport_type", "nature", "contact_name", "phone", "phone2", "address",
            "industry", "use", "source", "informant", "first_contact_on", "responsible_id", "industry_major", "notes")
            if getattr(self, k).data != PENDING}

    def fleet_rows(self) -> list[dict]:
        return [row.data for row in self.fleet if (row.brand.data or "").strip()]


class StakeholderForm(FlaskForm):
    role = vocab_select(_l("角色"), vocab.STAKEHOLDER_ROLES, blank=False)
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请输入姓名。")), Longest(60)], filters=ONE_LINE)
    phone = StringField(_l("电话"), validators=[Optional(), PHONE, Longest(40)], filters=ONE_LINE)
    cares_about = StringField(_l("关注点"), validators=[Optional(), Longest(200)], filters=ONE_LINE)
    influence = vocab_select(_l("对决策的影响"), vocab.INFLUENCE, blank=False)
    relationship_notes = TextAreaField(_l("关系备注"), validators=[Optional(), Longest(1000)])


class MergeForm(FlaskForm):
    duplicate_id = IntegerField(_l("要并入的重复客户编号"), validators=[DataRequired(_l("请输入客户编号。"))])


class SiteForm(FlaskForm):
    where = StringField(_l("场地坐标（纬度, 经度）"), validators=[DataRequired(_l("请输入坐标。")), Longest(60)],
                        filters=ONE_LINE, render_kw={"placeholder": "24.3264, 109.4281", "autocomplete": "off"})
