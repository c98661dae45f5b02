"""Topology of the stored frame and claims, and the dispute zones made from it.

Overlaps, gaps, areas nobody attends and shared borders.

The Análisis page and ``limites topology`` both call :func:`layers_topology`; the page feeds
it :func:`~cases.frames.stored_layers.stored_layers`, the command whatever layers it was given.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from boundaries.topology import TopologyResult, analyze_topology
from boundaries.validation import to_multipolygon
from cases.errors import ConflictError, InvalidInputError, NotFoundError, boundary_errors
from cases.frames.stored_layers import claims_set_apart, stored_layers
from cases.records.audit import record_change, snapshot
from cases.records.lifecycle import including_deleted
from cases.records.text import clean_name
from cases.storage.models import AuditAction, DisputeZone, Municipality, User
from cases.storage.spatial import intersecting
from cases.storage.statuses import ZoneKind, ZoneStatus

__all__ = [
    "DEFAULT_MIN_AREA_M2",
    "StoredTopology",
    "min_area",
    "layers_topology",
    "stored_topology",
    "TopologyArea",
    "zone_from_area",
]

# Overlaps and gaps smaller than this (m²) are digitising slivers, counted but not listed.
DEFAULT_MIN_AREA_M2 = 1.0


def min_area(value: str | float | None) -> float:
    """Read a minimum area in m² ("1", "2,5", 3.0); blank means the default.

    Examples
    --------
    >>> min_area("2,5"), min_area(""), min_area(0)
    (2.5, 1.0, 0.0)
    >>> min_area("-1")
    Traceback (most recent call last):
    ...
    cases.errors.InvalidInputError: el área mínima debe ser un número de m² ... no «-1»
    """
    raw = str(value).strip().replace(",", ".") if value is not None else ""
    if not raw:
        return DEFAULT_MIN_AREA_M2
    try:
        area = float(raw)
    except ValueError:
        area = math.nan
    if not math.isfinite(area) or area < 0:
        raise InvalidInputError(
            f"el área mínima debe ser un número de m² mayor o igual a 0, no «{value}»"
        )
    return area


def layers_topology(
    frame: gpd.GeoDataFrame,
    claims: dict[str, gpd.GeoDataFrame],
    min_area_m2: float = DEFAULT_MIN_AREA_M2,
) -> tuple[TopologyResult, dict[str, str]]:
    """Topology of ``frame`` and ``claims`` with the name of every party code."""
    min_area_m2 = min_area(min_area_m2)
    names = dict(zip(frame["code"], frame["name"], strict=True))
    for layer in claims.values():
        names.update(zip(layer["code"], layer["name"], strict=True))
    with boundary_errors():
        result = analyze_topology(frame, claims, min_area_m2=min_area_m2)
    return result, names


@dataclass
class StoredTopology:
    """The analysis of the stored layers: what was analysed and what came out."""

    frame: gpd.GeoDataFrame
    claims: dict[str, gpd.GeoDataFrame]
    claimants: list[str]
    result: TopologyResult
    names: dict[str, str]
    min_area_m2: float
    # Claimants whose illustrative claims are not compared with the real frame in force.
    set_apart: list[str] = field(default_factory=list)

    @property
    def version_ids(self) -> set[int]:
        """Ids of every boundary version analysed."""
        ids = set(self.frame["version_id"])
        for layer in self.claims.values():
            ids.update(layer["version_id"])
        return {int(i) for i in ids}


def stored_topology(
    session: Session,
    claimants: Iterable[str] | None = None,
    min_area_m2: float = DEFAULT_MIN_AREA_M2,
) -> StoredTopology:
    """Topology of the current official frame and the chosen parties' claims."""
    frame, claims, available = stored_layers(session, claimants)
    result, names = layers_topology(frame, claims, min_area_m2)
    return StoredTopology(frame, claims, available, result, names, min_area(min_area_m2),
                          claims_set_apart(session))


# Share of the larger of two shapes their intersection must cover to be "the same" area.
SAME_AREA_SHARE = 0.99


def _same_area(a, b) -> bool:
    larger = max(a.area, b.area)
    return larger > 0 and a.intersection(b).area >= SAME_AREA_SHARE * larger


def _describe_overlap(row: pd.Series, names: dict[str, str]) -> tuple[list[str], str]:
    parties = list(row["parties"])
    return parties, (
        f"Traslape de {row['area_ha']:.2f} ha reclamado por {len(parties)} partes, "
        "creado desde el análisis de límites."
    )


def _describe_unattended(row: pd.Series, names: dict[str, str]) -> tuple[list[str], str]:
    party = names.get(row["party"], row["party"])
    return [row["party"], *row["neighbours"]], (
        f"Vacío de atención de {row['area_ha']:.2f} ha: el marco lo asigna a {party}, su "
        "reclamo lo deja fuera y ninguna otra parte lo reclama. Creado desde el análisis "
        "de límites."
    )


class TopologyArea(enum.StrEnum):
    """The kinds of area of :func:`stored_topology` that can become a dispute zone."""

    OVERLAP = "overlaps"
    UNATTENDED = "unattended"


_Describe = Callable[[pd.Series, dict[str, str]], tuple[list[str], str]]
_AREAS: dict[TopologyArea, tuple[str, _Describe]] = {
    TopologyArea.OVERLAP: ("el traslape", _describe_overlap),
    TopologyArea.UNATTENDED: ("el vacío de atención", _describe_unattended),
}


def zone_from_area(
    session: Session,
    area: TopologyArea,
    claimants: Iterable[str] | None,
    min_area_m2: float,
    position: int,
    name: str,
    actor: User | None = None,
) -> tuple[DisputeZone, bool]:
    """Turn area number ``position`` of :func:`stored_topology` into a dispute zone.

    The area is recomputed from what is stored (never taken from the client). One area
    becomes at most one zone: when a zone already covers the same area it is returned
    instead, with ``False``; a new zone is audited and returned with ``True``. An overlap's
    zone concerns the parties claiming it; an unattended area's, the municipality the frame
    assigns it to and its neighbours there. Runs in the caller's transaction.
    """
    what, describe = _AREAS[area]
    name = clean_name(name, "la zona")
    analysed = stored_topology(session, claimants, min_area_m2)
    rows = getattr(analysed.result, area.value)
    if not 0 <= position < len(rows):
        raise NotFoundError(f"no existe {what} número {position + 1}")
    row = rows.iloc[position]
    geometry = to_multipolygon(row.geometry)
    for zone in intersecting(session, DisputeZone, geometry):
        if _same_area(zone.geometry, geometry):
            return zone, False
    taken = session.scalar(
        including_deleted(select(DisputeZone).where(DisputeZone.name == name))
    )
    if taken is not None:
        where = " (en la papelera)" if taken.is_deleted else ""
        raise ConflictError(f"ya existe una zona llamada «{name}»{where}")
    codes, description = describe(row, analysed.names)
    zone = DisputeZone(
        name=name,
        kind=ZoneKind.LIMITE,
        status=ZoneStatus.IDENTIFIED,
        description=description,
        geometry=geometry,
        municipalities=session.scalars(
            select(Municipality).where(Municipality.cvegeo.in_(codes))
        ).all(),
    )
    session.add(zone)
    session.flush()
    record_change(session, actor, AuditAction.CREATE, zone, after=snapshot(zone))
    return zone, True
