"""The PDF ficha of a zone or a case, through WeasyPrint (as the quarterly report).

Title, the map drawn on the server (:mod:`geo_app.figures.ficha`), the parties, the
timeline of meetings and agreements, the findings table, the source and date of every limit,
the "geometría ilustrativa" mark where it applies, page numbers and a signature block.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path

from flask import render_template

from cases.sharing.tables import ExportData
from geo_app.exports.labels import display_value
from geo_app.figures.ficha import ficha_map_png
from geo_app.maps.styles import ILLUSTRATIVE_NOTICE

__all__ = ["ficha_html", "write_pdf"]


def _rows(data: ExportData, name: str) -> list[dict]:
    layer = data.layers.get(name)
    if layer is None:
        return []
    columns = list(layer.fields)
    return [
        {c: layer.frame[c].iloc[i] for c in columns} for i in range(len(layer.frame))
    ]


def _due(date) -> str | None:
    return f"fecha límite {display_value(date)}" if date else None


def _timeline(data: ExportData) -> list[dict]:
    events = [
        {"fecha": m["fecha"], "tipo": m["tipo"], "texto": m["titulo"], "detalle": m["lugar"]}
        for m in _rows(data, "reuniones")
    ]
    events += [
        {
            "fecha": a["fecha_reunion"],
            "tipo": f"Acuerdo ({a['estado']})",
            "texto": a["acuerdo"],
            "detalle": " · ".join(x for x in (a["responsable"], _due(a["fecha_limite"])) if x),
        }
        for a in _rows(data, "acuerdos")
    ]
    return sorted(events, key=lambda e: (e["fecha"], e["tipo"].startswith("Acuerdo")))


def ficha_html(data: ExportData) -> str:
    """The ficha as printable HTML (what WeasyPrint lays out)."""
    png = ficha_map_png(data)
    return render_template(
        "exports/ficha.html",
        data=data,
        about=data.about(),
        map_uri=None if png is None else
        "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        timeline=_timeline(data),
        findings=_rows(data, "hallazgos"),
        limits=_rows(data, "limites"),
        zones=_rows(data, "zonas"),
        routes=_rows(data, "recorridos"),
        notice=ILLUSTRATIVE_NOTICE,
        value=display_value,
    )


def write_pdf(data: ExportData, out: Path) -> Path:
    """Write the ficha as a PDF file."""
    from weasyprint import HTML

    # WeasyPrint logs each CSS property it ignores at WARNING; the ficha needs none of them.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    HTML(string=ficha_html(data)).write_pdf(out)
    return out
