"""The map of a PDF ficha (a zone or a case), drawn on the server.

Limits (styled by kind), the zones (by status), routes, numbered findings and sites, with a
scale bar, a north arrow, a legend and a frame of longitude/latitude coordinates.
"""

from __future__ import annotations

import matplotlib
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from cases.sharing.tables import ExportData
from cases.storage.statuses import BoundaryKind, FindingCategory, ZoneStatus
from geo_app.figures import drawing
from geo_app.maps import styles
from geo_app.theme import ZONE_STATUS_COLOURS, Print

__all__ = ["ficha_map_png", "map_extent"]

_FICHA_RC = {**drawing.RC, "font.size": 8}
# Margin around the records, in degrees (about 500 m).
PAD = 0.005
_KIND_BY_LABEL = {k.label: k for k in BoundaryKind}
_STATUS_BY_LABEL = {s.label: s for s in ZoneStatus}
_CATEGORY_BY_LABEL = {c.label: c for c in FindingCategory}


def map_extent(data: ExportData) -> tuple[float, float, float, float] | None:
    """``(west, south, east, north)`` of the zones, routes, findings and sites, padded.

    The limits are drawn only where they cross this extent (a state-wide frame would make
                                                            the records invisible).
    """
    boxes = []
    for name in ("zonas", "recorridos", "hallazgos", "sedes"):
        layer = data.layers.get(name)
        if layer is not None and len(layer.frame):
            boxes.append(layer.frame.total_bounds)
    if not boxes:
        layer = data.layers.get("limites")
        if layer is None or not len(layer.frame):
            return None
        boxes.append(layer.frame.total_bounds)
    west = min(b[0] for b in boxes) - PAD
    south = min(b[1] for b in boxes) - PAD
    east = max(b[2] for b in boxes) + PAD
    north = max(b[3] for b in boxes) + PAD
    return west, south, east, north


def _degrees(value: float, positive: str, negative: str) -> str:
    hemisphere = positive if value >= 0 else negative
    return f"{abs(value):.3f}° {hemisphere}"


def _draw(ax, data: ExportData, extent) -> list:
    handles: list = []
    seen_kinds: set = set()
    limits = data.layers.get("limites")
    if limits is not None:
        for tipo, geometry in zip(limits.frame["tipo"], limits.frame.geometry, strict=True):
            kind = _KIND_BY_LABEL.get(tipo, BoundaryKind.OFFICIAL)
            style = styles.BOUNDARY_STYLES[kind]
            drawing.plot_lines(ax, geometry, color=style.colour, linewidth=style.weight / 2,
                               linestyle=drawing.dashes(style.dash), zorder=2)
            seen_kinds.add(kind)
    for kind in BoundaryKind:
        if kind in seen_kinds:
            style = styles.BOUNDARY_STYLES[kind]
            handles.append(Line2D([], [], color=style.colour, linewidth=style.weight / 2,
                                  linestyle=drawing.dashes(style.dash), label=kind.label))
    zones = data.layers.get("zonas")
    statuses = set()
    if zones is not None:
        for estado, geometry in zip(zones.frame["estado"], zones.frame.geometry, strict=True):
            status = _STATUS_BY_LABEL.get(estado, ZoneStatus.IDENTIFIED)
            drawing.fill_polygons(ax, geometry, ZONE_STATUS_COLOURS[status], 0.35, 1.2, zorder=3)
            statuses.add(status)
    for status in ZoneStatus:
        if status in statuses:
            colour = ZONE_STATUS_COLOURS[status]
            handles.append(Patch(facecolor=colour, alpha=0.5, edgecolor=colour,
                                 label=f"{styles.LayerNames.ZONES}: {status.label}"))
    routes = data.layers.get("recorridos")
    if routes is not None and len(routes.frame):
        for geometry in routes.frame.geometry:
            drawing.plot_lines(ax, geometry, color=styles.ROUTE_STYLE.colour, linewidth=1.6,
                               linestyle=drawing.dashes(styles.ROUTE_STYLE.dash), zorder=4)
        handles.append(Line2D([], [], color=styles.ROUTE_STYLE.colour, linewidth=1.6,
                              linestyle=drawing.dashes(styles.ROUTE_STYLE.dash),
                              label=styles.LayerNames.ROUTES))
    findings = data.layers.get("hallazgos")
    categories = set()
    if findings is not None:
        for number, (categoria, point) in enumerate(
            zip(findings.frame["categoria"], findings.frame.geometry, strict=True), start=1
        ):
            category = _CATEGORY_BY_LABEL.get(categoria, FindingCategory.OTHER)
            ax.scatter([point.x], [point.y], s=60, color=styles.FINDING_MARKERS[category].swatch,
                       edgecolors="white", linewidths=0.8, zorder=6)
            ax.annotate(str(number), (point.x, point.y), xytext=(4, 4),
                        textcoords="offset points", fontsize=7, fontweight="bold", zorder=7)
            categories.add(category)
    for category in FindingCategory:
        if category in categories:
            handles.append(Line2D([], [], marker="o", linestyle="none", markersize=6,
                                  color=styles.FINDING_MARKERS[category].swatch,
                                  label=f"Hallazgo: {category.label}"))
    sites = data.layers.get("sedes")
    if sites is not None and len(sites.frame):
        ax.scatter(sites.frame.geometry.x, sites.frame.geometry.y, marker="^", s=55,
                   color=styles.SITE_MARKER.swatch, edgecolors="white", linewidths=0.8, zorder=5)
        handles.append(Line2D([], [], marker="^", linestyle="none", markersize=6,
                              color=styles.SITE_MARKER.swatch, label=styles.LayerNames.SITES))
    return handles


def ficha_map_png(data: ExportData, dpi: int = 170) -> bytes | None:
    """The ficha's map as PNG bytes, or ``None`` when the export has nothing to draw."""
    extent = map_extent(data)
    if extent is None:
        return None
    west, south, east, north = extent
    with matplotlib.rc_context(_FICHA_RC):
        figure = Figure(figsize=(7.0, 5.6), layout="constrained")
        ax = figure.add_subplot()
        handles = _draw(ax, data, extent)
        ax.set_xlim(west, east)
        ax.set_ylim(south, north)
        # Equal metres along both axes at this latitude.
        ax.set_aspect(drawing.true_aspect(south, north))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _degrees(v, "E", "O")))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _degrees(v, "N", "S")))
        ax.tick_params(labelsize=6)
        ax.grid(color=Print.MAP_FRAME, linewidth=0.3, linestyle=":")
        drawing.draw_scale_bar(ax, extent)
        drawing.draw_north_arrow(ax)
        if data.illustrative:
            ax.text(0.5, 0.98, styles.ILLUSTRATIVE_NOTICE, transform=ax.transAxes, ha="center",
                    va="top", fontsize=8, fontweight="bold", color=Print.NOTICE_TEXT,
                    bbox={"facecolor": Print.NOTICE_BG, "edgecolor": Print.NOTICE_BORDER},
                    zorder=10)
        if handles:
            figure.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=6.5,
                          frameon=False)
        ax.set_xlabel("Longitud (EPSG:4326)", fontsize=7)
        ax.set_ylabel("Latitud", fontsize=7)
        return drawing.save(figure, "png", dpi)
