"""Map tiles of findings and routes: what maps that load by view fetch as the user pans.

``GET /mapa/teselas/<z>/<x>/<y>.json`` (XYZ, 256 px), optionally ``?zona=``,
``?expediente=`` or ``?recorrido=`` (only that record's inspections), answers::

    {"clusters": [[lon, lat, count], ...],
     "findings": [[lon, lat, kind, description, group, url, photo], ...],
     "routes": [[label, url, [[lon, lat], ...]], ...],
     "routes_omitted": n}

as :class:`~geo_app.maps.markers.MarkerRow` means its fields (``kind`` the finding's
category, ``group`` its inspection's title, ``photo`` a thumbnail URL or ``null``). Below
:data:`FINDINGS_SINGLE_ZOOM` findings closer than a grid cell come as one cluster; routes come
newest first, thinned to about one pixel, up to a budget of vertices per tile past which
``routes_omitted`` counts those left out (:mod:`cases.records.viewport`).

Built tiles are kept in the process under the versions of the layers they show (see
:func:`geo_app.map_cache.request_versions`), which also name their ETag: a reader who has
the tile gets a 304 without anything being read. Answers are gzipped when the reader
accepts it, and revalidated every time (``private, no-cache``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, request, url_for

from boundaries.tiles import is_tile
from cases.errors import NotFoundError
from cases.records.viewport import (
    FINDINGS_SINGLE_ZOOM,
    IndexCache,
    RouteShapes,
    TileRecords,
    scope_inspections,
    tile_records,
)
from geo_app.db import get_session
from geo_app.formatting import day_list
from geo_app.map_cache import request_versions
from geo_app.maps.markers import DESCRIPTION_MAX

__all__ = ["bp", "FINDINGS_SINGLE_ZOOM", "TILE_LAYERS", "TileCache"]

bp = Blueprint("viewport", __name__, url_prefix="/mapa/teselas")

# The layers a tile shows: its findings, their photos, the routes, and the zones and cases
# whose inspections a filtered tile draws.
TILE_LAYERS = ("findings", "inspections", "attachments", "zones", "cases")
# The query parameter of each filter and what it restricts to.
FILTERS = {"zona": "zone_id", "expediente": "case_id", "recorrido": "inspection_id"}
# Built tiles weigh 1–50 KB (raw and gzipped); this bounds the cache to a few tens of MB.
MAX_CACHE_BYTES = 48 * 1024 * 1024


@dataclass(frozen=True)
class BuiltTile:
    """A tile's JSON, plain and gzipped, and its entity tag."""

    tag: str
    raw: bytes
    packed: bytes


class TileCache:
    """Built tiles by key, the least recently used dropped past ``max_bytes``."""

    def __init__(self, max_bytes: int = MAX_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, BuiltTile] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.builds = 0

    def get(self, key: Hashable) -> BuiltTile | None:
        """The tile kept under ``key``, if any."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, tile: BuiltTile) -> None:
        """Keep ``tile`` under ``key``."""
        with self._lock:
            self.builds += 1
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.raw) + len(old.packed)
            self._entries[key] = tile
            self._bytes += len(tile.raw) + len(tile.packed)
            while self._bytes > self.max_bytes and len(self._entries) > 1:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.raw) + len(dropped.packed)


def _filter() -> tuple[str, int] | None:
    for name in FILTERS:
        if name in request.args:
            value = request.args.get(name, type=int)
            if value is None:
                raise NotFoundError(f"El filtro «{name}» debe ser un número de registro.")
            return name, value
    return None


def _url_template(endpoint: str, key: str, **values):
    """``id -> URL`` of ``endpoint``, with one ``url_for`` for thousands of ids."""
    marker = 987654321
    head, tail = url_for(endpoint, **{key: marker}, **values).split(str(marker))
    return lambda record_id: f"{head}{record_id}{tail}"


def _cut(text: str) -> str:
    text = text or ""
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1].rstrip() + "…"


def _document(records: TileRecords) -> dict:
    """The tile's JSON document: labels and links of the records found."""
    inspection = _url_template("inspections.detail", "inspection_id")
    thumbnail = _url_template("attachments.thumbnail", "attachment_id", size="popup")
    return {
        "clusters": [list(c) for c in records.clusters],
        "findings": [
            [round(f.lon, 6), round(f.lat, 6), f.category.value, _cut(f.description),
             f.inspection_title, f"{inspection(f.inspection_id)}#hallazgo-{f.id}",
             None if f.photo_id is None else thumbnail(f.photo_id)]
            for f in records.findings
        ],
        "routes": [
            [f"{row.title} — {day_list(row.days)}", inspection(row.id), piece]
            for row, pieces in records.routes
            for piece in pieces
        ],
        "routes_omitted": records.routes_omitted,
    }


def _build(z: int, x: int, y: int, scope: tuple[str, int] | None, tag: str | None) -> BuiltTile:
    session = get_session()
    shapes = current_app.extensions.setdefault("limites_route_shapes", RouteShapes())
    ids = None if scope is None else scope_inspections(session, **{FILTERS[scope[0]]: scope[1]})
    # Where every finding and route is, kept while they do not change.
    versions = request_versions("findings", "inspections")
    index = None if versions is None else current_app.extensions.setdefault(
        "limites_viewport_index", IndexCache()
    ).get(session, versions)
    raw = json.dumps(
        _document(tile_records(session, z, x, y, shapes, ids, index)),
        ensure_ascii=False, separators=(",", ":"),
    ).encode("utf-8")
    if tag is None:
        tag = hashlib.sha256(raw).hexdigest()[:24]
    return BuiltTile(tag, raw, gzip.compress(raw, compresslevel=6, mtime=0))


@bp.get("/<int:z>/<int:x>/<int:y>.json")
def tile(z: int, x: int, y: int):
    """Hallazgos y recorridos de una tesela del mapa, en JSON."""
    if not is_tile(z, x, y):
        raise NotFoundError(f"No existe la tesela {z}/{x}/{y}.")
    scope = _filter()
    versions = request_versions(*TILE_LAYERS)
    zipped = request.accept_encodings["gzip"] > 0
    cache = None
    if versions is not None:
        cache = current_app.extensions.setdefault("limites_tile_cache", TileCache())
        key = (versions, z, x, y, scope)
        tag = hashlib.sha256(repr(key).encode()).hexdigest()[:24]
        if request.if_none_match.contains_weak(tag) or request.if_none_match.contains_weak(
            f"{tag}-gz"
        ):
            return _answer(Response(status=304), tag, zipped)
        built = cache.get(key)
    else:
        key, tag, built = None, None, None
    if built is None:
        built = _build(z, x, y, scope, tag)
        if cache is not None:
            cache.put(key, built)
    if versions is None and request.if_none_match.contains_weak(built.tag):
        return _answer(Response(status=304), built.tag, zipped)
    response = Response(built.packed if zipped else built.raw, mimetype="application/json")
    if zipped:
        response.headers["Content-Encoding"] = "gzip"
    return _answer(response, built.tag, zipped)


def _answer(response: Response, tag: str, zipped: bool) -> Response:
    response.set_etag(f"{tag}-gz" if zipped else tag)
    # Each reader revalidates (a write may come at any moment); tiles depend on who asks.
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Accept-Encoding", "Cookie"))
    return response
