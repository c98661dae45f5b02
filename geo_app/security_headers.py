"""Security headers on every response: a nonce-based Content-Security-Policy and friends.

Scripts run only from this app (``/vendor/``, ``/static/``) or inline with the nonce of the
request: templates write ``<script nonce="{{ csp_nonce() }}">`` and the map markup folium
renders goes through the ``nonced`` filter, which stamps the nonce on its ``<script>`` tags
(the rendered map is cached across requests, the nonce never is). A script injected into a
page has no nonce and the browser refuses it. Styles keep ``'unsafe-inline'``: Leaflet and
folium write ``style`` attributes, and a style cannot run code.

No page allows ``'unsafe-eval'``: no script of ours or of the map plugins evaluates a string
(the measuring tool is our own, :class:`geo_app.maps.controls.MeasureTool`, in place of
folium's MeasureControl, whose leaflet-measure compiles templates with ``Function()``).

Pages cannot be framed (``frame-ancestors 'none'``), content types are not sniffed, the
referrer stays on this site, and ``Server`` names neither the framework nor Python.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g
from markupsafe import Markup

__all__ = ["SERVER_NAME", "csp_nonce", "content_security_policy", "nonced", "init_app"]

#: What the ``Server`` header says.
SERVER_NAME = "Limites"

_SCRIPT_TAG = re.compile(r"<script(?=[\s>])(?![^>]*\snonce=)", re.IGNORECASE)


def csp_nonce() -> str:
    """Return the nonce of the current request (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def nonced(markup: str) -> Markup:
    """Stamp the request's nonce on every ``<script>`` tag of a map's generated markup.

    Only for markup the app builds (folium's map parts), whose user text is already
    escaped, never for user input.
    """
    return Markup(_SCRIPT_TAG.sub(f'<script nonce="{csp_nonce()}"', str(markup)))


def _tile_source(template: str | None) -> str:
    """The origin of the base-map tiles (``{s}`` subdomains become a wildcard)."""
    if not template or template.lower() == "none":
        return ""
    parts = urlsplit(template)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = re.sub(r"\{[a-z]+\}", "*", parts.netloc)
    return f"{parts.scheme}://{host}"


def content_security_policy(nonce: str, tiles: str | None = None) -> str:
    """Return the policy of a response; the same for pages with and without a map.

    Examples
    --------
    >>> policy = content_security_policy("abc", "https://{s}.tile.example.org/{z}/{x}/{y}.png")
    >>> "script-src 'self' 'nonce-abc';" in policy, "https://*.tile.example.org" in policy
    (True, True)
    >>> "frame-ancestors 'none'" in policy
    True
    >>> "unsafe-eval" in policy or "unsafe-inline" in policy.split("script-src")[1].split(";")[0]
    False
    """
    scripts = f"'self' 'nonce-{nonce}'"
    images = " ".join(filter(None, ["'self'", "data:", "blob:", _tile_source(tiles)]))
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {images}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _set_headers(response: Response) -> Response:
    headers = response.headers
    policy = content_security_policy(csp_nonce(), current_app.config.get("TILES"))
    # A stored file (an attachment) is never a page: no scripts, forms or plugins in it.
    headers["Content-Security-Policy"] = policy + ("; sandbox" if g.get("csp_sandbox") else "")
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    # For browsers that predate frame-ancestors.
    headers["X-Frame-Options"] = "DENY"
    headers["Server"] = SERVER_NAME
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response and ``csp_nonce``/``nonced`` to the templates."""
    app.after_request(_set_headers)
    app.add_template_global(csp_nonce, "csp_nonce")
    app.add_template_filter(nonced, "nonced")
