"""Use cases of the OGC API – Features: collections of a scope, pages of items, one item.

The collections serve the rows of the exports (:mod:`cases.sharing.tables`): the same Spanish
attribute names, labels and dates in a GeoPackage and through the API. Limits are one
collection per kind of version. The scope decides everything a reader gets: which
collections exist for it (:func:`collections`, :func:`get_collection`), which records (every
query goes through :func:`cases.sharing.scope.scoped`, so a record outside the scope is never
listed,
found nor counted in an extent) and which attributes (:func:`cases.sharing.tables.layer_fields`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cases.errors import InvalidInputError, NotFoundError
from cases.sharing.scope import Scope, visible
from cases.sharing.tables import LayerSpec, layer_fields, layer_rows, layer_spec, records_query
from cases.storage.models import MAX_RECORD_ID, BoundaryVersion, Finding, Inspection
from cases.storage.spatial import bbox_filter
from cases.storage.statuses import BoundaryKind

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Collection",
    "Feature",
    "ItemsPage",
    "COLLECTIONS",
    "COLLECTION_LAYERS",
    "collections",
    "get_collection",
    "collection_extent",
    "items",
    "item",
    "require_item",
    "missing_item",
    "features_of",
    "load_shapes",
    "matching_ids",
    "parse_bbox",
    "parse_datetime",
    "parse_limit",
    "parse_offset",
]

DEFAULT_LIMIT = 10
MAX_LIMIT = 1000
Interval = tuple[dt.date | None, dt.date | None]


@dataclass(frozen=True)
class Collection:
    """One feature collection: a spatial export layer, possibly one kind of limit only."""

    id: str
    title: str
    description: str
    layer: str
    kind: BoundaryKind | None = None

    @property
    def spec(self) -> LayerSpec:
        """The export layer the collection serves."""
        return layer_spec(self.layer)

    @property
    def model(self):
        """The model of the collection's records."""
        return self.spec.model

    def fields(self, scope: Scope) -> dict[str, str]:
        """The attributes a reader of ``scope`` gets (name → type)."""
        return layer_fields(self.spec, scope)

    @property
    def temporal(self) -> bool:
        """Whether the collection's records have dates (the ``datetime`` filter applies)."""
        return self.layer in ("limites", "recorridos", "hallazgos")


COLLECTIONS: tuple[Collection, ...] = (
    *(
        Collection(
            f"limites-{kind.value}", f"Límites: {kind.label}",
            f"Versiones de límites municipales de tipo «{kind.label}», con su fuente y fecha.",
            "limites", kind,
        )
        for kind in BoundaryKind
    ),
    Collection("zonas", "Zonas en disputa", "Zonas en disputa con su estado y municipios.",
               "zonas"),
    Collection("recorridos", "Recorridos de inspección",
               "Rutas de los recorridos conjuntos, con sus fechas.", "recorridos"),
    Collection("hallazgos", "Hallazgos", "Hallazgos de los recorridos, con su ubicación.",
               "hallazgos"),
    Collection("sedes", "Sedes y sitios de reuniones", "Lugares de las reuniones.", "sedes"),
)


# The data layers (cases.storage.models.LAYERS) each collection layer's features are made
# of: its cached features are built again only when one of these changes.
COLLECTION_LAYERS: dict[str, tuple[str, ...]] = {
    "limites": ("limits", "people"),
    "zonas": ("zones", "limits", "cases"),
    "recorridos": ("inspections", "zones", "cases", "people", "findings"),
    "hallazgos": ("findings", "inspections", "limits"),
    "sedes": ("sites", "meetings"),
}


def collections(scope: Scope) -> list[Collection]:
    """The collections ``scope`` shares (a map link: those of its layers only)."""
    return [c for c in COLLECTIONS if scope.allows(c)]


def get_collection(collection_id: str, scope: Scope | None = None) -> Collection:
    """The collection ``collection_id`` if ``scope`` shares it, else NotFoundError."""
    for collection in COLLECTIONS if scope is None else collections(scope):
        if collection.id == collection_id:
            return collection
    raise NotFoundError(f"No existe la colección «{collection_id}».")


@dataclass
class Feature:
    """One record as a feature: stable id (the record's), attributes and geometry."""

    id: int
    properties: dict[str, Any]
    geometry: Any


@dataclass
class ItemsPage:
    """A page of items and how many match in all."""

    features: list[Feature]
    number_matched: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        """Whether more items follow this page."""
        return self.offset + len(self.features) < self.number_matched


# -- parameters --------------------------------------------------------------------------

def parse_limit(text: str | None) -> int:
    """The ``limit`` parameter: 1…:data:`MAX_LIMIT` (larger values are clamped).

    Examples
    --------
    >>> parse_limit(None), parse_limit("100"), parse_limit("50000")
    (10, 100, 1000)
    """
    if text is None or text == "":
        return DEFAULT_LIMIT
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise InvalidInputError(f"«limit» debe ser un entero positivo, no «{text}»")
    return min(int(text), MAX_LIMIT)


def parse_offset(text: str | None) -> int:
    """The ``offset`` parameter: 0 or more, up to what the database can count.

    Examples
    --------
    >>> parse_offset("20")
    20
    >>> parse_offset("9223372036854775808")
    Traceback (most recent call last):
    ...
    cases.errors.InvalidInputError: «offset» es demasiado grande (9223372036854775808)...
    """
    if text is None or text == "":
        return 0
    # ASCII only: "²" or "٣" pass str.isdigit.
    if not (text.isascii() and text.isdigit()):
        raise InvalidInputError(f"«offset» debe ser un entero no negativo, no «{text}»")
    if int(text) > MAX_RECORD_ID:
        raise InvalidInputError(f"«offset» es demasiado grande ({text[:40]}); el máximo es "
                                f"{MAX_RECORD_ID}")
    return int(text)


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """The ``bbox`` parameter ``west,south,east,north`` in longitude/latitude (CRS84).

    Examples
    --------
    >>> parse_bbox("-96.8,17.0,-96.6,17.1")
    (-96.8, 17.0, -96.6, 17.1)
    """
    if text is None or text == "":
        return None
    parts = text.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) == 6:  # with heights: the heights do not filter 2D records
        values = [values[0], values[1], values[3], values[4]]
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InvalidInputError(
            f"«bbox» debe tener cuatro números: oeste,sur,este,norte; se recibió «{text}»"
        )
    west, south, east, north = values
    if south > north or not (-180 <= west <= 180 and -180 <= east <= 180) or not (
        -90 <= south <= 90 and -90 <= north <= 90
    ):
        raise InvalidInputError(f"«bbox» fuera de rango o invertido: «{text}»")
    return west, south, east, north


_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


def _date(text: str) -> dt.date | None:
    if text in ("..", ""):
        return None
    match = _DATE_RE.match(text.strip())
    if match is None:
        raise InvalidInputError(
            f"«datetime» debe ser una fecha RFC 3339 (2025-05-15) o un intervalo "
            f"(2025-01-01/2025-06-30, con «..» abierto); se recibió «{text}»"
        )
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError as exc:
        raise InvalidInputError(f"«datetime»: fecha inválida «{text}»") from exc


def parse_datetime(text: str | None) -> Interval | None:
    """The ``datetime`` parameter as a closed interval of dates (``None``: open end).

    Examples
    --------
    >>> parse_datetime("2025-05-15")
    (datetime.date(2025, 5, 15), datetime.date(2025, 5, 15))
    >>> parse_datetime("../2025-06-30T23:59:59Z")
    (None, datetime.date(2025, 6, 30))
    """
    if text is None or text == "":
        return None
    if "/" in text:
        start, _, end = text.partition("/")
        interval = (_date(start), _date(end))
    else:
        day = _date(text)
        interval = (day, day)
    if interval[0] and interval[1] and interval[0] > interval[1]:
        raise InvalidInputError(f"«datetime»: el intervalo termina antes de empezar: «{text}»")
    return interval


# -- queries -----------------------------------------------------------------------------

def _date_condition(collection: Collection, interval: Interval):
    start, end = interval
    if collection.layer == "limites":
        column = BoundaryVersion.valid_from
        conditions = [column.is_not(None)]
        conditions += [column >= start] if start else []
        conditions += [column <= end] if end else []
        return conditions
    # Routes last from their start to their end (or their start); findings take their route's.
    finish = func.coalesce(Inspection.ended_on, Inspection.started_on)
    conditions = ([finish >= start] if start else []) + (
        [Inspection.started_on <= end] if end else [])
    if collection.layer == "recorridos":
        return conditions
    return [Finding.inspection_id.in_(select(Inspection.id).where(*conditions))]


def _statement(collection: Collection, scope: Scope, bbox, interval, load: bool = True):
    if not scope.allows(collection):
        raise NotFoundError(f"No existe la colección «{collection.id}».")
    model = collection.model
    statement = records_query(collection.spec, scope, load)
    if collection.kind is not None:
        statement = statement.where(BoundaryVersion.kind == collection.kind)
    if bbox is not None:
        statement = bbox_filter(statement, model, shapely.box(*bbox))
    if interval is not None:
        if not collection.temporal:
            raise InvalidInputError(
                f"la colección «{collection.id}» no tiene fechas: no admite «datetime»"
            )
        statement = statement.where(*_date_condition(collection, interval))
    return statement


def _features(session: Session, scope: Scope, collection: Collection, records) -> list[Feature]:
    rows, shapes = layer_rows(collection.spec, scope, records, visible(session, scope))
    return [Feature(row["id"], row, shape) for row, shape in zip(rows, shapes, strict=True)]


def load_shapes(session: Session, collection: Collection, ids: Iterable[int]) -> dict[int, Any]:
    """The geometries of the records ``ids`` of the collection (only the geometry is read)."""
    ids = list(ids)
    if not ids:
        return {}
    model = collection.model
    column = getattr(model, collection.spec.geometry_attribute)
    return dict(session.execute(select(model.id, column).where(model.id.in_(ids))).all())


def matching_ids(
    session: Session,
    scope: Scope,
    collection: Collection,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    interval: Interval | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    shapes: Callable[[list[int]], Mapping[int, Any]] | None = None,
) -> tuple[list[int], int]:
    """The ids of one page of the collection's features in ``scope`` and how many match.

    Only ids are read: without ``bbox`` the page and the count come from SQL; with it, the
    stored bounding boxes pre-filter in SQL and shapely decides on the candidates' geometries,
    given by ``shapes(ids)`` (default: :func:`load_shapes`, e.g. a cache in front of it).
    """
    model = collection.model
    statement = _statement(collection, scope, bbox, interval, load=False)
    if bbox is None:
        matched = session.scalar(statement.with_only_columns(func.count(model.id)))
        ids = list(session.scalars(
            statement.with_only_columns(model.id).order_by(model.id).offset(offset).limit(limit)
        ))
        return ids, matched
    candidates = list(session.scalars(statement.with_only_columns(model.id).order_by(model.id)))
    if not candidates:
        return [], 0
    found = (shapes or (lambda ids: load_shapes(session, collection, ids)))(candidates)
    hits = shapely.intersects([found[i] for i in candidates], shapely.box(*bbox))
    inside = [i for i, hit in zip(candidates, hits, strict=True) if hit]
    return inside[offset:offset + limit], len(inside)


def features_of(session: Session, scope: Scope, collection: Collection,
                ids: Iterable[int]) -> list[Feature]:
    """The features of the records ``ids`` (in ``scope``), in the order of ``ids``."""
    ids = list(ids)
    if not ids:
        return []
    model = collection.model
    records = {r.id: r for r in session.scalars(
        _statement(collection, scope, None, None).where(model.id.in_(ids)))}
    return _features(session, scope, collection, [records[i] for i in ids if i in records])


def items(
    session: Session,
    scope: Scope,
    collection: Collection,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    interval: Interval | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> ItemsPage:
    """A page of the collection's features in ``scope``, filtered by ``bbox`` and dates.

    The ``bbox`` keeps the features whose geometry intersects the box (:func:`matching_ids`).
    """
    ids, matched = matching_ids(session, scope, collection, bbox=bbox, interval=interval,
                                limit=limit, offset=offset)
    return ItemsPage(features_of(session, scope, collection, ids), matched, offset, limit)


def missing_item(collection: Collection, feature_id: int) -> NotFoundError:
    """The 404 of a feature the collection does not have (for a reader)."""
    return NotFoundError(f"No existe el elemento {feature_id} en la colección «{collection.id}».")


def item(session: Session, scope: Scope, collection: Collection, feature_id: int) -> Feature:
    """The feature ``feature_id`` of the collection, if it is in ``scope``."""
    model = collection.model
    record = session.scalar(
        _statement(collection, scope, None, None).where(model.id == feature_id)
    )
    if record is None:
        raise missing_item(collection, feature_id)
    return _features(session, scope, collection, [record])[0]


def require_item(session: Session, scope: Scope, collection: Collection,
                 feature_id: int) -> None:
    """NotFoundError unless the record ``feature_id`` of the collection is in ``scope``.

    The same question :func:`item` asks, reading the id alone (its feature may be cached).
    """
    model = collection.model
    statement = _statement(collection, scope, None, None, load=False)
    if session.scalar(statement.with_only_columns(model.id).where(model.id == feature_id)) is None:
        raise missing_item(collection, feature_id)


def collection_extent(
    session: Session, scope: Scope, collection: Collection
) -> tuple[tuple[float, float, float, float] | None, Interval | None]:
    """The bounding box and, for dated collections, the interval of the features in scope."""
    model = collection.model
    ids = _statement(collection, scope, None, None, load=False).with_only_columns(model.id)
    box = session.execute(
        select(func.min(model.min_x), func.min(model.min_y),
               func.max(model.max_x), func.max(model.max_y)).where(model.id.in_(ids))
    ).one()
    bbox = None if box[0] is None else tuple(float(v) for v in box)
    interval = None
    if collection.layer == "limites":
        interval = session.execute(
            select(func.min(BoundaryVersion.valid_from), func.max(BoundaryVersion.valid_from))
            .where(BoundaryVersion.id.in_(ids))
        ).one()
    elif collection.temporal:
        inspection_ids = ids if collection.layer == "recorridos" else (
            select(Finding.inspection_id).where(Finding.id.in_(ids)))
        interval = session.execute(
            select(func.min(Inspection.started_on),
                   func.max(func.coalesce(Inspection.ended_on, Inspection.started_on)))
            .where(Inspection.id.in_(inspection_ids))
        ).one()
    if interval is not None and interval[0] is None and interval[1] is None:
        interval = None
    return bbox, (tuple(interval) if interval is not None else None)

