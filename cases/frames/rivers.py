"""Rivers as reference lines, imported from a file (``limites import-lines``, Administración).

Every stored :class:`~cases.storage.models.Watercourse` is a river; a finding is located
along the nearest one (:func:`cases.frames.index.nearest_river_positions`), so the Atoyac and
the Salado work side by side. An import reads a layer file in any CRS, stores the line in
lon/lat, replaces the geometry of a river of the same name (audited) and recomputes the
derived facts in the same unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import LineString
from sqlalchemy import select
from sqlalchemy.orm import Session

from boundaries.crs import STORAGE_CRS, to_measure
from boundaries.formats import LAYER_FILES, TRACK_FILES
from boundaries.io import read_layer
from boundaries.trackfiles import read_track
from cases.errors import InvalidInputError, boundary_errors
from cases.frames.derived import refresh_derived
from cases.records.audit import record_change, snapshot
from cases.storage.models import User, Watercourse
from cases.storage.statuses import AuditAction

__all__ = [
    "LINE_KINDS",
    "LINE_FILES",
    "LineImport",
    "river_name",
    "read_line",
    "import_line",
    "RiverSummary",
    "list_rivers",
]

#: The kinds of reference line that can be imported (``--kind``); only rivers for now.
LINE_KINDS = ("rio",)
#: Files a reference line may come from, named for a person.
LINE_FILES = (*LAYER_FILES, *(s for s in TRACK_FILES if s not in LAYER_FILES))
_RIVER_PREFIX = "Río "


@dataclass(frozen=True)
class RiverSummary:
    """A stored river as the administration lists it."""

    id: int
    name: str
    length_km: float
    illustrative: bool


@dataclass(frozen=True)
class LineImport:
    """What an import stored: the river's name, its length and whether it replaced one."""

    name: str
    length_km: float
    replaced: bool


def river_name(name: str) -> str:
    """The stored name of the river called ``name``: «Río» first, spaces tidied.

    Examples
    --------
    >>> river_name(" Atoyac "), river_name("río Salado"), river_name("Río Atoyac")
    ('Río Atoyac', 'Río Salado', 'Río Atoyac')
    """
    name = " ".join(name.split())
    if not name:
        raise InvalidInputError("indique el nombre del río")
    if name.lower().startswith("río ") or name.lower().startswith("rio "):
        name = name[4:].strip()
    return f"{_RIVER_PREFIX}{name}"[:200]


def read_line(path: str | Path, layer: str | None = None, crs: str | None = None) -> LineString:
    """The one continuous line of a layer file (GeoJSON, GPKG, Shapefile, KML/KMZ), in lon/lat.

    Several pieces, or a MultiLineString, are merged; pieces that do not join into one
    line are refused with a Spanish message.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    with boundary_errors():
        if suffix in TRACK_FILES and suffix not in LAYER_FILES:
            lines = [read_track(path).geometry]
        elif suffix in LAYER_FILES:
            frame = read_layer(path, layer=layer, crs=crs)
            lines = list(frame.to_crs(STORAGE_CRS).geometry.dropna())
        else:
            raise InvalidInputError(
                f"{path.name}: formato no reconocido; use GeoJSON, GeoPackage, Shapefile "
                "(.shp o .zip) o KML/KMZ"
            )
    pieces = [g for g in lines if g is not None and not g.is_empty]
    if not pieces:
        raise InvalidInputError(f"{path.name}: el archivo no tiene ninguna línea")
    if any(g.geom_type not in ("LineString", "MultiLineString") for g in pieces):
        raise InvalidInputError(
            f"{path.name}: un río debe ser una línea; el archivo tiene "
            f"{', '.join(sorted({g.geom_type for g in pieces}))}"
        )
    merged = shapely.line_merge(shapely.union_all(pieces)) if len(pieces) > 1 else pieces[0]
    if merged.geom_type == "MultiLineString":
        merged = shapely.line_merge(merged)
    if merged.geom_type != "LineString":
        raise InvalidInputError(
            f"{path.name}: el río debe ser una sola línea continua; sus tramos forman "
            f"{shapely.get_num_geometries(merged)} líneas separadas"
        )
    return merged


def import_line(
    session: Session,
    line: LineString,
    name: str,
    kind: str = "rio",
    actor: User | None = None,
) -> LineImport:
    """Store ``line`` (lon/lat) as the river ``name``, replacing one of the same name."""
    if kind not in LINE_KINDS:
        raise InvalidInputError(
            f"tipo de línea «{kind}» no reconocido; use {', '.join(LINE_KINDS)}"
        )
    stored = river_name(name)
    river = session.scalar(select(Watercourse).where(Watercourse.name == stored))
    before = snapshot(river) if river is not None else None
    if river is None:
        river = Watercourse(name=stored, geometry=line, illustrative=False)
        session.add(river)
    else:
        river.geometry, river.illustrative = line, False
    action = AuditAction.CREATE if before is None else AuditAction.UPDATE
    record_change(session, actor, action, river, before=before, after=snapshot(river))
    session.flush()
    refresh_derived(session)
    with boundary_errors():
        length = to_measure(gpd.GeoSeries([line], crs=STORAGE_CRS)).length.iloc[0]
    return LineImport(stored, float(length) / 1000, before is not None)


def list_rivers(session: Session) -> list[RiverSummary]:
    """Every stored river, by name, with its length."""
    rivers = session.scalars(select(Watercourse).order_by(Watercourse.name)).all()
    if not rivers:
        return []
    with boundary_errors():
        lengths = to_measure(gpd.GeoSeries([r.geometry for r in rivers], crs=STORAGE_CRS)).length
    return [
        RiverSummary(r.id, r.name, float(km) / 1000, r.illustrative)
        for r, km in zip(rivers, lengths, strict=True)
    ]
