"""proof of a visit: check-ins with their location and photos; a customer's site; the network's threshold

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 12:10:00

"""
from alembic import op
import sqlalchemy as sa

from tenant_app import rls

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('visit_checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('callback_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('accuracy_m', sa.Float(), nullable=True),
    sa.Column('distance_m', sa.Float(), nullable=True),
    sa.Column('far', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['callback_id'], ['callbacks.id'], name=op.f('fk_visit_checkins_callback_id_callbacks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_visit_checkins_network_id_networks')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_visit_checkins_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_checkins')),
    sa.UniqueConstraint('callback_id', name=op.f('uq_visit_checkins_callback_id'))
    )
    with op.batch_alter_table('visit_checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_checkins_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_checkins_org_id'), ['org_id'], unique=False)
    rls.enable('visit_checkins')
    op.create_table('visit_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('checkin_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('bytes', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['checkin_id'], ['visit_checkins.id'], name=op.f('fk_visit_photos_checkin_id_visit_checkins'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_visit_photos_network_id_networks')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_visit_photos_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_photos'))
    )
    with op.batch_alter_table('visit_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_photos_checkin_id'), ['checkin_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_photos_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_photos_org_id'), ['org_id'], unique=False)
    rls.enable('visit_photos')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_lat', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('site_lon', sa.Float(), nullable=True))
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit_far_m', sa.Integer(), nullable=False, server_default='2000'))


def downgrade():
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.drop_column('visit_far_m')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('site_lon')
        batch_op.drop_column('site_lat')
    rls.disable('visit_photos')
    op.drop_table('visit_photos')
    rls.disable('visit_checkins')
    op.drop_table('visit_checkins')
