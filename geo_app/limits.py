"""How much each endpoint accepts in one request, and the Spanish message when it is more.

Werkzeug refuses a request body over ``max_content_length`` and a form field (a multipart
field that is not a file, or a whole URL-encoded form) over ``max_form_memory_size`` with a
413 before the view runs. One global figure cannot fit both a sign-in form and a phone's
photo, so :class:`LimitedRequest` takes them per endpoint from :func:`request_limit`:

========================================  =========================================
endpoint                                  accepts
========================================  =========================================
``/campo/fotos/…`` (one photo)            ``ATTACHMENT_MAX_BYTES`` (25 MB)
desk finding form (its photos)            ``ATTACHMENT_MAX_BYTES`` for all its photos
``/campo/sincronizar`` (the phone's JSON) a track of :data:`MAX_TRACK_POINTS` points
``/campo/mapa-base`` (the base map file)   ``BASE_MAP_MAX_BYTES`` (1 GB)
zone, site and route forms                a geometry of :data:`MAX_VERTICES` vertices
geometry and route file previews          ``GEOMETRY_FILE_MAX_BYTES`` (64 MB)
everything else                           ``MAX_CONTENT_LENGTH`` (2 MB)
========================================  =========================================

Whether the refusal is a page or JSON is decided, like every error's, by
:func:`geo_app.errors.error_response`. The byte figures are configuration (defaults in
:data:`geo_app.DEFAULTS`); point and vertex counts are checked again, with their own
messages, where the data is parsed.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Request, current_app, has_app_context

from boundaries.sanity import MAX_VERTICES
from boundaries.trackfiles import MAX_TRACK_BYTES
from boundaries.tracks import MAX_TRACK_POINTS
from cases.fieldwork.base_map import BASE_MAP_MAX_BYTES
from cases.fieldwork.phone_sync import MAX_FINDINGS
from cases.fieldwork.uploads import MAX_ATTACHMENT_BYTES
from geo_app.formatting import megabytes, number

__all__ = [
    "GEOMETRY_FORM_BYTES",
    "SYNC_BYTES_PER_POINT",
    "SYNC_BYTES_PER_FINDING",
    "LimitedRequest",
    "RequestLimit",
    "request_limit",
    "init_app",
]

#: A generous bound of one point as the phone sends it: ``{"lon":-96.72…,"lat":17.05…,
#: "precision":4.8,"hora":"2026-05-15T16:00:00.000Z"}`` is about 100 bytes.
SYNC_BYTES_PER_POINT = 200
#: A finding with a note of a few thousand characters.
SYNC_BYTES_PER_FINDING = 8 * 1024
#: A form holding a GeoJSON geometry of the most vertices a polygon or a route may have:
#: one URL-encoded vertex (``%5B-96.123456789012%2C17.123456789012%5D%2C``) is ~45 bytes.
GEOMETRY_FORM_BYTES = max(MAX_VERTICES, MAX_TRACK_POINTS) * 64
# Room for the multipart envelope and the small fields around a file.
_ENVELOPE_BYTES = 1024 * 1024

_GEOMETRY_FORMS = {"zona", "sitio", "recorrido", "hallazgo"}
_PREVIEWS = {"editing.geometry_preview", "editing.route_preview"}


@dataclass(frozen=True)
class RequestLimit:
    """What one request may hold, and what to tell a person whose request held more."""

    max_bytes: int
    max_field_bytes: int | None
    message: str


def request_limit(app: Flask, endpoint: str | None, view_args: dict | None) -> RequestLimit:
    """The limit of a request to ``endpoint`` (a view name such as ``field.photo``)."""
    config = app.config
    form_bytes = int(config["MAX_CONTENT_LENGTH"])
    attachment_bytes = int(config["ATTACHMENT_MAX_BYTES"])
    kind = (view_args or {}).get("kind")
    if endpoint == "field.photo":
        return RequestLimit(
            attachment_bytes + _ENVELOPE_BYTES, None,
            f"La foto pesa más de {megabytes(attachment_bytes)}, el máximo de un archivo "
            "adjunto: tómela con menos resolución o redúzcala antes de adjuntarla.")
    if endpoint == "field.synchronise":
        most = (MAX_TRACK_POINTS * SYNC_BYTES_PER_POINT + MAX_FINDINGS * SYNC_BYTES_PER_FINDING
                + form_bytes)
        return RequestLimit(
            most, most,
            f"El envío del teléfono supera {megabytes(most)}: un recorrido puede tener hasta "
            f"{number(MAX_TRACK_POINTS)} puntos y un envío hasta {number(MAX_FINDINGS)} "
            "hallazgos. Termine este recorrido y empiece otro.")
    if endpoint == "field.base_map_admin":
        return RequestLimit(
            BASE_MAP_MAX_BYTES + _ENVELOPE_BYTES, None,
            f"El mapa base pesa más de {megabytes(BASE_MAP_MAX_BYTES)}: genérelo con menos "
            "acercamientos o solo del área de trabajo.")
    if endpoint in _PREVIEWS:
        file_bytes = int(config["GEOMETRY_FILE_MAX_BYTES"])
        return RequestLimit(
            file_bytes + _ENVELOPE_BYTES, GEOMETRY_FORM_BYTES,
            f"El archivo pesa más de {megabytes(file_bytes)}, el máximo de un archivo de "
            "geometría o de ruta.")
    if endpoint in ("editing.new", "editing.edit") and kind == "hallazgo":
        return RequestLimit(
            attachment_bytes + GEOMETRY_FORM_BYTES, GEOMETRY_FORM_BYTES,
            f"Las fotos de un envío pueden sumar hasta {megabytes(attachment_bytes)}; guarde "
            "el hallazgo con menos fotos y agregue las demás editándolo después.")
    if endpoint in ("editing.new", "editing.edit") and kind in _GEOMETRY_FORMS:
        return RequestLimit(
            GEOMETRY_FORM_BYTES, GEOMETRY_FORM_BYTES,
            f"El formulario supera {megabytes(GEOMETRY_FORM_BYTES)}: una geometría puede "
            f"tener hasta {number(MAX_VERTICES)} vértices y una ruta hasta "
            f"{number(MAX_TRACK_POINTS)} puntos. Simplifíquela e intente de nuevo.")
    return RequestLimit(
        form_bytes, None,
        f"El envío es demasiado grande: supera {megabytes(form_bytes)}, el máximo de un "
        "formulario. Revise el texto e intente de nuevo.")


class LimitedRequest(Request):
    """A request whose size limits are those of its endpoint (:func:`request_limit`)."""

    def limit(self) -> RequestLimit:
        """The limit of this request (its endpoint's, or the general one)."""
        cached = self.__dict__.get("_limit")
        if cached is None:
            cached = request_limit(current_app, self.endpoint, self.view_args)
            self.__dict__["_limit"] = cached
        return cached

    @property
    def max_content_length(self) -> int | None:  # noqa: D102 - see the class
        if self._max_content_length is not None or not has_app_context():
            return super().max_content_length
        return self.limit().max_bytes

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:  # noqa: D102 - see the class
        if self._max_form_memory_size is not None or not has_app_context():
            return super().max_form_memory_size
        return self.limit().max_field_bytes or super().max_form_memory_size

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value


def init_app(app: Flask) -> None:
    """Give ``app`` the per-endpoint limits and the byte figures' defaults."""
    app.config.setdefault("ATTACHMENT_MAX_BYTES", MAX_ATTACHMENT_BYTES)
    app.config.setdefault("GEOMETRY_FILE_MAX_BYTES", MAX_TRACK_BYTES)
    app.request_class = LimitedRequest
