"""Sample field files for tests and benchmarks (photos with and without EXIF GPS, PDFs, GPX),
and the count of field records a test compares before and after.
"""

from __future__ import annotations

import io

from flask import Flask
from limites_testing import row_count
from PIL import ExifTags, Image

from cases.storage.models import Attachment, Finding, Inspection

# Inside Oaxaca de Juárez, near the Atoyac (as in tests/geo_app/test_cli_analysis.py).
IN_OAXACA = (-96.7256, 17.0624)
IN_OVERLAP = (-96.7352, 17.0858)
ROUTE = [IN_OAXACA, IN_OVERLAP]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def photo(
    fmt: str = "JPEG",
    *,
    place: tuple[float, float] | None = IN_OAXACA,
    size: tuple[int, int] = (64, 32),
    orientation: int | None = None,
    gps_time: tuple[str, tuple[float, float, float]] | None = ("2025:05:15", (15.0, 4.0, 5.0)),
    mode: str = "RGB",
) -> bytes:
    """A small photo in ``fmt`` with EXIF (camera, orientation, GPS at ``place``)."""
    image = Image.new(mode, size, (200, 30, 30, 255)[: len(mode)] if mode != "L" else 120)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Cámara de prueba"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if place is not None:
        lon, lat = place
        gps = {
            ExifTags.GPS.GPSLatitudeRef: "N" if lat >= 0 else "S",
            ExifTags.GPS.GPSLatitude: _dms(lat),
            ExifTags.GPS.GPSLongitudeRef: "E" if lon >= 0 else "W",
            ExifTags.GPS.GPSLongitude: _dms(lon),
        }
        if gps_time:
            gps[ExifTags.GPS.GPSDateStamp], gps[ExifTags.GPS.GPSTimeStamp] = gps_time
        exif[ExifTags.IFD.GPSInfo] = gps
    exif[ExifTags.IFD.Exif] = {ExifTags.Base.DateTimeOriginal: "2025:05:15 09:04:05"}
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif.tobytes())
    return buffer.getvalue()


def gpx(points=ROUTE, *, times: bool = True) -> str:
    """A one-segment GPX track through ``points`` (lon, lat), one minute apart."""
    rows = "".join(
        f'<trkpt lat="{lat}" lon="{lon}">'
        + (f"<time>2025-05-15T15:{i:02d}:00Z</time>" if times else "")
        + "</trkpt>"
        for i, (lon, lat) in enumerate(points)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<gpx version="1.1" creator="prueba" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><name>Recorrido</name><trkseg>{rows}</trkseg></trk></gpx>"
    )


def field_counts(app: Flask) -> dict[str, int]:
    """How many inspections, findings and attachments the app holds, by model name."""
    return {model.__name__: row_count(app, model) for model in (Inspection, Finding, Attachment)}
