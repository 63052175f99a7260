"""The base of every form and the fields that refuse hostile values with a message, so they never
reach the services or the database (a 500, or a period arithmetic that overflows)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as _FlaskForm
from wtforms import fields

from ..services.hostile import BIDI_CONTROLS, INT_LIMIT, db_int  # noqa: F401  (forms import db_int from here)

DECIMAL_LIMIT = Decimal(10) ** 10  # amounts are NUMERIC(12, 2)
YEARS = (1900, 2999)  # far enough for any plan; far from the calendar's end (9999), where date arithmetic overflows


def vocab_choices(vocabulary: dict):
    """Choices over a vocabulary, labelled in the request's language (WTForms calls it per form)."""
    from ..vocab import label
    return lambda: [(code, label(vocabulary, code)) for code in vocabulary]


def clean_text(value):
    return BIDI_CONTROLS.sub("", value) if isinstance(value, str) else value


class FlaskForm(_FlaskForm):
    """Every form's base: its text fields drop bidirectional control characters."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            cls = unbound_field.field_class
            if issubclass(cls, fields.StringField) and not issubclass(cls, fields.PasswordField):
                options = dict(options, filters=[clean_text, *unbound_field.kwargs.get("filters", ())])
            return unbound_field.bind(form=form, **options)


class IntegerField(fields.IntegerField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > INT_LIMIT:
            self.data = None
            raise ValueError(_l("数值过大。"))


class DecimalField(fields.DecimalField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, Decimal) and (not self.data.is_finite() or abs(self.data) >= DECIMAL_LIMIT):
            self.data = None
            raise ValueError(_l("请填写有效的金额或数字。"))


class DateField(fields.DateField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, date) and not YEARS[0] <= self.data.year <= YEARS[1]:
            self.data = None
            raise ValueError(_l("日期须在 %(a)s 年到 %(b)s 年之间。", a=YEARS[0], b=YEARS[1]))
