"""Stored versions of a municipality's limit and the comparison of two of them."""

from __future__ import annotations

import geopandas as gpd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from boundaries.compare import VersionComparison, compare_versions
from boundaries.crs import STORAGE_CRS
from cases.errors import InvalidInputError, NotFoundError, boundary_errors
from cases.frames.topology import DEFAULT_MIN_AREA_M2, min_area
from cases.storage.models import BoundaryVersion, Municipality

__all__ = ["municipalities_with_versions", "version_choices", "compare_stored_versions"]


def municipalities_with_versions(session: Session) -> list[tuple[str, str]]:
    """``(cvegeo, name)`` of the municipalities with more than one stored version."""
    rows = session.execute(
        select(Municipality.cvegeo, Municipality.name)
        .join(BoundaryVersion, BoundaryVersion.municipality_id == Municipality.id)
        .group_by(Municipality.cvegeo, Municipality.name)
        .having(func.count(BoundaryVersion.id) > 1)
        .order_by(Municipality.name)
    ).all()
    return [(code, name) for code, name in rows]


def version_choices(session: Session, cvegeo: str) -> list[BoundaryVersion]:
    """Every stored version of the municipality ``cvegeo``, oldest first."""
    municipality = session.scalar(select(Municipality).where(Municipality.cvegeo == cvegeo))
    if municipality is None:
        raise NotFoundError(f"no existe el municipio con clave {cvegeo}")
    return session.scalars(
        select(BoundaryVersion)
        .options(selectinload(BoundaryVersion.claimant))
        .where(BoundaryVersion.municipality_id == municipality.id)
        .order_by(BoundaryVersion.valid_from.is_(None), BoundaryVersion.valid_from,
                  BoundaryVersion.id)
    ).all()


def compare_stored_versions(
    session: Session,
    old_id: int,
    new_id: int,
    min_area_m2: float = DEFAULT_MIN_AREA_M2,
    cvegeo: str | None = None,
) -> tuple[BoundaryVersion, BoundaryVersion, VersionComparison]:
    """Compare two stored versions of one municipality: gained, lost, largest distance.

    With ``cvegeo`` both versions must belong to that municipality.
    """
    min_area_m2 = min_area(min_area_m2)
    old = session.get(BoundaryVersion, old_id)
    new = session.get(BoundaryVersion, new_id)
    for number, version in ((old_id, old), (new_id, new)):
        if version is None:
            raise NotFoundError(f"no existe la versión de límite número {number}")
        if cvegeo is not None and version.municipality.cvegeo != cvegeo:
            raise InvalidInputError(
                f"la versión número {number} es de {version.municipality.name}, "
                f"no del municipio {cvegeo}"
            )
    if old.municipality_id != new.municipality_id:
        raise InvalidInputError(
            "las dos versiones deben ser del mismo municipio "
            f"({old.municipality.name} y {new.municipality.name})"
        )
    with boundary_errors():
        result = compare_versions(
            gpd.GeoSeries([old.geometry], crs=STORAGE_CRS),
            gpd.GeoSeries([new.geometry], crs=STORAGE_CRS),
            min_area_m2=min_area_m2,
        )
    return old, new, result
