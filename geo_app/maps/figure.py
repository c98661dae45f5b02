"""Render a Folium map to HTML in one place, where the data is never run as a template.

branca compiles the string of every :class:`branca.element.Element` as a Jinja template,
and ``MacroElement.render`` wraps each rendered macro (header, html, script) in such an
Element: left alone, a figure would render its data twice, the second time as code, so a
name holding ``{{ 7*7 }}`` would show 49 and ``{{ lipsum.__globals__ … }}`` would run on
the server. Three pieces keep data data:

- :class:`VerbatimMacroElement`, the base of every map element of the app that carries data
  (popups, tooltips, labels, legend, markers; :class:`GeoJson` for features), renders its
  macros once and adds the output as :class:`Verbatim`, never compiled;
- HTML built from data outside a macro (the standalone export's title) is added as
  :class:`Verbatim` or escaped into the page;
- :func:`render_figure`, the one place a map becomes HTML, puts on the page as it is the
  output of any other macro (folium's own), so even that is never run a second time.

Escaping ``{`` in data (:func:`~geo_app.maps.escape.script_json`,
:func:`~geo_app.maps.escape.template_safe`) stays as a second line for folium's own
classes, which still have branca parse their output once.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import folium
from branca.element import Element, Figure, MacroElement
from markupsafe import Markup

__all__ = ["FigureParts", "GeoJson", "Verbatim", "VerbatimMacroElement", "render_figure"]


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


class VerbatimMacroElement(MacroElement):
    """A MacroElement whose rendered macros go on the figure as they are, never compiled.

    Renders as :meth:`branca.element.MacroElement.render` does, but adds each macro's
    output as :class:`Verbatim` (branca's ``Element`` would compile it, data and all, and
    for a megabyte of data spend tens of milliseconds doing so). A folium class renders
    the same way when this class is its last base, e.g. :class:`GeoJson`: folium's
    ``render`` methods end in ``super().render()``, which reaches this one.
    """

    def render(self, **kwargs) -> None:
        """Add the rendered header, html and script macros to the figure, then the children."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{self.get_name()} is not on a branca Figure")
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = macros.get(part)
            if macro is not None:
                getattr(figure, part).add_child(
                    Verbatim(macro(self, kwargs)), name=self.get_name()
                )
        for child in self._children.values():
            child.render(**kwargs)


class GeoJson(folium.GeoJson, VerbatimMacroElement):
    """folium's GeoJSON layer, its features (names, popups) put on the page verbatim."""


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
