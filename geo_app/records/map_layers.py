"""Map layers of the pages, built from records: GeoDataFrames with labels and links.

Every layer is a :data:`~boundaries.crs.STORAGE_CRS` GeoDataFrame with the columns its
builder in :mod:`geo_app.maps.layers` draws (``*_COLUMNS`` there); the links to record pages
are added here, in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import shapely
from flask import url_for

from boundaries.crs import STORAGE_CRS
from cases.records.queries import FindingPoint
from cases.storage.models import (
    AttachmentKind,
    BoundaryVersion,
    DisputeZone,
    Finding,
    Inspection,
    Meeting,
    Site,
    Watercourse,
)
from geo_app.formatting import day_list, long_date
from geo_app.maps.layers import (
    BOUNDARY_COLUMNS,
    FINDING_COLUMNS,
    RIVER_COLUMNS,
    ROUTE_COLUMNS,
    SITE_COLUMNS,
    ZONE_COLUMNS,
)

__all__ = [
    "MapData",
    "ViewportSource",
    "viewport_source",
    "boundaries_frame",
    "zones_frame",
    "river_frame",
    "routes_frame",
    "findings_frame",
    "sites_frame",
    "record_map",
    "focus_of",
    "around",
    "ROUTE_TOLERANCE_M",
]

# How far around a record's bounds its map reaches (degrees; 0.002° is about 200 m), so a
# lone point still shows its surroundings.
FOCUS_PAD = 0.002
# How far around a record the limits drawn on its map reach (about 1 km).
NEARBY_MARGIN = 0.01
# Display tolerance of inspection routes, in metres: a phone's GPS wanders about 5 m, so a
# 20,000-point track keeps its shape with a few thousand vertices.
ROUTE_TOLERANCE_M = 3.0


@dataclass(frozen=True)
class ViewportSource:
    """Where a map loads its findings and routes by view: tile address and script."""

    tiles: str
    script: str


def viewport_source(**record: int) -> ViewportSource:
    """The tiles of every finding and route, or of one record's (``zona=3``, ``expediente=2``).

    The address is the contract's, ``/mapa/teselas/{z}/{x}/{y}.json``, under the overview.
    """
    query = "".join(f"{'&' if i else '?'}{name}={int(value)}"
                    for i, (name, value) in enumerate(record.items()))
    return ViewportSource(
        tiles=url_for("overview.index") + "teselas/{z}/{x}/{y}.json" + query,
        script=url_for("static", filename="viewport_layers.js"),
    )


@dataclass
class MapData:
    """The layers of one map, each a GeoDataFrame in EPSG:4326 (possibly empty)."""

    boundaries: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    river: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    findings: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    focus: tuple[float, float, float, float] | None = None
    # Analysis results drawn over the other layers: "overlaps", "gaps", "gained", "lost".
    analysis: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    # Display tolerance of the routes, in metres (see geo_app.maps.display.for_display).
    route_tolerance_m: float = ROUTE_TOLERANCE_M
    # Findings and routes loaded by view from these tiles instead of ``findings``/``routes``.
    viewport: ViewportSource | None = None

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
            {c: [] for c in ("id", *columns)},
            geometry=gpd.GeoSeries([], crs=STORAGE_CRS),
            crs=STORAGE_CRS,
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS)


def _meeting_links(meetings: Iterable[Meeting]) -> list[dict]:
    return [
        {
            "label": f"{long_date(m.date)} — {m.title}",
            "url": url_for("meetings.detail", meeting_id=m.id),
        }
        for m in sorted(meetings, key=lambda m: m.date)
    ]


def boundaries_frame(versions: Iterable[BoundaryVersion]) -> gpd.GeoDataFrame:
    """Boundary versions as a layer."""
    return _frame(
        [
            {
                "id": v.id,
                "municipality": v.municipality.name,
                "cvegeo": v.municipality.cvegeo,
                "kind": v.kind.value,
                "kind_label": v.frame.name if v.frame else v.kind.label,
                # official versions of the frame in force, and of other frames (drawn hidden)
                "in_force": v.frame is not None and v.frame.active,
                "other_frame": v.frame is not None and not v.frame.active,
                "claimant": v.claimant.name if v.claimant else None,
                "source": v.source,
                "illustrative": v.illustrative,
                "url": None,
                "geometry": v.geometry,
            }
            for v in versions
        ],
        BOUNDARY_COLUMNS,
    )


def zones_frame(zones: Iterable[DisputeZone]) -> gpd.GeoDataFrame:
    """Dispute zones as a layer, each with links to the meetings that dealt with it."""
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
                "url": url_for("zones.detail", zone_id=z.id),
                "meetings": _meeting_links(z.meetings),
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
            {
                "id": i.id,
                "title": i.title,
                "date_label": day_list(i.days),
                "illustrative": i.illustrative,
                "url": url_for("inspections.detail", inspection_id=i.id),
                "geometry": i.route,
            }
            for i in inspections
            if i.route is not None
        ],
        ROUTE_COLUMNS,
    )


def findings_frame(findings: Iterable[Finding | FindingPoint]) -> gpd.GeoDataFrame:
    """Findings as a point layer, each linking to its place on the inspection's page.

    Takes finding records or the lighter :class:`~cases.records.queries.FindingPoint` rows.
    """
    pages: dict[int, str] = {}
    photo_url = _thumbnail_url()
    rows = []
    # Points of FindingPoint rows are made at once, after the loop (a year holds thousands).
    lonlat: list[tuple[int, float, float]] = []
    for f in findings:
        if isinstance(f, Finding):
            title, photo, geometry = f.inspection.title, _photo_id(f), f.geometry
        else:
            title, photo, geometry = f.inspection_title, f.photo_id, None
            lonlat.append((len(rows), f.lon, f.lat))
        if f.inspection_id not in pages:
            pages[f.inspection_id] = url_for("inspections.detail", inspection_id=f.inspection_id)
        rows.append({
            "id": f.id,
            "category": f.category.value,
            "category_label": f.category.label,
            "description": f.description,
            "inspection": title,
            "illustrative": f.illustrative,
            "url": f"{pages[f.inspection_id]}#hallazgo-{f.id}",
            "photo": photo_url(photo) if photo is not None else None,
            "geometry": geometry,
        })
    if lonlat:
        index, lon, lat = zip(*lonlat, strict=True)
        for i, point in zip(index, shapely.points(lon, lat), strict=True):
            rows[i]["geometry"] = point
    return _frame(rows, FINDING_COLUMNS)


def _photo_id(finding: Finding) -> int | None:
    photo = next((a for a in finding.attachments if a.kind is AttachmentKind.PHOTO), None)
    return None if photo is None else photo.id


def _thumbnail_url():
    """``id -> URL`` of a photo's popup thumbnail, with one ``url_for`` for thousands of ids."""
    marker = 987654321
    template = url_for("attachments.thumbnail", attachment_id=marker, size="popup")
    head, tail = template.split(str(marker))
    return lambda attachment_id: f"{head}{attachment_id}{tail}"


def sites_frame(sites: Iterable[Site]) -> gpd.GeoDataFrame:
    """Sites as a point layer, each with links to the meetings held there or about it."""
    return _frame(
        [
            {
                "id": s.id,
                "name": s.name,
                "description": s.description,
                "illustrative": s.illustrative,
                "url": url_for("sites.detail", site_id=s.id),
                "meetings": _meeting_links(s.meetings),
                "geometry": s.geometry,
            }
            for s in sites
        ],
        SITE_COLUMNS,
    )


def record_map(
    focus=None,
    analysis: dict[str, gpd.GeoDataFrame] | None = None,
    *,
    versions: Iterable[BoundaryVersion] = (),
    zones: Iterable[DisputeZone] = (),
    rivers: Iterable[Watercourse] = (),
    inspections: Iterable[Inspection] = (),
    findings: Iterable[Finding] = (),
    sites: Iterable[Site] = (),
    viewport: ViewportSource | None = None,
) -> MapData:
    """A map of the given records; layers with no record are empty.

    With ``viewport``, findings and routes come by view from its tiles (give none here).
    """
    return MapData(
        boundaries=boundaries_frame(versions),
        zones=zones_frame(zones),
        river=river_frame(rivers),
        routes=routes_frame(inspections),
        findings=findings_frame(findings),
        sites=sites_frame(sites),
        focus=focus,
        analysis=analysis or {},
        viewport=viewport,
    )


def focus_of(*geometries, pad: float = FOCUS_PAD) -> tuple[float, float, float, float] | None:
    """Bounds of ``geometries`` padded by ``pad`` degrees, or ``None`` when there are none."""
    shapes = [g for g in geometries if g is not None and not g.is_empty]
    if not shapes:
        return None
    west, south, east, north = shapely.GeometryCollection(shapes).bounds
    return (west - pad, south - pad, east + pad, north + pad)


def around(geometry, margin: float = NEARBY_MARGIN):
    """The box ``margin`` degrees around ``geometry``'s bounds (``None`` for no geometry)."""
    if geometry is None or geometry.is_empty:
        return None
    return shapely.box(*geometry.bounds).buffer(margin)
