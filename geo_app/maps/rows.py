"""Reading the attribute columns of a map layer: required columns, text, flags, lists.

GeoDataFrames built from the database or from imported files carry ``None``, NaN or numpy
scalars where Python code expects plain values; these helpers normalise them in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np

from boundaries.values import is_missing

__all__ = ["require_columns", "text", "flag", "any_flag", "items"]


def require_columns(gdf: gpd.GeoDataFrame, columns: Iterable[str], layer: str) -> None:
    """Raise ``ValueError`` naming the ``columns`` missing from ``gdf``."""
    missing = [column for column in columns if column not in gdf.columns]
    if missing:
        raise ValueError(f"a la capa «{layer}» le faltan las columnas: {', '.join(missing)}")


def text(value: Any) -> str:
    """Return ``value`` as display text; ``None`` and NaN become ``""``.

    Examples
    --------
    >>> text(None), text(float("nan")), text(20067)
    ('', '', '20067')
    """
    if is_missing(value):
        return ""
    return str(value)


def flag(value: Any) -> bool:
    """Return whether ``value`` is a true boolean (``None``, NaN and non-booleans are false).

    Examples
    --------
    >>> flag(True), flag(np.True_), flag(None), flag("sí")
    (True, True, False, False)
    """
    return isinstance(value, bool | np.bool_) and bool(value)


def any_flag(gdf: gpd.GeoDataFrame, column: str = "illustrative") -> bool:
    """Return whether any row of ``gdf`` has ``column`` set (see :func:`flag`)."""
    return any(flag(value) for value in gdf[column])


def items(value: Any) -> list[Mapping[str, Any]]:
    """Return the mappings in a list-like cell (e.g. meetings); anything else gives ``[]``.

    Examples
    --------
    >>> items([{"label": "Reunión 1", "url": "/reuniones/1"}, "x"]), items(None)
    ([{'label': 'Reunión 1', 'url': '/reuniones/1'}], [])
    """
    if isinstance(value, list | tuple | np.ndarray):
        return [item for item in value if isinstance(item, Mapping)]
    return []
