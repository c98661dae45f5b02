"""full-text search index (SQLite FTS5, PostgreSQL tsvector with unaccent) and personal
iCalendar feeds

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 19:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from cases.storage import search_index
from cases.storage.models import UTCDateTime

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'calendar_feed',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('last_used_at', UTCDateTime(), nullable=True),
        sa.Column('revoked_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_calendar_feed_user_id', 'calendar_feed', ['user_id'])
    bind = op.get_bind()
    search_index.create_index(bind)
    # The records already stored; the text of PDFs already attached comes with
    # «limites buscar reindexar», which reads the attachment files.
    if any(bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first()
           for table in search_index.KINDS):
        search_index.rebuild(Session(bind=bind))


def downgrade() -> None:
    search_index.drop_index(op.get_bind())
    op.drop_index('ix_calendar_feed_user_id', table_name='calendar_feed')
    op.drop_table('calendar_feed')
