"""Pages of items of the OGC API joined from cached features, with ETag and gzip.

A JSON page of items is its envelope (counts, links: :func:`ogcapi_documents.items_envelope`)
around the GeoJSON of each feature. The features come from the app's
:class:`~cases.sharing.feature_cache.FeatureCache` of its collection, at the version of the
data it is made of, built once per version, collection, scope and record; only the ids of
the page and ``numberMatched`` are read from the database on each request. A gzip answer
joins the fragments' compressed copies, so compressing costs what the envelope costs.

``FEATURE_CACHE`` (default on; ``LIMITES_FEATURE_CACHE=0``) turns the cache off: every page is
built from the records, as the HTML pages are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from cases.sharing import features
from cases.sharing.feature_cache import FeatureCache, FeatureCaches, Fragment, deflated, gzip_join
from cases.sharing.features import Collection, Interval
from cases.sharing.scope import Scope
from cases.storage.models import LAYERS, layer_versions
from geo_app.sharing import ogcapi_documents as docs

__all__ = ["ItemsBody", "feature_cache", "init_app", "items_body", "request_version"]

_MARK = '"features": []'
_COMMA = deflated(b",")


@dataclass(frozen=True)
class ItemsBody:
    """A page of items as sent: its parts plain and deflated (joined on demand)."""

    raw: list[bytes]
    packed: list[bytes]

    def plain(self) -> bytes:
        """The JSON text."""
        return b"".join(self.raw)

    def gzip(self) -> bytes:
        """The JSON text as a gzip member."""
        return gzip_join(self.raw, self.packed)


def init_app(app: Flask) -> None:
    """Give the app its feature caches, unless ``FEATURE_CACHE`` is off."""
    if app.config.get("FEATURE_CACHE", True) not in (False, 0, "0", "false", "False"):
        app.extensions.setdefault("limites_feature_cache", FeatureCaches())


def feature_cache(collection: features.Collection) -> FeatureCache | None:
    """The feature cache of ``collection``'s layer, or ``None`` when caching is off."""
    caches: FeatureCaches | None = current_app.extensions.get("limites_feature_cache")
    return caches.of(collection.layer) if caches is not None else None


def request_version(session: Session, collection: features.Collection) -> int | None:
    """The version of the data ``collection`` is made of, as read when the request started.

    The sum of its data layers' versions (:data:`features.COLLECTION_LAYERS`): it grows with
    every write to any of them and stays put for writes elsewhere.
    """
    versions = g.get("limites_layer_versions")
    if versions is None:
        versions = g.limites_layer_versions = layer_versions(session)
    if not versions:
        return None
    return sum(versions.get(layer, 0)
               for layer in features.COLLECTION_LAYERS.get(collection.layer, LAYERS))


def _fragment(feature: features.Feature) -> Fragment:
    return Fragment.of(docs.to_json(docs.feature_doc(feature)).encode("utf-8"))


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
    cache, version = feature_cache(collection), request_version(session, collection)
    if cache is None or version is None:
        cache, version = FeatureCache(), 0  # this request's own: nothing outlives it

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
    page = [found[key] for key in keys if key in found]  # a record deleted meanwhile: gone
    envelope = docs.to_json(docs.items_envelope(
        url, collection, offset, limit, matched, len(page), query, stamp))
    at = envelope.index(_MARK)
    head = (envelope[:at] + '"features": [').encode("utf-8")
    tail = ("]" + envelope[at + len(_MARK):]).encode("utf-8")
    raw, packed = [head], [deflated(head)]
    for n, fragment in enumerate(page):
        if n:
            raw.append(b",")
            packed.append(_COMMA)
        raw.append(fragment.raw)
        packed.append(fragment.packed)
    raw.append(tail)
    packed.append(deflated(tail))
    return ItemsBody(raw, packed)
