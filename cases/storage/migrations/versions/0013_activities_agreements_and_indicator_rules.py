"""any quarter's report: agreements of any activity, inspections like meetings, indicator
rules and signers as data, the day a status change happened

- agreement: of a meeting or of an inspection (exactly one), with a responsible person;
- status_change.effective_on: the day the change happened (backfilled: an agreement's first
  status on its activity's day, every other change on the day it was typed);
- inspection: several zones and cases (link tables, from zone_id/case_id), place, start and
  end times, purpose (the former «objetivo y resumen»; summary is now «lo realizado»);
- meeting: start and end times;
- indicator: its rule and source (own activities or the sum of its activity indicators);
- indicator_signer: who authorizes a sheet from a date on (from indicator.authorized_by_id).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 18:00:00
"""

import sqlalchemy as sa
from alembic import op

from cases.storage.models import UTCDateTime

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_RULES = ('trimestre_meta_trimestral', 'acumulado_meta_anual', 'trimestre_meta_anual')
_SOURCES = ('propias', 'suma', 'promedio')


def _link(name: str, left: tuple[str, str], right: tuple[str, str]) -> None:
    op.create_table(
        name,
        sa.Column(f'{left[0]}_id', sa.Integer(), nullable=False),
        sa.Column(f'{right[0]}_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint([f'{left[0]}_id'], [f'{left[1]}.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint([f'{right[0]}_id'], [f'{right[1]}.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint(f'{left[0]}_id', f'{right[0]}_id'),
    )


def upgrade() -> None:
    # Inspections: several zones and cases.
    _link('inspection_zone', ('inspection', 'inspection'), ('zone', 'dispute_zone'))
    _link('inspection_case', ('inspection', 'inspection'), ('case', 'case_file'))
    op.execute("INSERT INTO inspection_zone (inspection_id, zone_id) "
               "SELECT id, zone_id FROM inspection WHERE zone_id IS NOT NULL")
    op.execute("INSERT INTO inspection_case (inspection_id, case_id) "
               "SELECT id, case_id FROM inspection WHERE case_id IS NOT NULL")
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('start_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('end_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('place', sa.String(length=300), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('purpose', sa.Text(), nullable=False, server_default=''))
    op.execute("UPDATE inspection SET purpose = summary, summary = ''")
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_column('zone_id')
        batch_op.drop_column('case_id')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('start_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('end_time', sa.Time(), nullable=True))

    # Agreements of any activity, with a responsible person.
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.alter_column('meeting_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('inspection_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('responsible_person_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_agreement_inspection', 'inspection', ['inspection_id'], ['id'],
            ondelete='CASCADE')
        batch_op.create_foreign_key(
            'fk_agreement_responsible_person', 'person', ['responsible_person_id'], ['id'],
            ondelete='SET NULL')
        batch_op.create_index('ix_agreement_inspection_id', ['inspection_id'])
        batch_op.create_check_constraint(
            'ck_agreement_one_activity', '(meeting_id IS NULL) <> (inspection_id IS NULL)')

    # The day each status change happened.
    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('effective_on', sa.Date(), nullable=True))
    op.execute(
        "UPDATE status_change SET effective_on = (SELECT meeting.date FROM agreement "
        "JOIN meeting ON meeting.id = agreement.meeting_id "
        "WHERE agreement.id = status_change.record_id) "
        "WHERE record_type = 'agreement' AND from_status IS NULL")
    day = "date(at)" if op.get_bind().dialect.name == "sqlite" else "CAST(at AS DATE)"
    op.execute(f"UPDATE status_change SET effective_on = {day} WHERE effective_on IS NULL")

    # Indicators: rule, source, signers as data.
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'rule', sa.Enum(*_RULES, name='indicatorrule', native_enum=False, length=40),
            nullable=False, server_default='trimestre_meta_anual'))
        batch_op.add_column(sa.Column(
            'source', sa.Enum(*_SOURCES, name='indicatorsource', native_enum=False, length=40),
            nullable=False, server_default='propias'))
    op.create_table(
        'indicator_signer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=True),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_indicator_signer_indicator_id', 'indicator_signer', ['indicator_id'])
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, authorized_by_id, year FROM indicator WHERE authorized_by_id IS NOT NULL"
    )).all()
    import datetime as dt

    signer = sa.table('indicator_signer', sa.column('indicator_id', sa.Integer),
                      sa.column('person_id', sa.Integer), sa.column('valid_from', sa.Date),
                      sa.column('created_at', UTCDateTime))
    now = dt.datetime.now(dt.UTC)
    for indicator_id, person_id, year in rows:
        op.execute(signer.insert().values(
            indicator_id=indicator_id, person_id=person_id,
            valid_from=dt.date(year or 2000, 1, 1), created_at=now))
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_constraint('fk_indicator_authorized_by', type_='foreignkey')
        batch_op.drop_column('authorized_by_id')


def downgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authorized_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_indicator_authorized_by', 'person', ['authorized_by_id'], ['id'],
            ondelete='SET NULL')
    op.execute(
        "UPDATE indicator SET authorized_by_id = (SELECT MIN(person_id) FROM indicator_signer "
        "WHERE indicator_signer.indicator_id = indicator.id)")
    op.drop_index('ix_indicator_signer_indicator_id', table_name='indicator_signer')
    op.drop_table('indicator_signer')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_column('source')
        batch_op.drop_column('rule')
    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.drop_column('effective_on')
    op.execute("DELETE FROM agreement WHERE meeting_id IS NULL")
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_constraint('ck_agreement_one_activity', type_='check')
        batch_op.drop_index('ix_agreement_inspection_id')
        batch_op.drop_constraint('fk_agreement_responsible_person', type_='foreignkey')
        batch_op.drop_constraint('fk_agreement_inspection', type_='foreignkey')
        batch_op.drop_column('responsible_person_id')
        batch_op.drop_column('inspection_id')
        batch_op.alter_column('meeting_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('end_time')
        batch_op.drop_column('start_time')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('zone_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_inspection_zone', 'dispute_zone', ['zone_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_foreign_key('fk_inspection_case', 'case_file', ['case_id'], ['id'],
                                    ondelete='SET NULL')
    op.execute("UPDATE inspection SET zone_id = (SELECT MIN(zone_id) FROM inspection_zone "
               "WHERE inspection_zone.inspection_id = inspection.id), "
               "case_id = (SELECT MIN(case_id) FROM inspection_case "
               "WHERE inspection_case.inspection_id = inspection.id)")
    op.execute("UPDATE inspection SET summary = purpose WHERE summary = ''")
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_column('purpose')
        batch_op.drop_column('place')
        batch_op.drop_column('end_time')
        batch_op.drop_column('start_time')
    op.drop_table('inspection_case')
    op.drop_table('inspection_zone')
