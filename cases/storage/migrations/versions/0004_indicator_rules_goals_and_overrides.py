"""indicator rules, quarterly goals and overrides of the reached level

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 06:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('formula', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('unit', sa.String(length=60), server_default='actividades', nullable=False))
        batch_op.add_column(sa.Column('annual_goal', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('meeting_kinds', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('counts_inspections', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('linkages_only', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('group_inspections', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.create_index(batch_op.f('ix_indicator_year'), ['year'], unique=False)

    # Indicators stored before: their year is the first four digits of the period label.
    indicator = sa.table('indicator', sa.column('id', sa.Integer), sa.column('period', sa.String))
    bind = op.get_bind()
    for row_id, period in bind.execute(sa.select(indicator.c.id, indicator.c.period)).all():
        digits = next((period[i:i + 4] for i in range(len(period or '') - 3)
                       if period[i:i + 4].isdigit()), None)
        if digits:
            bind.execute(sa.text('UPDATE indicator SET year = :year WHERE id = :id'),
                         {'year': int(digits), 'id': row_id})

    op.create_table('indicator_goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('goal', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('indicator_id', 'quarter')
    )
    op.create_table('indicator_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('value_percent', sa.Float(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('indicator_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_override_indicator_id'), ['indicator_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('indicator_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_override_indicator_id'))

    op.drop_table('indicator_override')
    op.drop_table('indicator_goal')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_year'))
        batch_op.drop_column('group_inspections')
        batch_op.drop_column('linkages_only')
        batch_op.drop_column('counts_inspections')
        batch_op.drop_column('meeting_kinds')
        batch_op.drop_column('annual_goal')
        batch_op.drop_column('unit')
        batch_op.drop_column('formula')
        batch_op.drop_column('year')
