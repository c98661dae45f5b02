"""The technical annex as a DXF drawing for surveyors, and a limit line read from a DXF.

The drawing is in :data:`~boundaries.crs.SURVEY_CRS` (EPSG:6369) metres, so it lands in place
in any CAD or GIS program set to that system. Its layers:

``LIMITE``
    The line, one 2D polyline.
``VERTICES``
    A point on each vertex.
``NUMEROS``
    The vertex numbers, beside each point.
``LADOS``
    Each side's *rumbo* and length, along the side.
``NOTAS``
    The CRS, the meridian convergence and the total length, below the line.

Examples
--------
>>> from shapely import LineString
>>> from boundaries.annex import construction_table
>>> annex = construction_table(LineString([(-96.75, 17.08), (-96.745, 17.085)]))
>>> back = line_from_dxf(annex_dxf(annex))
>>> [round(c, 8) for c in back.coords[1]]
[-96.745, 17.085]
"""

from __future__ import annotations

import io
import logging

import ezdxf
import numpy as np
import pyproj
import shapely
from ezdxf import recover, units
from ezdxf.document import Drawing
from ezdxf.enums import TextEntityAlignment

from boundaries.annex import Annex
from boundaries.crs import STORAGE_CRS, SURVEY_CRS
from boundaries.errors import GeometryTypeError, LayerReadError

__all__ = ["DXF_LAYERS", "annex_dxf", "line_from_dxf"]

logger = logging.getLogger(__name__)

#: The drawing's layers and their AutoCAD colour index (red line, white marks).
DXF_LAYERS = {"LIMITE": 1, "VERTICES": 7, "NUMEROS": 7, "LADOS": 8, "NOTAS": 7}
# Text height as a share of the line's length, kept legible on a short line and modest on a
# long one (metres).
_TEXT_SHARE = 0.015
_TEXT_MIN_M, _TEXT_MAX_M = 0.5, 10.0


def annex_dxf(annex: Annex, title: str = "") -> bytes:
    """Draw ``annex`` as a DXF file (AutoCAD 2000), in EPSG:6369 metres.

    AutoCAD 2000 with the Windows-1252 code page is the version every CAD program and GDAL
    read, accents and degree signs included (GDAL reads a newer UTF-8 DXF as Latin-1).

    Parameters
    ----------
    annex : Annex
        From :func:`boundaries.annex.construction_table`.
    title : str
        A first line for the notes (e.g. the proposal's name).

    Returns
    -------
    bytes
        The DXF file's content.

    Examples
    --------
    >>> from shapely import LineString
    >>> from boundaries.annex import construction_table
    >>> annex = construction_table(LineString([(-96.75, 17.08), (-96.748, 17.082),
    ...                                        (-96.745, 17.085)]))
    >>> doc, _ = recover.read(io.BytesIO(annex_dxf(annex)))
    >>> sorted(t.dxf.text for t in doc.modelspace().query("TEXT[layer=='NUMEROS']"))
    ['1', '2', '3']
    """
    doc = ezdxf.new("R2000", setup=True)
    doc.units = units.M
    for name, colour in DXF_LAYERS.items():
        doc.layers.add(name, color=colour)
    msp = doc.modelspace()
    xy = [(v.x, v.y) for v in annex.vertices]
    height = min(max(annex.length_m * _TEXT_SHARE, _TEXT_MIN_M), _TEXT_MAX_M)
    msp.add_lwpolyline(xy, dxfattribs={"layer": "LIMITE"})
    for vertex in annex.vertices:
        msp.add_point((vertex.x, vertex.y), dxfattribs={"layer": "VERTICES"})
        msp.add_text(str(vertex.number), height=height, dxfattribs={"layer": "NUMEROS"}
                     ).set_placement((vertex.x + height / 2, vertex.y + height / 2))
    by_number = {v.number: v for v in annex.vertices}
    for side in annex.sides:
        a, b = by_number[side.start], by_number[side.end]
        # Text runs along the side and always reads left to right.
        angle = (90.0 - side.azimuth_deg) % 360.0
        if 90.0 < angle <= 270.0:
            angle -= 180.0
        label = f"{side.bearing}  {side.length_m:.2f} m"
        msp.add_text(label, height=height * 0.6,
                     dxfattribs={"layer": "LADOS", "rotation": angle}).set_placement(
            ((a.x + b.x) / 2, (a.y + b.y) / 2), align=TextEntityAlignment.BOTTOM_CENTER)
    notes = [title] if title else []
    notes += [
        "Cuadro de construcción en EPSG:6369 (Mexico ITRF2008 / UTM zona 14N), metros",
        f"Convergencia de meridianos: {annex.convergence} (azimut geodésico = azimut de "
        "cuadrícula + convergencia)",
        f"Longitud total: {annex.length_m:.2f} m, {len(annex.sides)} lados",
    ]
    left, bottom = min(x for x, _ in xy), min(y for _, y in xy)
    for row, note in enumerate(notes, start=1):
        msp.add_text(note, height=height * 0.8, dxfattribs={"layer": "NOTAS"}).set_placement(
            (left, bottom - row * height * 1.6))
    return _dxf_bytes(doc)


def _dxf_bytes(doc: Drawing) -> bytes:
    stream = io.StringIO()
    doc.write(stream)
    return doc.encode(stream.getvalue())


def line_from_dxf(data: bytes, layer: str | None = None) -> shapely.LineString:
    """Read one limit line from a DXF file whose coordinates are EPSG:6369 metres.

    The line is the drawing's only polyline (``LWPOLYLINE`` or ``POLYLINE``), or the only one
    on ``layer`` (``LIMITE``, the layer :func:`annex_dxf` draws, when it exists).

    Returns
    -------
    shapely.LineString
        In longitude/latitude (EPSG:4326).

    Raises
    ------
    LayerReadError
        The text is not DXF.
    GeometryTypeError
        No polyline, or several and none singled out by its layer.
    """
    try:
        doc, _ = recover.read(io.BytesIO(data))
    except (ezdxf.DXFError, ValueError, UnicodeError) as exc:
        raise LayerReadError(f"el archivo no es un DXF legible: {exc}") from exc
    msp = doc.modelspace()
    polylines = [e for e in msp if e.dxftype() in ("LWPOLYLINE", "POLYLINE")]
    chosen = layer or ("LIMITE" if any(e.dxf.layer == "LIMITE" for e in polylines) else None)
    if chosen:
        polylines = [e for e in polylines if e.dxf.layer == chosen]
    if len(polylines) != 1:
        where = f" en la capa «{chosen}»" if chosen else ""
        raise GeometryTypeError(
            f"el DXF debe tener una sola polilínea{where} con la línea de límite; tiene "
            f"{len(polylines)}"
        )
    (polyline,) = polylines
    if polyline.dxftype() == "LWPOLYLINE":
        xy = np.array([(x, y) for x, y, *_ in polyline.get_points("xy")], dtype=float)
    else:
        xy = np.array([(v.dxf.location.x, v.dxf.location.y) for v in polyline.vertices])
    if len(xy) < 2 or not np.isfinite(xy).all():
        raise GeometryTypeError("la polilínea del DXF necesita al menos dos vértices válidos")
    to_storage = pyproj.Transformer.from_crs(SURVEY_CRS, STORAGE_CRS, always_xy=True)
    lon, lat = to_storage.transform(xy[:, 0], xy[:, 1])
    return shapely.LineString(np.column_stack([lon, lat]))
