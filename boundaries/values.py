"""Attribute values read from layers: ``None``, NaN and numpy scalars told apart once.

GeoDataFrames built from files or from the database carry ``None``, NaN or numpy scalars
where Python code expects plain values; the helpers here are the one place that knows it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["is_missing", "plain_number"]


def is_missing(value: Any) -> bool:
    """Return whether ``value`` is ``None`` or a floating-point NaN.

    Examples
    --------
    >>> is_missing(None), is_missing(float("nan")), is_missing(np.float64("nan")), is_missing(0)
    (True, True, True, False)
    """
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def plain_number(value: Any) -> float | None:
    """Return ``value`` as a Python float, or ``None`` when it is missing.

    Examples
    --------
    >>> plain_number(np.float64(2.5)), plain_number(float("nan"))
    (2.5, None)
    """
    return None if is_missing(value) else float(value)
