"""Spanish display labels and values of the export fields.

The field names themselves have no accents, so every GIS program reads them.
"""

from __future__ import annotations

import datetime as dt

from geo_app.formatting import number, short_date

__all__ = ["FIELD_LABELS", "field_label", "display_value"]

FIELD_LABELS = {
    "id": "Número",
    "cve_geo": "Clave INEGI",
    "descripcion": "Descripción",
    "referencia_legal": "Referencia legal",
    "vigente_desde": "Vigente desde",
    "area_ha": "Área (ha)",
    "nota_reparacion": "Nota de reparación",
    "titulo": "Título",
    "longitud_m": "Longitud (m)",
    "recorrido_id": "Número de recorrido",
    "categoria": "Categoría",
    "municipio_oficial": "Municipio (marco oficial)",
    "distancia_limite_m": "Distancia al límite (m)",
    "km_rio": "Km del río",
    "distancia_rio_m": "Distancia al río (m)",
    "reunion_id": "Número de reunión",
    "reunion": "Reunión",
    "fecha_reunion": "Fecha de la reunión",
    "fecha_limite": "Fecha límite",
    "proposito": "Propósito",
    "institucion": "Institución",
    "ilustrativa": "Geometría ilustrativa",
}


def field_label(name: str) -> str:
    """The Spanish label of a field.

    Examples
    --------
    >>> field_label("area_ha"), field_label("fuente"), field_label("en_disputa")
    ('Área (ha)', 'Fuente', 'En disputa')
    """
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def display_value(value) -> str:
    """A value as staff read it: dates day first, booleans sí/no, nothing for missing.

    Examples
    --------
    >>> display_value(dt.date(2025, 5, 4)), display_value(True), display_value(None)
    ('04/05/2025', 'sí', '')
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, dt.date):
        return short_date(value)
    if isinstance(value, float):
        return number(value, 2)
    return str(value)
