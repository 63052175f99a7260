"""customers answer for themselves: survey links after a delivery or a repair; staff's recorded satisfaction on after-sale tasks

Revision ID: 0028
Revises: 0032
Create Date: 2026-12-05 14:30:00

"""
from alembic import op
import sqlalchemy as sa

from tenant_app import rls

revision = '0028'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('customer_surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('vehicle_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=10), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('repair_id', sa.Integer(), nullable=True),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('sms_sent_at', sa.DateTime(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('resolved', sa.Boolean(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_customer_surveys_network_id_networks')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_customer_surveys_org_id_organisations')),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], name=op.f('fk_customer_surveys_vehicle_id_vehicles'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'],
                            name=op.f('fk_customer_surveys_opportunity_id_opportunities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['repair_id'], ['repair_orders.id'],
                            name=op.f('fk_customer_surveys_repair_id_repair_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_surveys')),
    sa.UniqueConstraint('network_id', 'event', 'event_id', 'vehicle_id', name='uq_customer_surveys_event')
    )
    with op.batch_alter_table('customer_surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_surveys_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_surveys_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_surveys_vehicle_id'), ['vehicle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_surveys_opportunity_id'), ['opportunity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_surveys_repair_id'), ['repair_id'], unique=False)
        batch_op.create_index('ix_customer_surveys_org_answered', ['org_id', 'answered_at'], unique=False)
    rls.enable('customer_surveys')
    with op.batch_alter_table('after_sale_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('satisfied', sa.Boolean(), nullable=True))
        # the survey answers after delivery are compared with the deal's tasks
        batch_op.create_index(batch_op.f('ix_after_sale_tasks_opportunity_id'), ['opportunity_id'], unique=False)


def downgrade():
    with op.batch_alter_table('after_sale_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_after_sale_tasks_opportunity_id'))
        batch_op.drop_column('satisfied')
    rls.disable('customer_surveys')
    op.drop_table('customer_surveys')
