"""Attachments of meetings, inspections and findings: PDF minutes, photos and links.

Files are stored outside the web root (the app passes ``instance/attachments/``) under the
SHA-256 of their stored bytes, so the same file attached twice is stored once. The type is
told by content (magic bytes), never by the file's name. Photos (JPEG, PNG, and HEIC when
pillow-heif is installed) are decoded and re-encoded with Pillow: the EXIF orientation is
applied and every metadata block is dropped, after the place and time are read from it
(:func:`photo_place`); two JPEG thumbnails are made, for record pages and map popups.

A file is written before the transaction commits; if it then rolls back, the file stays as
an unreferenced blob, harmless because it is addressed by its content (a later upload of the
same bytes reuses it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import math
import os
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from cases.errors import ForbiddenError, InvalidInputError, NotFoundError
from cases.models import Attachment, AttachmentKind, Finding, Inspection, Meeting

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "MAX_PIXELS",
    "MAX_SIDE_PX",
    "THUMBNAIL_SIZES",
    "LOCAL_TIMEZONE",
    "HEIC_SUPPORTED",
    "AttachmentStore",
    "PhotoPlace",
    "PreparedFile",
    "sniff",
    "photo_place",
    "prepare_file",
    "attach_file",
    "attach_link",
    "get_attachment",
    "visible_attachment",
    "can_see",
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
_SHA256 = re.compile(r"[0-9a-f]{64}")

Owner = Meeting | Inspection | Finding


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


class AttachmentStore:
    """Content-addressed files under ``root``: ``ab/abcdef…`` and ``miniaturas/NAME/ab/…``.

    Examples
    --------
    >>> store = AttachmentStore(Path(tempfile.mkdtemp()))
    >>> sha = store.put(b"%PDF-1.7 acta")
    >>> store.path(sha).read_bytes()
    b'%PDF-1.7 acta'
    >>> store.put(b"%PDF-1.7 acta") == sha
    True
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """Where the file of ``sha256`` lives (only a 64-digit hex name is accepted)."""
        return self.root / _checked_sha(sha256)[:2] / sha256

    def thumbnail_path(self, sha256: str, size: str) -> Path:
        """Where the thumbnail ``size`` (a key of :data:`THUMBNAIL_SIZES`) of a photo lives."""
        if size not in THUMBNAIL_SIZES:
            raise NotFoundError(f"no hay miniaturas de tamaño «{size}»")
        return self.root / "miniaturas" / size / _checked_sha(sha256)[:2] / f"{sha256}.jpg"

    def existing(self, sha256: str, size: str | None = None) -> Path:
        """The stored file (or thumbnail ``size``) of ``sha256``; NotFoundError if missing."""
        path = self.path(sha256) if size is None else self.thumbnail_path(sha256, size)
        if not path.is_file():
            log.error("attachment file missing: %s", path)
            raise NotFoundError("el archivo de este adjunto no está en el servidor")
        return path

    def put(self, data: bytes) -> str:
        """Store ``data`` (once) and return its SHA-256."""
        sha = hashlib.sha256(data).hexdigest()
        _write_once(self.path(sha), data)
        return sha

    def put_thumbnails(self, sha256: str, thumbnails: dict[str, bytes]) -> None:
        """Store the thumbnails of the photo ``sha256``."""
        for size, data in thumbnails.items():
            _write_once(self.thumbnail_path(sha256, size), data)


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
        raise InvalidInputError(
            f"{name}: el archivo pesa {len(data) / 2**20:.1f} MB; el máximo es "
            f"{max_bytes / 2**20:.0f} MB"
        )
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


def attach_file(
    session: Session,
    store: AttachmentStore,
    owner: Owner,
    data: bytes,
    filename: str,
    *,
    label: str = "",
    client_uuid: str | None = None,
    max_bytes: int = MAX_ATTACHMENT_BYTES,
    prepared: PreparedFile | None = None,
) -> Attachment:
    """Check, store and attach a file to ``owner``; never commits.

    ``prepared`` skips a second decoding when the caller already ran :func:`prepare_file`.
    """
    prepared = prepared or prepare_file(data, filename, max_bytes)
    sha = store.put(prepared.data)
    store.put_thumbnails(sha, prepared.thumbnails)
    place = prepared.place or PhotoPlace(None, None, None)
    attachment = Attachment(
        kind=prepared.kind,
        label=_text(label, 300) or Path(filename).name[:300],
        original_name=Path(filename).name[:255] or None,
        media_type=prepared.media_type,
        sha256=sha,
        size_bytes=len(prepared.data),
        width=prepared.width,
        height=prepared.height,
        taken_at=place.taken_at.replace(tzinfo=None) if place.taken_at else None,
        lon=place.lon,
        lat=place.lat,
        created_at=_now(),
        client_uuid=client_uuid,
    )
    _own(attachment, owner)
    session.add(attachment)
    log.info("attached %s (%s, %d bytes) to %s", sha[:12], prepared.media_type,
             len(prepared.data), type(owner).__name__)
    return attachment


def attach_link(session: Session, owner: Owner, url: str, label: str = "") -> Attachment:
    """Attach an http(s) link to ``owner``; never commits.

    Examples
    --------
    >>> attach_link(None, Meeting(), "javascript:alert(1)")
    Traceback (most recent call last):
    ...
    cases.errors.InvalidInputError: el enlace debe empezar con http:// o https://
    """
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInputError("el enlace debe empezar con http:// o https://")
    if len(url) > 1000 or any(ord(c) < 32 for c in url):
        raise InvalidInputError("el enlace es demasiado largo o tiene caracteres de control")
    attachment = Attachment(
        kind=AttachmentKind.LINK, url=url, label=_text(label, 300) or parts.netloc,
        created_at=_now(),
    )
    _own(attachment, owner)
    session.add(attachment)
    return attachment


def get_attachment(session: Session, attachment_id: int) -> Attachment:
    """The attachment ``attachment_id`` or :class:`~cases.errors.NotFoundError`."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFoundError(f"no existe el adjunto {attachment_id}")
    return attachment


def visible_attachment(
    session: Session, attachment_id: int, user: Any, *, photo: bool = False
) -> Attachment:
    """The stored file ``attachment_id`` if ``user`` may see its record (:func:`can_see`).

    Links have no stored file; with ``photo`` only photos (which have thumbnails) count.
    """
    attachment = get_attachment(session, attachment_id)
    if attachment.sha256 is None or (photo and attachment.kind is not AttachmentKind.PHOTO):
        raise NotFoundError(f"el adjunto {attachment_id} no tiene {'foto' if photo else 'archivo'}")
    if not can_see(user, attachment.owner):
        raise ForbiddenError("no tiene permiso para ver este adjunto")
    return attachment


def can_see(user: Any, record: Owner) -> bool:
    """Whether ``user`` may see ``record`` and so its attachments.

    The hook for the accounts work: a pure function of (user, record). Until roles exist
    every record is visible to whoever can reach the app.
    """
    return True


# -- internals ------------------------------------------------------------------------------

def _checked_sha(sha256: str) -> str:
    if not _SHA256.fullmatch(sha256 or ""):
        raise NotFoundError("adjunto inexistente")
    return sha256


def _write_once(path: Path, data: bytes) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".subiendo-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _text(value: str, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def _own(attachment: Attachment, owner: Owner) -> None:
    if isinstance(owner, Meeting):
        attachment.meeting = owner
    elif isinstance(owner, Inspection):
        attachment.inspection = owner
    elif isinstance(owner, Finding):
        attachment.finding = owner
    else:
        raise TypeError(f"cannot attach to {type(owner).__name__}")


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
    upright.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX), Image.Resampling.LANCZOS)
    keep_png = media_type == _PNG
    out_type = _PNG if keep_png else _JPEG
    stored = _encode(upright, "PNG" if keep_png else "JPEG", icc)
    thumbnails = {}
    for size, side in THUMBNAIL_SIZES.items():
        small = upright.copy()
        small.thumbnail((side, side), Image.Resampling.LANCZOS)
        thumbnails[size] = _encode(small, "JPEG", None)
    return PreparedFile(
        AttachmentKind.PHOTO, out_type, stored, upright.width, upright.height, place, thumbnails
    )


def _encode(image: Image.Image, fmt: str, icc: bytes | None) -> bytes:
    # Saving without exif= (and without pnginfo) drops EXIF, XMP and text chunks.
    buffer = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            flat = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            flat.paste(rgba, mask=rgba.getchannel("A"))
            image = flat
        image.save(buffer, "JPEG", quality=88, **extra)
    else:
        image.save(buffer, "PNG", **extra)
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
