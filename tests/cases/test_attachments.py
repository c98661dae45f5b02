import datetime as dt

import pytest
from limites_testing_field import IN_OAXACA, PDF, photo
from shapely import Point
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cases.errors import InvalidInputError, NotFoundError
from cases.fieldwork.attachments import AttachmentStore, attach_file, attach_link
from cases.storage.models import (
    Attachment,
    AttachmentKind,
    Finding,
    FindingCategory,
    Inspection,
    Meeting,
    MeetingKind,
)


def test_store_refuses_names_that_are_not_hashes(tmp_path):
    store = AttachmentStore(tmp_path)
    for name in ["../../etc/passwd", "ab", "A" * 64]:
        with pytest.raises(NotFoundError):
            store.path(name)


@pytest.fixture
def records(session):
    meeting = Meeting(date=dt.date(2025, 5, 14), kind=MeetingKind.WORKING, title="Reunión")
    inspection = Inspection(title="Recorrido", started_on=dt.date(2025, 5, 15))
    finding = Finding(category=FindingCategory.SOLID_WASTE, description="Basura",
                      geometry=Point(*IN_OAXACA))
    inspection.findings.append(finding)
    session.add_all([meeting, inspection])
    session.commit()
    return meeting, inspection, finding


def test_attach_to_each_kind_of_record_stores_one_blob_per_content(session, records, tmp_path):
    store = AttachmentStore(tmp_path / "adjuntos")
    meeting, inspection, finding = records
    image = photo()
    a = attach_file(session, store, finding, image, "IMG_0001.JPG")
    b = attach_file(session, store, inspection, image, "copia.jpg")
    c = attach_file(session, store, meeting, PDF, "acta.pdf", label="Acta firmada")
    d = attach_link(session, meeting, "https://www.facebook.com/oaxaca/posts/1", "Publicación")
    session.commit()
    assert a.sha256 == b.sha256 and a.owner is finding and b.owner is inspection
    assert store.path(a.sha256).exists() and store.path(c.sha256).read_bytes() == PDF
    assert store.thumbnail_path(a.sha256, "popup").exists()
    blobs = [p for p in (tmp_path / "adjuntos").glob("??/*")]
    assert len(blobs) == 2
    assert (a.lon, a.lat) == pytest.approx(IN_OAXACA, abs=1e-6)
    assert a.taken_at == dt.datetime(2025, 5, 15, 15, 4, 5)
    assert c.label == "Acta firmada" and d.kind is AttachmentKind.LINK
    assert [x.id for x in meeting.attachments] == [c.id, d.id]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://x/y", ""])
def test_only_http_links(session, records, url):
    with pytest.raises(InvalidInputError, match="http"):
        attach_link(session, records[0], url)


def test_an_attachment_belongs_to_exactly_one_record(session, records):
    meeting, inspection, _ = records
    for owners in ({}, {"meeting": meeting, "inspection": inspection}):
        session.add(Attachment(kind=AttachmentKind.LINK, url="https://x.mx", label="x",
                               created_at=dt.datetime(2025, 1, 1), **owners))
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0
