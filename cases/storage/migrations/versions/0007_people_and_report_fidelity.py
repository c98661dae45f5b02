"""people named in the records, participants' own words, visit days, illustrative cases,
frames of official versions with the one in force

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 06:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_ROLE = sa.Enum('presidio', 'participo', 'presente', name='participantrole',
                native_enum=False, length=40)


def upgrade() -> None:
    op.create_table(
        'boundary_frame',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('source', sa.String(length=500), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=True),
        sa.Column('illustrative', sa.Boolean(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )
    op.create_index('uq_boundary_frame_active', 'boundary_frame', ['active'], unique=True,
                    sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))
    with op.batch_alter_table('boundary_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('frame_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_boundary_version_frame_id', ['frame_id'], unique=False)
        batch_op.create_foreign_key(
            'fk_boundary_version_frame', 'boundary_frame', ['frame_id'], ['id'],
            ondelete='SET NULL',
        )
    op.create_table(
        'person',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('position', sa.String(length=300), nullable=False),
        sa.Column('institution_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'meeting_participant',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('role', _ROLE, nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('meeting_id', 'person_id'),
    )
    op.create_table(
        'inspection_participant',
        sa.Column('inspection_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('role', _ROLE, nullable=False),
        sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('inspection_id', 'person_id'),
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participants', sa.Text(), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit_dates', sa.JSON(), nullable=True))
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('illustrative', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authorized_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_indicator_authorized_by', 'person', ['authorized_by_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_constraint('fk_indicator_authorized_by', type_='foreignkey')
        batch_op.drop_column('authorized_by_id')
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_column('illustrative')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_column('visit_dates')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('participants')
    op.drop_table('inspection_participant')
    op.drop_table('meeting_participant')
    op.drop_table('person')
    with op.batch_alter_table('boundary_version', schema=None) as batch_op:
        batch_op.drop_constraint('fk_boundary_version_frame', type_='foreignkey')
        batch_op.drop_index('ix_boundary_version_frame_id')
        batch_op.drop_column('frame_id')
    op.drop_index('uq_boundary_frame_active', table_name='boundary_frame')
    op.drop_table('boundary_frame')
