"""limit proposals: a proposed line between two municipalities, its status, attachments and
ratification (convenio or decree: date, reference, document, and the frame it made)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 18:30:00
"""

import sqlalchemy as sa
from alembic import op

from cases.storage.geometry import Geometry
from cases.storage.models import UTCDateTime

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_STATUSES = ('propuesta', 'en_revision', 'aceptada', 'ratificada', 'rechazada')
_ORIGINS = ('dibujada', 'archivo', 'reclamo')
_OWNERS = ("meeting_id", "inspection_id", "finding_id")


def _one_owner(columns) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " = 1"


def upgrade() -> None:
    op.create_table(
        'limit_proposal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('zone_id', sa.Integer(), nullable=True),
        sa.Column('municipality_a_id', sa.Integer(), nullable=False),
        sa.Column('municipality_b_id', sa.Integer(), nullable=False),
        sa.Column('geometry', Geometry("LINESTRING"), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=True),
        sa.Column('proposed_on', sa.Date(), nullable=False),
        sa.Column('status', sa.Enum(*_STATUSES, name='proposalstatus', native_enum=False,
                                    length=40), nullable=False),
        sa.Column('origin', sa.Enum(*_ORIGINS, name='proposalorigin', native_enum=False,
                                    length=40), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('ratified_on', sa.Date(), nullable=True),
        sa.Column('ratification_reference', sa.String(length=500), nullable=True),
        sa.Column('ratification_document_id', sa.Integer(), nullable=True),
        sa.Column('frame_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('deleted_at', UTCDateTime(), nullable=True),
        sa.Column('deleted_by_id', sa.Integer(), nullable=True),
        sa.Column('min_x', sa.Float(), nullable=True),
        sa.Column('min_y', sa.Float(), nullable=True),
        sa.Column('max_x', sa.Float(), nullable=True),
        sa.Column('max_y', sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(['zone_id'], ['dispute_zone.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['municipality_a_id'], ['municipality.id']),
        sa.ForeignKeyConstraint(['municipality_b_id'], ['municipality.id']),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['institution.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['ratification_document_id'], ['attachment.id'],
                                name='fk_limit_proposal_ratification_document',
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['frame_id'], ['boundary_frame.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['deleted_by_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_limit_proposal_zone_id', 'limit_proposal', ['zone_id'])
    op.create_index('ix_limit_proposal_min_x', 'limit_proposal', ['min_x'])
    op.create_index('ix_limit_proposal_max_x', 'limit_proposal', ['max_x'])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_limit_proposal_geometry_gist", "limit_proposal", ["geometry"],
                        postgresql_using="gist")
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposal_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_attachment_proposal', 'limit_proposal',
                                    ['proposal_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index('ix_attachment_proposal_id', ['proposal_id'])
        batch_op.drop_constraint('ck_attachment_one_owner', type_='check')
        batch_op.create_check_constraint(
            'ck_attachment_one_owner', _one_owner((*_OWNERS, "proposal_id")))


def downgrade() -> None:
    op.execute("DELETE FROM attachment WHERE proposal_id IS NOT NULL")
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint('ck_attachment_one_owner', type_='check')
        batch_op.create_check_constraint('ck_attachment_one_owner', _one_owner(_OWNERS))
        batch_op.drop_index('ix_attachment_proposal_id')
        batch_op.drop_constraint('fk_attachment_proposal', type_='foreignkey')
        batch_op.drop_column('proposal_id')
    op.drop_table('limit_proposal')
