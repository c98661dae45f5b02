"""The two coordinate reference systems of the project, named once.

Geometries are stored in longitude/latitude (:data:`STORAGE_CRS`, EPSG:4326) and measured
(areas, lengths, distances) in :data:`MEASURE_CRS`, EPSG:6372 "Mexico ITRF2008 / LCC", a
conformal projection in metres that covers the whole country. Surveyors' tables (the
coordinates, bearings and sides of a limit's technical annex) are in :data:`SURVEY_CRS`,
EPSG:6369 "Mexico ITRF2008 / UTM zone 14N".
"""

from __future__ import annotations

import geopandas as gpd
import pyproj

from boundaries.errors import CRSMismatchError, InvalidParameterError, MissingCRSError

__all__ = [
    "STORAGE_CRS",
    "MEASURE_CRS",
    "SURVEY_CRS",
    "require_crs",
    "require_same_crs",
    "to_storage",
    "to_measure",
]

STORAGE_CRS = pyproj.CRS.from_epsg(4326)
MEASURE_CRS = pyproj.CRS.from_epsg(6372)
SURVEY_CRS = pyproj.CRS.from_epsg(6369)


def require_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries, name: str = "la capa") -> pyproj.CRS:
    """Return the CRS of ``frame`` or raise :class:`MissingCRSError`.

    Parameters
    ----------
    frame : GeoDataFrame or GeoSeries
        The layer to check.
    name : str
        How the layer is named in the error message.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> require_crs(gpd.GeoSeries([Point(0, 0)], crs=4326)).to_epsg()
    4326
    """
    if frame.crs is None:
        raise MissingCRSError(
            f"{name} no declara sistema de coordenadas (CRS); indíquelo con --crs"
        )
    return pyproj.CRS.from_user_input(frame.crs)


def require_same_crs(*frames: gpd.GeoDataFrame | gpd.GeoSeries) -> pyproj.CRS:
    """Return the common CRS of ``frames``; raise :class:`CRSMismatchError` if they differ.

    Stricter than geopandas, which only warns on a mismatch.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> a = gpd.GeoSeries([Point(0, 0)], crs=4326)
    >>> require_same_crs(a, a).to_epsg()
    4326
    """
    crs = None
    for index, frame in enumerate(frames, start=1):
        this = require_crs(frame, f"la capa {index}")
        if crs is None:
            crs = this
        elif not crs.equals(this):
            raise CRSMismatchError(
                f"las capas tienen sistemas de coordenadas distintos: "
                f"{crs.to_string()} y {this.to_string()}"
            )
    if crs is None:
        raise InvalidParameterError("no se dio ninguna capa")
    return crs


def to_storage(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject ``frame`` to :data:`STORAGE_CRS` (raises if it has no CRS).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> f = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=4326)
    >>> to_storage(f).crs.to_epsg()
    4326
    """
    crs = require_crs(frame)
    return frame if crs.equals(STORAGE_CRS) else frame.to_crs(STORAGE_CRS)


def to_measure(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoDataFrame | gpd.GeoSeries:
    """Reproject ``frame`` to :data:`MEASURE_CRS` (raises if it has no CRS).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> to_measure(gpd.GeoSeries([Point(-96.7, 17.0)], crs=4326)).crs.to_epsg()
    6372
    """
    require_crs(frame)
    return frame.to_crs(MEASURE_CRS)
