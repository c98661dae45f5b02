"""Features kept per data version: each record's GeoJSON is built once and reused.

Building a feature (loading the record, its attributes, writing its full-precision geometry
as JSON) is most of the cost of a page of the OGC API; sending it is not. A
:class:`FeatureCache` keeps, under the current data version
(:func:`cases.storage.models.data_version`, bumped by every transaction that changes data, in
any process):

- each feature's GeoJSON text as it is sent, plus the same text already deflated, so a
  gzip answer is assembled from compressed pieces (:func:`gzip_join`), keyed by what decides
  its content: collection, the reader's scope and the record;
- each record's geometry, to decide a ``bbox`` on the stored shapes without reading them.

When a newer version is seen every entry is dropped; an older version neither reads nor
stores (a reader that started before a write). The cache is bounded by bytes, least recently
used first. Pages themselves are never stored: each is joined from its features, so its
``numberMatched`` and order always come from SQL.
"""

from __future__ import annotations

import struct
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DEFAULT_MAX_BYTES", "MAX_SHAPES", "Fragment", "FeatureCache", "FeatureCaches", "deflated",
    "gzip_join",
]

# 570 municipalities at full precision weigh ≈ 11 MB as JSON (≈ 4 MB deflated); a few scopes
# of the whole frame and ten years of findings fit.
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
# Geometries kept for bbox decisions; beyond this many they are read again.
MAX_SHAPES = 200_000
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no time, unknown OS


def deflated(data: bytes, level: int = 6) -> bytes:
    """``data`` as raw deflate blocks ending on a byte boundary, to be joined with others.

    Each piece is compressed on its own and ends with a full flush (no final block), so any
    sequence of pieces is one valid deflate stream once :func:`gzip_join` closes it.
    """
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def gzip_join(raw: Iterable[bytes], pieces: Iterable[bytes]) -> bytes:
    """A gzip member (RFC 1952) of the deflated ``pieces`` whose plain text is ``raw``.

    ``raw`` and ``pieces`` are the same parts, plain and through :func:`deflated`.

    Examples
    --------
    >>> import gzip
    >>> parts = [b'{"a": ', b"[1, 2, 3]", b"}"]
    >>> gzip.decompress(gzip_join(parts, [deflated(p) for p in parts]))
    b'{"a": [1, 2, 3]}'
    """
    crc, size = 0, 0
    for part in raw:
        crc = zlib.crc32(part, crc)
        size += len(part)
    final = zlib.compressobj(6, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)  # empty last block
    trailer = struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)
    return b"".join((_GZIP_HEADER, *pieces, final, trailer))


@dataclass(frozen=True)
class Fragment:
    """One feature's GeoJSON as sent, plain and deflated (:func:`deflated`)."""

    raw: bytes
    packed: bytes

    @classmethod
    def of(cls, raw: bytes) -> Fragment:
        """The fragment of ``raw``, compressed once here."""
        return cls(raw, deflated(raw))

    @property
    def size(self) -> int:
        """Bytes it holds."""
        return len(self.raw) + len(self.packed)


class FeatureCache:
    """Fragments and geometries of one data version, bounded by bytes (thread-safe).

    Examples
    --------
    >>> cache = FeatureCache()
    >>> cache.store(7, {("zonas", 1): Fragment.of(b"{}")})
    >>> sorted(cache.fragments(7, [("zonas", 1), ("zonas", 2)]))
    [('zonas', 1)]
    >>> cache.fragments(8, [("zonas", 1)])  # a write happened: nothing is kept
    {}
    >>> cache.store(7, {("zonas", 1): Fragment.of(b"{}")})  # a late reader: ignored
    >>> cache.version, len(cache)
    (8, 0)
    """

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.version: int | None = None
        self.since: float = time.time()
        self.built = 0
        self._bytes = 0
        self._fragments: OrderedDict[Hashable, Fragment] = OrderedDict()
        self._shapes: dict[Hashable, Any] = {}
        self._builders: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._fragments)

    def _at(self, version: int) -> bool:
        """Move to ``version`` if newer; whether ``version`` is the one kept (lock held)."""
        if self.version is None or version > self.version:
            if self.version is not None:
                # Never the same second twice: a Last-Modified always grows with the data.
                self.since = max(time.time(), self.since + 1.0)
            self.version = version
            self._fragments.clear()
            self._shapes.clear()
            self._builders.clear()
            self._bytes = 0
        return version == self.version

    def modified(self, version: int) -> float:
        """When this process first saw ``version`` (POSIX seconds): its Last-Modified."""
        with self._lock:
            self._at(version)
            return self.since

    def builder(self, version: int, key: Hashable) -> threading.Lock:
        """The lock of whoever builds the fragments of ``key`` (a layer and a scope).

        After a write many readers miss at once; the first builds, the others wait for it and
        find its fragments, as the map cache does (:mod:`geo_app.map_cache`).
        """
        with self._lock:
            self._at(version)
            return self._builders.setdefault((version, key), threading.Lock())

    def fragments(self, version: int, keys: Iterable[Hashable]) -> dict[Hashable, Fragment]:
        """The fragments of ``keys`` kept at ``version`` (the missing ones are absent)."""
        found = {}
        with self._lock:
            if not self._at(version):
                return found
            for key in keys:
                fragment = self._fragments.get(key)
                if fragment is not None:
                    self._fragments.move_to_end(key)
                    found[key] = fragment
        return found

    def store(self, version: int, fragments: Mapping[Hashable, Fragment]) -> None:
        """Keep ``fragments`` built from the data of ``version``."""
        with self._lock:
            if not self._at(version):
                return
            for key, fragment in fragments.items():
                old = self._fragments.pop(key, None)
                self._bytes += fragment.size - (old.size if old is not None else 0)
                self._fragments[key] = fragment
            self.built += len(fragments)
            while self._bytes > self.max_bytes and self._fragments:
                _, dropped = self._fragments.popitem(last=False)
                self._bytes -= dropped.size

    def shapes(self, version: int, keys: Iterable[Hashable]) -> dict[Hashable, Any]:
        """The geometries of ``keys`` kept at ``version``."""
        with self._lock:
            if not self._at(version):
                return {}
            return {key: self._shapes[key] for key in keys if key in self._shapes}

    def store_shapes(self, version: int, shapes: Mapping[Hashable, Any]) -> None:
        """Keep the geometries ``shapes`` of ``version`` (at most :data:`MAX_SHAPES`)."""
        with self._lock:
            if self._at(version):
                if len(self._shapes) + len(shapes) > MAX_SHAPES:
                    self._shapes.clear()
                self._shapes.update(shapes)


class FeatureCaches:
    """One :class:`FeatureCache` per collection layer, each at the version of what it shows.

    A write that changes no finding keeps every cached finding: each collection's cache
    follows only the versions of the data layers its features are made of (see
    :data:`cases.sharing.features.COLLECTION_LAYERS`). The byte bound is shared out evenly.

    Examples
    --------
    >>> caches = FeatureCaches()
    >>> caches.of("zonas").store(3, {("zonas", 1): Fragment.of(b"{}")})
    >>> caches.of("hallazgos").fragments(9, [("hallazgos", 1)])  # another version, elsewhere
    {}
    >>> len(caches.of("zonas").fragments(3, [("zonas", 1)])), caches.built
    (1, 1)
    """

    SHARES = 4  # each cache may hold a quarter of the bound: the frame alone needs ≈ 15 MB

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._caches: dict[str, FeatureCache] = {}
        self._lock = threading.Lock()

    def of(self, layer: str) -> FeatureCache:
        """The cache of the collection layer ``layer``."""
        with self._lock:
            cache = self._caches.get(layer)
            if cache is None:
                cache = self._caches[layer] = FeatureCache(self.max_bytes // self.SHARES)
            return cache

    @property
    def built(self) -> int:
        """Fragments built in all the caches."""
        return sum(cache.built for cache in list(self._caches.values()))

    def __len__(self) -> int:
        return sum(len(cache) for cache in list(self._caches.values()))
