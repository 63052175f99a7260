"""customers' and stakeholders' phones in their normal form (services.phones)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 09:00:00

Phones were stored as typed (138 1234 5678, +86 138-1234-5678, full-width digits). From
now on they are stored normalised (13812345678; landlines with their area code), so the
duplicate key, the search, the masked form and the export all read one form. A value that
is not recognisably a phone is left as it was: nothing is lost, and the customer form asks
for a valid number the next time that customer is edited.
"""
from alembic import op
from sqlalchemy import text

from tenant_app.services.ledger import phone_digits
from tenant_app.services.phones import NotAPhone, normalise_phone

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

BATCH = 2000


def _normal(value: str) -> str:
    try:
        return normalise_phone(value)
    except NotAPhone:
        return value


def _rows(bind, table: str, columns: str):
    """The table's (id, *columns) in batches of BATCH, by id."""
    last = 0
    while True:
        rows = bind.execute(text(f"SELECT id, {columns} FROM {table} WHERE id > :last ORDER BY id LIMIT :n"),
                            {"last": last, "n": BATCH}).all()
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def _normalise(bind) -> None:
    for rows in _rows(bind, "customers", "phone, phone2"):
        changed = [{"i": i, "p": _normal(p or ""), "p2": _normal(p2 or ""), "k": phone_digits(_normal(p or ""))}
                   for i, p, p2 in rows if (_normal(p or ""), _normal(p2 or "")) != (p or "", p2 or "")]
        if changed:
            bind.execute(text("UPDATE customers SET phone = :p, phone2 = :p2, phone_key = :k WHERE id = :i"), changed)
    for rows in _rows(bind, "stakeholders", "phone"):
        changed = [{"i": i, "p": _normal(p or "")} for i, p in rows if _normal(p or "") != (p or "")]
        if changed:
            bind.execute(text("UPDATE stakeholders SET phone = :p WHERE id = :i"), changed)


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        _normalise(bind)
        return
    # Row-level security applies to the owner too (FORCE): one network at a time.
    for (network_id,) in bind.exec_driver_sql("SELECT id FROM networks").fetchall():
        bind.exec_driver_sql("SELECT set_config('app.network_id', %s, true)", (str(network_id),))
        _normalise(bind)
    bind.exec_driver_sql("SELECT set_config('app.network_id', '', true)")


def downgrade():
    pass  # the normal form is a valid way of writing every number: nothing to undo
