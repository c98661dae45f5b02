"""A proposal's downloads: the annex as PDF (WeasyPrint), CSV and DXF; the line as GPKG and KML.

The PDF states the convergence once (at the centre of the line) and at every vertex, with
the vertex table, each side's length, azimuth and *rumbo*, the total length and the limits
the ends lie on, and what changes hands.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from xml.etree import ElementTree as ET

import geopandas as gpd
import shapely
from flask import render_template

from boundaries.annex import Annex
from boundaries.annex_files import annex_csv, annex_dxf, annex_layers
from boundaries.crs import STORAGE_CRS
from boundaries.export_io import OutLayer, write_gpkg
from boundaries.layer_styles import LayerStyle, Symbol
from cases.proposals.exchange import Exchange
from cases.storage.models import LimitProposal
from geo_app import theme
from geo_app.exports.kml import kml_colour
from geo_app.proposals.pages import piece_label

__all__ = ["annex_pdf", "annex_csv_bytes", "annex_dxf_bytes", "line_gpkg", "line_kml",
           "file_stem"]

_TEXT = theme.CSS_COLOURS["text-strong"]
_HALO = "#ffffff"


def file_stem(proposal: LimitProposal) -> str:
    """The download name's stem: ``propuesta-<id>``."""
    return f"propuesta-{proposal.id}"


def annex_pdf(proposal: LimitProposal, annex: Annex, exchange: Exchange | None) -> bytes:
    """The technical annex as a PDF to attach to the acta."""
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    html = render_template("proposals/annex_pdf.html", proposal=proposal, annex=annex,
                           exchange=exchange, piece_label=piece_label,
                           names=_limit_names(proposal))
    return HTML(string=html).write_pdf()


def _limit_names(proposal: LimitProposal) -> dict[str, str]:
    return {m.cvegeo: m.name for m in (proposal.municipality_a, proposal.municipality_b)}


def annex_csv_bytes(annex: Annex) -> bytes:
    """The construction table as CSV (UTF-8 with BOM: spreadsheets read the accents)."""
    return annex_csv(annex).encode("utf-8-sig")


def annex_dxf_bytes(proposal: LimitProposal, annex: Annex) -> bytes:
    """The construction table drawn for surveyors (EPSG:6369 metres)."""
    return annex_dxf(annex, title=proposal.title)


def _styled(layers: list[OutLayer]) -> list[OutLayer]:
    line = Symbol(theme.PROPOSAL_COLOURS["line"], "Línea propuesta", width=1.2)
    vertex = Symbol(theme.PROPOSAL_COLOURS["line"], "Vértice", width=2.4, outline=_HALO)
    styles = {
        "linea": LayerStyle("Línea de límite propuesta", (line,)),
        "vertices": LayerStyle("Vértices del cuadro de construcción", (vertex,),
                               label_field="vertice", label_colour=_TEXT, label_halo=_HALO),
        "lados": LayerStyle("Lados del cuadro de construcción", (line,),
                            label_field="rumbo", label_colour=_TEXT, label_halo=_HALO),
    }
    return [OutLayer(layer.name, layer.frame, layer.fields, layer.geometry_type,
                     layer.description, styles[layer.name.rsplit("_", 1)[1]])
            for layer in layers]


def _pieces_layer(exchange: Exchange) -> OutLayer:
    a = exchange.proposal.municipality_a
    frame = gpd.GeoDataFrame(
        {"pieza": [p.number for p in exchange.pieces],
         "cambia": [piece_label(p) for p in exchange.pieces],
         "sentido": ["a_b" if p.giver == a else "b_a" for p in exchange.pieces],
         "area_m2": [p.area_m2 for p in exchange.pieces],
         "area_ha": [p.area_ha for p in exchange.pieces]},
        geometry=[shapely.MultiPolygon([p.geometry]) if p.geometry.geom_type == "Polygon"
                  else p.geometry for p in exchange.pieces], crs=STORAGE_CRS)
    style = LayerStyle("Piezas que cambian de municipio", (
        Symbol(theme.PROPOSAL_COLOURS["a_to_b"], f"Pasa a {exchange.proposal.municipality_b.name}",
               "a_b", 0.6, fill_opacity=0.5),
        Symbol(theme.PROPOSAL_COLOURS["b_to_a"], f"Pasa a {exchange.proposal.municipality_a.name}",
               "b_a", 0.6, fill_opacity=0.5),
    ), field="sentido", label_field="pieza", label_colour=_TEXT, label_halo=_HALO)
    return OutLayer("propuesta_piezas", frame,
                    {"pieza": "int", "cambia": "str", "sentido": "str", "area_m2": "float",
                     "area_ha": "float"},
                    "MultiPolygon", "Piezas que cambian de municipio", style)


def line_gpkg(annex: Annex, exchange: Exchange | None) -> bytes:
    """The line, its vertices and sides (and the pieces) as a styled GeoPackage."""
    layers = _styled(annex_layers(annex))
    if exchange is not None and exchange.pieces:
        layers.append(_pieces_layer(exchange))
    with tempfile.TemporaryDirectory() as folder:
        path = write_gpkg(Path(folder) / "propuesta.gpkg", layers)
        return path.read_bytes()


def line_kml(proposal: LimitProposal, annex: Annex) -> bytes:
    """The line and its numbered vertices as KML (Google Earth)."""
    ET.register_namespace("", "http://www.opengis.net/kml/2.2")
    ns = "{http://www.opengis.net/kml/2.2}"
    root = ET.Element(f"{ns}kml")
    doc = ET.SubElement(root, f"{ns}Document")
    ET.SubElement(doc, f"{ns}name").text = proposal.title
    style = ET.SubElement(doc, f"{ns}Style", id="propuesta")
    line_style = ET.SubElement(style, f"{ns}LineStyle")
    ET.SubElement(line_style, f"{ns}color").text = kml_colour(theme.PROPOSAL_COLOURS["line"])
    ET.SubElement(line_style, f"{ns}width").text = "3"
    mark = ET.SubElement(doc, f"{ns}Placemark")
    ET.SubElement(mark, f"{ns}name").text = proposal.title
    ET.SubElement(mark, f"{ns}styleUrl").text = "#propuesta"
    line = ET.SubElement(mark, f"{ns}LineString")
    ET.SubElement(line, f"{ns}tessellate").text = "1"
    ET.SubElement(line, f"{ns}coordinates").text = " ".join(
        f"{v.lon:.8f},{v.lat:.8f}" for v in annex.vertices)
    for vertex in annex.vertices:
        point = ET.SubElement(doc, f"{ns}Placemark")
        ET.SubElement(point, f"{ns}name").text = f"V{vertex.number}"
        ET.SubElement(ET.SubElement(point, f"{ns}Point"), f"{ns}coordinates").text = (
            f"{vertex.lon:.8f},{vertex.lat:.8f}")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
