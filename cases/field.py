"""Field work recorded from files, the command line and the phone: inspections and findings.

Use cases take a session and never commit; the caller wraps them in
:func:`cases.db.unit_of_work`. Derived facts (route length by municipality and dispute zone,
each finding's responsible municipality and its km along the Atoyac) are recomputed by
:mod:`cases.derived` in the same transaction, so a record is never stored without them.
"""

from __future__ import annotations

import logging
from pathlib import Path

from boundaries.tracks import Track, read_track
from cases.errors import boundary_errors

__all__ = ["read_route"]

log = logging.getLogger(__name__)


def read_route(
    path: str | Path,
    *,
    layer: str | None = None,
    crs: str | None = None,
    min_step_m: float | None = None,
) -> Track:
    """Read a route file (GPX, KML, KMZ, GeoJSON, GeoPackage) as a :class:`Track`.

    Its problems become :class:`~cases.errors.InvalidInputError` with a Spanish message.
    """
    with boundary_errors():
        return read_track(path, layer=layer, crs=crs, min_step_m=min_step_m)
