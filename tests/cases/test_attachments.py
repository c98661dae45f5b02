import datetime as dt
import io
import struct
import zlib

import pytest
from PIL import Image
from shapely import Point
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cases.attachments import (
    THUMBNAIL_SIZES,
    AttachmentStore,
    attach_file,
    attach_link,
    photo_place,
    prepare_file,
    sniff,
)
from cases.errors import InvalidInputError, NotFoundError
from cases.models import (
    Attachment,
    AttachmentKind,
    Finding,
    FindingCategory,
    Inspection,
    Meeting,
    MeetingKind,
)
from tests.field_samples import IN_OAXACA, PDF, photo


def test_photo_place_reads_gps_and_utc_time():
    place = photo_place(photo())
    assert (place.lon, place.lat) == pytest.approx(IN_OAXACA, abs=1e-6)
    assert place.taken_at == dt.datetime(2025, 5, 15, 15, 4, 5, tzinfo=dt.UTC)


def test_photo_without_gps_time_takes_the_original_time_in_oaxaca():
    place = photo_place(photo(place=None))
    assert not place.has_position
    # 09:04:05 in Oaxaca (UTC-6) is 15:04:05 UTC.
    assert place.taken_at == dt.datetime(2025, 5, 15, 15, 4, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "HEIF"])
def test_photos_are_reencoded_upright_without_metadata(fmt):
    prepared = prepare_file(photo(fmt, orientation=6, size=(64, 32)), "foto")
    assert prepared.kind is AttachmentKind.PHOTO
    assert prepared.media_type == ("image/png" if fmt == "PNG" else "image/jpeg")
    # Orientation 6 is "rotate 90°": the stored image stands upright.
    assert (prepared.width, prepared.height) == (32, 64)
    stored = Image.open(io.BytesIO(prepared.data))
    assert stored.size == (32, 64)
    assert dict(stored.getexif()) == {}
    assert b"Exif" not in prepared.data and "Cámara".encode() not in prepared.data
    # What was read before stripping is kept aside.
    assert prepared.place.has_position
    for name, side in THUMBNAIL_SIZES.items():
        thumb = Image.open(io.BytesIO(prepared.thumbnails[name]))
        assert thumb.format == "JPEG" and max(thumb.size) <= side


def test_transparent_png_thumbnails_are_flattened():
    prepared = prepare_file(photo("PNG", mode="RGBA", place=None), "plano.png")
    assert Image.open(io.BytesIO(prepared.data)).mode == "RGBA"
    assert Image.open(io.BytesIO(prepared.thumbnails["popup"])).mode == "RGB"


def test_type_is_told_by_content_not_by_name():
    assert prepare_file(photo("PNG"), "acta.pdf").media_type == "image/png"
    assert prepare_file(PDF, "foto.jpg").kind is AttachmentKind.PDF
    with pytest.raises(InvalidInputError, match="tipo de archivo no admitido"):
        prepare_file(b"<html><script>alert(1)</script></html>", "foto.jpg")
    assert sniff(b"GIF89a") is None


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    idat = b"IDAT" + zlib.compress(b"\x00" * 64)

    def framed(chunk: bytes) -> bytes:
        return struct.pack(">I", len(chunk) - 4) + chunk + struct.pack(">I", zlib.crc32(chunk))

    return b"\x89PNG\r\n\x1a\n" + framed(chunk) + framed(idat) + framed(b"IEND")


@pytest.mark.parametrize(
    ("data", "limit", "message"),
    [
        (b"", None, "está vacío"),
        (PDF, 10, "el máximo es"),
        (b"%PDF-1.4 sin final", None, "incompleto o dañado"),
        (b"\xff\xd8\xff\xe0" + b"basura" * 20, None, "dañada"),
        (_png_header(30_000, 30_000), None, "demasiado grande"),
    ],
    ids=["empty", "too-big", "truncated-pdf", "damaged-jpeg", "pixel-bomb"],
)
def test_bad_files_are_refused_in_spanish(data, limit, message):
    kwargs = {"max_bytes": limit} if limit else {}
    with pytest.raises(InvalidInputError, match=message):
        prepare_file(data, "adjunto", **kwargs)


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
