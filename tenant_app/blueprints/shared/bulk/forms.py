from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ....services.assignment import RULES
from ....services.callbacks import RESPONSIBLE
from ...fields import FlaskForm, IntegerField, db_int

MAX_IDS = 500  # rows ticked by hand: a page is 50; "all matching" needs no ids at all


def _few(form, field):
    if len(field.data or []) > MAX_IDS:
        raise ValidationError(_l("一次最多勾选 %(n)s 行；要处理全部，请选“全部符合筛选条件的”。", n=MAX_IDS))


class BulkForm(FlaskForm):
    """Which rows (ticked, this page's, or every row the filter matches) and what to do with them."""
    selection = RadioField(_l("范围"), choices=[("checked", ""), ("page", ""), ("all", "")], default="checked")
    ids = SelectMultipleField(coerce=db_int, validate_choice=False, validators=[_few])
    page_ids = SelectMultipleField(coerce=db_int, validate_choice=False, validators=[_few])
    action = SelectField(choices=[(a, a) for a in ("assign", "distribute", "export", "invite")])
    assignee_id = IntegerField(validators=[Optional()])
    people = SelectMultipleField(coerce=db_int, validate_choice=False, validators=[_few])
    rule = SelectField(choices=list(RULES.items()), default="round_robin")
    responsible = SelectField(choices=list(RESPONSIBLE.items()), default="unassigned")
    event_id = IntegerField(validators=[Optional()])
    after = StringField(validators=[Optional(), Length(max=400)])  # the ledger's page (keyset cursor)
    page = IntegerField(validators=[Optional()])  # a plan's page
