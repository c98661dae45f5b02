"""The "Captura en campo" page: what it keeps for offline use.

Its files, for the service worker's cache; the document of its offline layers
(:mod:`cases.fieldwork.offline_layers`) that «¿Dónde estoy?» reads without network; and the
offline base map (:mod:`cases.fieldwork.base_map`), an MBTiles file in the instance folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import shapely
from flask import current_app, url_for

from boundaries.crs import MEASURE_CRS
from cases.fieldwork.base_map import TileSet
from cases.fieldwork.offline_layers import OfflineLayers
from cases.storage.models import BoundaryKind
from geo_app import theme
from geo_app.formatting import file_size, history_value, number, short_date
from geo_app.tiles import BASE_MAP_NAMES, base_map, base_map_path, tile_prefix
from geo_app.vendor import vendor_url

__all__ = [
    "VENDOR_FILES",
    "OWN_FILES",
    "COORDINATE_DECIMALS",
    "offline_assets",
    "cache_name",
    "measure_projection",
    "layers_document",
    "BASE_MAP_NAMES",
    "EMPTY_TILE",
    "base_map_path",
    "base_map",
    "tile_prefix",
    "base_map_document",
]

# The npm files the capture page loads; the service worker caches exactly these.
VENDOR_FILES = (
    "bootstrap/dist/css/bootstrap.min.css",
    "leaflet/dist/leaflet.css",
    "leaflet/dist/leaflet.js",
)
# The app's own files of the page, under static/.
OWN_FILES = ("field/capture.css", "field/where.js", "field/capture.js")


def offline_assets() -> list[str]:
    """Every URL the capture page needs, versioned, for the service worker's cache."""
    return [
        url_for("field.capture"),
        *(vendor_url(path) for path in VENDOR_FILES),
        url_for("static", filename="limites.css"),
        url_for("static", filename="favicon.svg"),
        url_for("static", filename="leaflet_es.js"),
        *(url_for("static", filename=name) for name in OWN_FILES),
    ]


def cache_name(assets: list[str]) -> str:
    """The service worker's cache, renamed whenever a file or a vendor version changes.

    A new name makes browsers install the new worker and drop the old cache.
    """
    digest = hashlib.sha256("\n".join(assets).encode())
    static = Path(current_app.static_folder)
    for name in OWN_FILES:
        digest.update((static / name).read_bytes())
    return f"limites-campo-{digest.hexdigest()[:12]}"


# -- the layers of «¿Dónde estoy?» -----------------------------------------------------------

# Decimals of the coordinates sent to the phone: 7 (about 1 cm) keeps its answer the server's.
COORDINATE_DECIMALS = 7


def _rounded(geometry) -> dict:
    return shapely.transform(
        geometry, lambda xy: np.round(xy, COORDINATE_DECIMALS)
    ).__geo_interface__


def _features(frame, properties) -> list[dict]:
    return [
        {"type": "Feature", "properties": properties(row), "geometry": _rounded(row.geometry)}
        for row in frame.itertuples()
    ]


def measure_projection() -> dict:
    """The parameters of :data:`boundaries.crs.MEASURE_CRS` for the phone's own projection.

    The phone measures distances where the server does, in EPSG:6372 (Lambert conformal
    conic, two standard parallels): it gets the parameters from the one CRS the server names.
    """
    operation = MEASURE_CRS.coordinate_operation
    if operation.method_name != "Lambert Conic Conformal (2SP)":
        raise RuntimeError(f"the phone projects only LCC 2SP, not {operation.method_name}")
    values = [p.value for p in operation.params]
    lat_0, lon_0, lat_1, lat_2, x_0, y_0 = values
    ellipsoid = MEASURE_CRS.ellipsoid
    return {"epsg": MEASURE_CRS.to_epsg(), "lat_0": lat_0, "lon_0": lon_0, "lat_1": lat_1,
            "lat_2": lat_2, "x_0": x_0, "y_0": y_0, "a": ellipsoid.semi_major_metre,
            "rf": ellipsoid.inverse_flattening}


def layers_document(layers: OfflineLayers, made_on: dt.date) -> dict:
    """The JSON the phone keeps: its layers with names, labels and colours in Spanish."""
    frame_colour = theme.ILLUSTRATIVE_FRAME if layers.illustrative else \
        theme.BOUNDARY_COLOURS[BoundaryKind.OFFICIAL]
    return {
        "formato": 1,
        "version": layers.version,
        "fecha": made_on.isoformat(),
        "fecha_texto": f"Datos del mapa al {short_date(made_on)}",
        "marco": layers.frame_name,
        "ilustrativo": layers.illustrative,
        "area": layers.area,
        "distancia_compartida_m": layers.shared_distance_m,
        "alcance_rio_m": layers.river_reach_m,
        "proyeccion": measure_projection(),
        "nombres": layers.names,
        "colores": {"marco": frame_colour, "rio": theme.RIVER},
        "margenes": {bank: history_value("finding", "river_bank", bank)
                     for bank in ("left", "right", "on")},
        "municipios": _features(layers.frame, lambda r: {"code": r.code, "name": r.name}),
        "reclamos": [
            {"nombre": name, "color": theme.CLAIM_COLOURS[n % len(theme.CLAIM_COLOURS)],
             "features": _features(layer, lambda r: {"code": r.code, "name": r.name})}
            for n, (name, layer) in enumerate(layers.claims.items())
        ],
        "zonas": _features(layers.zones, lambda r: {
            "id": r.id, "name": r.name, "status": r.status.label,
            "color": theme.ZONE_STATUS_COLOURS.get(r.status, theme.ZONE_STATUS_FALLBACK),
            "municipalities": list(r.municipalities),
        }),
        "rios": _features(layers.rivers, lambda r: {"name": r.name}),
        "hallazgos": [
            {"id": f.id, "lon": round(f.lon, COORDINATE_DECIMALS),
             "lat": round(f.lat, COORDINATE_DECIMALS), "categoria": f.category.label,
             "color": theme.FINDING_COLOURS[f.category][1], "fecha": short_date(f.date),
             "recorrido": f.inspection, "municipio": f.municipality, "compartido": f.shared}
            for f in layers.findings
        ],
    }


# -- the offline base map ---------------------------------------------------------------------

# A transparent 1×1 PNG: the answer for a tile the file does not hold (the map shows nothing
# there instead of an error).
EMPTY_TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000005000155c2c3c40000000049454e44ae426082"
)


# The base map file and its tiles' URL live in geo_app.tiles (every map uses them).


def base_map_document(tileset: TileSet, tiles: list[tuple[int, int, int]], size: int) -> dict:
    """What the phone needs to draw the base map and to keep the tiles of the work area."""
    prefix, query = tile_prefix(), f"?v={tileset.version}"
    archive = url_for("field.base_map_file") if tileset.kind == "pmtiles" else None
    return {
        "nombre": tileset.name,
        "archivo": archive,
        "version": tileset.version,
        "url": prefix + "/{z}/{x}/{y}" + query,
        "min_zoom": tileset.min_zoom,
        "max_zoom": tileset.max_zoom,
        "bounds": tileset.bounds,
        "teselas": [f"{prefix}/{z}/{x}/{y}{query}" for z, x, y in tiles],
        "bytes": size,
        "texto": f"{number(len(tiles))} teselas del área de trabajo, {file_size(size)}",
    }
