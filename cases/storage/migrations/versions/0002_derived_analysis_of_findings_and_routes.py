"""derived analysis of findings and routes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 03:42:38.426154
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('official_municipality_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('claims', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('parties', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('shared', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('in_dispute', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('limit_distance_m', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('river_km', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('river_distance_m', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('river_bank', sa.String(length=10), nullable=True))
        batch_op.create_foreign_key(
            'fk_finding_official_municipality', 'municipality',
            ['official_municipality_id'], ['id'], ondelete='SET NULL',
        )

    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('route_length_m', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('route_split', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_column('route_split')
        batch_op.drop_column('route_length_m')

    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_constraint('fk_finding_official_municipality', type_='foreignkey')
        batch_op.drop_column('river_bank')
        batch_op.drop_column('river_distance_m')
        batch_op.drop_column('river_km')
        batch_op.drop_column('limit_distance_m')
        batch_op.drop_column('in_dispute')
        batch_op.drop_column('shared')
        batch_op.drop_column('parties')
        batch_op.drop_column('claims')
        batch_op.drop_column('official_municipality_id')

