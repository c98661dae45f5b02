"""What the phone keeps to know, without network, where it stands against the limits.

«Captura en campo» downloads these layers when it opens online and answers «¿Dónde estoy?»
from them on every GPS fix. The answer must be the one the server stores for a finding at
that point (:func:`cases.frames.derived.finding_facts`), so the layers are the very ones the
server's index reads (:func:`cases.frames.index.frame_index`): the frame in force, every
claim, the dispute zones with their municipalities and the rivers, cut to the unit's work
area but not simplified. A simplified limit moves by up to its tolerance, and a point that
far from the 50 m line would read «Compartido» on the phone and not on the server; at full
resolution the frame around the work area weighs under 100 KB compressed with INEGI's.

The work area is the box around the unit's own records (as on the Mapa general) with a
margin; every polygon that reaches into it comes whole, so the distance to a limit is never
measured to a cut edge. The layers carry a ``version`` that changes whenever the layers or
the recent findings do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from boundaries.assign import SHARED_DISTANCE_M
from boundaries.crs import MEASURE_CRS, STORAGE_CRS
from boundaries.linref import river_line
from cases.frames.in_force import frame_in_force
from cases.frames.index import RIVER_REACH_M, layers_fingerprint
from cases.frames.stored_layers import claim_layers, official_frame, stored_rivers
from cases.records.queries import records_bounds
from cases.storage.models import DisputeZone, Finding, Inspection, Municipality

__all__ = [
    "WORK_AREA_MARGIN_DEG",
    "FINDING_MONTHS",
    "OfflineLayers",
    "RecentFinding",
    "work_area",
    "offline_layers",
]

#: Degrees around the unit's records that the phone's layers cover (about 3 km, as the
#: Mapa general's area).
WORK_AREA_MARGIN_DEG = 0.03
#: The findings the phone shows: those of the inspections of this many months, counted back
#: from the newest inspection on record.
FINDING_MONTHS = 6


@dataclass(frozen=True)
class RecentFinding:
    """A finding of the last months, as the phone draws it."""

    id: int
    lon: float
    lat: float
    category: object
    date: dt.date
    inspection: str
    municipality: str | None
    shared: bool | None


@dataclass(frozen=True)
class OfflineLayers:
    """The layers of the phone's offline answer, in lon/lat, and what they were made from.

    ``frame`` and each of ``claims`` have ``code`` and ``name``; ``zones`` has ``id``,
    ``name``, ``status`` (the enum) and ``municipalities`` (codes); ``rivers`` has ``name``,
    each a single line from upstream to downstream as the server measures along it.
    """

    version: str
    area: tuple[float, float, float, float] | None
    frame: gpd.GeoDataFrame
    claims: dict[str, gpd.GeoDataFrame]
    zones: gpd.GeoDataFrame
    rivers: gpd.GeoDataFrame
    findings: list[RecentFinding]
    names: dict[str, str]
    frame_name: str | None
    illustrative: bool
    shared_distance_m: float = SHARED_DISTANCE_M
    river_reach_m: float = RIVER_REACH_M


def work_area(session: Session) -> BaseGeometry | None:
    """The unit's work area: the box of its records with :data:`WORK_AREA_MARGIN_DEG`.

    Before any record, the box of the stored rivers; ``None`` when there is neither (the
    phone then keeps no limits rather than the whole state's).
    """
    bounds = records_bounds(session)
    if bounds is None:
        rivers = stored_rivers(session)
        bounds = tuple(rivers.total_bounds) if len(rivers) else None
    if bounds is None:
        return None
    return shapely.box(*bounds).buffer(WORK_AREA_MARGIN_DEG, join_style="mitre")


def _touching(layer: gpd.GeoDataFrame, area: BaseGeometry | None) -> gpd.GeoDataFrame:
    kept = layer.iloc[:0] if area is None else layer[layer.intersects(area)]
    return kept[["code", "name", "geometry"]].reset_index(drop=True)


def _zones(session: Session) -> gpd.GeoDataFrame:
    zones = session.scalars(
        select(DisputeZone).options(selectinload(DisputeZone.municipalities))
        .order_by(DisputeZone.id)
    ).all()
    return gpd.GeoDataFrame(
        {
            "id": [z.id for z in zones],
            "name": [z.name for z in zones],
            "status": [z.status for z in zones],
            "municipalities": [tuple(m.cvegeo for m in z.municipalities) for z in zones],
        },
        geometry=gpd.GeoSeries([z.geometry for z in zones], crs=STORAGE_CRS),
        crs=STORAGE_CRS,
    )


def _rivers(session: Session) -> gpd.GeoDataFrame:
    # Each river as the one line the server measures km along (pieces joined, upstream first).
    stored = stored_rivers(session)
    lines = [
        river_line(gpd.GeoSeries([geometry], crs=STORAGE_CRS)) for geometry in stored.geometry
    ]
    return gpd.GeoDataFrame(
        {"name": list(stored["name"])},
        geometry=gpd.GeoSeries(lines, crs=MEASURE_CRS).to_crs(STORAGE_CRS),
        crs=STORAGE_CRS,
    )


def _recent_findings(session: Session) -> list[RecentFinding]:
    newest = session.scalar(select(func.max(Inspection.started_on)))
    if newest is None:
        return []
    since = newest - dt.timedelta(days=round(FINDING_MONTHS * 30.44))
    rows = session.execute(
        select(Finding.id, Finding.min_x, Finding.min_y, Finding.category,
               Inspection.started_on, Inspection.title, Municipality.name, Finding.shared)
        .join(Inspection, Finding.inspection_id == Inspection.id)
        .outerjoin(Municipality, Finding.official_municipality_id == Municipality.id)
        .where(Inspection.started_on >= since)
        .order_by(Inspection.started_on, Finding.id)
    )
    return [RecentFinding(*row) for row in rows]


def offline_layers(session: Session) -> OfflineLayers:
    """The layers the phone needs to answer «¿Dónde estoy?» offline; only reads.

    An empty frame when no frame is in force (the phone then says so).
    """
    area = work_area(session)
    frame = official_frame(session)
    claims = {name: _touching(layer, area) for name, layer in claim_layers(session).items()}
    names = dict(zip(frame["code"], frame["name"], strict=True))
    for layer in claims.values():
        names.update(zip(layer["code"], layer["name"], strict=True))
    findings = _recent_findings(session)
    in_force = frame_in_force(session)
    digest = hashlib.sha256(layers_fingerprint(session).encode())
    digest.update(repr([(f.id, f.municipality, f.shared) for f in findings]).encode())
    digest.update(repr(area.bounds if area is not None else None).encode())
    return OfflineLayers(
        version=digest.hexdigest()[:16],
        area=area.bounds if area is not None else None,
        frame=_touching(frame, area),
        claims={name: layer for name, layer in claims.items() if len(layer)},
        zones=_zones(session),
        rivers=_rivers(session),
        findings=findings,
        names=names,
        frame_name=in_force.name if in_force is not None else None,
        illustrative=bool(in_force is not None and in_force.illustrative),
    )
