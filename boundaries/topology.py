"""Overlaps, gaps and shared borders of a set of boundary layers.

The official frame and any number of claims are read as *parties*: a party (a municipality
code) claims everything any layer attributes to it, so a claim that reaches into a neighbour
overlaps the neighbour's official polygon and shows up as a disputed area.

Speed comes from splitting the work: :func:`shapely.coverage_invalid_edges` finds the parties
whose edges match their neighbours exactly (the whole INEGI frame, for instance); those cannot
overlap, and their shared borders are found by matching identical segments
(:mod:`boundaries.borders`). Only pairs involving a party with mismatched edges go through GEOS
overlay. All measuring is done in
:data:`~boundaries.crs.MEASURE_CRS`; every geometry returned is in EPSG:4326.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import box
>>> frame = gpd.GeoDataFrame({"code": ["A", "B"]},
...                          geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)], crs=6372)
>>> claim = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(0, 0, 120, 100)], crs=6372)
>>> result = analyze_topology(frame, {"A 2024": claim})
>>> result.overlaps[["parties", "area_m2"]].to_dict("records")
[{'parties': ('A', 'B'), 'area_m2': 2000.0}]
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from boundaries.borders import shared_borders, sorted_codes
from boundaries.crs import MEASURE_CRS
from boundaries.layers import PolygonLayer, atomic_parts, polygon_layers, storage_frame

__all__ = [
    "TopologyResult",
    "analyze_topology",
    "topology_to_dict",
    "party_polygons",
    "overlap_zones",
    "unattended_areas",
]

logger = logging.getLogger(__name__)

# Tolerance (metres) for "touches the gap": the gap's ring comes out of an overlay and may sit a
# hair away from the polygons that bound it.
_TOUCH_M = 1e-3


@dataclass(frozen=True)
class TopologyResult:
    """What :func:`analyze_topology` found.

    Attributes
    ----------
    overlaps : GeoDataFrame
        One row per connected area claimed by two or more parties, at least ``min_area_m2``:
        ``parties`` (sorted tuple of codes), ``area_m2``, ``area_ha``, polygon in EPSG:4326.
        Largest first.
    gaps : GeoDataFrame
        One row per connected area enclosed by the layers and claimed by nobody, at least
        ``min_area_m2``: ``neighbours`` (sorted tuple of the codes around it), ``area_m2``,
        ``area_ha``, polygon in EPSG:4326. Largest first.
    unattended : GeoDataFrame
        *Vacíos de atención*: one row per connected area the frame assigns to a party whose
        own claim gives it up and that no other party claims, at least ``min_area_m2``:
        ``party`` (the code the frame assigns it to), ``neighbours`` (sorted codes of the
        other parties around it), ``area_m2``, ``area_ha``, polygon in EPSG:4326. Largest
        first. Not gaps: the frame covers them.
    shared_borders : GeoDataFrame
        One row per pair of parties whose limits coincide along a line: ``party_a``,
        ``party_b`` (``party_a`` sorts first), ``length_m``, the common limit in EPSG:4326.
        Where two parties overlap, only the stretches where both limits run together count.
    overlap_slivers, gap_slivers, unattended_slivers : int
        How many overlap / gap / unattended polygons were dropped for being smaller than
        ``min_area_m2``.
    min_area_m2 : float
        The threshold used.
    measure_crs : str
        The CRS in which areas and lengths were measured.
    """

    overlaps: gpd.GeoDataFrame
    gaps: gpd.GeoDataFrame
    shared_borders: gpd.GeoDataFrame
    overlap_slivers: int
    gap_slivers: int
    min_area_m2: float
    unattended: gpd.GeoDataFrame
    unattended_slivers: int
    measure_crs: str = MEASURE_CRS.to_string()


def analyze_topology(
    frame: gpd.GeoDataFrame,
    claims: Mapping[str, gpd.GeoDataFrame] | None = None,
    *,
    code_col: str = "code",
    min_area_m2: float = 1.0,
) -> TopologyResult:
    """Find overlaps, gaps and shared borders between the parties of the layers.

    Parameters
    ----------
    frame : GeoDataFrame
        The official frame, one (Multi)Polygon per party, party code in ``code_col``.
    claims : mapping of str to GeoDataFrame, optional
        Claim layers by name; same CRS and ``code_col`` as ``frame``.
    code_col : str
        Column with the party code.
    min_area_m2 : float
        Overlap and gap polygons smaller than this are digitising slivers: they are counted in
        ``overlap_slivers`` / ``gap_slivers`` and left out.

    Returns
    -------
    TopologyResult

    Raises
    ------
    CRSMismatchError, MissingCRSError, EmptyLayerError, MissingColumnError,
    GeometryTypeError, InvalidGeometryError

    Examples
    --------
    A ring of three squares around an empty one leaves a gap; two of them share 100 m:

    >>> import geopandas as gpd
    >>> from shapely import box
    >>> frame = gpd.GeoDataFrame(
    ...     {"code": ["A", "B", "C"]},
    ...     geometry=[box(0, 0, 300, 100), box(0, 100, 100, 200),
    ...               box(200, 100, 300, 200).union(box(0, 200, 300, 300))],
    ...     crs=6372)
    >>> result = analyze_topology(frame)
    >>> result.gaps[["neighbours", "area_m2"]].to_dict("records")
    [{'neighbours': ('A', 'B', 'C'), 'area_m2': 10000.0}]
    >>> result.shared_borders[["party_a", "party_b", "length_m"]].to_dict("records")[0]
    {'party_a': 'A', 'party_b': 'B', 'length_m': 100.0}
    """
    layers = polygon_layers(frame, claims, code_col=code_col)
    codes, parties = party_polygons(layers)
    dirty = ~shapely.is_empty(shapely.coverage_invalid_edges(parties))
    tree = STRtree(parties)
    left, right = tree.query(parties)
    keep = (left < right) & (dirty[left] | dirty[right])
    left, right = left[keep], right[keep]
    logger.debug(
        "topología: %d partes, %d con bordes que no casan, %d pares a superponer",
        len(parties),
        int(dirty.sum()),
        len(left),
    )
    zone_parties, zones = overlap_zones(codes, parties, left, right)
    overlaps, overlap_slivers = _area_frame("parties", zone_parties, zones, min_area_m2)
    gaps, gap_slivers = _gaps(codes, parties, tree, dirty, min_area_m2)
    borders = shared_borders(codes, parties, dirty, left, right)
    unattended, unattended_slivers = _unattended(layers, codes, parties, tree, min_area_m2)
    return TopologyResult(
        overlaps, gaps, borders, overlap_slivers, gap_slivers, min_area_m2,
        unattended, unattended_slivers,
    )


def unattended_areas(
    frame: gpd.GeoDataFrame,
    claims: Mapping[str, gpd.GeoDataFrame] | None = None,
    *,
    code_col: str = "code",
    min_area_m2: float = 1.0,
) -> gpd.GeoDataFrame:
    """Find the areas nobody attends (*vacíos de atención*).

    An area is unattended when the frame assigns it to a party, that party's own claim (every
    claim feature carrying its code) leaves it out, and no claim of any other party covers
    it. A party with no claim gives nothing up. Gaps in the frame are not reported here (see
    :func:`analyze_topology`).

    Parameters
    ----------
    frame : GeoDataFrame
        The official frame, one (Multi)Polygon per party, party code in ``code_col``.
    claims : mapping of str to GeoDataFrame, optional
        Claim layers by name; same CRS and ``code_col`` as ``frame``.
    code_col : str
        Column with the party code.
    min_area_m2 : float
        Smaller areas are digitising slivers and are left out.

    Returns
    -------
    GeoDataFrame
        ``party``, ``neighbours`` (sorted tuple of the other parties' codes within 1 mm),
        ``area_m2``, ``area_ha`` and the polygon in EPSG:4326; largest first.

    Raises
    ------
    CRSMismatchError, MissingCRSError, EmptyLayerError, MissingColumnError,
    GeometryTypeError, InvalidGeometryError

    Examples
    --------
    A claims only the west half of its square; B's claim takes 10 m of what A gave up:

    >>> import geopandas as gpd
    >>> from shapely import box
    >>> frame = gpd.GeoDataFrame({"code": ["A", "B"]},
    ...                          geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)], crs=6372)
    >>> claims = {
    ...     "A": gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(0, 0, 50, 100)], crs=6372),
    ...     "B": gpd.GeoDataFrame({"code": ["B"]}, geometry=[box(90, 0, 200, 100)], crs=6372),
    ... }
    >>> unattended_areas(frame, claims)[["party", "neighbours", "area_m2"]].to_dict("records")
    [{'party': 'A', 'neighbours': ('B',), 'area_m2': 4000.0}]
    """
    layers = polygon_layers(frame, claims, code_col=code_col)
    codes, parties = party_polygons(layers)
    areas, _ = _unattended(layers, codes, parties, STRtree(parties), min_area_m2)
    return areas


def party_polygons(layers: list[PolygonLayer]) -> tuple[list[Any], np.ndarray]:
    """Merge the layers into one polygon per party (the union of all it claims).

    Returns
    -------
    codes : list
        The party codes, in order of first appearance.
    polygons : numpy.ndarray
        Each party's polygon, in metres.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> from boundaries.layers import polygon_layers
    >>> f = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(0, 0, 1, 1)], crs=6372)
    >>> c = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(1, 0, 2, 1)], crs=6372)
    >>> codes, polygons = party_polygons(polygon_layers(f, {"c": c}))
    >>> codes, polygons[0].area
    (['A'], 2.0)
    """
    all_codes = np.concatenate([layer.codes for layer in layers])
    geoms = np.concatenate([layer.geoms for layer in layers])
    labels, uniques = pd.factorize(pd.Series(all_codes, dtype=object))
    counts = np.bincount(labels)
    polygons = np.empty(len(uniques), dtype=object)
    single = counts[labels] == 1
    polygons[labels[single]] = geoms[single]
    for label in np.flatnonzero(counts > 1):
        polygons[label] = shapely.union_all(geoms[labels == label])
    return list(uniques), polygons


def overlap_zones(
    codes: list[Any],
    polygons: np.ndarray,
    left: np.ndarray | None = None,
    right: np.ndarray | None = None,
) -> tuple[list[tuple[Any, ...]], np.ndarray]:
    """Split the area claimed by two or more parties into zones by who claims them.

    Parameters
    ----------
    codes : list
        Party codes.
    polygons : numpy.ndarray
        One polygon per party, in metres.
    left, right : numpy.ndarray, optional
        The candidate pairs of parties to intersect; all pairs with touching bounding boxes by
        default.

    Returns
    -------
    parties : list of tuple
        The sorted codes claiming each zone.
    zones : numpy.ndarray
        The zones as Polygons (one per connected part), in metres.

    Examples
    --------
    >>> from shapely import box
    >>> parties, zones = overlap_zones(
    ...     ["A", "B", "C"], np.array([box(0, 0, 2, 2), box(1, 0, 3, 2), box(1, 1, 3, 3)]))
    >>> sorted((p, z.area) for p, z in zip(parties, zones))
    [(('A', 'B'), 1.0), (('A', 'B', 'C'), 1.0), (('B', 'C'), 1.0)]
    """
    tree = STRtree(polygons)
    if left is None or right is None:
        left, right = tree.query(polygons)
        keep = left < right
        left, right = left[keep], right[keep]
    pieces, index = atomic_parts(shapely.intersection(polygons[left], polygons[right]))
    keep = (shapely.get_type_id(pieces) == 3) & (shapely.area(pieces) > 0)
    pieces, index = pieces[keep], index[keep]
    if _any_overlap(pieces):
        return _arrangement(codes, tree, pieces)
    parties = [
        sorted_codes((codes[a], codes[b])) for a, b in zip(left[index], right[index], strict=True)
    ]
    return parties, pieces


def topology_to_dict(result: TopologyResult) -> dict[str, Any]:
    """Return ``result`` as a JSON-ready dict (the output of ``limites topology``).

    Shape: ``{"measure_crs", "min_area_m2", "overlaps": [{"parties", "area_m2", "area_ha",
    "geometry"}], "gaps": [{"neighbours", "area_m2", "area_ha", "geometry"}],
    "unattended": [{"party", "neighbours", "area_m2", "area_ha", "geometry"}],
    "shared_borders": [{"parties": [a, b], "length_m"}],
    "slivers": {"overlaps", "gaps", "unattended"}}``;
    geometries are GeoJSON mappings in EPSG:4326, areas rounded to 0.01 m² and 0.0001 ha,
    lengths to 0.01 m.

    Examples
    --------
    >>> import json
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> frame = gpd.GeoDataFrame({"code": ["A", "B"]},
    ...                          geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)], crs=6372)
    >>> doc = topology_to_dict(analyze_topology(frame))
    >>> json.dumps(doc)
    '{"measure_crs": "EPSG:6372", "min_area_m2": 1.0, "overlaps": [], "gaps": [], \
"unattended": [], "shared_borders": [{"parties": ["A", "B"], "length_m": 10.0}], \
"slivers": {"overlaps": 0, "gaps": 0, "unattended": 0}}'
    """
    return {
        "measure_crs": result.measure_crs,
        "min_area_m2": result.min_area_m2,
        "overlaps": [
            {"parties": list(row.parties), **_area_fields(row)}
            for row in result.overlaps.itertuples()
        ],
        "gaps": [
            {"neighbours": list(row.neighbours), **_area_fields(row)}
            for row in result.gaps.itertuples()
        ],
        "unattended": [
            {"party": row.party, "neighbours": list(row.neighbours), **_area_fields(row)}
            for row in result.unattended.itertuples()
        ],
        "shared_borders": [
            {"parties": [row.party_a, row.party_b], "length_m": round(row.length_m, 2)}
            for row in result.shared_borders.itertuples()
        ],
        "slivers": {
            "overlaps": result.overlap_slivers,
            "gaps": result.gap_slivers,
            "unattended": result.unattended_slivers,
        },
    }


def _area_fields(row: Any) -> dict[str, Any]:
    return {
        "area_m2": round(row.area_m2, 2),
        "area_ha": round(row.area_ha, 4),
        "geometry": shapely.geometry.mapping(row.geometry),
    }


def _gaps(
    codes: list[Any], parties: np.ndarray, tree: STRtree, dirty: np.ndarray, min_area_m2: float
) -> tuple[gpd.GeoDataFrame, int]:
    union = shapely.coverage_union_all(parties[~dirty])
    if dirty.any():
        union = shapely.union_all(np.append(parties[dirty], union))
    shells = shapely.get_parts(union)
    n_holes = shapely.get_num_interior_rings(shells)
    if n_holes.sum() == 0:
        return _area_frame("neighbours", [], np.empty(0, dtype=object), min_area_m2)
    owner = np.repeat(np.arange(len(shells)), n_holes)
    ring = np.concatenate([np.arange(n) for n in n_holes])
    holes = shapely.polygons(shapely.get_interior_ring(shells[owner], ring))
    hole_idx, inside = tree.query(holes, predicate="contains")
    for hole in np.unique(hole_idx):
        islands = shapely.union_all(parties[inside[hole_idx == hole]])
        holes[hole] = shapely.difference(holes[hole], islands)
    gaps, gap_hole = atomic_parts(holes)
    polygonal = shapely.get_type_id(gaps) == 3
    gaps, gap_hole = gaps[polygonal], gap_hole[polygonal]
    gap_idx, around = tree.query(gaps, predicate="dwithin", distance=_TOUCH_M)
    neighbours: list[list[Any]] = [[] for _ in gaps]
    for g, p in zip(gap_idx, around, strict=True):
        neighbours[g].append(codes[p])
    return _area_frame("neighbours", [sorted_codes(n) for n in neighbours], gaps, min_area_m2)


def _unattended(
    layers: list[PolygonLayer],
    codes: list[Any],
    parties: np.ndarray,
    tree: STRtree,
    min_area_m2: float,
) -> tuple[gpd.GeoDataFrame, int]:
    official, claimed = layers[0], layers[1:]
    owners: list[Any] = []
    pieces: list[Any] = []
    if claimed:
        claim_codes = pd.Series(np.concatenate([layer.codes for layer in claimed]), dtype=object)
        claim_geoms = np.concatenate([layer.geoms for layer in claimed])
        claim_tree = STRtree(claim_geoms)
        frame_codes = pd.Series(official.codes, dtype=object)
        for code in pd.unique(frame_codes[frame_codes.isin(set(claim_codes))]):
            own = shapely.union_all(claim_geoms[(claim_codes == code).to_numpy()])
            given_up = shapely.difference(
                shapely.union_all(official.geoms[(frame_codes == code).to_numpy()]), own
            )
            if shapely.is_empty(given_up):
                continue
            near = claim_tree.query(given_up)
            others = near[(claim_codes.iloc[near] != code).to_numpy()]
            if len(others):
                given_up = shapely.difference(given_up, shapely.union_all(claim_geoms[others]))
            parts, _ = atomic_parts(np.array([given_up], dtype=object))
            parts = parts[(shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 0)]
            owners.extend([code] * len(parts))
            pieces.extend(parts)
    polygons = np.array(pieces, dtype=object)
    neighbours: list[list[Any]] = [[] for _ in pieces]
    if len(pieces):
        piece_idx, around = tree.query(polygons, predicate="dwithin", distance=_TOUCH_M)
        for i, p in zip(piece_idx, around, strict=True):
            if codes[p] != owners[i]:
                neighbours[i].append(codes[p])
    areas, slivers = _area_frame(
        "neighbours", [sorted_codes(n) for n in neighbours], polygons, min_area_m2,
        party=owners,
    )
    return areas[["party", "neighbours", "area_m2", "area_ha", "geometry"]], slivers


def _area_frame(
    who: str,
    parties: list[tuple[Any, ...]],
    polygons: np.ndarray,
    min_area_m2: float,
    **extra: list[Any],
) -> tuple[gpd.GeoDataFrame, int]:
    area = shapely.area(polygons) if len(polygons) else np.empty(0)
    big = area >= min_area_m2
    order = np.argsort(-area[big], kind="stable")
    kept = np.flatnonzero(big)[order]
    frame = storage_frame(
        {
            **{k: pd.Series([v[i] for i in kept], dtype=object) for k, v in extra.items()},
            who: pd.Series([parties[i] for i in kept], dtype=object),
            "area_m2": area[kept],
            "area_ha": area[kept] / 10_000,
        },
        polygons[kept],
    )
    return frame, int((~big & (area > 0)).sum())


def _any_overlap(pieces: np.ndarray) -> bool:
    if len(pieces) < 2:
        return False
    left, right = STRtree(pieces).query(pieces)
    keep = left < right
    shared = shapely.area(shapely.intersection(pieces[left[keep]], pieces[right[keep]]))
    return bool((shared > 0).any())


def _arrangement(
    codes: list[Any], tree: STRtree, pieces: np.ndarray
) -> tuple[list[tuple[Any, ...]], np.ndarray]:
    # Pairwise overlaps that overlap each other (three or more parties): node all their
    # outlines, rebuild the faces and ask each face which parties contain it.
    noded = shapely.union_all(shapely.boundary(pieces))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    face_idx, party_idx = tree.query(shapely.point_on_surface(faces), predicate="within")
    claimants: dict[int, list[Any]] = {}
    for f, p in zip(face_idx, party_idx, strict=True):
        claimants.setdefault(int(f), []).append(codes[p])
    groups: dict[tuple[Any, ...], list[int]] = {}
    for f, who in claimants.items():
        if len(who) >= 2:
            groups.setdefault(sorted_codes(who), []).append(f)
    parties: list[tuple[Any, ...]] = []
    zones = []
    for who, members in groups.items():
        parts = shapely.get_parts(shapely.union_all(faces[members]))
        parties.extend([who] * len(parts))
        zones.extend(parts)
    return parties, np.array(zones, dtype=object)
