"""One geometry column type for both backends.

On PostgreSQL the column is a PostGIS ``geometry(<type>, 4326)`` so QGIS can read the tables;
on SQLite it is WKB in a BLOB. Either way the ORM hands out shapely geometries.

Spatial filtering takes one path on both backends: stored bounding-box columns
(``min_x``, ``min_y``, ``max_x``, ``max_y``, see :class:`cases.storage.models.SpatialMixin`) give
the SQL
pre-filter, shapely gives the exact test.
"""

from __future__ import annotations

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import LargeBinary
from sqlalchemy.dialects.postgresql import base as postgresql_base
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, UserDefinedType

from boundaries.crs import STORAGE_CRS

__all__ = ["Geometry", "SRID", "bounds_of"]

SRID = STORAGE_CRS.to_epsg()

_EXPECTED = {
    "POINT": ("Point",),
    "MULTIPOLYGON": ("MultiPolygon",),
    "POLYGON": ("Polygon",),
    "MULTILINESTRING": ("MultiLineString",),
    "LINESTRING": ("LineString",),
}


class _PostGISGeometry(UserDefinedType):
    """The PostGIS column type; values travel as hex EWKB text."""

    cache_ok = True

    def __init__(self, geometry_type: str = "GEOMETRY", *args) -> None:
        self.geometry_type = geometry_type

    def get_col_spec(self, **kw) -> str:
        """Return the PostGIS column type."""
        return f"geometry({self.geometry_type},{SRID})"


# Let reflection (Alembic's autogenerate, schema checks) recognise PostGIS columns.
postgresql_base.ischema_names.setdefault("geometry", _PostGISGeometry)


class Geometry(TypeDecorator):
    """A shapely geometry of one type, stored in EPSG:4326.

    Parameters
    ----------
    geometry_type : str
        ``POINT``, ``POLYGON``, ``MULTIPOLYGON``, ``LINESTRING`` or ``MULTILINESTRING``.
    """

    impl = LargeBinary
    cache_ok = True

    def __init__(self, geometry_type: str) -> None:
        super().__init__()
        if geometry_type not in _EXPECTED:
            raise ValueError(f"unknown geometry type {geometry_type!r}")
        self.geometry_type = geometry_type

    def load_dialect_impl(self, dialect: Dialect):
        """PostGIS geometry on PostgreSQL, a BLOB elsewhere."""
        if dialect.name == "postgresql":
            return dialect.type_descriptor(_PostGISGeometry(self.geometry_type))
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: BaseGeometry | None, dialect: Dialect):
        """Check the geometry type and encode: hex EWKB for PostGIS, WKB for SQLite."""
        if value is None:
            return None
        if value.geom_type not in _EXPECTED[self.geometry_type]:
            raise TypeError(
                f"expected {self.geometry_type}, got {value.geom_type}"
            )
        if dialect.name == "postgresql":
            return shapely.to_wkb(
                shapely.set_srid(value, SRID), hex=True, include_srid=True
            )
        return shapely.to_wkb(value)

    def process_result_value(self, value, dialect: Dialect) -> BaseGeometry | None:
        """Decode WKB (bytes or hex) into a shapely geometry."""
        if value is None:
            return None
        if isinstance(value, memoryview):
            value = bytes(value)
        return shapely.from_wkb(value)


def bounds_of(geometry: BaseGeometry | None) -> tuple[float | None, ...]:
    """Return ``(minx, miny, maxx, maxy)`` of ``geometry`` or four ``None``."""
    if geometry is None or geometry.is_empty:
        return (None, None, None, None)
    return tuple(float(v) for v in geometry.bounds)


