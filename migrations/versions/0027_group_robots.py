"""each organisation's group robots (企业微信/钉钉/飞书): webhook URL, signing secret, on or off

Revision ID: 0027
Revises: 0028
Create Date: 2026-12-05 14:30:00

"""
from alembic import op
import sqlalchemy as sa

from tenant_app import rls

revision = '0027'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('group_robots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=10), nullable=False),
    sa.Column('webhook_url', sa.String(length=500), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_group_robots_network_id_networks')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_group_robots_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_robots')),
    sa.UniqueConstraint('network_id', 'org_id', 'platform', name='uq_group_robots_platform')
    )
    with op.batch_alter_table('group_robots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_robots_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_robots_org_id'), ['org_id'], unique=False)
    rls.enable('group_robots')


def downgrade():
    rls.disable('group_robots')
    op.drop_table('group_robots')
