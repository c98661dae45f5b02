"""The exceptions of :mod:`boundaries`: one family, :class:`BoundaryError` at its root.

Every error the package raises on bad input is a :class:`BoundaryError`, with a Spanish
message because users read it (like shapely's ``ShapelyError``). The family also subclasses
:class:`ValueError` so callers written for plain Python keep working, but callers in this
project catch :class:`BoundaryError`: any other exception from the package is a bug.

Examples
--------
>>> try:
...     raise EmptyLayerError("la capa «oficial» no tiene elementos")
... except BoundaryError as exc:
...     print(exc)
la capa «oficial» no tiene elementos
"""

from __future__ import annotations

__all__ = [
    "BoundaryError",
    "LayerReadError",
    "FileFormatError",
    "MissingCRSError",
    "CRSMismatchError",
    "EmptyLayerError",
    "GeometryTypeError",
    "MissingColumnError",
    "InvalidGeometryError",
    "CoverageError",
    "InvalidParameterError",
    "CoordinateError",
    "TooManyVerticesError",
    "TrackReadError",
    "EmptyTrackError",
    "TrackCoordinateError",
    "TooManyPointsError",
    "OutsideAreaError",
    "LimitLineError",
]


class BoundaryError(ValueError):
    """Root of the package's errors: the input cannot be used; the message says why."""


class LayerReadError(BoundaryError):
    """A file cannot be read as a vector layer."""


class FileFormatError(LayerReadError):
    """A file's content is not the format its suffix promises; it was never opened."""


class MissingCRSError(BoundaryError):
    """A layer has no coordinate reference system and none was given."""


class CRSMismatchError(BoundaryError):
    """Two layers that must share a CRS do not."""


class EmptyLayerError(BoundaryError):
    """A layer has no features, or only empty geometries."""


class GeometryTypeError(BoundaryError):
    """A layer holds a geometry type other than the one expected."""


class MissingColumnError(BoundaryError):
    """The column that names the parties (``code_col``) is absent or has blanks."""


class InvalidGeometryError(BoundaryError):
    """A polygon is invalid (self-intersection, ring crossing...).

    Repair is the importer's job; analysis refuses to guess.

    Parameters
    ----------
    message : str
        The full message.
    code : object, optional
        The code (or index label) of the offending feature.
    reason : str, optional
        GEOS' explanation, from :func:`shapely.is_valid_reason`.
    """

    def __init__(self, message: str, code: object = None, reason: str | None = None):
        super().__init__(message)
        self.code = code
        self.reason = reason


class CoverageError(BoundaryError):
    """Polygons that should form a coverage overlap or do not share their edges exactly."""


class InvalidParameterError(BoundaryError):
    """A numeric parameter (tolerance, distance, precision) is out of its range."""


class CoordinateError(InvalidGeometryError):
    """A coordinate is NaN, infinite or outside the valid area of its CRS."""


class TooManyVerticesError(InvalidGeometryError):
    """A polygon has more vertices than any real municipal limit (see :mod:`boundaries.sanity`)."""


class TrackReadError(LayerReadError):
    """A route file cannot be read: damaged XML, a DTD or entities, an unknown format."""


class EmptyTrackError(EmptyLayerError):
    """A route file has no line to follow (no points, or a single point)."""


class TrackCoordinateError(BoundaryError):
    """A coordinate or a time of a route is not a number, is infinite or out of range."""


class TooManyPointsError(TrackReadError):
    """A route has more points than :data:`~boundaries.tracks.MAX_TRACK_POINTS`."""


class OutsideAreaError(TrackCoordinateError):
    """A place lies outside the area of use of :data:`~boundaries.crs.MEASURE_CRS` (Mexico)."""


class LimitLineError(InvalidGeometryError):
    """A proposed limit line cannot re-cut two municipalities (see :mod:`boundaries.exchange`).

    Its ends are not on their common limit, it crosses itself, or it leaves them.
    """
