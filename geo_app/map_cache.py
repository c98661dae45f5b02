"""Rendered maps cached per data version: a burst of readers builds each map once.

Rendering a map (simplifying the limits, building the folium document) is most of the cost
of a page. :func:`cached_map` keeps the rendered :class:`~geo_app.records.map_render.MapParts` of a
page under its key and the current data version (:func:`cases.storage.models.data_version`, bumped
by
every transaction that writes, in any process): once a write commits, the next reader sees a
new version and the map is built again, once, however many readers ask at the same time.
Rendered parts carry no nonce (see :mod:`geo_app.security_headers`), so they are shared.

The version is read when the request starts, before the page reads its data: a write that
commits in between gives the page newer data under an older version, which no later reader
asks for; the reverse (old data stored under the new version) cannot happen.

``MAP_CACHE`` (default on; ``LIMITES_MAP_CACHE=0``) turns the cache off.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask, current_app, g, request

from cases.storage.models import data_version
from geo_app.db import get_session
from geo_app.records.map_layers import MapData
from geo_app.records.map_render import MapParts, render_map
from geo_app.tiles import tile_source

__all__ = ["MapCache", "cached_map", "init_app"]

# Rendered maps weigh 50–150 KB; this bounds the cache to a few tens of megabytes.
MAX_ENTRIES = 256


class MapCache:
    """Maps of one data version by key; building one key happens once at a time."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.version: int | None = None
        self._entries: OrderedDict[Hashable, MapParts] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self.builds = 0

    def get(self, key: Hashable, version: int, build: Callable[[], MapParts]) -> MapParts:
        """Return the map of ``key`` at ``version``, building it if nobody has yet."""
        with self._lock:
            found = self._lookup(key, version)
            if found is not None:
                return found
            building = self._building.setdefault((key, version), threading.Lock())
        with building:  # the other readers of this key wait for the first one's map
            with self._lock:
                found = self._lookup(key, version)
            if found is not None:
                return found
            try:
                parts = build()
            finally:
                with self._lock:
                    self._building.pop((key, version), None)
            with self._lock:
                self.builds += 1
                self._store(key, version, parts)
            return parts

    def _lookup(self, key: Hashable, version: int) -> MapParts | None:
        if version != self.version or key not in self._entries:
            return None
        self._entries.move_to_end(key)
        return self._entries[key]

    def _store(self, key: Hashable, version: int, parts: MapParts) -> None:
        if self.version is None or version > self.version:
            self._entries.clear()  # every map of an older version is stale
            self.version = version
        if version == self.version:
            self._entries[key] = parts
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


def cached_map(key: Hashable, data: Callable[[], MapData]) -> MapParts:
    """Return the rendered map of ``key``; ``data`` gives its layers when it must be built."""
    cache: MapCache | None = current_app.extensions.get("limites_map_cache")
    version = g.get("limites_data_version")
    if cache is None or version is None:
        return render_map(data())
    # A new offline base map changes every map's tiles, not the data.
    return cache.get((key, tile_source().version), version, lambda: render_map(data()))


def _read_version() -> None:
    if request.blueprint == "vendor" or request.endpoint in (None, "static"):
        return
    g.limites_data_version = data_version(get_session())


def init_app(app: Flask) -> None:
    """Give the app its cache, unless ``MAP_CACHE`` is off."""
    if app.config.get("MAP_CACHE", True):
        app.extensions["limites_map_cache"] = MapCache()
        app.before_request(_read_version)
