"""hot alerts keep what opened them as data, shown in the reader's language

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 11:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    # alerts opened before this keep showing the text stored then (services.stations.alert_reason)
    with op.batch_alter_table('hot_alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=False, server_default='{}'))


def downgrade():
    with op.batch_alter_table('hot_alerts', schema=None) as batch_op:
        batch_op.drop_column('details')
