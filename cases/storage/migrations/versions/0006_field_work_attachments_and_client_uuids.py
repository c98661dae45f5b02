"""field work: attachments, participants, route points, client UUIDs of phone captures

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 06:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

ONE_OWNER = " + ".join(
    f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
    for column in ("meeting_id", "inspection_id", "finding_id")
) + " = 1"


def upgrade() -> None:
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participants', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('route_points_read', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('route_points_kept', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('client_uuid', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint('uq_inspection_client_uuid', ['client_uuid'])

    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_uuid', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint('uq_finding_client_uuid', ['client_uuid'])

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('pdf', 'foto', 'enlace', name='attachmentkind', native_enum=False, length=40), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=True),
    sa.Column('media_type', sa.String(length=60), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('url', sa.String(length=1000), nullable=True),
    sa.Column('taken_at', sa.DateTime(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('client_uuid', sa.String(length=36), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.CheckConstraint(ONE_OWNER, name='ck_attachment_one_owner'),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('client_uuid')
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_finding_id'), ['finding_id'], unique=False)


def downgrade() -> None:
    op.drop_table('attachment')
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_constraint('uq_finding_client_uuid', type_='unique')
        batch_op.drop_column('client_uuid')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_constraint('uq_inspection_client_uuid', type_='unique')
        batch_op.drop_column('client_uuid')
        batch_op.drop_column('route_points_kept')
        batch_op.drop_column('route_points_read')
        batch_op.drop_column('participants')
