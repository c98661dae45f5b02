import datetime as dt
import io
import struct
import zlib

import pytest
from limites_testing_field import IN_OAXACA, PDF, photo
from PIL import Image

from cases.errors import InvalidInputError
from cases.fieldwork.uploads import THUMBNAIL_SIZES, photo_place, prepare_file, sniff
from cases.storage.models import AttachmentKind


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
        (PDF, 10, "pesa más de"),
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
