"""Items of the OGC API from cached features: pages and single items, JSON and HTML.

A JSON page of items is its envelope (counts, links: :func:`ogcapi_documents.items_envelope`)
around the GeoJSON of each feature. The features come from the app's
:class:`~cases.sharing.feature_cache.FeatureCache` of its collection, at the version of the
data it is made of, built once per version, collection, scope and record; only the ids of
the page and ``numberMatched`` are read from the database on each request. A gzip answer
joins the fragments' compressed copies, so compressing costs what the envelope costs.

A single item (:func:`item_body`) is its fragment with the links written in; whether the
record is in the reader's scope is still asked of SQL each time (its id alone). The HTML
pages (:func:`items_document`, :func:`item_document`) read the same fragments back.

``FEATURE_CACHE`` (default on; ``LIMITES_FEATURE_CACHE=0``) turns the cache off: each request
builds the features it needs and keeps them no longer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Hashable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy.orm import Session

from cases.sharing import features
from cases.sharing.feature_cache import FeatureCache, FeatureCaches, Fragment, deflated, gzip_join
from cases.sharing.features import Collection, Interval
from cases.sharing.scope import Scope
from cases.storage.models import LAYERS
from geo_app.map_cache import request_versions
from geo_app.sharing import ogcapi_documents as docs

__all__ = [
    "ItemsBody", "feature_cache", "init_app", "item_body", "item_document", "items_body",
    "items_document", "request_version",
]

_MARK = '"features": []'
_PROPERTIES = b'"properties": '
_GEOMETRY = re.compile(rb'"geometry": (null|\{"type": "(\w+)")')
_COMMA = deflated(b",")


@dataclass(frozen=True)
class ItemsBody:
    """A JSON answer as sent: its parts plain and, when kept, deflated (joined on demand)."""

    raw: list[bytes]
    packed: list[bytes] | None = None

    def plain(self) -> bytes:
        """The JSON text."""
        return b"".join(self.raw)

    def gzip(self) -> bytes:
        """The JSON text as a gzip member (compressed here when no deflated parts are kept)."""
        if self.packed is None:
            return gzip_join(self.raw, [deflated(self.plain())])
        return gzip_join(self.raw, self.packed)


def init_app(app: Flask) -> None:
    """Give the app its feature caches, unless ``FEATURE_CACHE`` is off."""
    if app.config.get("FEATURE_CACHE", True) not in (False, 0, "0", "false", "False"):
        app.extensions.setdefault("limites_feature_cache", FeatureCaches())


def feature_cache(collection: features.Collection) -> FeatureCache | None:
    """The feature cache of ``collection``'s layer, or ``None`` when caching is off."""
    caches: FeatureCaches | None = current_app.extensions.get("limites_feature_cache")
    return caches.of(collection.layer) if caches is not None else None


def request_version(collection: features.Collection) -> int | None:
    """The version of the data ``collection`` is made of, as read when the request started.

    The sum of its data layers' versions (:data:`features.COLLECTION_LAYERS`): it grows with
    every write to any of them and stays put for writes elsewhere.
    """
    versions = request_versions(*features.COLLECTION_LAYERS.get(collection.layer, LAYERS))
    return None if versions is None else sum(versions)


def _fragment(feature: features.Feature) -> Fragment:
    return Fragment.of(docs.to_json(docs.feature_doc(feature)).encode("utf-8"))


def _cache_at(session: Session, collection: Collection) -> tuple[FeatureCache, int]:
    cache, version = feature_cache(collection), request_version(collection)
    if cache is None or version is None:
        return FeatureCache(), 0  # this request's own: nothing outlives it
    return cache, version


def _fragments(session: Session, scope: Scope, collection: Collection, cache: FeatureCache,
               version: int, ids: list[int]) -> list[tuple[int, Fragment]]:
    """The fragments of the records ``ids`` in ``scope``, built once per version.

    A record deleted meanwhile is left out.
    """
    keys: list[Hashable] = [(collection.layer, scope, i) for i in ids]
    found = cache.fragments(version, keys)
    if len(found) < len(keys):
        with cache.builder(version, (collection.layer, scope)):
            found.update(cache.fragments(version, [k for k in keys if k not in found]))
            missing = [i for i, key in zip(ids, keys, strict=True) if key not in found]
            built = {(collection.layer, scope, f.id): _fragment(f)
                     for f in features.features_of(session, scope, collection, missing)}
            cache.store(version, built)
            found.update(built)
    return [(key[2], found[key]) for key in keys if key in found]


def _page(
    session: Session,
    scope: Scope,
    collection: Collection,
    *,
    bbox: tuple[float, float, float, float] | None,
    interval: Interval | None,
    limit: int,
    offset: int,
) -> tuple[list[tuple[int, Fragment]], int]:
    """One page's ``(id, fragment)`` pairs in order, and ``numberMatched`` (from SQL)."""
    cache, version = _cache_at(session, collection)

    def shapes(ids: list[int]) -> dict[int, object]:
        keys = [(collection.layer, i) for i in ids]
        kept = cache.shapes(version, keys)
        missing = [i for i in ids if (collection.layer, i) not in kept]
        loaded = features.load_shapes(session, collection, missing)
        cache.store_shapes(version, {(collection.layer, i): s for i, s in loaded.items()})
        return {**{key[1]: s for key, s in kept.items()}, **loaded}

    ids, matched = features.matching_ids(session, scope, collection, bbox=bbox,
                                         interval=interval, limit=limit, offset=offset,
                                         shapes=shapes)
    return _fragments(session, scope, collection, cache, version, ids), matched


def items_body(
    session: Session,
    scope: Scope,
    collection: Collection,
    url: docs.UrlFor,
    query: dict[str, str],
    *,
    bbox: tuple[float, float, float, float] | None,
    interval: Interval | None,
    limit: int,
    offset: int,
    stamp: dt.datetime | None = None,
) -> ItemsBody:
    """The JSON page of items of ``collection`` for a reader of ``scope``."""
    page, matched = _page(session, scope, collection, bbox=bbox, interval=interval,
                          limit=limit, offset=offset)
    envelope = docs.to_json(docs.items_envelope(
        url, collection, offset, limit, matched, len(page), query, stamp))
    at = envelope.index(_MARK)
    head = (envelope[:at] + '"features": [').encode("utf-8")
    tail = ("]" + envelope[at + len(_MARK):]).encode("utf-8")
    raw, packed = [head], [deflated(head)]
    for n, (_, fragment) in enumerate(page):
        if n:
            raw.append(b",")
            packed.append(_COMMA)
        raw.append(fragment.raw)
        packed.append(fragment.packed)
    raw.append(tail)
    packed.append(deflated(tail))
    return ItemsBody(raw, packed)


def _item_fragment(session: Session, scope: Scope, collection: Collection,
                   feature_id: int) -> tuple[Fragment, FeatureCache, int]:
    """The fragment of ``feature_id``, and the cache and version it was found at."""
    # Whether the record is in scope is asked of SQL on every request, as for a page.
    features.require_item(session, scope, collection, feature_id)
    cache, version = _cache_at(session, collection)
    found = _fragments(session, scope, collection, cache, version, [feature_id])
    if not found:  # deleted since the question
        raise features.missing_item(collection, feature_id)
    return found[0][1], cache, version


def item_body(session: Session, scope: Scope, collection: Collection, feature_id: int,
              links: list[dict], *, zipped: bool = False) -> ItemsBody:
    """The JSON of the feature ``feature_id`` with its ``links``, from its cached fragment.

    The same text as ``to_json({**feature_doc, "links": links})``: a fragment is a JSON
    object, so the links are its last member, written in before its closing brace. For a
    ``zipped`` answer the fragment without that brace is deflated once and kept beside it.
    """
    fragment, cache, version = _item_fragment(session, scope, collection, feature_id)
    raw = [fragment.raw[:-1], f', "links": {docs.to_json(links)}}}'.encode()]
    if not zipped:
        return ItemsBody(raw)
    key = (collection.layer, scope, feature_id, "open")
    kept = cache.fragments(version, [key]).get(key)
    if kept is None:
        kept = Fragment(b"", deflated(raw[0]))
        cache.store(version, {key: kept})
    return ItemsBody(raw, [kept.packed, deflated(raw[1])])


def _properties(fragment: Fragment) -> dict:
    """The properties of a fragment, without reading its geometry.

    ``"properties"`` is the fragment's last member (:func:`docs.feature_doc`); the text
    ``"properties": `` cannot occur before it: the type, id and geometry hold no such
    string, and inside any JSON string its quotes would be escaped.
    """
    at = fragment.raw.index(_PROPERTIES) + len(_PROPERTIES)
    return json.loads(fragment.raw[at:-1])


def items_document(
    session: Session,
    scope: Scope,
    collection: Collection,
    url: docs.UrlFor,
    query: dict[str, str],
    *,
    bbox: tuple[float, float, float, float] | None,
    interval: Interval | None,
    limit: int,
    offset: int,
) -> dict:
    """A page of items for the HTML page: ids and properties from the cached fragments.

    Its features carry no geometry (the page shows none); dates are ISO text, as they
    print.
    """
    page, matched = _page(session, scope, collection, bbox=bbox, interval=interval,
                          limit=limit, offset=offset)
    document = docs.items_envelope(url, collection, offset, limit, matched, len(page), query)
    document["features"] = [{"type": "Feature", "id": i, "properties": _properties(f)}
                            for i, f in page]
    return document


def item_document(session: Session, scope: Scope, collection: Collection,
                  feature_id: int) -> dict:
    """The feature ``feature_id`` for the HTML page, from its cached fragment.

    Its geometry is its type alone (what the page shows), read from the fragment's text:
    a geometry's ``"type"`` is written first (:func:`shapely.geometry.mapping`).
    """
    fragment = _item_fragment(session, scope, collection, feature_id)[0]
    shape = _GEOMETRY.search(fragment.raw)
    return {"type": "Feature", "id": feature_id,
            "geometry": {"type": shape[2].decode()} if shape[2] else None,
            "properties": _properties(fragment)}
