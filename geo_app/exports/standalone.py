"""A standalone HTML map: one file that opens from a USB stick, with no network and no server.

The map is the app's own (:func:`geo_app.records.map_render.build_map` on the layers of
:func:`geo_app.records.map_layers.record_map`: same styles, popups, legend and controls), without
base tiles and without links to the app's pages; every script, stylesheet, image and font
it needs is inlined from ``node_modules``.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path, PurePosixPath

from flask import current_app, has_request_context
from markupsafe import Markup

from cases.sharing.tables import ExportData
from cases.storage.models import Meeting
from geo_app import maps
from geo_app.formatting import long_date
from geo_app.maps.assets import ROTATE_CSS_PATH, awesome_rotate_css
from geo_app.records.map_layers import MapData, record_map
from geo_app.records.map_render import build_map
from geo_app.vendor import vendor_dir

__all__ = ["map_data", "standalone_html", "write_html"]

_MARK = "limites-vendor:"
_SCRIPT_RE = re.compile(r'<script src="' + _MARK + r'([^"?]+)[^"]*"></script>')
_LINK_RE = re.compile(r'<link rel="stylesheet" href="' + _MARK + r'([^"?]+)[^"]*"\s*/?>')
_CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
# Fonts the browser skips when the woff2 just before them loads.
_SKIPPED_FONTS = (".ttf", ".eot", ".woff")


def _meeting_items(meetings, data: ExportData) -> list[dict]:
    return [
        {"label": f"{long_date(m.date)} — {m.title}", "url": None}
        for m in sorted(data.seen.keep(meetings, Meeting), key=lambda m: m.date)
    ]


def map_data(data: ExportData) -> MapData:
    """The app's map layers of the export's records, without links to the app's pages."""
    records = data.records
    if has_request_context():
        built = _record_map(records)
    else:
        with current_app.test_request_context("/"):
            built = _record_map(records)
    for frame in built.layers().values():
        if "url" in frame.columns:
            frame["url"] = None
    if not data.scope.attachments and "photo" in built.findings.columns:
        built.findings["photo"] = None  # the scope shares no attachments
    for frame, rows in ((built.zones, records.get("zonas", [])),
                        (built.sites, records.get("sedes", []))):
        if len(frame):
            frame["meetings"] = [_meeting_items(r.meetings, data) for r in rows]
    return built


def _record_map(records: dict) -> MapData:
    return record_map(
        versions=records.get("limites", []),
        zones=records.get("zonas", []),
        inspections=records.get("recorridos", []),
        findings=records.get("hallazgos", []),
        sites=records.get("sedes", []),
    )


def _data_uri(path: Path) -> str:
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".woff2":
        media = "font/woff2"
    return f"data:{media};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(css: str, base: PurePosixPath, root: Path) -> str:
    def replace(match: re.Match) -> str:
        target = match.group(2)
        if target.startswith(("data:", "#")):
            return match.group(0)
        relative = target.split("?")[0].split("#")[0]
        path = (root / base.parent / relative).resolve()
        if path.suffix in _SKIPPED_FONTS or not path.is_file() or root not in path.parents:
            return "url(data:,)"
        return f"url({_data_uri(path)})"

    return _CSS_URL_RE.sub(replace, css)


def _inline(html: str) -> str:
    root = vendor_dir().resolve()

    def script(match: re.Match) -> str:
        code = (root / match.group(1)).read_text("utf-8").replace("</script", "<\\/script")
        return f"<script>{code}</script>"

    def style(match: re.Match) -> str:
        if match.group(1) == ROTATE_CSS_PATH:
            return f"<style>{awesome_rotate_css()}</style>"
        path = PurePosixPath(match.group(1))
        css = _inline_css((root / path).read_text("utf-8"), path, root)
        return f"<style>{css}</style>"

    return _LINK_RE.sub(style, _SCRIPT_RE.sub(script, html))


# The page around the map's parts; every value is escaped by Markup.format.
_PAGE = Markup(
    "<!DOCTYPE html>\n"
    '<html lang="es-MX">\n'
    "<head>\n"
    "{header}\n"
    "<title>{title}</title>\n"
    "</head>\n"
    "<body>\n"
    "{html}\n"
    "{about}\n"
    "</body>\n"
    "<script>\n"
    "{script}\n"
    "</script>\n"
    "</html>\n"
)


def _about_box(data: ExportData) -> Markup:
    # Top left, beside the zoom buttons: at the bottom it covered the legend button and the
    # «ilustrativa» notice on a phone, where it starts folded.
    lines = Markup("<br>").join(f"{k}: {v}" for k, v in data.about().items())
    return Markup(
        "<style>.limites-about{{position:absolute;top:10px;left:56px;z-index:1000;"
        "max-width:min(340px,calc(100% - 120px));background:rgba(255,255,255,.92);"
        "padding:4px 10px;font:12px/1.35 system-ui,sans-serif;border-radius:4px}}"
        ".limites-about summary{{cursor:pointer;font-weight:600}}</style>"
        '<details class="limites-about" open><summary>Acerca de esta exportación</summary>'
        "{}</details>"
        "<script>if (window.innerWidth < 600) "
        "document.querySelector('.limites-about').open = false;</script>"
    ).format(lines)


def standalone_html(data: ExportData) -> str:
    """The whole map page as one HTML document with nothing to fetch.

    The title and the «Contenido» box hold names: they are escaped into the page, never
    handed to branca (which would compile them as a template, see :mod:`geo_app.maps.figure`).
    """
    m = build_map(map_data(data))
    maps.localize(m, lambda path: _MARK + path)
    parts = maps.render_figure(m)
    page = _PAGE.format(
        title=f"Límites — {data.about()['Contenido']}",
        header=parts.header,
        html=parts.html,
        about=_about_box(data),
        script=parts.script,
    )
    return _inline(str(page))


def write_html(data: ExportData, out: Path) -> Path:
    """Write the standalone map to ``out``."""
    out.write_text(standalone_html(data), encoding="utf-8")
    return out
