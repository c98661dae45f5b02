"""What a proposed limit line moves from one municipality to the other, and the re-cut.

A proposal is a line between two municipalities A and B whose ends lie on their common limit
(within :data:`ENDPOINT_SNAP_M`; they are moved onto it). Between the stretch of the common
limit it replaces and the line lie the pieces that change hands: where the line runs inside A,
the pieces pass from A to B, and the other way round.

Everything is computed on one arrangement: the rings of A and B and every line involved,
noded once and polygonized into faces. Each face has an owner in the frame and one under each
proposal, so the pieces, the new polygons and the areas are unions of the same faces with the
same vertices: the area one municipality gains is exactly the area the other loses, the two
new polygons cover exactly what the old ones did, and the outer limit keeps every vertex, so
the neighbours still match edge for edge. Areas are measured in :data:`~boundaries.crs.SURVEY_CRS`
(EPSG:6369, the CRS of the technical annex) unless another projected CRS is given.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import LineString, box
>>> frame = gpd.GeoDataFrame({"code": ["A", "B"]}, crs=4326,
...     geometry=[box(-96.76, 17.07, -96.75, 17.08), box(-96.75, 17.07, -96.74, 17.08)])
>>> change = limit_change(frame, "A", "B",
...     LineString([(-96.75, 17.07), (-96.749, 17.075), (-96.75, 17.08)]))
>>> change.pieces[["from_code", "to_code"]].to_dict("records")
[{'from_code': 'B', 'to_code': 'A'}]
>>> round(change.b_to_a_m2) == round(change.new_area_a_m2 - change.area_a_m2)
True
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from boundaries.annex import limit_line
from boundaries.arrangement import ProjectedPlane, insert_vertices, odd_region, polygon_faces
from boundaries.crs import STORAGE_CRS, SURVEY_CRS, to_storage
from boundaries.errors import (
    CRSMismatchError,
    InvalidGeometryError,
    InvalidParameterError,
    LimitLineError,
    MissingColumnError,
)

__all__ = [
    "ENDPOINT_SNAP_M",
    "LimitChange",
    "common_limit",
    "snap_to_limit",
    "limit_change",
    "recut_frame",
]

logger = logging.getLogger(__name__)

#: How far (metres) an end of a proposed line may lie from the common limit; it is moved onto it.
ENDPOINT_SNAP_M = 5.0
# What a line may stray outside the two municipalities, or come near a third, without
# meaning it (metres): a side straight in degrees and the same side straight in metres part by
# millimetres.
_NOISE_M = 0.01
# An end closer than this to a vertex of the limit (metres) is that vertex: no sliver side.
_SAME_VERTEX_M = 1e-3
# A point this close (metres) to a segment lies on it and is inserted there.
_ON_SEGMENT_M = 1e-6


@dataclass(frozen=True)
class LimitChange:
    """What :func:`limit_change` found.

    Attributes
    ----------
    a, b : str
        The two municipalities' codes.
    line : shapely.LineString
        The proposal as used, its ends on the common limit (EPSG:4326): the line of the annex.
    baseline : shapely.LineString or None
        The other proposal it was compared with, as used; None for the frame's limit.
    pieces : GeoDataFrame
        One row per connected piece that changes hands going from the baseline to ``line``:
        ``from_code``, ``to_code``, ``area_m2``, ``area_ha``, polygon in EPSG:4326. Largest
        first.
    new_a, new_b : shapely.MultiPolygon
        A and B re-cut along ``line`` (EPSG:4326).
    area_a_m2, area_b_m2 : float
        Areas of A and B under the baseline.
    new_area_a_m2, new_area_b_m2 : float
        Areas of ``new_a`` and ``new_b``.
    measure_crs : str
        The projected CRS of every area.
    """

    a: str
    b: str
    line: shapely.LineString
    baseline: shapely.LineString | None
    pieces: gpd.GeoDataFrame
    new_a: shapely.MultiPolygon
    new_b: shapely.MultiPolygon
    area_a_m2: float
    area_b_m2: float
    new_area_a_m2: float
    new_area_b_m2: float
    measure_crs: str = SURVEY_CRS.to_string()

    @property
    def a_to_b_m2(self) -> float:
        """Total area passing from A to B (m²)."""
        return float(self.pieces.area_m2[self.pieces.from_code == self.a].sum())

    @property
    def b_to_a_m2(self) -> float:
        """Total area passing from B to A (m²)."""
        return float(self.pieces.area_m2[self.pieces.from_code == self.b].sum())


def common_limit(a: BaseGeometry, b: BaseGeometry) -> list[shapely.LineString]:
    """The stretches of limit two polygons share, as continuous lines.

    Raises
    ------
    LimitLineError
        The polygons share no stretch of limit (at most a point).

    Examples
    --------
    >>> from shapely import box
    >>> [line.length for line in common_limit(box(0, 0, 1, 1), box(1, 0, 2, 2))]
    [1.0]
    """
    shared = shapely.intersection(shapely.boundary(a), shapely.boundary(b))
    lines = [part for part in shapely.get_parts(shared)
             if part.geom_type == "LineString" and not part.is_empty]
    if not lines:
        raise LimitLineError("los dos municipios no comparten límite")
    merged = shapely.line_merge(shapely.MultiLineString(lines))
    return list(shapely.get_parts(merged))


def snap_to_limit(
    a: BaseGeometry,
    b: BaseGeometry,
    line: BaseGeometry,
    snap_m: float = ENDPOINT_SNAP_M,
) -> shapely.LineString:
    """Move the ends of ``line`` onto the common limit of ``a`` and ``b`` (all EPSG:4326).

    Each end goes to the nearest point of the limit in the EPSG:6369 plane, or to its vertex
    when within a millimetre of one. Both ends must reach the same stretch of limit.

    Raises
    ------
    LimitLineError
        An end is farther than ``snap_m`` metres from the limit, the ends fall on different
        stretches or on the same point, the common limit is a closed ring (an enclave), or
        the line crosses itself.
    InvalidParameterError
        ``snap_m`` is negative.

    Examples
    --------
    >>> from shapely import LineString, box
    >>> a, b = box(-96.76, 17.07, -96.75, 17.08), box(-96.75, 17.07, -96.74, 17.08)
    >>> line = snap_to_limit(a, b, LineString([(-96.75001, 17.071), (-96.749, 17.075),
    ...                                        (-96.75, 17.079)]))
    >>> [round(c, 7) for c in line.coords[0]]
    [-96.75, 17.071]
    """
    plane = ProjectedPlane(SURVEY_CRS)
    a_m, b_m = plane.forward(a), plane.forward(b)
    return plane.back(_snapped(a_m, b_m, plane.forward(limit_line(line)), snap_m))


def _snapped(
    a: BaseGeometry, b: BaseGeometry, line: shapely.LineString, snap_m: float
) -> shapely.LineString:
    """``line`` with its ends on the common limit of ``a`` and ``b`` (all in metres)."""
    if not snap_m >= 0:
        raise InvalidParameterError(f"la tolerancia debe ser positiva, no {snap_m}")
    parts = common_limit(a, b)
    coords = shapely.get_coordinates(line)
    ends = [_snap_end(shapely.Point(coords[i]), parts, snap_m, name)
            for i, name in ((0, "inicial"), (-1, "final"))]
    (start, start_part), (end, end_part) = ends
    if start_part != end_part:
        raise LimitLineError(
            "los dos extremos de la línea caen en tramos distintos del límite común"
        )
    if parts[start_part].is_closed:
        raise LimitLineError(
            "el límite común es un anillo cerrado (un municipio rodea al otro); "
            "aún no se pueden proponer cortes en él"
        )
    if start.equals(end):
        raise LimitLineError("los dos extremos de la línea caen en el mismo punto del límite")
    coords[0], coords[-1] = start.coords[0], end.coords[0]
    snapped = shapely.LineString(coords)
    if not snapped.is_simple:
        raise LimitLineError("la línea se cruza a sí misma; un límite no puede hacerlo")
    return snapped


def _snap_end(
    point: shapely.Point, parts: list[shapely.LineString], snap_m: float, name: str
) -> tuple[shapely.Point, int]:
    distances = shapely.distance(np.array(parts, dtype=object), point)
    index = int(np.argmin(distances))
    if distances[index] > snap_m:
        raise LimitLineError(
            f"el extremo {name} de la línea está a {distances[index]:.1f} m del límite común; "
            f"debe quedar a menos de {snap_m:g} m"
        )
    part = parts[index]
    vertices = shapely.points(shapely.get_coordinates(part))
    near = shapely.distance(vertices, point)
    if near.min() <= _SAME_VERTEX_M:
        return vertices[int(np.argmin(near))], index
    return part.interpolate(part.project(point)), index


def limit_change(
    frame: gpd.GeoDataFrame,
    a: str,
    b: str,
    line: BaseGeometry,
    *,
    against: BaseGeometry | None = None,
    code_col: str = "code",
    snap_m: float = ENDPOINT_SNAP_M,
    measure_crs: pyproj.CRS = SURVEY_CRS,
) -> LimitChange:
    """What changes hands if the limit between ``a`` and ``b`` follows ``line``.

    Parameters
    ----------
    frame : GeoDataFrame
        The municipal polygons; only the rows of ``a`` and ``b`` are used.
    a, b : str
        The codes of the two municipalities.
    line : shapely.LineString
        The proposed limit in EPSG:4326, ends on (or within ``snap_m`` of) the common limit.
    against : shapely.LineString, optional
        Another proposal: the pieces are what changes hands going from it to ``line``.
        Without it, from the frame's limit to ``line``.
    code_col : str
        Column of ``frame`` with the codes.
    snap_m : float
        How far an end may lie from the common limit (metres).
    measure_crs : pyproj.CRS
        Projected CRS for the areas.

    Returns
    -------
    LimitChange

    Raises
    ------
    LimitLineError
        See :func:`snap_to_limit`; also when the line leaves the two municipalities or
        leaves one of them with no territory.
    MissingColumnError, InvalidParameterError, InvalidGeometryError, CRSMismatchError

    Examples
    --------
    A line that bulges into B and then into A moves a triangle each way:

    >>> import geopandas as gpd
    >>> from shapely import LineString, box
    >>> frame = gpd.GeoDataFrame({"code": ["A", "B"]}, crs=4326,
    ...     geometry=[box(-96.76, 17.07, -96.75, 17.08), box(-96.75, 17.07, -96.74, 17.08)])
    >>> change = limit_change(frame, "A", "B", LineString(
    ...     [(-96.75, 17.07), (-96.749, 17.0725), (-96.751, 17.0775), (-96.75, 17.08)]))
    >>> change.pieces[["from_code", "to_code"]].to_dict("records")
    [{'from_code': 'B', 'to_code': 'A'}, {'from_code': 'A', 'to_code': 'B'}]
    >>> gain = change.new_area_a_m2 - change.area_a_m2
    >>> round(gain, 2), round(change.b_to_a_m2 - change.a_to_b_m2 - gain, 6)
    (1.77, 0.0)
    """
    crs = pyproj.CRS.from_user_input(measure_crs)
    if not crs.is_projected:
        raise CRSMismatchError(f"las áreas se miden en un CRS proyectado, no en {crs.name}")
    geom_a, geom_b = _pair(frame, a, b, code_col)
    plane = ProjectedPlane(crs)
    geom_a, geom_b = plane.forward(geom_a), plane.forward(geom_b)
    proposal = _snapped(geom_a, geom_b, plane.forward(limit_line(line)), snap_m)
    baseline = (None if against is None
                else _snapped(geom_a, geom_b, plane.forward(limit_line(against)), snap_m))
    lines = [proposal] if baseline is None else [proposal, baseline]
    ends = [shapely.Point(c) for ln in lines for c in (ln.coords[0], ln.coords[-1])]
    limits = [insert_vertices(part, ends, _ON_SEGMENT_M) for part in common_limit(geom_a, geom_b)]
    geom_a, geom_b = (insert_vertices(g, ends, _ON_SEGMENT_M) for g in (geom_a, geom_b))
    for ln in lines:
        _require_inside(ln, geom_a, geom_b)
    try:
        faces, owner = polygon_faces([geom_a, geom_b], lines)
        new_owner = _owners_after(faces, owner, _flipped(limits, proposal))
        old_owner = (owner if baseline is None
                     else _owners_after(faces, owner, _flipped(limits, baseline)))
        areas = shapely.area(faces)
        pieces = _pieces(faces, old_owner, new_owner, (a, b), plane)
        new_a, new_b = (_union(faces[new_owner == side]) for side in (0, 1))
    except shapely.errors.GEOSException as error:
        # A line running along the limit in force (or along the other proposal) leaves
        # faces that overlap; GEOS refuses to join them.
        raise LimitLineError(
            "la línea propuesta corre sobre el límite vigente (o sobre la otra propuesta) en "
            "algún tramo; dibuje solo el tramo que cambia, de un punto del límite a otro"
        ) from error
    if new_a.is_empty or new_b.is_empty:
        raise LimitLineError("la línea deja a uno de los dos municipios sin territorio")
    logger.debug("propuesta %s–%s: %d caras, %d piezas", a, b, len(faces), len(pieces))
    return LimitChange(
        a=a, b=b, line=plane.back(proposal),
        baseline=None if baseline is None else plane.back(baseline),
        pieces=pieces, new_a=plane.back(new_a), new_b=plane.back(new_b),
        area_a_m2=float(areas[old_owner == 0].sum()),
        area_b_m2=float(areas[old_owner == 1].sum()),
        new_area_a_m2=float(areas[new_owner == 0].sum()),
        new_area_b_m2=float(areas[new_owner == 1].sum()),
        measure_crs=crs.to_string(),
    )


def recut_frame(
    frame: gpd.GeoDataFrame, change: LimitChange, *, code_col: str = "code"
) -> gpd.GeoDataFrame:
    """``frame`` in EPSG:4326 with A and B replaced by their re-cut polygons.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString, box
    >>> frame = gpd.GeoDataFrame({"code": ["A", "B"]}, crs=4326,
    ...     geometry=[box(-96.76, 17.07, -96.75, 17.08), box(-96.75, 17.07, -96.74, 17.08)])
    >>> change = limit_change(frame, "A", "B",
    ...     LineString([(-96.75, 17.07), (-96.749, 17.075), (-96.75, 17.08)]))
    >>> new = recut_frame(frame, change)
    >>> bool(new.union_all().equals(frame.union_all()))
    True
    """
    result = to_storage(frame).copy()
    codes = result[code_col].astype(str)
    geometry = result.geometry.to_numpy().copy()
    geometry[(codes == change.a).to_numpy()] = change.new_a
    geometry[(codes == change.b).to_numpy()] = change.new_b
    return result.set_geometry(gpd.GeoSeries(geometry, index=result.index, crs=STORAGE_CRS))


def _pair(
    frame: gpd.GeoDataFrame, a: str, b: str, code_col: str
) -> tuple[BaseGeometry, BaseGeometry]:
    if code_col not in frame.columns:
        raise MissingColumnError(f"el marco no tiene la columna «{code_col}»")
    if a == b:
        raise InvalidParameterError("la propuesta necesita dos municipios distintos")
    polygons = to_storage(frame)
    codes = polygons[code_col].astype(str).to_numpy()
    found = []
    for code in (a, b):
        rows = np.flatnonzero(codes == code)
        if len(rows) != 1:
            raise InvalidParameterError(
                f"el municipio {code} aparece {len(rows)} veces en el marco; debe estar una vez"
            )
        geom = polygons.geometry.iloc[rows[0]]
        if geom.geom_type not in ("Polygon", "MultiPolygon") or not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            raise InvalidGeometryError(
                f"el polígono del municipio {code} no es válido: {reason}", code, reason
            )
        found.append(geom)
    return found[0], found[1]


def _require_inside(line: shapely.LineString, a: BaseGeometry, b: BaseGeometry) -> None:
    outer = shapely.boundary(shapely.union(a, b))
    length = shapely.difference(line, shapely.union(a, b)).length
    if length > _NOISE_M:
        raise LimitLineError(
            f"la línea sale de los dos municipios ({length:.1f} m fuera de ellos); debe ir "
            "por dentro, de un punto del límite común a otro"
        )
    # Only the ends may reach the limit with a third municipality (at a corner of the limit);
    # anywhere else the new limit would pinch one of the two into separate parts.
    ends = shapely.points([line.coords[0], line.coords[-1]])
    near = shapely.get_parts(shapely.intersection(line, shapely.buffer(outer, _NOISE_M)))
    if any(shapely.distance(part, ends).min() > _NOISE_M for part in near):
        raise LimitLineError(
            "la línea toca el límite con otro municipio; solo sus extremos pueden tocar un "
            "límite, y solo el común a los dos"
        )


def _flipped(limits: list[shapely.LineString], line: shapely.LineString) -> BaseGeometry:
    """Where ``line`` changes the owner: inside the loop it closes with the stretch it replaces.

    ``limits`` are the stretches of common limit, with the line's ends among their vertices.
    """
    start, end = np.asarray(line.coords[0]), np.asarray(line.coords[-1])
    coords = next(c for c in map(np.asarray, (part.coords for part in limits))
                  if (c == start).all(axis=1).any() and (c == end).all(axis=1).any())
    ends = [int(np.flatnonzero((coords == c).all(axis=1))[0]) for c in (start, end)]
    return odd_region([shapely.LineString(coords[min(ends):max(ends) + 1]), line])


def _owners_after(faces: np.ndarray, owner: np.ndarray, flipped: BaseGeometry) -> np.ndarray:
    if flipped.is_empty:
        return owner.copy()
    shapely.prepare(flipped)
    share = shapely.area(shapely.intersection(faces, flipped)) / shapely.area(faces)
    return np.where(share > 0.5, 1 - owner, owner)


def _pieces(
    faces: np.ndarray,
    old: np.ndarray,
    new: np.ndarray,
    codes: tuple[str, str],
    plane: ProjectedPlane,
) -> gpd.GeoDataFrame:
    rows = []
    for side in (0, 1):
        moved = (old == side) & (new != side)
        if not moved.any():
            continue
        for piece in shapely.get_parts(shapely.coverage_union_all(faces[moved])):
            members = moved & shapely.within(shapely.point_on_surface(faces), piece)
            area = float(shapely.area(faces[members]).sum())
            rows.append((codes[side], codes[1 - side], area, area / 10_000, plane.back(piece)))
    columns = ["from_code", "to_code", "area_m2", "area_ha", "geometry"]
    data = (dict(zip(columns, zip(*rows, strict=True), strict=True)) if rows
            else {column: [] for column in columns})
    pieces = gpd.GeoDataFrame(data, geometry="geometry", crs=STORAGE_CRS)
    return pieces.sort_values("area_m2", ascending=False, ignore_index=True)


def _union(faces: np.ndarray) -> shapely.MultiPolygon:
    if len(faces) == 0:
        return shapely.MultiPolygon()
    return shapely.MultiPolygon(list(shapely.get_parts(shapely.coverage_union_all(faces))))
