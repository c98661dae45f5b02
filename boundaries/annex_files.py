"""The technical annex as files: CSV, a DXF drawing for surveyors, GeoPackage layers.

The CSV (:func:`annex_csv`) is the table as a spreadsheet opens it; :func:`line_from_annex_csv`
re-builds the line from it within a centimetre. :func:`annex_layers` gives the line, its
vertices and sides to :func:`boundaries.export_io.write_gpkg`.

The DXF (:func:`annex_dxf`) is in :data:`~boundaries.crs.SURVEY_CRS` (EPSG:6369) metres, so it
lands in place in any CAD or GIS program set to that system; :func:`line_from_dxf` reads a
limit line back from a DXF. The drawing's layers:

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
>>> [round(c, 8) for c in line_from_dxf(annex_dxf(annex)).coords[1]]
[-96.745, 17.085]
>>> [round(c, 8) for c in line_from_annex_csv(annex_csv(annex)).coords[1]]
[-96.745, 17.085]
"""

from __future__ import annotations

import csv
import io

import ezdxf
import geopandas as gpd
import numpy as np
import pyproj
import shapely
from ezdxf import recover, units
from ezdxf.document import Drawing
from ezdxf.enums import TextEntityAlignment

from boundaries.annex import Annex
from boundaries.crs import STORAGE_CRS, SURVEY_CRS
from boundaries.errors import GeometryTypeError, LayerReadError
from boundaries.export_io import OutLayer

__all__ = [
    "CSV_HEADER",
    "DXF_LAYERS",
    "annex_csv",
    "line_from_annex_csv",
    "annex_layers",
    "annex_dxf",
    "line_from_dxf",
]

#: The columns of :func:`annex_csv`, in order.
CSV_HEADER = (
    "Vértice", "Lado", "Rumbo", "Azimut de cuadrícula", "Distancia (m)",
    "X (EPSG:6369)", "Y (EPSG:6369)", "Longitud", "Latitud", "Convergencia",
)
# Millimetres in EPSG:6369 and 1e-8 degrees (about a millimetre) in longitude/latitude: the
# CSV re-builds the line within a centimetre.
_XY_DECIMALS = 3
_LONLAT_DECIMALS = 8
#: The drawing's layers and their AutoCAD colour index (red line, white marks).
DXF_LAYERS = {"LIMITE": 1, "VERTICES": 7, "NUMEROS": 7, "LADOS": 8, "NOTAS": 7}
# Text height as a share of the line's length, kept legible on a short line and modest on a
# long one (metres).
_TEXT_SHARE = 0.015
_TEXT_MIN_M, _TEXT_MAX_M = 0.5, 10.0


def annex_csv(annex: Annex) -> str:
    """The annex as CSV text, one row per vertex (the side that arrives at it on its row).

    Headers in Spanish (:data:`CSV_HEADER`); numbers with a decimal point; lengths to the
    centimetre, EPSG:6369 coordinates to the millimetre. Encode it as UTF-8 with BOM for
    Excel. :func:`line_from_annex_csv` reads it back.

    Examples
    --------
    >>> from shapely import LineString
    >>> from boundaries.annex import construction_table
    >>> text = annex_csv(construction_table(LineString([(-96.75, 17.08), (-96.745, 17.085)])))
    >>> text.splitlines()[0].split(",")[:5]
    ['Vértice', 'Lado', 'Rumbo', 'Azimut de cuadrícula', 'Distancia (m)']
    >>> text.splitlines()[2].split(",")[4:9]
    ['767.98', '739972.643', '1890346.084', '-96.74500000', '17.08500000']
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    arriving = {side.end: side for side in annex.sides}
    for vertex in annex.vertices:
        side = arriving.get(vertex.number)
        writer.writerow([
            vertex.number,
            f"{side.start}-{side.end}" if side else "",
            side.bearing if side else "",
            side.azimuth if side else "",
            f"{side.length_m:.2f}" if side else "",
            f"{vertex.x:.{_XY_DECIMALS}f}",
            f"{vertex.y:.{_XY_DECIMALS}f}",
            f"{vertex.lon:.{_LONLAT_DECIMALS}f}",
            f"{vertex.lat:.{_LONLAT_DECIMALS}f}",
            vertex.convergence,
        ])
    return buffer.getvalue()


def line_from_annex_csv(text: str) -> shapely.LineString:
    """Re-build the line (EPSG:4326) from the EPSG:6369 coordinates of :func:`annex_csv`.

    Vertices are taken in the order of their number; a byte-order mark is ignored.

    Raises
    ------
    LayerReadError
        The text lacks the coordinate columns, a coordinate is not a number, or a vertex
        number repeats.

    Examples
    --------
    >>> from shapely import LineString
    >>> from boundaries.annex import construction_table
    >>> line = LineString([(-96.75, 17.08), (-96.745, 17.085)])
    >>> back = line_from_annex_csv(annex_csv(construction_table(line)))
    >>> [round(c, 8) for c in back.coords[1]]
    [-96.745, 17.085]
    """
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    wanted = (CSV_HEADER[0], CSV_HEADER[5], CSV_HEADER[6])
    if not rows or any(column not in rows[0] for column in wanted):
        raise LayerReadError(
            "el cuadro de construcción necesita las columnas «Vértice», «X (EPSG:6369)» y "
            "«Y (EPSG:6369)» y al menos dos vértices"
        )
    try:
        numbered = sorted(
            (int(row[wanted[0]]), float(row[wanted[1]]), float(row[wanted[2]])) for row in rows
        )
    except (TypeError, ValueError) as exc:
        raise LayerReadError(f"el cuadro de construcción tiene un valor ilegible: {exc}") from exc
    numbers = [n for n, _, _ in numbered]
    if len(set(numbers)) != len(numbers) or len(numbers) < 2:
        raise LayerReadError("el cuadro de construcción repite un vértice o tiene menos de dos")
    xy = np.array([(x, y) for _, x, y in numbered])
    if not np.isfinite(xy).all():
        raise LayerReadError("el cuadro de construcción tiene coordenadas no finitas")
    to_storage_xy = pyproj.Transformer.from_crs(SURVEY_CRS, STORAGE_CRS, always_xy=True)
    lon, lat = to_storage_xy.transform(xy[:, 0], xy[:, 1])
    return shapely.LineString(np.column_stack([lon, lat]))


def annex_layers(annex: Annex, name: str = "propuesta") -> list[OutLayer]:
    """The annex as layers for :func:`boundaries.export_io.write_gpkg` (EPSG:4326).

    ``<name>_linea`` (the line and its length), ``<name>_vertices`` (numbered points with
    their EPSG:6369 coordinates) and ``<name>_lados`` (each side as a line with its length,
    azimuth and *rumbo*).

    Examples
    --------
    >>> from shapely import LineString
    >>> from boundaries.annex import construction_table
    >>> annex = construction_table(LineString([(-96.75, 17.08), (-96.745, 17.085)]))
    >>> [(layer.name, len(layer.frame)) for layer in annex_layers(annex)]
    [('propuesta_linea', 1), ('propuesta_vertices', 2), ('propuesta_lados', 1)]
    """
    line = gpd.GeoDataFrame(
        {"longitud_m": [annex.length_m], "convergencia": [annex.convergence]},
        geometry=[annex.line], crs=STORAGE_CRS,
    )
    vertices = gpd.GeoDataFrame(
        {
            "vertice": [v.number for v in annex.vertices],
            "x_6369": [v.x for v in annex.vertices],
            "y_6369": [v.y for v in annex.vertices],
            "convergencia": [v.convergence for v in annex.vertices],
        },
        geometry=shapely.points([(v.lon, v.lat) for v in annex.vertices]), crs=STORAGE_CRS,
    )
    ends = {v.number: (v.lon, v.lat) for v in annex.vertices}
    sides = gpd.GeoDataFrame(
        {
            "lado": [f"{s.start}-{s.end}" for s in annex.sides],
            "distancia_m": [s.length_m for s in annex.sides],
            "azimut": [s.azimuth for s in annex.sides],
            "rumbo": [s.bearing for s in annex.sides],
        },
        geometry=[shapely.LineString([ends[s.start], ends[s.end]]) for s in annex.sides],
        crs=STORAGE_CRS,
    )
    return [
        OutLayer(f"{name}_linea", line, {"longitud_m": "float", "convergencia": "str"},
                 "LineString", "Línea de límite propuesta"),
        OutLayer(f"{name}_vertices", vertices,
                 {"vertice": "int", "x_6369": "float", "y_6369": "float", "convergencia": "str"},
                 "Point",
                 "Vértices numerados del cuadro de construcción"),
        OutLayer(f"{name}_lados", sides,
                 {"lado": "str", "distancia_m": "float", "azimut": "str", "rumbo": "str"},
                 "LineString", "Lados del cuadro de construcción (EPSG:6369)"),
    ]


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
