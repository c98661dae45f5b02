"""Spatial queries with one code path on both backends.

The SQL pre-filter compares stored bounding-box columns (portable, indexed); shapely makes
the exact test on the few candidates.
"""

from __future__ import annotations

from typing import TypeVar

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cases.storage.models import SpatialMixin

__all__ = ["bbox_filter", "intersecting"]

Model = TypeVar("Model", bound=SpatialMixin)


def bbox_filter(statement: Select, model: type[SpatialMixin], geometry: BaseGeometry) -> Select:
    """Add to ``statement`` the condition that ``model``'s bbox meets ``geometry``'s bbox."""
    minx, miny, maxx, maxy = geometry.bounds
    return statement.where(
        model.min_x <= maxx, model.max_x >= minx, model.min_y <= maxy, model.max_y >= miny
    )


def intersecting(session: Session, model: type[Model], geometry: BaseGeometry) -> list[Model]:
    """Return the rows of ``model`` whose geometry intersects ``geometry``, ordered by id."""
    candidates = session.scalars(
        bbox_filter(select(model), model, geometry).order_by(model.id)
    ).all()
    if not candidates:
        return []
    shapes = [getattr(row, row._geometry_attribute) for row in candidates]
    hits = shapely.intersects(shapes, geometry)
    return [row for row, hit in zip(candidates, hits, strict=True) if hit]
