"""How the web answers an error: one function, HTML for people and JSON for programs.

Every error the app answers goes through :func:`error_response`: the error pages (a share
link's visitor gets the share's own page), the JSON
of the phone's synchronisation and the editors' previews (``{"error": "…"}``), and the OGC
API's exception documents (``{"code": …, "description": …}``). It decides which one a request
gets (:func:`wants_json`: by endpoint, by ``f=`` and ``Accept`` in the OGC API) and says it in
Spanish. The web package's own exception, :class:`UnknownAssetError`, lives here too.
"""

from __future__ import annotations

import json

from flask import Response, render_template, request

__all__ = [
    "MESSAGES",
    "JSON_ENDPOINTS",
    "OGCAPI_BLUEPRINTS",
    "SHARE_PAGES",
    "UnknownAssetError",
    "wants_json",
    "error_response",
]

#: What a user reads for each status when nothing more precise was said.
MESSAGES = {
    400: "La solicitud no es válida. Vuelva a la página anterior e intente de nuevo.",
    401: "Inicie sesión para continuar.",
    403: "Su cuenta no tiene permiso para esta acción.",
    404: "La página que busca no existe. Revise la dirección o vuelva al tablero.",
    405: "Esa acción no está permitida en esta página.",
    413: "El envío es demasiado grande. Revise el texto o el archivo e intente de nuevo.",
    429: "Demasiadas solicitudes seguidas. Espere unos minutos e intente de nuevo.",
    500: "Ocurrió un error interno. El problema quedó registrado; intente de nuevo más tarde.",
    503: "La base de datos no está lista. Avise a quien administra el sistema.",
}

_TITLES = {
    401: "Inicie sesión",
    403: "Acceso denegado",
    404: "Página no encontrada",
    429: "Demasiados intentos",
}

#: Views a script calls (the phone's queue, the editors' previews): their errors are JSON.
JSON_ENDPOINTS = frozenset({
    "field.token",
    "field.synchronise",
    "field.photo",
    "editing.geometry_preview",
    "editing.route_preview",
    "proposals.preview",
    "viewport.tile",
})

#: A share link's public pages: a visitor without an account sees the share's own page.
SHARE_PAGES = frozenset({"shares.page", "shares.download"})

#: The OGC API, at /ogcapi and again under a share link: JSON or HTML as ``f``/Accept ask.
OGCAPI_BLUEPRINTS = frozenset({"ogcapi", "share_ogcapi"})

_OGC_CODES = {400: "InvalidParameterValue", 401: "Unauthorized", 404: "NotFound"}
_JSON = "application/json"
_HTML = "text/html"


class UnknownAssetError(LookupError):
    """A map element links a CDN file that has no local copy in ``CDN_ASSETS``."""


def _in_ogcapi() -> bool:
    return request.blueprint in OGCAPI_BLUEPRINTS


def wants_json() -> bool:
    """Whether this request's error is read by a program (JSON) rather than a person."""
    if request.endpoint in JSON_ENDPOINTS:
        return True
    if _in_ogcapi():
        if "f" in request.args:
            return request.args["f"] != "html"
        return request.accept_mimetypes.best_match([_JSON, _HTML]) != _HTML
    return False


def error_response(code: int, message: str | None = None, *,
                   reference: str | None = None) -> Response:
    """The answer to an error ``code``: ``message`` (Spanish) as a page or as JSON.

    ``message`` defaults to the status' message in :data:`MESSAGES`; ``reference`` is the
    logged reference of an unexpected error. :func:`wants_json` picks the form.
    """
    message = message or MESSAGES.get(code, "Error")
    if wants_json():
        body = ({"code": _OGC_CODES.get(code, "ServerError"), "description": message}
                if _in_ogcapi() else {"error": message})
        response = Response(json.dumps(body, ensure_ascii=False), status=code, mimetype=_JSON)
    else:
        page = "shares/gone.html" if request.endpoint in SHARE_PAGES else "errors/error.html"
        html = render_template(page, title=_TITLES.get(code, "Error"), code=code,
                               message=message, reference=reference)
        response = Response(html, status=code, mimetype=_HTML)
    if code == 401 and _in_ogcapi():
        response.headers["WWW-Authenticate"] = 'Bearer realm="limites"'
    return response
