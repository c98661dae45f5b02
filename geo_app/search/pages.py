"""The page model of the search results: groups by kind, links and highlighted text.

Highlighting is built from escaped pieces: the stored text goes through
:func:`markupsafe.escape` and only the ``<mark>`` tags around the matched words are
markup, so no record's text is ever taken as HTML or as a template.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from markupsafe import Markup, escape

from cases.records.search import Excerpt, SearchHit, SearchResults

__all__ = ["GROUPS", "ResultItem", "ResultGroup", "highlighted", "result_groups", "kind_tabs"]

#: Each kind of record found, in Spanish (plural, singular), in the order of the filters.
GROUPS: dict[str, tuple[str, str]] = {
    "dispute_zone": ("Zonas", "Zona"),
    "case_file": ("Expedientes", "Expediente"),
    "meeting": ("Reuniones", "Reunión"),
    "agreement": ("Acuerdos", "Acuerdo"),
    "inspection": ("Recorridos", "Recorrido"),
    "finding": ("Hallazgos", "Hallazgo"),
    "attachment": ("Documentos adjuntos", "Adjunto"),
    "person": ("Personas", "Persona"),
    "institution": ("Instituciones", "Institución"),
    "site": ("Sitios", "Sitio"),
}

# The page that shows each kind of record (or the one it hangs from).
_PAGES = {
    "dispute_zone": lambda i: url_for("zones.detail", zone_id=i),
    "case_file": lambda i: url_for("case_files.detail", case_id=i),
    "meeting": lambda i: url_for("meetings.detail", meeting_id=i),
    "inspection": lambda i: url_for("inspections.detail", inspection_id=i),
    "site": lambda i: url_for("sites.detail", site_id=i),
    "person": lambda i: url_for("editing.edit", kind="persona", record_id=i),
    "institution": lambda i: url_for("editing.edit", kind="institucion", record_id=i),
    "limit_proposal": lambda i: url_for("proposals.detail", proposal_id=i),
}
_ANCHORS = {"agreement": "acuerdo", "finding": "hallazgo"}


def highlighted(excerpt: Excerpt | None) -> Markup:
    """``excerpt`` as HTML: its text escaped, each matched word in ``<mark>``.

    Examples
    --------
    >>> highlighted(Excerpt("<b>Xoxocotlán</b> sur", ((3, 13),)))
    Markup('&lt;b&gt;<mark>Xoxocotlán</mark>&lt;/b&gt; sur')
    """
    if excerpt is None:
        return Markup("")
    pieces, last = [], 0
    for start, end in excerpt.spans:
        pieces.append(escape(excerpt.text[last:start]))
        pieces.append(Markup("<mark>%s</mark>") % excerpt.text[start:end])
        last = end
    pieces.append(escape(excerpt.text[last:]))
    return Markup("").join(pieces)


@dataclass(frozen=True)
class ResultItem:
    """One result as the page shows it."""

    href: str
    title: Markup
    excerpt: Markup
    kind_label: str


@dataclass(frozen=True)
class ResultGroup:
    """The results of one kind on this page, and how many of that kind were found in all."""

    kind: str
    label: str
    total: int
    items: list[ResultItem]


def _item(hit: SearchHit) -> ResultItem:
    anchor = f"{_ANCHORS[hit.kind]}-{hit.record_id}" if hit.kind in _ANCHORS else None
    href = _PAGES[hit.link_kind](hit.link_id) + (f"#{anchor}" if anchor else "")
    return ResultItem(href, highlighted(hit.title), highlighted(hit.excerpt),
                      GROUPS[hit.kind][1])


def result_groups(results: SearchResults) -> list[ResultGroup]:
    """The page's results grouped by kind; the group holding the best result first."""
    groups: dict[str, list[ResultItem]] = {}
    for hit in results.hits:
        groups.setdefault(hit.kind, []).append(_item(hit))
    return [ResultGroup(kind, GROUPS[kind][0], results.counts.get(kind, 0), items)
            for kind, items in groups.items()]


def kind_tabs(results: SearchResults) -> list[tuple[str | None, str, int]]:
    """The filters by kind: ``(kind, label, count)``, «Todo» first, kinds found only."""
    return [(None, "Todo", sum(results.counts.values()))] + [
        (kind, plural, results.counts[kind]) for kind, (plural, _) in GROUPS.items()
        if results.counts.get(kind)
    ]
