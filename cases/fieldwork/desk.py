"""Field work recorded at the desk: a route's preview before saving, findings with photos.

The inspection and finding forms save through :mod:`cases.records.editing` (audited,
version-checked, derived facts recomputed in the same transaction); this module adds what
only field records need. A route comes from a file read by
:func:`cases.fieldwork.recording.read_route`
(GPX tracks and routes, KML/KMZ, GeoJSON, GeoPackage), optionally filtered of GPS jitter,
or from a line drawn on the map. A finding may be placed by its photo's EXIF GPS. Use cases
take a session and never commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely import Point
from shapely.geometry import MultiLineString
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from boundaries.crs import STORAGE_CRS
from boundaries.tracks import Track
from cases.errors import InvalidInputError
from cases.fieldwork.attachments import AttachmentStore, attach_file
from cases.fieldwork.recording import PhotoUpload, read_route
from cases.fieldwork.uploads import LOCAL_TIMEZONE, MAX_ATTACHMENT_BYTES, PreparedFile, prepare_file
from cases.frames.index import frame_index
from cases.records.editing import create_record, prepare_route, update_record
from cases.storage.models import AttachmentKind, Finding, User

__all__ = [
    "MAX_FILTER_M",
    "RoutePreview",
    "route_from_file",
    "route_from_drawing",
    "route_fields",
    "save_finding",
    "PLACED_BY_PHOTO",
]

log = logging.getLogger(__name__)

# A jitter filter wider than this would erase a walked route, not its noise.
MAX_FILTER_M = 100.0
PLACED_BY_PHOTO = "Ubicado por el GPS de la foto."


@dataclass(frozen=True)
class RoutePreview:
    """A route ready to save, with what a person checks before saving it."""

    geometry: MultiLineString
    points_read: int
    points_kept: int
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    notes: list[str] = field(default_factory=list)


def _filter(min_step_m: float | None) -> float | None:
    if min_step_m is None or min_step_m == 0:
        return None
    if not 0 < min_step_m <= MAX_FILTER_M:
        raise InvalidInputError(
            f"El filtro de ruido debe estar entre 0 y {MAX_FILTER_M:g} m.", field="filtro_m")
    return min_step_m


def _count(number: int) -> str:
    # The app's convention (geo_app.formatting.number): thousands separated by commas.
    return f"{number:,}"


def _points_note(read: int, kept: int, min_step_m: float | None) -> str:
    if min_step_m is None:
        return f"Puntos de la ruta: {_count(read)} (sin filtro de ruido)."
    return (f"Filtro de ruido de {min_step_m:g} m: {_count(read)} puntos leídos, "
            f"{_count(kept)} conservados ({_count(read - kept)} descartados).")


def _day(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(LOCAL_TIMEZONE).date() if moment is not None else None


def _split_note(session: Session, route: MultiLineString) -> str:
    """How ``route`` divides among the municipalities of the frame in force."""
    index = frame_index(session)
    result = index.split(gpd.GeoSeries([route], crs=STORAGE_CRS), with_disputes=False)
    if result is None:
        return "No hay marco de límites en vigor: la ruta se medirá cuando se cargue uno."
    parts = [
        f"{', '.join(index.names.get(p, p) for p in row['parties']) or 'fuera de todo municipio'} "
        f"{row['length_m'] / 1000:.2f} km ({100 * row['share']:.0f} %)"
        for row in result.parts.to_dict("records")
    ]
    return f"Por municipio (marco vigente): {'; '.join(parts)}."


def route_from_file(session: Session, path: str | Path, name: str,
                    min_step_m: float | None = None) -> RoutePreview:
    """The route of an uploaded file, filtered of points closer than ``min_step_m`` metres.

    Its start and end days come from the track's times (in Oaxaca's time zone); the notes
    say how it divides among the municipalities of the frame in force.
    """
    step = _filter(min_step_m)
    track: Track = read_route(path, min_step_m=step)
    geometry = prepare_route(track.geometry)
    notes = [f"«{name}»: {len(geometry.geoms)} tramo(s)."
             if len(geometry.geoms) > 1 else f"«{name}»: un tramo.",
             _points_note(track.points_read, track.points_kept, step)]
    notes.append(_split_note(session, geometry))
    started, ended = _day(track.started_at), _day(track.ended_at)
    if started is not None:
        notes.append("Las fechas del recorrido se tomaron de las horas del archivo.")
    return RoutePreview(geometry, track.points_read, track.points_kept, started, ended, notes)


def route_from_drawing(session: Session, geometry: BaseGeometry) -> RoutePreview:
    """A line drawn on the map as a route (every vertex kept)."""
    route = prepare_route(geometry)
    points = sum(len(part.coords) for part in route.geoms)
    return RoutePreview(route, points, points, notes=[
        f"Ruta dibujada: {points} vértices. Guarde el formulario para conservarla.",
        _split_note(session, route)])


def route_fields(route: BaseGeometry | None, points_read: int | None) -> dict[str, Any]:
    """The inspection fields a form's route sets: the route and its points read and kept.

    The points kept are those of the route; the points read (what the file had before the
    jitter filter, as the preview reported) are never fewer.
    """
    if route is None:
        return {"route": None, "route_points_read": None, "route_points_kept": None}
    route = prepare_route(route)
    kept = sum(len(part.coords) for part in route.geoms)
    return {"route": route, "route_points_read": max(points_read or kept, kept),
            "route_points_kept": kept}


def _photos(photos: Sequence[PhotoUpload], max_bytes: int) -> list[PreparedFile]:
    prepared = []
    for photo in photos:
        name = Path(photo.filename).name or "la foto"
        try:
            ready = prepare_file(photo.data, photo.filename, max_bytes)
        except InvalidInputError as error:
            raise InvalidInputError(error.message, field="photos") from error
        if ready.kind is not AttachmentKind.PHOTO:
            raise InvalidInputError(f"{name}: no es una foto (JPEG, PNG o HEIC).",
                                    field="photos")
        prepared.append(ready)
    return prepared


def save_finding(
    session: Session,
    actor: User | None,
    store: AttachmentStore | None,
    record: Finding | None,
    values: dict[str, Any],
    photos: Sequence[PhotoUpload] = (),
    expected_version: int | None = None,
    max_bytes: int = MAX_ATTACHMENT_BYTES,
) -> tuple[Finding, list[str]]:
    """Create (``record`` None) or update a finding and attach its photos; never commits.

    Without a place in ``values["geometry"]`` the first photo with EXIF GPS places it; a new
    finding with neither is refused. Every photo is checked before anything is written.
    Returns the finding and what the page should tell (how it was placed).
    """
    prepared = _photos(photos, max_bytes)
    if prepared and store is None:
        raise InvalidInputError("Este servidor no tiene dónde guardar fotos.", field="photos")
    notes: list[str] = []
    values = dict(values)
    if values.get("geometry") is None:
        values.pop("geometry", None)
        located = next((p.place for p in prepared if p.place and p.place.has_position), None)
        if located is not None:
            values["geometry"] = Point(located.lon, located.lat)
            notes.append(PLACED_BY_PHOTO)
        elif prepared and record is None:
            names = ", ".join(Path(p.filename).name for p in photos)
            raise InvalidInputError(
                f"{names}: la foto no tiene posición GPS; marque el lugar en el mapa o "
                "escriba la longitud y la latitud.", field="photos")
    if record is None:
        finding = create_record(session, actor, Finding, values)
    else:
        finding = update_record(session, actor, record, values, expected_version)
    if prepared:
        # Each photo is an attachment of its own in the audit log, with its author.
        for photo, ready in zip(photos, prepared, strict=True):
            attach_file(session, store, finding, photo.data, photo.filename, prepared=ready,
                        actor=actor)
        session.flush()
        log.info("finding %s: %d photo(s) attached", finding.id, len(prepared))
    return finding, notes
