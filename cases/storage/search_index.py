"""The full-text index of the records: SQLite FTS5 or PostgreSQL ``tsvector`` with ``unaccent``.

One document per record (:mod:`cases.storage.search_documents`): its ``title`` (name,
number, agreement text), its ``body`` (the description, what was done, the text of an
attached PDF) and its ``context`` (the zones and the meeting it hangs from), weighted in that
order. The index is kept in step with every ORM flush (:func:`_index_flushed`): a record
written through the ORM is findable when the transaction commits, and a rolled-back write
leaves no document behind. What is in the Papelera, or hangs from a record that is, is
filtered out when searching (:data:`_VISIBLE`), so soft deletion and restoring need no work
here.

Both engines fold accents and case: FTS5's ``unicode61`` tokenizer with
``remove_diacritics 2``; PostgreSQL's ``unaccent`` through the immutable wrapper
``limites_unaccent`` that the generated ``tsvector`` column needs. Search terms are folded
the same way in Python (:func:`fold`) and matched as prefixes («xoxo» finds «Xoxocotlán»).
The DDL lives here too (:func:`create_index`, used by migration 0015).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, event, select, text
from sqlalchemy.orm import Session

from cases.storage.models import Attachment, DisputeZone, Inspection, Meeting
from cases.storage.search_documents import BUILDERS, Document, attachment_document, dependents

__all__ = [
    "KINDS",
    "IndexedRow",
    "fold",
    "terms_of",
    "create_index",
    "drop_index",
    "rebuild",
    "put_attachment_text",
    "find",
    "count_by_kind",
]

log = logging.getLogger(__name__)

#: Each kind of record the index holds (its table name) and the code that makes its rowid.
KINDS: dict[str, int] = {
    "dispute_zone": 1, "case_file": 2, "meeting": 3, "agreement": 4, "inspection": 5,
    "finding": 6, "person": 7, "institution": 8, "site": 9, "attachment": 10,
}
_ID_SPAN = 10**12
# How many search terms a query keeps; more only slow the engine down.
MAX_TERMS = 8
# The text of a PDF kept in the index (the first pages of a long acta).
MAX_BODY_CHARS = 200_000

FTS_TABLE = "search_fts"
PG_TABLE = "search_document"


def fold(value: str) -> str:
    """``value`` without accents and in lower case, one character for each character.

    Examples
    --------
    >>> fold("Santa Cruz Xoxocotlán, AÑO")
    'santa cruz xoxocotlan, ano'
    """
    return "".join(_fold_char(char) for char in value)


def _fold_char(char: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", char)
                   if not unicodedata.combining(c))
    folded = base.casefold()
    return folded if len(folded) == 1 else char.lower()[:1] or char


def terms_of(query: str) -> list[str]:
    """The distinct folded words of ``query``, in order, at most :data:`MAX_TERMS`.

    Examples
    --------
    >>> terms_of("  Xoxocotlán «Los SAUCES» los ")
    ['xoxocotlan', 'los', 'sauces']
    """
    words: list[str] = []
    for word in re.findall(r"[^\W_]+", fold(query)):
        if word not in words:
            words.append(word)
    return words[:MAX_TERMS]


@dataclass(frozen=True)
class IndexedRow:
    """A document found: the record, the page it is shown on, its texts and its score."""

    kind: str
    record_id: int
    link_kind: str
    link_id: int
    title: str
    body: str
    context: str
    score: float


def _rowid(kind: str, record_id: int) -> int:
    return KINDS[kind] * _ID_SPAN + record_id


# ------------------------------------------------------------------------------- writes

def _is_sqlite(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


def _table(connection: Connection) -> str:
    return FTS_TABLE if _is_sqlite(connection) else PG_TABLE


def _key(connection: Connection) -> str:
    return "rowid" if _is_sqlite(connection) else "doc_id"


def _delete(connection: Connection, kind: str, record_id: int) -> None:
    connection.execute(
        text(f"DELETE FROM {_table(connection)} WHERE {_key(connection)} = :id"),
        {"id": _rowid(kind, record_id)},
    )


def _write(connection: Connection, document: Document, body: str | None = None) -> None:
    """Replace the document of a record; an attachment keeps its stored text unless given."""
    table, key, rowid = _table(connection), _key(connection), _rowid(document.kind,
                                                                     document.record_id)
    if document.kind == "attachment" and body is None:
        body = connection.execute(text(f"SELECT body FROM {table} WHERE {key} = :id"),
                                  {"id": rowid}).scalar()
    connection.execute(text(f"DELETE FROM {table} WHERE {key} = :id"), {"id": rowid})
    connection.execute(
        text(f"INSERT INTO {table} ({key}, kind, record_id, link_kind, link_id, title, body, "
             "context) VALUES (:id, :kind, :record_id, :link_kind, :link_id, :title, :body, "
             ":context)"),
        {"id": rowid, "kind": document.kind, "record_id": document.record_id,
         "link_kind": document.link_kind, "link_id": document.link_id,
         "title": document.title, "body": body if body is not None else document.body,
         "context": document.context},
    )


def put_attachment_text(session: Session, attachment: Attachment, body: str) -> None:
    """Store the text read from an attachment's file (an acta's PDF) in its document."""
    session.flush()
    _write(session.connection(), attachment_document(attachment), body[:MAX_BODY_CHARS])


_PENDING = "limites_search_pending"
# The kinds whose documents others quote (a zone's name in its meetings' context).
_QUOTED = frozenset({DisputeZone, Meeting, Inspection})


def _note_flushed(session: Session, flush_context) -> None:
    """Remember what this flush created, changed or deleted (nothing may load here)."""
    inserted = [obj for obj in session.new if type(obj) in BUILDERS]
    changed = [obj for obj in session.dirty if type(obj) in BUILDERS]
    deleted = [(obj.__tablename__, obj.id) for obj in session.deleted
               if type(obj) in BUILDERS]
    if inserted or changed or deleted:
        session.info[_PENDING] = (inserted, changed, deleted)


def _index_flushed(session: Session, flush_context) -> None:
    """Write the documents of what the flush wrote, and of the records that quote them.

    A new record is quoted by no document yet (those inserted with it are written anyway);
    a changed zone, meeting or inspection may be, so the documents quoting it (two steps
    away: a zone's meetings and their agreements) are written again.
    """
    inserted, changed, deleted = session.info.pop(_PENDING, ((), (), ()))
    if not inserted and not changed and not deleted:
        return
    connection = session.connection()
    gone = set(deleted)
    fresh = frozenset(id(obj) for obj in inserted)
    seen: set[tuple[str, int]] = set()
    queue = [(obj, 2) for obj in inserted]
    queue += [(obj, 0 if type(obj) in _QUOTED else 2) for obj in changed]
    while queue:
        obj, depth = queue.pop()
        key = (obj.__tablename__, obj.id)
        if key in seen or key in gone or obj.id is None:
            continue
        seen.add(key)
        _write(connection, BUILDERS[type(obj)](obj, fresh))
        if depth < 2:
            queue.extend((child, depth + 1) for child in dependents(obj)
                         if type(child) in BUILDERS)
    for kind, record_id in deleted:
        _delete(connection, kind, record_id)


def _forget_flushed(session: Session, previous_transaction) -> None:
    """A flush that failed before its documents were written leaves nothing to write."""
    session.info.pop(_PENDING, None)


def install(session_class: type[Session] = Session) -> None:
    """Keep the index in step with every flush of ``session_class`` (done at import)."""
    if not event.contains(session_class, "after_flush", _note_flushed):
        event.listen(session_class, "after_flush", _note_flushed)
        event.listen(session_class, "after_flush_postexec", _index_flushed)
        event.listen(session_class, "after_soft_rollback", _forget_flushed)


install()


def rebuild(session: Session) -> int:
    """Write the document of every record again (after an upgrade); return how many.

    The stored text of attachments is kept; records in the Papelera are indexed too (the
    search hides them, and restoring one needs no reindexing).
    """
    from cases.storage.models import INCLUDE_DELETED

    connection = session.connection()
    count = 0
    for model, build in BUILDERS.items():
        rows = session.scalars(select(model).execution_options(**{INCLUDE_DELETED: True}))
        for obj in rows:
            _write(connection, build(obj))
            count += 1
    return count


# -------------------------------------------------------------------------------- DDL

_PG_UNACCENT = """
CREATE OR REPLACE FUNCTION limites_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
"""

_PG_TABLE_DDL = f"""
CREATE TABLE {PG_TABLE} (
    doc_id bigint PRIMARY KEY,
    kind varchar(40) NOT NULL,
    record_id bigint NOT NULL,
    link_kind varchar(40) NOT NULL,
    link_id bigint NOT NULL,
    title text NOT NULL DEFAULT '',
    body text NOT NULL DEFAULT '',
    context text NOT NULL DEFAULT '',
    tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', limites_unaccent(title)), 'A')
        || setweight(to_tsvector('simple', limites_unaccent(body)), 'B')
        || setweight(to_tsvector('simple', limites_unaccent(context)), 'C')
    ) STORED
)
"""

_FTS_DDL = f"""
CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
    title, body, context,
    kind UNINDEXED, record_id UNINDEXED, link_kind UNINDEXED, link_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
)
"""


def create_index(connection: Connection) -> None:
    """Create the index's table (and on PostgreSQL ``unaccent`` and its wrapper)."""
    if _is_sqlite(connection):
        connection.exec_driver_sql(_FTS_DDL)
        return
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    connection.exec_driver_sql(_PG_UNACCENT)
    connection.exec_driver_sql(_PG_TABLE_DDL)
    connection.exec_driver_sql(
        f"CREATE INDEX ix_{PG_TABLE}_tsv ON {PG_TABLE} USING gin (tsv)")


def drop_index(connection: Connection) -> None:
    """Drop what :func:`create_index` made (the ``unaccent`` extension stays)."""
    if _is_sqlite(connection):
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        return
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {PG_TABLE}")
    connection.exec_driver_sql("DROP FUNCTION IF EXISTS limites_unaccent(text)")


# ------------------------------------------------------------------------------- reads

def _exists(table: str, joins: str = "", alive: Sequence[str] = ()) -> str:
    conditions = " AND ".join(f"{alias}.deleted_at IS NULL" for alias in ("r", *alive))
    return (f"EXISTS (SELECT 1 FROM {table} r {joins} "
            f"WHERE r.id = d.record_id AND {conditions})")


# A document is found only while its record, and the records it hangs from, are out of
# the Papelera (and still exist: a row deleted by a database cascade leaves no document).
_VISIBLE: dict[str, str] = {
    "dispute_zone": _exists("dispute_zone"),
    "case_file": _exists("case_file"),
    "meeting": _exists("meeting"),
    "inspection": _exists("inspection"),
    "person": _exists("person"),
    "institution": _exists("institution"),
    "site": _exists("site"),
    "agreement": _exists(
        "agreement",
        "LEFT JOIN meeting m ON m.id = r.meeting_id "
        "LEFT JOIN inspection i ON i.id = r.inspection_id", ("m", "i")),
    "finding": _exists("finding", "JOIN inspection i ON i.id = r.inspection_id", ("i",)),
    "attachment": (
        "EXISTS (SELECT 1 FROM attachment r "
        "LEFT JOIN meeting m ON m.id = r.meeting_id "
        "LEFT JOIN inspection i ON i.id = r.inspection_id "
        "LEFT JOIN finding f ON f.id = r.finding_id "
        "LEFT JOIN inspection fi ON fi.id = f.inspection_id "
        "LEFT JOIN limit_proposal p ON p.id = r.proposal_id "
        "WHERE r.id = d.record_id AND m.deleted_at IS NULL AND i.deleted_at IS NULL "
        "AND f.deleted_at IS NULL AND fi.deleted_at IS NULL AND p.deleted_at IS NULL)"
    ),
}
_VISIBLE_SQL = "(" + " OR ".join(
    f"(d.kind = '{kind}' AND {condition})" for kind, condition in _VISIBLE.items()) + ")"


def _match(connection: Connection, terms: Sequence[str]) -> tuple[str, str, dict]:
    """The FROM clause, the WHERE clause and the parameters that find ``terms``."""
    if _is_sqlite(connection):
        phrase = " ".join('"' + term.replace('"', '""') + '"*' for term in terms)
        return (f"{FTS_TABLE} d", f"{FTS_TABLE} MATCH :match AND {_VISIBLE_SQL}",
                {"match": phrase})
    query = " & ".join(f"{term}:*" for term in terms)
    return (f"{PG_TABLE} d, to_tsquery('simple', limites_unaccent(:match)) q",
            f"d.tsv @@ q AND {_VISIBLE_SQL}", {"match": query})


def find(session: Session, terms: Sequence[str], *, kind: str | None = None,
         limit: int = 20, offset: int = 0) -> list[IndexedRow]:
    """The documents holding every one of ``terms`` (folded words, taken as prefixes).

    Best first: a word in the title counts more than in the body, and that more than in the
    context; ties go to the newer record of the kind.
    """
    if not terms:
        return []
    connection = session.connection()
    source, where, params = _match(connection, terms)
    if _is_sqlite(connection):
        score = f"bm25({FTS_TABLE}, 10.0, 3.0, 1.0)"
    else:
        score = "-ts_rank('{0.2, 0.4, 0.7, 1.0}'::float4[], d.tsv, q)"
    if kind is not None:
        where += " AND d.kind = :kind"
        params["kind"] = kind
    statement = text(
        f"SELECT d.kind, d.record_id, d.link_kind, d.link_id, d.title, d.body, d.context, "
        f"{score} AS score FROM {source} WHERE {where} "
        f"ORDER BY score, d.kind, d.record_id DESC LIMIT :limit OFFSET :offset"
    ).bindparams(bindparam("limit"), bindparam("offset"))
    rows = connection.execute(statement, {**params, "limit": limit, "offset": offset})
    return [IndexedRow(row.kind, int(row.record_id), row.link_kind, int(row.link_id),
                       row.title, row.body, row.context, float(row.score)) for row in rows]


def count_by_kind(session: Session, terms: Sequence[str]) -> dict[str, int]:
    """How many visible documents of each kind hold every one of ``terms``."""
    if not terms:
        return {}
    connection = session.connection()
    source, where, params = _match(connection, terms)
    rows = connection.execute(
        text(f"SELECT d.kind, count(*) AS n FROM {source} WHERE {where} GROUP BY d.kind"),
        params)
    return {row.kind: int(row.n) for row in rows}
