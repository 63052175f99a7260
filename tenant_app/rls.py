"""Row-level security for network-owned tables, used by the migrations (PostgreSQL only).

FORCE makes the policy apply to the table owner too; the app connects as a role that
owns nothing, and app.network_id is set per transaction by tenancy.py. The expression
calls only STABLE functions, so it stays index-friendly.
"""
from alembic import op

NETWORK_MATCH = "network_id = NULLIF(current_setting('app.network_id', true), '')::integer"


def enable(table: str, append_only: bool = False) -> None:
    """append_only: only SELECT and INSERT policies, so no role that RLS applies to
    (the app's, and with FORCE even the owner's) can update or delete a row."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    if append_only:
        op.execute(f"CREATE POLICY {table}_network ON {table} FOR SELECT USING ({NETWORK_MATCH})")
        op.execute(f"CREATE POLICY {table}_network_insert ON {table} FOR INSERT WITH CHECK ({NETWORK_MATCH})")
    else:
        op.execute(f"CREATE POLICY {table}_network ON {table} USING ({NETWORK_MATCH}) WITH CHECK ({NETWORK_MATCH})")


def disable(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS {table}_network ON {table}")
    op.execute(f"DROP POLICY IF EXISTS {table}_network_insert ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
