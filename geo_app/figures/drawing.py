"""What every server-drawn figure shares: geometry to lines, scale bar, north arrow, saving.

The axes keep true shapes by stretching latitude with :func:`true_aspect`.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Iterator, Sequence

from matplotlib.figure import Figure
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

__all__ = [
    "RC",
    "dashes",
    "data_uri",
    "draw_north_arrow",
    "draw_scale_bar",
    "fill_polygons",
    "lines",
    "plot_lines",
    "polygons",
    "save",
    "scale_bar_length",
    "true_aspect",
]

# Deterministic SVG ids; text kept as text (selectable, small); names with "$" stay plain
# text instead of being parsed as mathtext.
RC = {
    "svg.hashsalt": "limites",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "text.parse_math": False,
}
METRES_PER_DEGREE = 111_320.0

Extent = tuple[float, float, float, float]


def lines(geometry: BaseGeometry) -> Iterator[Sequence[tuple[float, ...]]]:
    """Every line of a (multi)line, or the rings of a (multi)polygon, as coordinate lists.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> [len(c) for c in lines(box(0, 0, 1, 1))]
    [5]
    """
    kind = geometry.geom_type
    if kind == "Polygon":
        yield geometry.exterior.coords
        for ring in geometry.interiors:
            yield ring.coords
    elif kind in ("LineString", "LinearRing"):
        yield geometry.coords
    elif hasattr(geometry, "geoms"):
        for part in geometry.geoms:
            yield from lines(part)


def polygons(geometry: BaseGeometry) -> Iterator[Polygon]:
    """The polygons of a polygon, multipolygon or collection (other parts are skipped)."""
    if geometry.geom_type == "Polygon":
        yield geometry
    elif hasattr(geometry, "geoms"):
        for part in geometry.geoms:
            yield from polygons(part)


def dashes(dash: str | None):
    """A Leaflet ``dashArray`` such as ``"6 4"`` as a matplotlib line style.

    Examples
    --------
    >>> dashes(None), dashes("6 4")
    ('solid', (0, (3.0, 2.0)))
    """
    if not dash:
        return "solid"
    return (0, tuple(float(x) / 2 for x in dash.split()))


def true_aspect(south: float, north: float) -> float:
    """The axes aspect that gives equal metres along both axes at these latitudes."""
    return 1 / math.cos(math.radians((south + north) / 2))


def scale_bar_length(width_m: float) -> float:
    """A round length of about a fifth of ``width_m`` metres, for the scale bar.

    Examples
    --------
    >>> scale_bar_length(4_300), scale_bar_length(900)
    (500, 100)
    """
    target = width_m / 5
    magnitude = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * magnitude <= target:
            return step * magnitude
    return magnitude


def draw_scale_bar(axes, extent: Extent, fontsize: float = 7) -> None:
    """A black bar of a round length in the lower left corner, labelled in m or km."""
    west, south, east, north = extent
    metres_per_degree = METRES_PER_DEGREE * math.cos(math.radians((south + north) / 2))
    length_m = scale_bar_length((east - west) * metres_per_degree)
    length_deg = length_m / metres_per_degree
    x0 = west + (east - west) * 0.05
    y0 = south + (north - south) * 0.05
    axes.plot([x0, x0 + length_deg], [y0, y0], color="black", linewidth=3, zorder=8,
              solid_capstyle="butt")
    label = f"{length_m / 1000:g} km" if length_m >= 1000 else f"{length_m:g} m"
    axes.text(x0 + length_deg / 2, y0 + (north - south) * 0.015, label, ha="center",
              va="bottom", fontsize=fontsize, zorder=8)


def draw_north_arrow(axes, fontsize: float = 10) -> None:
    """An arrow with an "N" in the upper right corner."""
    axes.annotate("N", xy=(0.95, 0.95), xytext=(0.95, 0.84), xycoords="axes fraction",
                  ha="center", va="center", fontsize=fontsize, fontweight="bold",
                  arrowprops={"facecolor": "black", "width": fontsize * 0.3,
                              "headwidth": fontsize * 0.9},
                  zorder=9)


def save(figure: Figure, fmt: str, dpi: int = 200) -> bytes:
    """The figure as ``png`` or ``svg`` bytes (SVG without a date, so output is stable)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=dpi, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def data_uri(payload: bytes, mime: str) -> str:
    """Embed ``payload`` in a ``data:`` URI (no file, no network).

    Examples
    --------
    >>> data_uri(b"hola", "text/plain")
    'data:text/plain;base64,aG9sYQ=='
    """
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


def plot_lines(axes, geometry: BaseGeometry, **style) -> None:
    """Draw every line (or ring) of ``geometry`` with the matplotlib line ``style``."""
    for coords in lines(geometry):
        xs, ys = zip(*[(c[0], c[1]) for c in coords], strict=True)
        axes.plot(xs, ys, **style)


def fill_polygons(axes, geometry: BaseGeometry, colour: str, alpha: float, linewidth: float,
                  **style) -> None:
    """Fill the polygons of ``geometry`` in ``colour``, outlined in the same colour."""
    for polygon in polygons(geometry):
        xs, ys = polygon.exterior.xy
        axes.fill(xs, ys, facecolor=colour, alpha=alpha, edgecolor=colour, linewidth=linewidth,
                  **style)
