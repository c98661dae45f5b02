"""Field work recorded from files, the command line and the phone: inspections and findings.

Use cases take a session and never commit; the caller wraps them in
:func:`cases.storage.db.unit_of_work`. Derived facts (route length by municipality and dispute zone,
each finding's responsible municipality and its km along the Atoyac) come from
:mod:`cases.frames.derived` in the same transaction, computed before the record is added (or
earlier, by the caller, and passed in), so a record is never stored without them and the
write holds no geometry work. Every input is checked before the first write, so bad input
writes nothing.

Participants are names (strings) stored on the inspection until people become records of
their own.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from shapely import Point
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from boundaries.trackfiles import read_track
from boundaries.tracks import Track, require_in_measure_area
from cases.errors import ConflictError, InvalidInputError, NotFoundError, boundary_errors
from cases.fieldwork.attachments import AttachmentStore, attach_file
from cases.fieldwork.uploads import (
    LOCAL_TIMEZONE,
    MAX_ATTACHMENT_BYTES,
    PreparedFile,
    prepare_file,
)
from cases.frames.derived import FindingFacts, RouteFacts, add_finding, route_facts, set_route
from cases.records.audit import record_change, snapshot
from cases.records.text import clean_text
from cases.storage.models import (
    AuditAction,
    Case,
    DisputeZone,
    Finding,
    FindingCategory,
    Inspection,
    Institution,
    User,
)

__all__ = [
    "PhotoUpload",
    "read_route",
    "parse_date",
    "parse_coordinate",
    "parse_category",
    "add_inspection",
    "add_field_finding",
]

log = logging.getLogger(__name__)

TITLE_MAX = 300
NAME_MAX = 200


@dataclass(frozen=True)
class PhotoUpload:
    """A photo sent with a finding: its bytes and the name it came with."""

    data: bytes
    filename: str
    client_uuid: str | None = None


def read_route(
    path: str | Path,
    *,
    layer: str | None = None,
    crs: str | None = None,
    min_step_m: float | None = None,
) -> Track:
    """Read a route file (GPX, KML, KMZ, GeoJSON, GeoPackage) as a :class:`Track`.

    Its problems become :class:`~cases.errors.InvalidInputError` with a Spanish message.
    """
    with boundary_errors():
        return read_track(path, layer=layer, crs=crs, min_step_m=min_step_m)


def parse_date(text: str, what: str = "la fecha") -> dt.date:
    """A date written YYYY-MM-DD, or a Spanish error.

    Examples
    --------
    >>> parse_date("2025-05-15")
    datetime.date(2025, 5, 15)
    >>> parse_date("15/05/2025")
    Traceback (most recent call last):
    ...
    cases.errors.InvalidInputError: la fecha «15/05/2025» no es válida; escríbala como AAAA-MM-DD
    """
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError as exc:
        raise InvalidInputError(
            f"{what} «{text}» no es válida; escríbala como AAAA-MM-DD"
        ) from exc


def parse_coordinate(value: str | float | None, what: str, limit: float) -> float:
    """A finite number within ±``limit`` (degrees), or a Spanish error.

    Examples
    --------
    >>> parse_coordinate("-96.72", "la longitud", 180)
    -96.72
    >>> parse_coordinate("nan", "la latitud", 90)
    Traceback (most recent call last):
    ...
    cases.errors.InvalidInputError: la latitud «nan» no es un número de grados entre -90 y 90
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or abs(number) > limit:
        raise InvalidInputError(
            f"{what} «{value}» no es un número de grados entre -{limit:g} y {limit:g}"
        )
    return number


def parse_category(text: str) -> FindingCategory:
    """A finding category by its stored value or its label, or a Spanish error.

    Examples
    --------
    >>> parse_category("Residuos sólidos").value
    'residuos_solidos'
    """
    wanted = (text or "").strip().casefold()
    for category in FindingCategory:
        if wanted in (category.value, category.label.casefold()):
            return category
    choices = ", ".join(f"{c.value} ({c.label})" for c in FindingCategory)
    raise InvalidInputError(f"categoría desconocida «{text}»; use una de: {choices}")


def add_inspection(
    session: Session,
    *,
    title: str,
    started_on: dt.date,
    track: Track | None,
    participants: Sequence[str] = (),
    institutions: Sequence[str] = (),
    zone: str | None = None,
    case: str | None = None,
    summary: str = "",
    client_uuid: str | None = None,
    actor: User | None = None,
    facts: RouteFacts | None = None,
) -> Inspection:
    """Record an inspection with its route; the route split is computed in this transaction.

    ``facts`` are the track's split computed earlier by the caller
    (:func:`cases.frames.derived.route_facts`); otherwise it is computed before the first write.

    ``institutions`` are names or short names of the catalogue, ``zone`` a dispute zone's
    name, ``case`` a case number. The end date comes from the track's last time (in
    Oaxaca's time zone) when it has times. The creation is audited by ``actor`` (``None``
    is the command line). Never commits.

    Raises
    ------
    InvalidInputError
        Empty or too long text, a route outside Mexico, an unknown institution, zone or
        case.
    ConflictError
        An inspection with this title on this date already exists.
    """
    title = clean_text(title, "el título", TITLE_MAX, required=True)
    names = [clean_text(p, "el nombre de un participante", NAME_MAX, required=True)
             for p in participants]
    summary = clean_text(summary, "el resumen", 5000)
    if track is not None:
        with boundary_errors():
            require_in_measure_area(track.geometry, "la ruta")
    linked = [_institution(session, name) for name in institutions]
    zone_record = _by_name(session, DisputeZone.name, zone, "no existe la zona en disputa")
    case_record = _by_name(session, Case.number, case, "no existe el expediente")
    duplicate = session.scalar(
        select(Inspection.id).where(Inspection.started_on == started_on, Inspection.title == title)
    )
    if duplicate is not None:
        raise ConflictError(
            f"ya existe el recorrido «{title}» del {started_on:%d/%m/%Y} (id {duplicate})"
        )
    ended_on = None
    if track is not None and track.ended_at is not None:
        ended_on = track.ended_at.astimezone(LOCAL_TIMEZONE).date()
        if ended_on < started_on:
            raise InvalidInputError(
                f"la ruta termina el {ended_on:%d/%m/%Y}, antes de la fecha del recorrido "
                f"({started_on:%d/%m/%Y})"
            )
    if facts is None:
        facts = route_facts(session, track.geometry if track else None)
    inspection = Inspection(
        title=title,
        started_on=started_on,
        ended_on=ended_on if ended_on and ended_on != started_on else None,
        summary=summary,
        participants=names,
        institutions=linked,
        zones=[zone_record] if zone_record is not None else [],
        cases=[case_record] if case_record is not None else [],
        client_uuid=client_uuid,
        route_points_read=track.points_read if track else None,
        route_points_kept=track.points_kept if track else None,
    )
    session.add(inspection)
    set_route(session, inspection, track.geometry if track else None, facts)
    session.flush()
    record_change(session, actor, AuditAction.CREATE, inspection, after=snapshot(inspection))
    log.info("inspection %s recorded (%s m)", inspection.id, inspection.route_length_m)
    return inspection


def add_field_finding(
    session: Session,
    store: AttachmentStore | None,
    inspection_id: int,
    category: FindingCategory | str,
    *,
    lon: float | str | None = None,
    lat: float | str | None = None,
    photo: PhotoUpload | None = None,
    note: str = "",
    client_uuid: str | None = None,
    max_bytes: int = MAX_ATTACHMENT_BYTES,
    actor: User | None = None,
    facts: FindingFacts | None = None,
) -> Finding:
    """Record a finding at ``lon``/``lat``, or where its photo's EXIF GPS places it.

    ``facts`` are the point's derived fields computed earlier by the caller
    (:func:`cases.frames.derived.finding_facts`). Explicit coordinates win over the photo's. The
    photo is checked and re-encoded before anything is written, and attached to the finding.
    The finding and its photo are audited by ``actor`` (``None`` is the command line). Never
    commits.

    Raises
    ------
    NotFoundError
        No inspection ``inspection_id``.
    InvalidInputError
        Unknown category, coordinates missing, incomplete or outside Mexico, a photo
        without GPS and no coordinates, a photo that is not one.
    """
    if not isinstance(category, FindingCategory):
        category = parse_category(category)
    inspection = session.get(Inspection, inspection_id)
    if inspection is None:
        raise NotFoundError(f"no existe el recorrido {inspection_id}")
    note = clean_text(note, "la nota", 5000)
    prepared: PreparedFile | None = None
    if photo is not None:
        if store is None:
            raise InvalidInputError("este servidor no tiene dónde guardar fotos")
        prepared = prepare_file(photo.data, photo.filename, max_bytes)
        if prepared.place is None:
            raise InvalidInputError(f"{Path(photo.filename).name}: no es una foto")
    point = _finding_point(lon, lat, prepared, photo)
    with boundary_errors():
        require_in_measure_area(point, "el hallazgo")
    finding = add_finding(session, inspection, category, point, note, facts=facts)
    finding.client_uuid = client_uuid
    session.flush()
    record_change(session, actor, AuditAction.CREATE, finding, after=snapshot(finding))
    if photo is not None and store is not None:
        attach_file(session, store, finding, photo.data, photo.filename, prepared=prepared,
                    client_uuid=photo.client_uuid, actor=actor)
    session.flush()
    return finding


def _finding_point(
    lon: float | str | None, lat: float | str | None, prepared: PreparedFile | None,
    photo: PhotoUpload | None,
) -> Point:
    if (lon is None) != (lat is None):
        raise InvalidInputError("indique la longitud y la latitud juntas")
    if lon is not None and lat is not None:
        return Point(parse_coordinate(lon, "la longitud", 180),
                     parse_coordinate(lat, "la latitud", 90))
    if prepared is not None and prepared.place is not None and prepared.place.has_position:
        return Point(prepared.place.lon, prepared.place.lat)
    if photo is not None:
        raise InvalidInputError(
            f"{Path(photo.filename).name}: la foto no tiene posición GPS; indique la longitud "
            "y la latitud del hallazgo"
        )
    raise InvalidInputError("un hallazgo necesita su lugar: longitud y latitud, o una foto con GPS")


def _institution(session: Session, name: str) -> Institution:
    text = clean_text(name, "el nombre de una institución", 300, required=True)
    found = session.scalars(
        select(Institution).where(
            or_(func.lower(Institution.name) == text.lower(),
                func.lower(Institution.short_name) == text.lower())
        )
    ).all()
    if len(found) == 1:
        return found[0]
    known = session.scalars(select(Institution.short_name).order_by(Institution.short_name))
    raise InvalidInputError(
        f"institución desconocida «{text}»"
        + ("" if not found else " (el nombre corto es ambiguo)")
        + f"; las del catálogo son: {', '.join(known) or '(ninguna)'}"
    )


def _by_name(session: Session, column, value: str | None, missing: str):
    """The record whose unique ``column`` equals ``value`` (None when no value is given)."""
    if value is None or not value.strip():
        return None
    record = session.scalar(select(column.class_).where(column == value.strip()))
    if record is None:
        raise InvalidInputError(f"{missing} «{value.strip()}»")
    return record
