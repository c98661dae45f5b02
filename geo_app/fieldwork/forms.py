"""The form of the offline base map: an administrator uploads an MBTiles or PMTiles file."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired

from cases.fieldwork.base_map import BASE_MAP_FILES
from geo_app.forms import SpanishForm

__all__ = ["BaseMapForm"]


class BaseMapForm(SpanishForm):
    """An administrator replaces the offline base map."""

    archivo = FileField(
        "Archivo MBTiles o PMTiles (teselas PNG, JPEG o WebP)",
        validators=[FileRequired("elija el archivo del mapa base")],
        render_kw={"accept": ",".join(BASE_MAP_FILES)},
    )
