"""Reading and writing vector layers: the only module of the package that touches files.

The I/O engine is chosen here, once: pyogrio (vectorised, several times faster than fiona on
the state file) when it is installed, fiona otherwise.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import geopandas as gpd
import pyproj

from boundaries.errors import LayerReadError, MissingCRSError

__all__ = ["ENGINE", "read_layer", "write_layer", "list_layers"]

log = logging.getLogger(__name__)

try:
    import pyogrio  # noqa: F401

    ENGINE = "pyogrio"
except ImportError:  # pragma: no cover - pyogrio is a dependency; fiona is the fallback
    ENGINE = "fiona"

_SUFFIXES = {".geojson", ".json", ".gpkg", ".zip", ".shp", ".fgb"}


def _source_path(path: Path) -> str:
    """Return what GDAL should open for ``path``, checking zips for a Shapefile."""
    if path.suffix.lower() != ".zip":
        return str(path)
    if not zipfile.is_zipfile(path):
        raise LayerReadError(f"{path.name}: el archivo ZIP está dañado o no es un ZIP")
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise LayerReadError(f"{path.name}: el archivo ZIP está dañado ({exc})") from exc
    if bad is not None:
        raise LayerReadError(f"{path.name}: el archivo ZIP está dañado ({bad} no se puede leer)")
    shapefiles = [name for name in names if name.lower().endswith(".shp")]
    if len(shapefiles) != 1:
        raise LayerReadError(
            f"{path.name}: el ZIP debe contener exactamente un Shapefile (.shp); "
            f"contiene {len(shapefiles)}"
        )
    return f"/vsizip/{path}/{shapefiles[0]}"


def list_layers(path: str | Path) -> list[str]:
    """Return the layer names of a multi-layer file such as a GeoPackage.

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from shapely import box
    >>> p = Path(tempfile.mkdtemp()) / "a.gpkg"
    >>> write_layer(gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs=4326), p, layer="zonas")
    >>> list_layers(p)
    ['zonas']
    """
    path = Path(path)
    if not path.exists():
        raise LayerReadError(f"no existe el archivo {path}")
    return [str(row[0]) for row in gpd.list_layers(_source_path(path)).to_numpy()]


def read_layer(
    path: str | Path, layer: str | None = None, crs: str | int | None = None
) -> gpd.GeoDataFrame:
    """Read a GeoJSON, GeoPackage or (zipped) Shapefile layer.

    Parameters
    ----------
    path : str or Path
        The file. A ``.zip`` must hold exactly one Shapefile.
    layer : str, optional
        The layer of a multi-layer file; required when a GeoPackage holds several.
    crs : str or int, optional
        The CRS to assume when the layer declares none. A layer that declares none, read
        without ``crs``, raises :class:`~boundaries.errors.MissingCRSError`.

    Returns
    -------
    GeoDataFrame
        In the layer's own CRS (reprojection is the caller's choice).

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from shapely import box
    >>> p = Path(tempfile.mkdtemp()) / "a.geojson"
    >>> write_layer(gpd.GeoDataFrame({"cvegeo": ["1"]}, geometry=[box(0, 0, 1, 1)], crs=4326), p)
    >>> read_layer(p).crs.to_epsg()
    4326
    """
    path = Path(path)
    if not path.exists():
        raise LayerReadError(f"no existe el archivo {path}")
    if path.suffix.lower() not in _SUFFIXES:
        raise LayerReadError(
            f"{path.name}: formato no reconocido; use GeoJSON, GeoPackage (.gpkg) "
            "o un Shapefile comprimido en .zip"
        )
    source = _source_path(path)
    if layer is None and path.suffix.lower() == ".gpkg":
        layers = list_layers(path)
        if len(layers) > 1:
            raise LayerReadError(
                f"{path.name} tiene varias capas ({', '.join(layers)}); elija una con --layer"
            )
    try:
        frame = gpd.read_file(source, layer=layer, engine=ENGINE)
    except Exception as exc:  # GDAL raises many types; the user needs one clear message
        raise LayerReadError(f"{path.name}: no se pudo leer la capa ({exc})") from exc
    log.info("read %d features from %s with %s", len(frame), path, ENGINE)
    if frame.crs is None:
        if crs is None:
            raise MissingCRSError(
                f"{path.name}: la capa no declara sistema de coordenadas (CRS); "
                "indíquelo con --crs, por ejemplo --crs EPSG:4326"
            )
        try:
            assumed = pyproj.CRS.from_user_input(crs)
        except pyproj.exceptions.CRSError as exc:
            raise LayerReadError(
                f"CRS inválido «{crs}»; use un código como EPSG:4326 o EPSG:6372"
            ) from exc
        frame = frame.set_crs(assumed)
    return frame


def write_layer(frame: gpd.GeoDataFrame, path: str | Path, layer: str | None = None) -> None:
    """Write ``frame`` to ``path``; the driver follows the suffix (.geojson, .gpkg, .shp)."""
    path = Path(path)
    drivers = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG", ".shp": None}
    driver = drivers.get(path.suffix.lower())
    kwargs = {"driver": driver} if driver else {}
    frame.to_file(path, layer=layer, engine=ENGINE, **kwargs)
