"""trigram indexes for the search box on PostgreSQL

The search finds text anywhere in a name, a contact, a phone's digits, a VIN or a plate
(LIKE '%q%'), which a B-tree cannot answer: on a 100,000-customer dealer each search read
all of the dealer's rows. pg_trgm's GIN indexes answer it from three characters on (a
two-character Chinese name still reads the rows, stopping at the first page of matches).
PostgreSQL only: SQLite's LIKE scans, which is fine at the embedded default's size. Not in
the models (tests/test_migrations.py leaves out the `ix_trgm_` names).

Revision ID: 0030
Revises: 0024
Create Date: 2026-12-05 14:40:00

"""
from alembic import op

revision = '0030'
down_revision = '0024'
branch_labels = None
depends_on = None

INDEXES = [
    ("customers", "name"),
    ("customers", "contact_name"),
    ("customers", "phone_key"),
    ("vehicles", "vin"),
    ("vehicles", "plate"),
]


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in INDEXES:
        op.execute(f"CREATE INDEX ix_trgm_{table}_{column} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in reversed(INDEXES):
        op.execute(f"DROP INDEX IF EXISTS ix_trgm_{table}_{column}")
