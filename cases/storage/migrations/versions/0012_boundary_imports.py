"""boundary imports: one row per run of the import, audited with who ran it

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 10:00:00
"""

import sqlalchemy as sa
from alembic import op

from cases.storage.models import UTCDateTime

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'boundary_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.Column('source', sa.String(length=500), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.Enum('oficial', 'reclamo', 'acuerdo', 'resolucion',
                                  name='boundarykind', native_enum=False, length=40),
                  nullable=False),
        sa.Column('frame_id', sa.Integer(), nullable=True),
        sa.Column('frame_name', sa.String(length=200), nullable=False),
        sa.Column('activated', sa.Boolean(), nullable=False),
        sa.Column('read', sa.Integer(), nullable=False),
        sa.Column('selected', sa.Integer(), nullable=False),
        sa.Column('added', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('municipalities_created', sa.Integer(), nullable=False),
        sa.Column('repaired', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['frame_id'], ['boundary_frame.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('boundary_import')
