"""Search everywhere: one use case for the box on every page.

It finds zones, cases, meetings, agreements, inspections, findings, people, institutions,
sites and the text of attached PDFs. Accents and case do not matter («xoxocotlan» finds
«Xoxocotlán»), every word must appear (as the start of a word), and the best matches come
first: in the title before the body, in the body before the context (the zones and the
meeting a record hangs from). The index and its SQL for SQLite and PostgreSQL are
:mod:`cases.storage.search_index`; this module is the one use case the pages call, and it
marks where each word matched so a page can highlight it (as text and positions: the page
escapes and marks).

Every signed-in account reads everything (a lector sees what staff see); share links and
API keys never reach the search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from cases.storage import search_index

__all__ = [
    "PER_PAGE",
    "MAX_QUERY",
    "Excerpt",
    "SearchHit",
    "SearchResults",
    "search",
    "excerpt",
]

PER_PAGE = 20
MAX_QUERY = 200
# Characters of body text shown around the first match.
EXCERPT_WIDTH = 220


@dataclass(frozen=True)
class Excerpt:
    """A piece of text and the ``(start, end)`` spans of the words that matched."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class SearchHit:
    """One record found: what it is, the page that shows it, its title and an excerpt."""

    kind: str
    record_id: int
    link_kind: str
    link_id: int
    title: Excerpt
    excerpt: Excerpt | None
    score: float


@dataclass(frozen=True)
class SearchResults:
    """One page of results, best first, and how many of each kind were found in all."""

    query: str
    terms: tuple[str, ...]
    kind: str | None
    page: int
    per_page: int
    hits: list[SearchHit] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """How many records match (of the kind asked for, if any)."""
        return self.counts.get(self.kind, 0) if self.kind else sum(self.counts.values())

    @property
    def pages(self) -> int:
        """How many pages the results take (at least one)."""
        return max(1, -(-self.total // self.per_page))


def _word_spans(value: str, terms: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    folded = search_index.fold(value)
    return tuple(
        (match.start(), match.end())
        for match in re.finditer(r"[^\W_]+", folded)
        if any(match.group().startswith(term) for term in terms)
    )


def excerpt(value: str, terms: tuple[str, ...] | list[str],
            width: int = EXCERPT_WIDTH) -> Excerpt | None:
    """The part of ``value`` around its first matching word, or ``None`` if none matches.

    Examples
    --------
    >>> found = excerpt("Recorrido en Santa Cruz Xoxocotlán con el comisariado", ["xoxo"])
    >>> found.text[found.spans[0][0]:found.spans[0][1]]
    'Xoxocotlán'
    >>> excerpt("Nada que ver", ["sauces"]) is None
    True
    """
    terms = tuple(terms)
    spans = _word_spans(value, terms)
    if not spans:
        return None
    start = 0
    if len(value) > width:
        start = max(0, spans[0][0] - width // 3)
        space = value.rfind(" ", 0, start)
        start = space + 1 if start and space >= 0 and start - space < 20 else start
    end = min(len(value), start + width)
    if end < len(value):
        space = value.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    prefix = "…" if start else ""
    suffix = "…" if end < len(value) else ""
    shift = len(prefix) - start
    text = prefix + value[start:end] + suffix
    kept = tuple((a + shift, b + shift) for a, b in spans if a >= start and b <= end)
    return Excerpt(text, kept)


def _hit(row: search_index.IndexedRow, terms: tuple[str, ...]) -> SearchHit:
    title = Excerpt(row.title, _word_spans(row.title, terms))
    found = excerpt(row.body, terms) or excerpt(row.context, terms)
    return SearchHit(row.kind, row.record_id, row.link_kind, row.link_id, title, found,
                     row.score)


def search(session: Session, query: str, *, kind: str | None = None,
           page: int = 1, per_page: int = PER_PAGE) -> SearchResults:
    """Find the records holding every word of ``query``: page ``page``, best first.

    ``kind`` (a table name such as ``"agreement"``) keeps one kind only; an unknown kind or
    a query with no word finds nothing. The pages that call it need a signed-in account.
    """
    query = (query or "").strip()[:MAX_QUERY]
    terms = tuple(search_index.terms_of(query))
    kind = kind if kind in search_index.KINDS else None
    page = max(1, page)
    if not terms:
        return SearchResults(query, terms, kind, 1, per_page)
    counts = search_index.count_by_kind(session, terms)
    results = SearchResults(query, terms, kind, page, per_page, counts=counts)
    page = min(page, results.pages)
    rows = search_index.find(session, terms, kind=kind, limit=per_page,
                             offset=(page - 1) * per_page)
    return SearchResults(query, terms, kind, page, per_page,
                         [_hit(row, terms) for row in rows], counts)
