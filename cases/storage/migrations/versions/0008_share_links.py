"""share links (/c/<token>) and their access log

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 08:30:00
"""

import sqlalchemy as sa
from alembic import op

from cases.storage.models import UTCDateTime

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'share_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('scope_kind', sa.String(length=20), nullable=False),
        sa.Column('zone_id', sa.Integer(), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('layers', sa.JSON(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_by_name', sa.String(length=80), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('include_attachments', sa.Boolean(), nullable=False),
        sa.Column('include_notes', sa.Boolean(), nullable=False),
        sa.Column('revoked_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['zone_id'], ['dispute_zone.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_share_link_zone_id', 'share_link', ['zone_id'])
    op.create_index('ix_share_link_case_id', 'share_link', ['case_id'])
    op.create_table(
        'share_access',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('link_id', sa.Integer(), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.Column('ip', sa.String(length=64), nullable=False),
        sa.Column('what', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['link_id'], ['share_link.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_share_access_link_id', 'share_access', ['link_id'])


def downgrade() -> None:
    op.drop_index('ix_share_access_link_id', table_name='share_access')
    op.drop_table('share_access')
    op.drop_index('ix_share_link_case_id', table_name='share_link')
    op.drop_index('ix_share_link_zone_id', table_name='share_link')
    op.drop_table('share_link')
