"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 03:24:44.054855
"""

import sqlalchemy as sa
from alembic import op

from cases.storage.geometry import Geometry

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


SPATIAL_COLUMNS = [
    ("dispute_zone", "geometry"),
    ("site", "geometry"),
    ("watercourse", "geometry"),
    ("boundary_version", "geometry"),
    ("inspection", "route"),
    ("finding", "geometry"),
]


def upgrade() -> None:
    postgis = op.get_bind().dialect.name == "postgresql"
    if postgis:
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table('case_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('status', sa.Enum('abierto', 'en_tramite', 'suspendido', 'cerrado', name='casestatus', native_enum=False, length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    op.create_table('dispute_zone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('fraccionamiento', 'colonia', 'rancho', 'paraje', 'limite', name='zonekind', native_enum=False, length=40), nullable=False),
    sa.Column('status', sa.Enum('identificada', 'en_negociacion', 'en_comision', 'acordada', 'resuelta', name='zonestatus', native_enum=False, length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('geometry', Geometry("MULTIPOLYGON"), nullable=False),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('min_x', sa.Float(), nullable=True),
    sa.Column('min_y', sa.Float(), nullable=True),
    sa.Column('max_x', sa.Float(), nullable=True),
    sa.Column('max_y', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('dispute_zone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_zone_max_x'), ['max_x'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_zone_min_x'), ['min_x'], unique=False)

    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=60), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('goal_percent', sa.Float(), nullable=False),
    sa.Column('reached_percent', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('program', 'key', 'period')
    )
    op.create_table('municipality',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cvegeo', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cvegeo')
    )
    op.create_table('site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('geometry', Geometry("POINT"), nullable=False),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('min_x', sa.Float(), nullable=True),
    sa.Column('min_y', sa.Float(), nullable=True),
    sa.Column('max_x', sa.Float(), nullable=True),
    sa.Column('max_y', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_max_x'), ['max_x'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_min_x'), ['min_x'], unique=False)

    op.create_table('watercourse',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('geometry', Geometry("LINESTRING"), nullable=False),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('min_x', sa.Float(), nullable=True),
    sa.Column('min_y', sa.Float(), nullable=True),
    sa.Column('max_x', sa.Float(), nullable=True),
    sa.Column('max_y', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('watercourse', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_watercourse_max_x'), ['max_x'], unique=False)
        batch_op.create_index(batch_op.f('ix_watercourse_min_x'), ['min_x'], unique=False)

    op.create_table('boundary_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('oficial', 'reclamo', 'acuerdo', 'resolucion', name='boundarykind', native_enum=False, length=40), nullable=False),
    sa.Column('claimant_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('legal_reference', sa.String(length=500), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('geometry', Geometry("MULTIPOLYGON"), nullable=False),
    sa.Column('area_m2', sa.Float(), nullable=False),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('repair_note', sa.Text(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('min_x', sa.Float(), nullable=True),
    sa.Column('min_y', sa.Float(), nullable=True),
    sa.Column('max_x', sa.Float(), nullable=True),
    sa.Column('max_y', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['claimant_id'], ['municipality.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('fingerprint', name='uq_boundary_version_fingerprint')
    )
    with op.batch_alter_table('boundary_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_boundary_version_max_x'), ['max_x'], unique=False)
        batch_op.create_index(batch_op.f('ix_boundary_version_min_x'), ['min_x'], unique=False)
        batch_op.create_index(batch_op.f('ix_boundary_version_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('case_zone',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['zone_id'], ['dispute_zone.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'zone_id')
    )
    op.create_table('inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('route', Geometry("MULTILINESTRING"), nullable=True),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('indicator_id', sa.Integer(), nullable=True),
    sa.Column('min_x', sa.Float(), nullable=True),
    sa.Column('min_y', sa.Float(), nullable=True),
    sa.Column('max_x', sa.Float(), nullable=True),
    sa.Column('max_y', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['zone_id'], ['dispute_zone.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('started_on', 'title')
    )
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_max_x'), ['max_x'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_min_x'), ['min_x'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_started_on'), ['started_on'], unique=False)

    op.create_table('institution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('short_name', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.Enum('municipio', 'area_municipal', 'estatal', 'federal', 'otra', name='institutionkind', native_enum=False, length=40), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('reunion_trabajo', 'mesa_seguridad', 'mando_coordinado', name='meetingkind', native_enum=False, length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_id'], ['site.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('date', 'kind', 'title')
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_date'), ['date'], unique=False)

    op.create_table('zone_municipality',
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['zone_id'], ['dispute_zone.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('zone_id', 'municipality_id')
    )
    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('responsible_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('pendiente', 'en_proceso', 'cumplido', 'cancelado', name='agreementstatus', native_enum=False, length=40), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['responsible_id'], ['institution.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('case_party',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'institution_id')
    )
    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('contaminacion_agua', 'residuos_solidos', 'relleno_escombro', 'estacionamiento_irregular', 'otro', name='findingcategory', native_enum=False, length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('geometry', Geometry("POINT"), nullable=False),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('min_x', sa.Float(), nullable=True),
    sa.Column('min_y', sa.Float(), nullable=True),
    sa.Column('max_x', sa.Float(), nullable=True),
    sa.Column('max_y', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finding_max_x'), ['max_x'], unique=False)
        batch_op.create_index(batch_op.f('ix_finding_min_x'), ['min_x'], unique=False)

    op.create_table('inspection_institution',
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('inspection_id', 'institution_id')
    )
    op.create_table('meeting_case',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'case_id')
    )
    op.create_table('meeting_institution',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'institution_id')
    )
    op.create_table('meeting_site',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'site_id')
    )
    op.create_table('meeting_zone',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['zone_id'], ['dispute_zone.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'zone_id')
    )
    if postgis:
        # GiST indexes let QGIS and other PostGIS clients filter fast; the app itself
        # pre-filters on the bbox columns so both backends share one code path.
        for table, column in SPATIAL_COLUMNS:
            op.create_index(f"ix_{table}_{column}_gist", table, [column], postgresql_using="gist")


def downgrade() -> None:
    op.drop_table('meeting_zone')
    op.drop_table('meeting_site')
    op.drop_table('meeting_institution')
    op.drop_table('meeting_case')
    op.drop_table('inspection_institution')
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_min_x'))
        batch_op.drop_index(batch_op.f('ix_finding_max_x'))
        batch_op.drop_index(batch_op.f('ix_finding_inspection_id'))

    op.drop_table('finding')
    op.drop_table('evidence')
    op.drop_table('case_party')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_meeting_id'))

    op.drop_table('agreement')
    op.drop_table('zone_municipality')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_date'))

    op.drop_table('meeting')
    op.drop_table('institution')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_started_on'))
        batch_op.drop_index(batch_op.f('ix_inspection_min_x'))
        batch_op.drop_index(batch_op.f('ix_inspection_max_x'))

    op.drop_table('inspection')
    op.drop_table('case_zone')
    with op.batch_alter_table('boundary_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_boundary_version_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_boundary_version_min_x'))
        batch_op.drop_index(batch_op.f('ix_boundary_version_max_x'))

    op.drop_table('boundary_version')
    with op.batch_alter_table('watercourse', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_watercourse_min_x'))
        batch_op.drop_index(batch_op.f('ix_watercourse_max_x'))

    op.drop_table('watercourse')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_min_x'))
        batch_op.drop_index(batch_op.f('ix_site_max_x'))

    op.drop_table('site')
    op.drop_table('municipality')
    op.drop_table('indicator')
    with op.batch_alter_table('dispute_zone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_zone_min_x'))
        batch_op.drop_index(batch_op.f('ix_dispute_zone_max_x'))

    op.drop_table('dispute_zone')
    op.drop_table('case_file')
