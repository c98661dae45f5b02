"""Rendered maps cached per layer versions: a burst of readers builds each map once.

Rendering a map (simplifying the limits, building the folium document) is most of the cost
of a page. :func:`cached_map` keeps the rendered :class:`~geo_app.records.map_render.MapParts`
of a page under its key and the current versions of the layers it shows
(:func:`cases.storage.models.layer_versions`, bumped by every transaction that writes them,
in any process): once a write commits, the next reader of a map that shows what changed sees
a new version and the map is built again, once, however many readers ask at the same time;
a map that does not show it (a new meeting does not change the limits) stays. Rendered parts
carry no nonce (see :mod:`geo_app.security_headers`), so they are shared.

The versions are read when the request starts, before the page reads its data: a write that
commits in between gives the page newer data under older versions, which no later reader
asks for; the reverse (old data stored under the new versions) cannot happen.

``MAP_CACHE`` (default on; ``LIMITES_MAP_CACHE=0``) turns the cache off.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

from flask import Flask, current_app, g, request

from cases.storage.models import LAYERS, layer_versions
from geo_app.db import get_session
from geo_app.records.map_layers import MapData
from geo_app.records.map_render import MapParts, render_map
from geo_app.tiles import tile_source

__all__ = ["MapCache", "cached_map", "init_app", "request_versions"]

# Rendered maps weigh 50–150 KB; this bounds the cache to a few tens of megabytes.
MAX_ENTRIES = 256


class MapCache:
    """Maps by key and versions, least recently used out first; each built once at a time."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, MapParts] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self.builds = 0

    def get(self, key: Hashable, version: Hashable, build: Callable[[], MapParts]
            ) -> MapParts:
        """Return the map of ``key`` at ``version``, building it if nobody has yet."""
        entry = (key, version)
        with self._lock:
            found = self._lookup(entry)
            if found is not None:
                return found
            building = self._building.setdefault(entry, threading.Lock())
        with building:  # the other readers of this key wait for the first one's map
            with self._lock:
                found = self._lookup(entry)
            if found is not None:
                return found
            try:
                parts = build()
            finally:
                with self._lock:
                    self._building.pop(entry, None)
            with self._lock:
                self.builds += 1
                self._store(entry, parts)
            return parts

    def _lookup(self, entry: Hashable) -> MapParts | None:
        if entry not in self._entries:
            return None
        self._entries.move_to_end(entry)
        return self._entries[entry]

    def _store(self, entry: Hashable, parts: MapParts) -> None:
        # A map of older versions is never asked again once newer ones are seen; it leaves
        # with the least recently used.
        self._entries[entry] = parts
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


def request_versions(*layers: str) -> tuple[int, ...] | None:
    """The versions of ``layers`` (all of them if none given) as read when the request began.

    With the map cache off they are read at the first call instead. ``None`` when the
    database has no versions yet.
    """
    versions = g.get("limites_layer_versions")
    if versions is None:
        versions = g.limites_layer_versions = layer_versions(get_session())
    if not versions:
        return None
    return tuple(versions.get(layer, 0) for layer in (layers or LAYERS))


def cached_map(key: Hashable, data: Callable[[], MapData],
               layers: Sequence[str] = LAYERS) -> MapParts:
    """Return the rendered map of ``key``; ``data`` gives its layers when it must be built.

    The map is kept under the versions of the data ``layers`` it shows (by default every
    layer: see :mod:`geo_app.records.pages` for each page's).
    """
    cache: MapCache | None = current_app.extensions.get("limites_map_cache")
    if cache is None:
        return render_map(data())
    version = request_versions(*layers)
    if version is None:
        return render_map(data())
    # A new offline base map changes every map's tiles, not the data.
    return cache.get((key, tile_source().version), version, lambda: render_map(data()))


def _read_versions() -> None:
    if request.blueprint == "vendor" or request.endpoint in (None, "static"):
        return
    g.limites_layer_versions = layer_versions(get_session())


def init_app(app: Flask) -> None:
    """Give the app its cache, unless ``MAP_CACHE`` is off."""
    if app.config.get("MAP_CACHE", True):
        app.extensions["limites_map_cache"] = MapCache()
        app.before_request(_read_versions)
