"""The quarterly report's figures: small maps of its activities and the indicator chart."""

from __future__ import annotations

import math

import matplotlib
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from cases.reporting.indicators import IndicatorYear
from cases.reporting.quarterly import EntryMap
from cases.storage.statuses import BoundaryKind, FindingCategory
from geo_app.figures import drawing
from geo_app.formatting import percent
from geo_app.maps import styles
from geo_app.theme import CHART_SERIES, Print

__all__ = ["entry_map_png", "entry_map_svg", "indicator_chart_svg"]


def _draw_map(drawn: EntryMap, width_cm: float, height_cm: float) -> Figure:
    figure = Figure(figsize=(width_cm / 2.54, height_cm / 2.54))
    axes = figure.add_axes((0, 0, 1, 1))
    west, south, east, north = drawn.bounds
    pad_x = max((east - west) * 0.15, 0.003)
    pad_y = max((north - south) * 0.15, 0.003)
    west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    # Degrees of longitude shrink with latitude: keep the map's shapes true.
    aspect = drawing.true_aspect(south, north)
    axes.set_aspect(aspect)
    # Fill the frame: widen whichever side is short for the figure's proportions.
    frame = height_cm / width_cm
    span_x, span_y = east - west, (north - south) * aspect
    if span_y / span_x < frame:
        extra = (span_x * frame - span_y) / aspect / 2
        south, north = south - extra, north + extra
    else:
        extra = (span_y / frame - span_x) / 2
        west, east = west - extra, east + extra
    axes.set_xlim(west, east)
    axes.set_ylim(south, north)
    axes.set_facecolor(Print.MAP_PAPER)
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_edgecolor(Print.MAP_FRAME)
    for zone in drawn.zones:
        drawing.fill_polygons(axes, zone.geometry, styles.zone_colour(zone.status), 0.25, 1)
        point = zone.geometry.representative_point()
        axes.annotate(zone.name, (point.x, point.y), fontsize=6, ha="center", va="center",
                      color=Print.MAP_LABEL)
    official = styles.BOUNDARY_STYLES[BoundaryKind.OFFICIAL]
    for limit in drawn.limits:
        drawing.plot_lines(axes, limit, color=official.colour, linewidth=1.2)
    for river in drawn.rivers:
        drawing.plot_lines(axes, river, color=styles.RIVER_STYLE.colour, linewidth=1.6, alpha=0.8)
    for route in drawn.routes:
        drawing.plot_lines(axes, route, color=styles.ROUTE_STYLE.colour, linewidth=2,
                           linestyle=(0, (4, 2)))
    for site in drawn.sites:
        axes.plot(site.x, site.y, marker="^", markersize=6, color=styles.SITE_MARKER.swatch,
                  markeredgecolor="white", markeredgewidth=0.6)
    _draw_findings(figure, axes, drawn.findings)
    drawing.draw_north_arrow(axes, fontsize=7)
    drawing.draw_scale_bar(axes, (west, south, east, north), fontsize=5.5)
    axes.legend(handles=_legend(drawn), loc="best", fontsize=5.5, framealpha=0.85,
                borderpad=0.4, handlelength=1.6)
    if drawn.illustrative:
        axes.annotate(styles.ILLUSTRATIVE_NOTICE, (0.02, 0.97), xycoords="axes fraction",
                      fontsize=5.5, color=Print.MAP_NOTE, ha="left", va="top",
                      bbox={"boxstyle": "square,pad=0.2", "fc": "white", "ec": "none",
                            "alpha": 0.8})
    return figure


# Findings closer than this (points on paper) would hide each other's numbers.
_CROWDED_PT = 11.0
# Where a crowded finding's number goes instead, in points from the finding.
_OFFSETS = ((13, 11), (-13, 11), (13, -11), (-13, -11), (0, 16), (0, -16))


def _draw_findings(figure: Figure, axes, findings) -> None:
    """Numbered markers; a number that would cover another is set aside on a leader line."""
    placed: list[tuple[float, float]] = []
    crowded = 0
    for number, finding in enumerate(findings, start=1):
        swatch = styles.finding_marker(finding.category).swatch
        point = finding.geometry
        x, y = (v * 72 / figure.dpi for v in axes.transData.transform((point.x, point.y)))
        clash = any(math.hypot(x - px, y - py) < _CROWDED_PT for px, py in placed)
        placed.append((x, y))
        if not clash:
            axes.plot(point.x, point.y, marker="o", markersize=9, color=swatch,
                      markeredgecolor="white", markeredgewidth=0.8)
            axes.annotate(str(number), (point.x, point.y), fontsize=5.5, ha="center",
                          va="center", color="white", fontweight="bold")
            continue
        axes.plot(point.x, point.y, marker="o", markersize=4, color=swatch,
                  markeredgecolor="white", markeredgewidth=0.5)
        axes.annotate(
            str(number), (point.x, point.y), xytext=_OFFSETS[crowded % len(_OFFSETS)],
            textcoords="offset points", fontsize=5.5, ha="center", va="center",
            color="white", fontweight="bold",
            bbox={"boxstyle": "circle,pad=0.25", "fc": swatch, "ec": "white", "lw": 0.8},
            arrowprops={"arrowstyle": "-", "color": swatch, "lw": 0.9, "shrinkA": 0,
                        "shrinkB": 2},
        )
        crowded += 1


def _legend(drawn: EntryMap) -> list:
    official = styles.BOUNDARY_STYLES[BoundaryKind.OFFICIAL]
    handles = [Line2D([], [], color=official.colour, linewidth=1.2, label="Límite municipal")]
    if drawn.rivers:
        handles.append(Line2D([], [], color=styles.RIVER_STYLE.colour, linewidth=1.6,
                              label="Río"))
    if drawn.zones:
        handles.append(Patch(facecolor=styles.zone_colour(drawn.zones[0].status), alpha=0.35,
                             label=styles.LayerNames.ZONES))
    if drawn.routes:
        handles.append(Line2D([], [], color=styles.ROUTE_STYLE.colour, linewidth=2,
                              linestyle=(0, (4, 2)), label="Recorrido"))
    if drawn.findings:
        handles.append(Line2D([], [], color=styles.FINDING_MARKERS[FindingCategory.OTHER].swatch,
                              marker="o", linestyle="none", markersize=5,
                              label="Hallazgo (número de la lista)"))
    if drawn.sites:
        handles.append(Line2D([], [], color=styles.SITE_MARKER.swatch, marker="^", linestyle="none",
                              markersize=5, label="Sitio tratado"))
    return handles


def entry_map_png(drawn: EntryMap, width_cm: float = 8.0, height_cm: float = 6.0) -> bytes:
    """A small map of an activity as PNG (for the PDF and the DOCX)."""
    with matplotlib.rc_context(drawing.RC):
        return drawing.save(_draw_map(drawn, width_cm, height_cm), "png")


def entry_map_svg(drawn: EntryMap, width_cm: float = 8.0, height_cm: float = 6.0) -> str:
    """A small map of an activity as inline SVG (for the screen)."""
    with matplotlib.rc_context(drawing.RC):
        return drawing.save(_draw_map(drawn, width_cm, height_cm), "svg").decode("utf-8")


def indicator_chart_svg(progress: list[IndicatorYear], title: str = "") -> str:
    """Bars of each indicator's level per quarter, with the quarter's goal as a mark."""
    with matplotlib.rc_context(drawing.RC):
        figure = Figure(figsize=(7.5, 3.4))
        axes = figure.add_axes((0.08, 0.2, 0.9, 0.62))
        quarters = ["T1", "T2", "T3", "T4"]
        count = max(len(progress), 1)
        width = 0.8 / count
        for n, item in enumerate(progress):
            offsets = [q + (n - (count - 1) / 2) * width for q in range(4)]
            levels = [level.official_percent or 0.0 for level in item.quarters]
            label = f"{item.indicator.level} {item.indicator.key}"
            bars = axes.bar(offsets, levels, width * 0.9, label=label,
                            color=CHART_SERIES[n % len(CHART_SERIES)])
            axes.bar_label(bars, labels=[percent(v) if v else "" for v in levels], fontsize=7)
            goal = item.indicator.annual_goal
            goals = [
                100.0 * level.quarter_goal / goal if goal and level.quarter_goal else None
                for level in item.quarters
            ]
            for x, value in zip(offsets, goals, strict=True):
                if value is not None:
                    axes.plot([x - width * 0.45, x + width * 0.45], [value, value],
                              color=Print.CHART_GOAL, linewidth=1.4)
        axes.set_xticks(range(4), quarters)
        axes.set_ylabel("% de la meta anual")
        top = max([v.official_percent or 0 for p in progress for v in p.quarters] + [25.0])
        axes.set_ylim(0, top * 1.25)
        axes.spines[["top", "right"]].set_visible(False)
        if progress:
            axes.legend(fontsize=7, ncols=min(count, 4), loc="lower left",
                        bbox_to_anchor=(0, 1.0), frameon=False)
        if title:
            figure.suptitle(title, fontsize=9, x=0.08, ha="left")
        figure.text(0.08, 0.03, "Barras: nivel alcanzado del trimestre. Raya negra: meta del "
                    "trimestre.", fontsize=7, color=Print.TEXT_MUTED)
        return drawing.save(figure, "svg").decode("utf-8")
