"""Who the report is from: defaults overridable in the app's config.

Set them in ``instance/config.py`` or with ``LIMITES_``-prefixed environment variables
(``LIMITES_REPORT_UNIT``…). Who signs is data, per indicator and period
(Indicadores → «Quién autoriza»), never configuration.
"""

from __future__ import annotations

from flask import current_app

from cases.reporting.quarterly import ReportSettings

__all__ = ["DEFAULTS", "report_settings", "slogan"]

# Defaults taken from the unit's own April–June 2025 report.
DEFAULTS = {
    "REPORT_MUNICIPALITY": "Municipio de Oaxaca de Juárez",
    "REPORT_GOVERNMENT_PERIOD": "2025-2027",
    "REPORT_UNIT": "Unidad de Atención de Asuntos Metropolitanos",
    "REPORT_SLOGAN": "Vecinas y vecinos transformando juntos",
}


def _get(key: str) -> str:
    return str(current_app.config.get(key, DEFAULTS[key]) or "")


def report_settings() -> ReportSettings:
    """The current app's report settings."""
    return ReportSettings(
        municipality=_get("REPORT_MUNICIPALITY"),
        government_period=_get("REPORT_GOVERNMENT_PERIOD"),
        unit=_get("REPORT_UNIT"),
    )


def slogan() -> str:
    """The government's slogan printed in the report's header."""
    return _get("REPORT_SLOGAN")
