"""Render a Folium map to HTML in one place, where the data is never run as a template.

branca compiles the string of every :class:`branca.element.Element` as a Jinja template,
and ``MacroElement.render`` wraps each rendered macro (header, html, script) in such an
Element: left alone, a figure would render its data twice, the second time as code, so a
name holding ``{{ 7*7 }}`` would show 49 and ``{{ lipsum.__globals__ … }}`` would run on
the server. :func:`render_figure` renders each macro once and puts its output on the page
as it is (:class:`Verbatim`); HTML built here from data is added as :class:`Verbatim` too.

Every map of the app is rendered by :func:`render_figure`; nothing calls
``Figure.render``. Data must still reach the macros inert to Jinja's parser
(:func:`~geo_app.maps.escape.script_json`, :func:`~geo_app.maps.escape.template_safe`),
because branca parses each macro's output when it wraps it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from branca.element import Element, Figure
from markupsafe import Markup

__all__ = ["FigureParts", "Verbatim", "render_figure"]


class Verbatim(Element):
    """HTML put on a branca figure exactly as given: rendered as is, never compiled.

    Parameters
    ----------
    html : str
        Finished HTML (escape any data in it first, e.g. with :class:`markupsafe.Markup`).

    Examples
    --------
    >>> Verbatim("<b>{{ 7*7 }}</b>").render()
    '<b>{{ 7*7 }}</b>'
    """

    def __init__(self, html: str):
        super().__init__()
        self._name = "Verbatim"
        self.html = str(html)

    def render(self, **kwargs) -> str:
        """Return the HTML as it was given."""
        return self.html


@dataclass(frozen=True)
class FigureParts:
    """A rendered map: what goes in the page's head, in its body, and its bare script."""

    header: Markup
    html: Markup
    script: Markup
    name: str


def render_figure(m: Element) -> FigureParts:
    """Render the figure of map ``m``: every macro once, its output never compiled again.

    Examples
    --------
    >>> import folium
    >>> m = folium.Map(tiles=None)
    >>> _ = m.get_root().html.add_child(Verbatim("<p>Zona {{7*7}}</p>"))
    >>> "<p>Zona {{7*7}}</p>" in render_figure(m).html
    True
    """
    figure = m.get_root()
    if not isinstance(figure, Figure):
        raise TypeError(f"{m!r} is not on a branca Figure")
    for child in list(figure._children.values()):
        child.render()
    sections = (figure.header, figure.html, figure.script)
    for section in sections:
        section._children = OrderedDict(
            (name, _as_rendered(child)) for name, child in section._children.items()
        )
    header, html, script = (Markup(section.render()) for section in sections)
    return FigureParts(header=header, html=html, script=script, name=m.get_name())


def _as_rendered(child: Element) -> Element:
    # A plain Element made from a string holds a macro's finished output (or a constant
    # such as the charset <meta>): its text is the page, not a template to run.
    if type(child) is Element and child._template_str is not None and not child._children:
        return Verbatim(child._template_str)
    return child
