"""Map layers of the app's pages as GeoDataFrames: plain data, no HTML, no URLs.

Every layer is an EPSG:4326 GeoDataFrame with an ``id`` column and the columns its map
builder draws; the web layer adds links.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from cases.models import (
    BoundaryVersion,
    DisputeZone,
    Finding,
    Inspection,
    Meeting,
    Site,
    Watercourse,
)
from cases.spatial import bbox_filter, intersecting

__all__ = [
    "MapData",
    "area_of_interest",
    "boundaries_frame",
    "zones_frame",
    "river_frame",
    "routes_frame",
    "findings_frame",
    "sites_frame",
    "empty_map",
    "focus_of",
    "nearby",
    "overview_map",
    "with_meetings",
]

CRS = "EPSG:4326"
# How far around the unit's records the overview map reaches, in degrees (about 3 km).
AREA_MARGIN = 0.03


@dataclass
class MapData:
    """The layers of one map, each an EPSG:4326 GeoDataFrame (possibly empty)."""

    boundaries: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    river: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    findings: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    focus: tuple[float, float, float, float] | None = None
    # Analysis results drawn over the other layers: "overlaps", "gaps", "gained", "lost".
    analysis: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """Return the layers by name, in drawing order."""
        return {
            "boundaries": self.boundaries,
            "zones": self.zones,
            "river": self.river,
            "routes": self.routes,
            "findings": self.findings,
            "sites": self.sites,
        }

    @property
    def bounds(self) -> tuple[float, float, float, float] | None:
        """``(west, south, east, north)`` to fit the map to: the focus or every layer."""
        if self.focus is not None:
            return self.focus
        frames = [f for f in self.layers().values() if len(f) and f.geometry.notna().any()]
        if not frames:
            return None
        boxes = [f.total_bounds for f in frames]
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )


def _frame(rows: list[dict], columns: Sequence[str]) -> gpd.GeoDataFrame:
    if not rows:
        return gpd.GeoDataFrame(
            {c: [] for c in columns}, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def _meeting_refs(meetings: Iterable[Meeting]) -> list[dict]:
    return [
        {"id": m.id, "date": m.date, "title": m.title}
        for m in sorted(meetings, key=lambda m: m.date)
    ]


BOUNDARY_COLUMNS = ("id", "municipality", "cvegeo", "kind", "kind_label", "claimant",
                    "source", "illustrative", "geometry")
ZONE_COLUMNS = ("id", "name", "kind_label", "status", "status_label", "description",
                "illustrative", "meetings", "geometry")
RIVER_COLUMNS = ("id", "name", "illustrative", "geometry")
ROUTE_COLUMNS = ("id", "title", "date", "illustrative", "geometry")
FINDING_COLUMNS = ("id", "category", "category_label", "description", "inspection_id",
                   "inspection", "illustrative", "geometry")
SITE_COLUMNS = ("id", "name", "description", "illustrative", "meetings", "geometry")


def boundaries_frame(versions: Iterable[BoundaryVersion]) -> gpd.GeoDataFrame:
    """Boundary versions as a layer."""
    return _frame(
        [
            {
                "id": v.id,
                "municipality": v.municipality.name,
                "cvegeo": v.municipality.cvegeo,
                "kind": v.kind.value,
                "kind_label": v.kind.label,
                "claimant": v.claimant.name if v.claimant else None,
                "source": v.source,
                "illustrative": v.illustrative,
                "geometry": v.geometry,
            }
            for v in versions
        ],
        BOUNDARY_COLUMNS,
    )


def zones_frame(zones: Iterable[DisputeZone]) -> gpd.GeoDataFrame:
    """Dispute zones as a layer, each with the meetings that dealt with it."""
    return _frame(
        [
            {
                "id": z.id,
                "name": z.name,
                "kind_label": z.kind.label,
                "status": z.status.value,
                "status_label": z.status.label,
                "description": z.description,
                "illustrative": z.illustrative,
                "meetings": _meeting_refs(z.meetings),
                "geometry": z.geometry,
            }
            for z in zones
        ],
        ZONE_COLUMNS,
    )


def river_frame(rivers: Iterable[Watercourse]) -> gpd.GeoDataFrame:
    """Watercourses as a layer."""
    return _frame(
        [{"id": r.id, "name": r.name, "illustrative": r.illustrative, "geometry": r.geometry}
         for r in rivers],
        RIVER_COLUMNS,
    )


def routes_frame(inspections: Iterable[Inspection]) -> gpd.GeoDataFrame:
    """Inspection routes as a layer (inspections without a route are left out)."""
    return _frame(
        [
            {"id": i.id, "title": i.title, "date": i.started_on,
             "illustrative": i.illustrative, "geometry": i.route}
            for i in inspections
            if i.route is not None
        ],
        ROUTE_COLUMNS,
    )


def findings_frame(findings: Iterable[Finding]) -> gpd.GeoDataFrame:
    """Findings as a point layer."""
    return _frame(
        [
            {
                "id": f.id,
                "category": f.category.value,
                "category_label": f.category.label,
                "description": f.description,
                "inspection_id": f.inspection_id,
                "inspection": f.inspection.title,
                "illustrative": f.illustrative,
                "geometry": f.geometry,
            }
            for f in findings
        ],
        FINDING_COLUMNS,
    )


def sites_frame(sites: Iterable[Site]) -> gpd.GeoDataFrame:
    """Sites as a point layer, each with the meetings held there or about it."""
    return _frame(
        [
            {
                "id": s.id,
                "name": s.name,
                "description": s.description,
                "illustrative": s.illustrative,
                "meetings": _meeting_refs(s.meetings),
                "geometry": s.geometry,
            }
            for s in sites
        ],
        SITE_COLUMNS,
    )


def with_meetings(model):
    """Select ``model`` with its meetings loaded."""
    return select(model).options(selectinload(model.meetings))


def area_of_interest(session: Session) -> tuple[float, float, float, float] | None:
    """The bounding box of the unit's own records, widened by :data:`AREA_MARGIN`."""
    boxes = []
    for model in (DisputeZone, Inspection, Site, Finding):
        row = session.execute(
            select(func.min(model.min_x), func.min(model.min_y),
                   func.max(model.max_x), func.max(model.max_y))
        ).one()
        if row[0] is not None:
            boxes.append(row)
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes) - AREA_MARGIN,
        min(b[1] for b in boxes) - AREA_MARGIN,
        max(b[2] for b in boxes) + AREA_MARGIN,
        max(b[3] for b in boxes) + AREA_MARGIN,
    )


def overview_map(session: Session) -> MapData:
    """Every layer around the unit's records (boundaries limited to that area)."""
    area = area_of_interest(session)
    versions = select(BoundaryVersion).options(
        selectinload(BoundaryVersion.municipality), selectinload(BoundaryVersion.claimant)
    )
    if area is not None:
        versions = bbox_filter(versions, BoundaryVersion, shapely.box(*area))
    return MapData(
        boundaries=boundaries_frame(session.scalars(versions.order_by(BoundaryVersion.id))),
        zones=zones_frame(session.scalars(with_meetings(DisputeZone).order_by(DisputeZone.id))),
        river=river_frame(session.scalars(select(Watercourse).order_by(Watercourse.id))),
        routes=routes_frame(session.scalars(select(Inspection).order_by(Inspection.id))),
        findings=findings_frame(
            session.scalars(
                select(Finding).options(selectinload(Finding.inspection)).order_by(Finding.id)
            )
        ),
        sites=sites_frame(session.scalars(with_meetings(Site).order_by(Site.id))),
    )


def empty_map(focus=None, analysis=None, **layers: gpd.GeoDataFrame) -> MapData:
    """A map whose layers not given are empty."""
    empty = {
        "boundaries": boundaries_frame([]),
        "zones": zones_frame([]),
        "river": river_frame([]),
        "routes": routes_frame([]),
        "findings": findings_frame([]),
        "sites": sites_frame([]),
    }
    empty.update(layers)
    return MapData(**empty, focus=focus, analysis=analysis or {})


def nearby(session: Session, model, geometry, margin: float = 0.01):
    """Rows of ``model`` within ``margin`` degrees (about 1 km) of ``geometry``'s bounds."""
    if geometry is None:
        return []
    return intersecting(session, model, shapely.box(*geometry.bounds).buffer(margin))


def focus_of(*geometries, pad: float = 0.002) -> tuple[float, float, float, float] | None:
    """Bounds of ``geometries`` padded by ``pad`` degrees (about 200 m).

    The padding lets a lone point still show its surroundings.
    """
    shapes = [g for g in geometries if g is not None and not g.is_empty]
    if not shapes:
        return None
    west, south, east, north = shapely.GeometryCollection(shapes).bounds
    return (west - pad, south - pad, east + pad, north + pad)
