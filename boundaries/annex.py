"""The technical annex of a limit line: its *cuadro de construcción*, as surveyors give it.

A proposed limit is a line in :data:`~boundaries.crs.STORAGE_CRS` (longitude/latitude). Its
annex numbers the vertices in order and gives each one in
:data:`~boundaries.crs.SURVEY_CRS` (EPSG:6369, Mexico ITRF2008 / UTM zone 14N) and in
longitude/latitude; for each side, its length, its grid azimuth and its *rumbo* (quadrant
bearing, «N 12°34'56" E»), all measured in the EPSG:6369 plane. Grid north and true north
differ by the meridian convergence, stated once for the line at the centre of its extent: a
geodetic azimuth is the grid azimuth plus :attr:`Annex.convergence_deg`. The convergence grows
by about 10″ per kilometre east or west at Oaxaca's latitude (1″ north or south), so each
vertex also carries its own, exact for the sides that start there.

The annex travels as CSV, DXF and GeoPackage layers (:mod:`boundaries.annex_files`).

Examples
--------
>>> from shapely import LineString
>>> annex = construction_table(LineString([(-96.75, 17.08), (-96.745, 17.085)]))
>>> side = annex.sides[0]
>>> print(f"{side.length_m:.2f} m", side.bearing, "convergencia", annex.convergence)
767.98 m N 43°13'18" E convergencia 0°39'43"
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from boundaries.crs import STORAGE_CRS, SURVEY_CRS, to_storage
from boundaries.errors import GeometryTypeError, LimitLineError
from boundaries.layers import project

__all__ = [
    "ON_LIMIT_M",
    "WEST",
    "AnnexVertex",
    "AnnexSide",
    "Annex",
    "construction_table",
    "limit_line",
    "dms",
    "quadrant_bearing",
]

#: An end of the line lies on a municipality's limit when it is this close to it (metres).
ON_LIMIT_M = 0.01
#: The letter of west in a *rumbo*: Spanish «Oeste».
WEST = "O"
_SECONDS_PER_TURN = 360 * 3600


@dataclass(frozen=True)
class AnnexVertex:
    """A numbered vertex: ``x``/``y`` in EPSG:6369 metres, ``lon``/``lat`` in degrees.

    ``convergence_deg`` is the meridian convergence at the vertex (geodetic minus grid
    azimuth of a side leaving it).
    """

    number: int
    x: float
    y: float
    lon: float
    lat: float
    convergence_deg: float

    @property
    def convergence(self) -> str:
        """The convergence in degrees, minutes and seconds, signed."""
        return _signed_dms(self.convergence_deg)


@dataclass(frozen=True)
class AnnexSide:
    """The side from vertex ``start`` to vertex ``end``, in the EPSG:6369 plane.

    ``azimuth_deg`` is the grid azimuth, clockwise from grid north in [0, 360);
    ``bearing`` the same direction as a *rumbo* (:func:`quadrant_bearing`).
    """

    start: int
    end: int
    length_m: float
    azimuth_deg: float

    @property
    def bearing(self) -> str:
        """The *rumbo* of the side, e.g. «N 12°34'56" E»."""
        return quadrant_bearing(self.azimuth_deg)

    @property
    def azimuth(self) -> str:
        """The grid azimuth in degrees, minutes and seconds, e.g. «192°34'56"»."""
        return dms(self.azimuth_deg)


@dataclass(frozen=True)
class Annex:
    """The *cuadro de construcción* of a line (see :func:`construction_table`).

    Attributes
    ----------
    vertices : tuple of AnnexVertex
        Numbered from 1 in the line's order.
    sides : tuple of AnnexSide
        ``len(vertices) - 1`` sides, in order.
    length_m : float
        The line's length in the EPSG:6369 plane (the sum of the sides, unrounded).
    convergence_deg : float
        Meridian convergence at the centre of the line's extent, in degrees: geodetic azimuth
        minus grid azimuth (positive east of the zone's central meridian, 99° W).
    convergence_at : tuple of float
        ``(lon, lat)`` of that centre.
    start_limits, end_limits : tuple of str
        Codes of the municipalities whose limit passes through the first / last vertex
        (within :data:`ON_LIMIT_M`), sorted; empty when no limits were given.
    crs : str
        The projected CRS of ``x``, ``y``, lengths and azimuths.
    """

    vertices: tuple[AnnexVertex, ...]
    sides: tuple[AnnexSide, ...]
    length_m: float
    convergence_deg: float
    convergence_at: tuple[float, float]
    start_limits: tuple[str, ...] = ()
    end_limits: tuple[str, ...] = ()
    crs: str = SURVEY_CRS.to_string()

    @property
    def line(self) -> shapely.LineString:
        """The line in longitude/latitude (EPSG:4326), vertex by vertex."""
        return shapely.LineString([(v.lon, v.lat) for v in self.vertices])

    @property
    def convergence(self) -> str:
        """The convergence in degrees, minutes and seconds, signed («-0°39'40"» west)."""
        return _signed_dms(self.convergence_deg)


def limit_line(line: BaseGeometry) -> shapely.LineString:
    """Check that ``line`` can be a limit: one simple line in longitude/latitude.

    Consecutive repeated vertices are dropped (they would make sides of zero length).

    Raises
    ------
    GeometryTypeError
        Not a single LineString.
    LimitLineError
        Fewer than two distinct vertices, coordinates outside longitude/latitude, or the
        line crosses itself.

    Examples
    --------
    >>> from shapely import LineString
    >>> limit_line(LineString([(-96.7, 17.0), (-96.7, 17.0), (-96.6, 17.1)])).wkt
    'LINESTRING (-96.7 17, -96.6 17.1)'
    """
    if isinstance(line, shapely.MultiLineString) and len(line.geoms) == 1:
        line = line.geoms[0]
    if not isinstance(line, shapely.LineString):
        raise GeometryTypeError(
            f"la propuesta de límite debe ser una sola línea, no {line.geom_type}"
        )
    coords = shapely.get_coordinates(line)
    if not np.isfinite(coords).all() or (np.abs(coords) > [180, 90]).any():
        raise LimitLineError(
            "la línea no está en longitud/latitud (EPSG:4326) o tiene coordenadas inválidas"
        )
    keep = np.r_[True, (np.diff(coords, axis=0) != 0).any(axis=1)]
    coords = coords[keep]
    if len(coords) < 2:
        raise LimitLineError("la línea necesita al menos dos vértices distintos")
    clean = shapely.LineString(coords)
    if not clean.is_simple:
        raise LimitLineError("la línea se cruza a sí misma; un límite no puede hacerlo")
    return clean


def construction_table(
    line: BaseGeometry,
    limits: gpd.GeoDataFrame | None = None,
    *,
    code_col: str = "code",
) -> Annex:
    """Build the *cuadro de construcción* of ``line``.

    Parameters
    ----------
    line : shapely.LineString
        The limit line in longitude/latitude (EPSG:4326), in the order the annex numbers it.
    limits : GeoDataFrame, optional
        Municipal polygons (any CRS); the annex names those whose limit passes through the
        first and last vertex.
    code_col : str
        Column of ``limits`` with the municipality code.

    Returns
    -------
    Annex

    Raises
    ------
    GeometryTypeError, LimitLineError
        See :func:`limit_line`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString, box
    >>> frame = gpd.GeoDataFrame({"code": ["A", "B"]}, crs=4326,
    ...     geometry=[box(-96.76, 17.07, -96.75, 17.09), box(-96.75, 17.07, -96.74, 17.09)])
    >>> annex = construction_table(
    ...     LineString([(-96.75, 17.07), (-96.748, 17.08), (-96.75, 17.09)]), frame)
    >>> [v.number for v in annex.vertices], annex.start_limits, annex.end_limits
    ([1, 2, 3], ('A', 'B'), ('A', 'B'))
    >>> print(*(s.bearing for s in annex.sides), sep=" / ")
    N 10°13'38" E / N 11°32'58" O
    """
    line = limit_line(line)
    lonlat = shapely.get_coordinates(line)
    to_survey = pyproj.Transformer.from_crs(STORAGE_CRS, SURVEY_CRS, always_xy=True)
    x, y = to_survey.transform(lonlat[:, 0], lonlat[:, 1])
    dx, dy = np.diff(x), np.diff(y)
    lengths = np.hypot(dx, dy)
    azimuths = np.degrees(np.arctan2(dx, dy)) % 360.0
    survey = pyproj.Proj(SURVEY_CRS)
    convergences = survey.get_factors(lonlat[:, 0], lonlat[:, 1]).meridian_convergence
    vertices = tuple(
        AnnexVertex(i + 1, float(x[i]), float(y[i]), float(lon), float(lat),
                    float(convergences[i]))
        for i, (lon, lat) in enumerate(lonlat)
    )
    sides = tuple(
        AnnexSide(i + 1, i + 2, float(lengths[i]), float(azimuths[i]))
        for i in range(len(lengths))
    )
    # The centre of the extent keeps the stated convergence closest to every side's own.
    west, south, east, north = line.bounds
    middle = shapely.Point((west + east) / 2, (south + north) / 2)
    factors = survey.get_factors(middle.x, middle.y)
    start_limits = end_limits = ()
    if limits is not None:
        start_limits, end_limits = _limits_through(limits, code_col, line, x, y)
    return Annex(
        vertices=vertices,
        sides=sides,
        length_m=float(lengths.sum()),
        convergence_deg=float(factors.meridian_convergence),
        convergence_at=(middle.x, middle.y),
        start_limits=start_limits,
        end_limits=end_limits,
    )


def _limits_through(
    limits: gpd.GeoDataFrame, code_col: str, line: shapely.LineString, x: np.ndarray,
    y: np.ndarray,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    polygons = to_storage(limits)
    # Only the polygons around the line need reprojecting (a state has hundreds).
    around = polygons.sindex.query(shapely.buffer(shapely.envelope(line), 0.01))
    polygons = polygons.iloc[np.sort(around)]
    rings = project(shapely.boundary(polygons.geometry.values), STORAGE_CRS, SURVEY_CRS)
    codes = polygons[code_col].astype(str).to_numpy()
    ends = shapely.points([x[0], x[-1]], [y[0], y[-1]])
    found = []
    for end in ends:
        near = shapely.dwithin(rings, end, ON_LIMIT_M)
        found.append(tuple(sorted(codes[near])))
    return found[0], found[1]


def dms(degrees: float) -> str:
    """Write an angle in degrees, minutes and whole seconds.

    Examples
    --------
    >>> print(dms(12.58222), dms(359.99999))
    12°34'56" 0°00'00"
    """
    seconds = round(degrees * 3600) % _SECONDS_PER_TURN
    return _dms_seconds(seconds)


def _signed_dms(degrees: float) -> str:
    return ("-" if degrees < 0 else "") + dms(abs(degrees))


def _dms_seconds(seconds: int) -> str:
    d, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{d}°{m:02d}'{s:02d}\""


def quadrant_bearing(azimuth_deg: float) -> str:
    """The *rumbo* of a grid azimuth: the angle from north or south toward east or west.

    West is :data:`WEST` («O», oeste). Rounded to the second first, so the quadrant is the
    one of the printed angle.

    Examples
    --------
    >>> print(*(quadrant_bearing(a) for a in (12.58222, 100.5, 200.0, 315.25)), sep=" / ")
    N 12°34'56" E / S 79°30'00" E / S 20°00'00" O / N 44°45'00" O
    """
    seconds = round(azimuth_deg * 3600) % _SECONDS_PER_TURN
    quarter = _SECONDS_PER_TURN // 4
    if seconds <= quarter:
        return f"N {_dms_seconds(seconds)} E"
    if seconds < 2 * quarter:
        return f"S {_dms_seconds(2 * quarter - seconds)} E"
    if seconds <= 3 * quarter:
        return f"S {_dms_seconds(seconds - 2 * quarter)} {WEST}"
    return f"N {_dms_seconds(4 * quarter - seconds)} {WEST}"
