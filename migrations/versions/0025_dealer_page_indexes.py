"""indexes for a large dealer's due list, dashboard and home page

Revision ID: 0025
Revises: 0018
Create Date: 2026-12-05 12:00:00

"""
from alembic import op

revision = '0025'
down_revision = '0018'
branch_labels = None
depends_on = None

INDEXES = [
    ("callback_items", "ix_callback_items_org_status_due", ["network_id", "org_id", "status", "due_on", "id", "assignee_id"]),
    ("callback_items", "ix_callback_items_org_assignee_due", ["network_id", "org_id", "assignee_id", "status", "due_on"]),
    ("customers", "ix_customers_org_intent", ["network_id", "org_id", "intent_level"]),
    ("customers", "ix_customers_org_responsible", ["network_id", "org_id", "responsible_id", "id"]),
    ("fleet_entries", "ix_fleet_entries_org_brand_quantity", ["network_id", "org_id", "brand_id", "quantity"]),
]


def upgrade():
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for table, name, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
