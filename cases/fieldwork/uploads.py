"""Checking uploaded files by their content; photos decoded, re-encoded and placed.

The type is told by magic bytes, never by the file's name: PDF, JPEG, PNG, and HEIC when
pillow-heif is installed. Photos are decoded with Pillow (a pixel bomb is refused before its
pixels are), their EXIF place and time are read (:func:`photo_place`), then they are
re-encoded with the EXIF orientation applied and every metadata block dropped, and two JPEG
thumbnails are made, for record pages and map popups.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

from cases.errors import InvalidInputError
from cases.storage.statuses import AttachmentKind

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "MAX_PIXELS",
    "MAX_SIDE_PX",
    "THUMBNAIL_SIZES",
    "LOCAL_TIMEZONE",
    "HEIC_SUPPORTED",
    "PhotoPlace",
    "PreparedFile",
    "sniff",
    "photo_place",
    "prepare_file",
]

log = logging.getLogger(__name__)

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
# Beyond this many pixels a "photo" is a decompression bomb, not a phone picture (a 200 MP
# camera is 200e6); refused before the pixels are decoded.
MAX_PIXELS = 120_000_000
# Stored photos are at most this many pixels on their long side.
MAX_SIDE_PX = 4096
# Thumbnail name -> long side in pixels.
THUMBNAIL_SIZES = {"pagina": 800, "popup": 240}
# EXIF times without an offset are the camera's local time: the Unidad works in Oaxaca.
LOCAL_TIMEZONE = ZoneInfo("America/Mexico_City")

try:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - pillow-heif is a dependency; HEIC is then refused
    HEIC_SUPPORTED = False

_PDF, _JPEG, _PNG, _HEIC = "application/pdf", "image/jpeg", "image/png", "image/heic"
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


@dataclass(frozen=True)
class PhotoPlace:
    """Where and when a photo was taken, from its EXIF (lon/lat in EPSG:4326, UTC time)."""

    lon: float | None
    lat: float | None
    taken_at: dt.datetime | None

    @property
    def has_position(self) -> bool:
        """Whether the photo carries GPS coordinates."""
        return self.lon is not None and self.lat is not None


@dataclass(frozen=True)
class PreparedFile:
    """A checked upload, ready to store: the bytes to keep and what was read from them."""

    kind: AttachmentKind
    media_type: str
    data: bytes
    width: int | None = None
    height: int | None = None
    place: PhotoPlace | None = None
    thumbnails: dict[str, bytes] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        """The content hash the file is stored under."""
        return hashlib.sha256(self.data).hexdigest()


def sniff(data: bytes) -> str | None:
    r"""The media type of ``data`` by its magic bytes: PDF, JPEG, PNG, HEIC, or ``None``.

    Examples
    --------
    >>> sniff(b"%PDF-1.4 ..."), sniff(b"\x89PNG\r\n\x1a\n...."), sniff(b"<html>")
    ('application/pdf', 'image/png', None)
    """
    if data.startswith(b"%PDF-"):
        return _PDF
    if data.startswith(b"\xff\xd8\xff"):
        return _JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _PNG
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return _HEIC
    return None


def photo_place(data: bytes) -> PhotoPlace:
    """Read the GPS position and the time a photo was taken from its EXIF.

    Positions that are not finite or out of range count as absent. The time is the GPS
    time (UTC) when present, else the original time with its offset, else the original
    time taken as :data:`LOCAL_TIMEZONE`.
    """
    with _opened(data, "la foto") as image:
        return _place(image.getexif())


def prepare_file(
    data: bytes, filename: str = "", max_bytes: int = MAX_ATTACHMENT_BYTES
) -> PreparedFile:
    """Check an upload by content and size; re-encode photos and make their thumbnails.

    Raises
    ------
    InvalidInputError
        Empty or too big, a type other than PDF/JPEG/PNG/HEIC, or a damaged file.
    """
    name = Path(filename).name or "el archivo"
    if not data:
        raise InvalidInputError(f"{name}: el archivo está vacío")
    if len(data) > max_bytes:
        # The caller may stop reading just past the limit: the true size is unknown.
        limit = (f"{max_bytes / 2**20:.0f} MB" if max_bytes >= 2**20
                 else f"{max(1, round(max_bytes / 1024))} KB")
        raise InvalidInputError(f"{name}: el archivo pesa más de {limit}, el máximo")
    media_type = sniff(data)
    if media_type is None:
        raise InvalidInputError(
            f"{name}: tipo de archivo no admitido; se aceptan actas en PDF y fotos JPEG, "
            "PNG o HEIC (se revisa el contenido, no la extensión)"
        )
    if media_type == _PDF:
        if b"%%EOF" not in data[-2048:]:
            raise InvalidInputError(f"{name}: el PDF está incompleto o dañado")
        return PreparedFile(AttachmentKind.PDF, _PDF, data)
    if media_type == _HEIC and not HEIC_SUPPORTED:
        raise InvalidInputError(f"{name}: este servidor no puede leer fotos HEIC; envíela en JPEG")
    return _prepare_photo(data, name, media_type)


class _opened:
    """Open an image with Pillow, turning bombs and damage into InvalidInputError."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data, self.name = data, name

    def __enter__(self) -> Image.Image:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                self.image = Image.open(io.BytesIO(self.data))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise InvalidInputError(f"{self.name}: la imagen es demasiado grande") from exc
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise InvalidInputError(f"{self.name}: la imagen está dañada ({exc})") from exc
        width, height = self.image.size
        if width * height > MAX_PIXELS:
            self.image.close()
            raise InvalidInputError(
                f"{self.name}: la imagen tiene {width}×{height} píxeles; es demasiado grande"
            )
        return self.image

    def __exit__(self, *exc_info) -> None:
        self.image.close()


def _prepare_photo(data: bytes, name: str, media_type: str) -> PreparedFile:
    with _opened(data, name) as image:
        place = _place(image.getexif())
        try:
            image.load()
            upright = ImageOps.exif_transpose(image)
        except (OSError, ValueError, SyntaxError) as exc:
            raise InvalidInputError(f"{name}: la imagen está dañada ({exc})") from exc
        icc = image.info.get("icc_profile")
    # Pillow writes a source's JPEG comment and ICC profile into whatever it saves next, and
    # copies them to every copy: keep only what drawing the pixels needs.
    upright = _in_srgb(upright, icc, name)
    upright.info = {key: value for key, value in upright.info.items() if key == "transparency"}
    upright.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX), Image.Resampling.LANCZOS)
    keep_png = media_type == _PNG
    out_type = _PNG if keep_png else _JPEG
    stored = _encode(upright, "PNG" if keep_png else "JPEG")
    thumbnails = {}
    for size, side in THUMBNAIL_SIZES.items():
        small = upright.copy()
        small.thumbnail((side, side), Image.Resampling.LANCZOS, reducing_gap=1.0)
        thumbnails[size] = _encode(small, "JPEG")
    return PreparedFile(
        AttachmentKind.PHOTO, out_type, stored, upright.width, upright.height, place, thumbnails
    )


def _in_srgb(image: Image.Image, icc: bytes | None, name: str) -> Image.Image:
    """``image`` converted from its ICC profile to sRGB, so no profile need be stored.

    A profile is metadata like any other (it carries free text); the colours it describes
    are kept by converting the pixels. A profile that cannot be read is dropped.
    """
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                         outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        log.info("%s: unreadable ICC profile dropped", name)
        return image


def _encode(image: Image.Image, fmt: str) -> bytes:
    # Saving without exif=, icc_profile=, comment= or pnginfo= (and with an image whose
    # ``info`` holds none of them) writes no EXIF, XMP, ICC, comment or text chunk.
    buffer = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            flat = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            flat.paste(rgba, mask=rgba.getchannel("A"))
            image = flat
        image.save(buffer, "JPEG", quality=88)
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()


def _place(exif: Image.Exif) -> PhotoPlace:
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), 90)
    lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), 180)
    if lat is None or lon is None:
        lat = lon = None
    return PhotoPlace(lon, lat, _taken_at(exif, gps))


def _degrees(value: Any, ref: Any, limit: float) -> float | None:
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if str(ref).strip().upper() in ("S", "W"):
        degrees = -degrees
    if not math.isfinite(degrees) or abs(degrees) > limit:
        return None
    return round(degrees, 7)


def _taken_at(exif: Image.Exif, gps: dict) -> dt.datetime | None:
    stamp, day = gps.get(ExifTags.GPS.GPSTimeStamp), gps.get(ExifTags.GPS.GPSDateStamp)
    try:
        if stamp and day:
            h, m, s = (float(part) for part in stamp)
            base = dt.datetime.strptime(str(day).strip(), "%Y:%m:%d").replace(tzinfo=dt.UTC)
            return base + dt.timedelta(hours=h, minutes=m, seconds=s)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        log.debug("unreadable GPS time %r %r", day, stamp)
    details = exif.get_ifd(ExifTags.IFD.Exif)
    original = details.get(ExifTags.Base.DateTimeOriginal)
    try:
        moment = dt.datetime.strptime(str(original).strip(), "%Y:%m:%d %H:%M:%S")
    except (TypeError, ValueError):
        return None
    offset = details.get(ExifTags.Base.OffsetTimeOriginal)
    try:
        zone = dt.datetime.strptime(str(offset).strip(), "%z").tzinfo if offset else None
    except ValueError:
        zone = None
    return moment.replace(tzinfo=zone or LOCAL_TIMEZONE).astimezone(dt.UTC)
