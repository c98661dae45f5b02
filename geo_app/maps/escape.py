"""Make user-entered text safe for the HTML *and* the JavaScript of a folium page.

folium embeds popup and tooltip HTML verbatim into JavaScript template literals, so a
name containing a backtick, ``${`` or ``</script>`` would run as code. The map builders
therefore never hand user text to :class:`folium.Popup` or :class:`folium.Tooltip`:
they build the HTML here, with every value escaped by :func:`markupsafe.escape`, and
bind it with :class:`SafePopup` / :class:`SafeTooltip`, which embed it as a JSON string
literal that cannot close the ``<script>`` element (see :func:`script_json`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from folium.template import Template
from markupsafe import Markup, escape

from geo_app.maps.figure import VerbatimMacroElement

__all__ = [
    "POPUP_CLASS",
    "TOOLTIP_CLASS",
    "SafePopup",
    "SafeTooltip",
    "popup_html",
    "popup_options",
    "safe_url",
    "script_json",
    "template_safe",
]

POPUP_CLASS = "limites-popup"
TOOLTIP_CLASS = "limites-tooltip"


def popup_options(max_width: int = 300) -> dict:
    """Leaflet options of every popup: its class, width, and room kept for the controls.

    A popup that opens near an edge pans the map until it clears the zoom, fullscreen and
    measuring buttons (top left), the layer control (top right), the notice at the top and
    the scale bar (bottom), instead of opening under them.
    """
    return {
        "className": POPUP_CLASS,
        "maxWidth": max_width,
        "autoPanPaddingTopLeft": [60, 56],
        "autoPanPaddingBottomRight": [60, 44],
    }

# U+2028/2029 end a line inside older JavaScript string literals; "<", ">" and "&" could
# form "</script>" or "<!--" and end or derail the <script> element the JSON sits in.
_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "'": "\\u0027",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_UNSAFE_RE = re.compile("[<>&'\u2028\u2029]")

# A second line behind geo_app.maps.figure: branca compiles a rendered macro as a Jinja
# template (MacroElement.render wraps it in an Element), so "{{", "{%" or "{#" in user text
# would be template code wherever a folium class renders it. JSON structure never has "{"
# before "{", "%" or "#": only text inside strings.
_TEMPLATE_OPEN_RE = re.compile(r"\{(?=[{%#])")

# Browsers drop tabs and newlines inside a URL ("java\tscript:") and read "\" as "/"
# ("/\evil.example" is off-site), so such URLs are refused outright.
_URL_FORBIDDEN_RE = re.compile(r"[\x00-\x20\x7f\\]")


def script_json(value: Any) -> str:
    r"""Serialize ``value`` as JSON that is safe inside an HTML ``<script>`` element.

    Parameters
    ----------
    value : Any
        A JSON-serializable value.

    Returns
    -------
    str
        JSON in which ``<``, ``>``, ``&``, ``'``, U+2028 and U+2029 are ``\\uXXXX`` escapes.

    Examples
    --------
    >>> script_json("</script>")
    '"\\u003c/script\\u003e"'
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    text = _SCRIPT_UNSAFE_RE.sub(lambda match: _SCRIPT_UNSAFE[match.group()], text)
    return _TEMPLATE_OPEN_RE.sub(r"\\u007b", text)


def template_safe(html: str) -> str:
    """Return escaped ``html`` with every ``{`` as ``&#123;``: inert for Jinja, same on screen.

    For HTML that reaches a map's script outside :func:`script_json` (GeoJSON features
    carry their popups and tooltips this way); a second line behind
    :mod:`geo_app.maps.figure`, like :func:`script_json`'s.

    Examples
    --------
    >>> template_safe("{{ 7*7 }}")
    '&#123;&#123; 7*7 }}'
    """
    return html.replace("{", "&#123;")


def safe_url(url: object) -> str | None:
    """Return ``url`` if it is a relative app URL or an http(s) URL, else ``None``.

    Relative URLs must start with a single ``/``; ``javascript:``, ``data:``,
    protocol-relative ``//host`` and anything with whitespace or backslashes are refused.

    Examples
    --------
    >>> safe_url("/zonas/3")
    '/zonas/3'
    >>> safe_url("https://www.inegi.org.mx/")
    'https://www.inegi.org.mx/'
    >>> safe_url("javascript:alert(1)") is None
    True
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or _URL_FORBIDDEN_RE.search(url):
        return None
    if url.startswith("/"):
        return None if url.startswith("//") else url
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return None


def _link(url: object, label: str) -> Markup:
    href = safe_url(url)
    if href is None:
        return Markup("")
    return Markup('<a href="{}" target="_top">{}</a>').format(href, label)


def popup_html(
    title: object,
    fields: Iterable[tuple[str, object]] = (),
    *,
    link: tuple[str, object] | None = None,
    items_title: str | None = None,
    items: Iterable[Mapping[str, object]] = (),
    note: str | None = None,
) -> Markup:
    """Build popup HTML with every value escaped.

    Parameters
    ----------
    title : object
        The heading (e.g. the zone's name); ``None`` shows "Sin nombre".
    fields : iterable of (label, value)
        Rows shown as "label: value"; rows whose value is ``None`` or ``""`` are left out.
    link : (label, url), optional
        A link to the record's page; dropped if the URL is not safe (see :func:`safe_url`).
    items_title : str, optional
        Heading of the ``items`` list.
    items : iterable of mappings with "label" and "url"
        Related records (e.g. meetings), each linking to its page.
    note : str, optional
        A warning line, e.g. that the geometry is illustrative.

    Returns
    -------
    Markup
        The HTML, wrapped in ``<div class="limites-popup-body">``.

    Examples
    --------
    >>> html = popup_html("<b>", [("Estado", "a&b")])
    >>> "&lt;b&gt;" in html and "a&amp;b" in html and "<b>" not in html
    True
    """
    parts = [
        Markup('<strong class="limites-popup-title">{}</strong>').format(
            "Sin nombre" if _blank(title) else title
        )
    ]
    for label, value in fields:
        if not _blank(value):
            parts.append(
                Markup('<div><span class="limites-popup-label">{}:</span> {}</div>').format(
                    label, value
                )
            )
    if note:
        parts.append(Markup('<div class="limites-popup-note">{}</div>').format(note))
    if link is not None:
        anchor = _link(link[1], link[0])
        if anchor:
            parts.append(Markup('<div class="limites-popup-link">{}</div>').format(anchor))
    entries = [Markup("<li>{}</li>").format(_item(item)) for item in items]
    if entries:
        parts.append(
            Markup('<div class="limites-popup-label">{}</div><ul>{}</ul>').format(
                items_title or "", Markup("").join(entries)
            )
        )
    body = Markup('<div class="limites-popup-body">{}</div>').format(Markup("").join(parts))
    return Markup(template_safe(str(body)))


def _item(item: Mapping[str, object]) -> Markup:
    label = "" if _blank(item.get("label")) else str(item.get("label"))
    return _link(item.get("url"), label) or escape(label)


def _blank(value: object) -> bool:
    if value is None:
        return True
    try:
        if value != value:  # NaN from pandas
            return True
    except (TypeError, ValueError):
        return False
    return isinstance(value, str) and not value.strip()


class SafePopup(VerbatimMacroElement):
    """Bind pre-escaped HTML as the popup of the parent layer.

    Unlike :class:`folium.Popup`, the HTML reaches JavaScript as a JSON string literal
    (see :func:`script_json`), so no value can break out of the script.

    Parameters
    ----------
    html : Markup
        HTML built with :func:`popup_html` (or otherwise escaped).
    max_width : int
        Maximum popup width in pixels.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindPopup(
                {{ this.html_json }}, {{ this.options_json }});
        {% endmacro %}
        """
    )

    def __init__(self, html: Markup, max_width: int = 300):
        super().__init__()
        self._name = "SafePopup"
        self.html_json = script_json(str(html))
        self.options_json = script_json(popup_options(max_width))


class SafeTooltip(VerbatimMacroElement):
    """Bind plain text, escaped, as the tooltip of the parent layer.

    Parameters
    ----------
    text : object
        Text shown on hover; it is HTML-escaped here.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip(
                {{ this.html_json }}, {{ this.options_json }});
        {% endmacro %}
        """
    )

    def __init__(self, text: object):
        super().__init__()
        self._name = "SafeTooltip"
        self.html_json = script_json(str(escape(text)))
        self.options_json = script_json({"className": TOOLTIP_CLASS, "sticky": True})
