"""vehicles of won deals exist from the deal on (a station's look-up never writes)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 15:30:00

"""
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# Every VIN of a won deal that no station has looked up yet becomes a vehicle, as deals.win does now.
MISSING = """
INSERT INTO vehicles (network_id, vin, plate, model, customer_id, selling_org_id, owner_name, owner_phone,
                      created_at, updated_at)
SELECT dv.network_id, dv.vin, '', dv.model, o.customer_id, dv.org_id, '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM deal_vehicles dv JOIN opportunities o ON o.id = dv.opportunity_id
WHERE NOT EXISTS (SELECT 1 FROM vehicles v WHERE v.network_id = dv.network_id AND v.vin = dv.vin)
"""


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        op.execute(MISSING)
        return
    # Row-level security applies to the owner too (FORCE): one network at a time.
    for (network_id,) in bind.exec_driver_sql("SELECT id FROM networks").fetchall():
        bind.exec_driver_sql("SELECT set_config('app.network_id', %s, true)", (str(network_id),))
        op.execute(MISSING)
    bind.exec_driver_sql("SELECT set_config('app.network_id', '', true)")


def downgrade():
    pass  # the vehicles stay: they are what a station's first look-up would have made
