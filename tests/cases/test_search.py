"""Search everywhere, on SQLite FTS5 and PostgreSQL with unaccent (the ``session`` fixture)."""

import datetime as dt

import pytest
from limites_testing_field import IN_OAXACA
from shapely import MultiPolygon, Point, box

from cases.fieldwork.attachments import AttachmentStore, attach_file
from cases.fieldwork.document_text import pdf_text
from cases.records.lifecycle import restore, soft_delete
from cases.records.search import excerpt, search
from cases.storage import search_index
from cases.storage.models import (
    Agreement,
    DisputeZone,
    Finding,
    FindingCategory,
    Inspection,
    Institution,
    InstitutionKind,
    Meeting,
    MeetingKind,
    Person,
    ZoneKind,
)


def text_pdf(*lines: str) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (Latin-1 text, Helvetica)."""
    stream = b"BT /F1 12 Tf 72 720 Td " + b" ".join(
        b"(" + line.encode("cp1252") + b") Tj 0 -16 Td" for line in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


SQUARE = MultiPolygon([box(IN_OAXACA[0], IN_OAXACA[1], IN_OAXACA[0] + 0.01,
                           IN_OAXACA[1] + 0.01)])


@pytest.fixture
def records(session):
    """A zone, a meeting about it with an agreement, an inspection with a finding."""
    zone = DisputeZone(name="Los Sauces", kind=ZoneKind.COLONIA, geometry=SQUARE,
                       description="Colindancia con Santa Cruz Xoxocotlán")
    agency = Institution(name="Comisariado de Bienes Comunales de Xoxocotlán",
                         short_name="Comisariado", kind=InstitutionKind.OTHER)
    meeting = Meeting(date=dt.date(2026, 11, 3), kind=MeetingKind.WORKING,
                      title="Mesa de trabajo sobre la colindancia", zones=[zone],
                      summary="Se revisó el plano del fraccionamiento.")
    meeting.agreements.append(Agreement(text="Entregar el plano firmado", responsible=agency))
    inspection = Inspection(title="Recorrido por el río", started_on=dt.date(2026, 11, 5),
                            zones=[zone])
    inspection.findings.append(Finding(category=FindingCategory.SOLID_WASTE,
                                       description="Tiradero junto al puente",
                                       geometry=Point(*IN_OAXACA)))
    person = Person(name="María Pérez", position="Síndica municipal")
    session.add_all([zone, agency, meeting, inspection, person])
    session.commit()
    return zone, meeting, inspection


def kinds(results) -> list[tuple[str, int]]:
    return [(hit.kind, hit.record_id) for hit in results.hits]


@pytest.mark.parametrize("query", ["xoxocotlan", "XOXOCOTLÁN", "Xoxocotlán", "xoxo"])
def test_accents_and_case_do_not_matter(session, records, query):
    zone = records[0]
    found = kinds(search(session, query))
    assert ("dispute_zone", zone.id) in found
    assert {kind for kind, _ in found} == {"dispute_zone", "institution", "agreement"}


@pytest.mark.parametrize("query", ["sauces", "Sauces", "SAUCES"])
def test_a_zone_brings_its_meetings_agreements_and_inspections(session, records, query):
    zone, meeting, inspection = records
    results = search(session, query)
    assert results.counts == {"dispute_zone": 1, "meeting": 1, "agreement": 1,
                              "inspection": 1, "finding": 1}
    # The zone's own name ranks above the records that only mention it.
    assert results.hits[0].kind == "dispute_zone"
    agreement = next(hit for hit in results.hits if hit.kind == "agreement")
    assert (agreement.link_kind, agreement.link_id) == ("meeting", meeting.id)
    finding = next(hit for hit in results.hits if hit.kind == "finding")
    assert (finding.link_kind, finding.link_id) == ("inspection", inspection.id)


def test_every_word_must_match_and_words_are_prefixes(session, records):
    assert kinds(search(session, "plano firmado")) == [
        ("agreement", records[1].agreements[0].id)]
    assert search(session, "plano sauces").counts == {"meeting": 1, "agreement": 1}
    assert search(session, "plano inexistente").hits == []
    assert search(session, "  ¿?  ").total == 0


def test_title_outranks_body(session, records):
    session.add(Meeting(date=dt.date(2026, 11, 10), kind=MeetingKind.WORKING,
                        title="Plano del fraccionamiento", purpose="revisión"))
    session.commit()
    hits = search(session, "plano", kind="meeting").hits
    assert [hit.title.text for hit in hits] == ["Plano del fraccionamiento",
                                                "Mesa de trabajo sobre la colindancia"]


def test_edits_reach_the_index_and_rollbacks_do_not(session, records):
    zone = records[0]
    zone.name = "Los Álamos"
    session.commit()
    assert search(session, "alamos").counts["dispute_zone"] == 1
    # The meeting's context followed the zone's new name.
    assert search(session, "alamos").counts["meeting"] == 1
    assert search(session, "sauces").total == 0
    zone.name = "Las Palmas"
    session.flush()
    session.rollback()
    assert search(session, "palmas").total == 0


def test_soft_deleted_records_and_what_hangs_from_them_are_not_found(session, records):
    zone, meeting, _ = records
    soft_delete(session, None, meeting)
    session.commit()
    assert search(session, "plano").total == 0  # the meeting and its agreement
    assert "dispute_zone" in search(session, "sauces").counts
    restore(session, None, "meeting", meeting.id)
    session.commit()
    assert search(session, "plano").counts == {"meeting": 1, "agreement": 1}
    session.delete(zone)
    session.commit()
    assert "dispute_zone" not in search(session, "sauces").counts


def test_pdf_text_is_found_with_its_meeting(session, records, tmp_path):
    meeting = records[1]
    data = text_pdf("Acta de la reunion", "Los vecinos de Xoxocotlán piden el deslinde")
    assert "deslinde" in pdf_text(data)
    attachment = attach_file(session, AttachmentStore(tmp_path), meeting, data, "acta.pdf",
                             label="Acta firmada")
    session.commit()
    results = search(session, "DESLINDE")
    assert kinds(results) == [("attachment", attachment.id)]
    hit = results.hits[0]
    assert (hit.link_kind, hit.link_id) == ("meeting", meeting.id)
    start, end = hit.excerpt.spans[0]
    assert hit.excerpt.text[start:end] == "deslinde"
    # Renaming the meeting rewrites the acta's context and keeps its text.
    meeting.title = "Mesa renombrada"
    session.commit()
    assert search(session, "deslinde renombrada").total == 1


def test_a_damaged_pdf_is_attached_without_text(session, records, tmp_path):
    assert pdf_text(b"%PDF-1.4\nbasura") == ""


def test_pagination_counts_and_pages(session):
    session.add_all(Person(name=f"Persona {n:02d}", position="Vecina de Xoxocotlán")
                    for n in range(45))
    session.commit()
    first = search(session, "vecina", per_page=20)
    third = search(session, "vecina", page=3, per_page=20)
    assert (first.total, first.pages, len(first.hits), len(third.hits)) == (45, 3, 20, 5)
    seen = {hit.record_id for page in (1, 2, 3)
            for hit in search(session, "vecina", page=page, per_page=20).hits}
    assert len(seen) == 45
    assert search(session, "vecina", page=99).page == 3
    assert search(session, "vecina", kind="meeting").total == 0


def test_rebuild_writes_every_record_again(session, records):
    connection = session.connection()
    connection.exec_driver_sql(
        "DELETE FROM search_fts" if connection.dialect.name == "sqlite"
        else "DELETE FROM search_document")
    assert search(session, "sauces").total == 0
    assert search_index.rebuild(session) >= 7
    assert search(session, "sauces").total == 5


def test_excerpt_marks_words_around_the_first_match():
    long = "palabra " * 80 + "Xoxocotlán al final " + "otra " * 80
    found = excerpt(long, ["xoxocotlan"])
    assert found.text.startswith("…") and found.text.endswith("…")
    start, end = found.spans[0]
    assert found.text[start:end] == "Xoxocotlán"


def test_a_new_record_linked_from_the_other_side_quotes_it(session, records):
    zone = records[0]
    zone.meetings.append(Meeting(date=dt.date(2026, 12, 1), kind=MeetingKind.SECURITY,
                                 title="Mesa de seguridad de diciembre"))
    session.commit()
    assert search(session, "sauces diciembre").counts == {"meeting": 1}
