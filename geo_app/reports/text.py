"""How the report heads an indicator's level."""

from __future__ import annotations

__all__ = ["level_heading"]


def level_heading(level: str, key: str) -> str:
    """The indicator's level as the report writes it: "Componente 12", "Actividad 12.1".

    Examples
    --------
    >>> level_heading("Actividad", "12.1")
    'Actividad 12.1'
    """
    return f"{level} {key}".strip()
