"""drop the indicator percentages typed before levels were computed

``indicator.goal_percent`` and ``indicator.reached_percent`` held the figures typed by hand
before the reached level was computed from the recorded activities (0004); nothing has read or
written them since. The official figure of a quarter lives in ``indicator_override``.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_column('reached_percent')
        batch_op.drop_column('goal_percent')


def downgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('goal_percent', sa.Float(), server_default='100', nullable=False)
        )
        batch_op.add_column(sa.Column('reached_percent', sa.Float(), nullable=True))
