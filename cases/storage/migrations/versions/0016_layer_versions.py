"""layer versions: the data version counted per layer, so a cache follows only what it shows

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 21:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# cases.storage.models.LAYERS at this revision; row 1 (the old single version) becomes "other".
LAYERS = (
    "findings", "inspections", "attachments", "limits", "zones", "sites", "meetings",
    "agreements", "cases", "people", "other",
)


def upgrade() -> None:
    with op.batch_alter_table('data_version') as batch:
        batch.add_column(sa.Column('layer', sa.String(length=20), nullable=True))
    connection = op.get_bind()
    current = connection.execute(
        sa.text("SELECT version FROM data_version WHERE id = 1")
    ).scalar()
    if current is None:
        current = 0
        connection.execute(sa.text("INSERT INTO data_version (id, version) VALUES (1, 0)"))
    connection.execute(sa.text("UPDATE data_version SET layer = 'other' WHERE id = 1"))
    table = sa.table('data_version', sa.column('id', sa.Integer), sa.column('layer', sa.String),
                     sa.column('version', sa.BigInteger))
    # Every layer starts past the old version: no cache keyed by it can be mistaken.
    op.bulk_insert(table, [
        {'id': number, 'layer': layer, 'version': current}
        for number, layer in enumerate((name for name in LAYERS if name != 'other'), start=2)
    ])
    with op.batch_alter_table('data_version') as batch:
        batch.alter_column('layer', existing_type=sa.String(length=20), nullable=False)
        batch.create_unique_constraint('uq_data_version_layer', ['layer'])


def downgrade() -> None:
    op.execute("UPDATE data_version SET version = "
               "(SELECT sum(version) FROM data_version) WHERE id = 1")
    op.execute("DELETE FROM data_version WHERE id <> 1")
    with op.batch_alter_table('data_version') as batch:
        batch.drop_constraint('uq_data_version_layer', type_='unique')
        batch.drop_column('layer')
