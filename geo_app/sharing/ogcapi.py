"""OGC API – Features (Part 1 Core), read-only, at /ogcapi/: JSON for programs, HTML for people.

Every view reads through the scope :func:`access_scope` returns: the one place where access
is decided (session, Bearer token or share link, with accounts).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from flask import Blueprint, Response, g, render_template, request, url_for

from cases.errors import InvalidInputError
from cases.sharing import features
from cases.sharing.scope import Scope
from geo_app.db import get_session
from geo_app.sharing import ogcapi_documents as docs
from geo_app.sharing import ogcapi_pages as pages

bp = Blueprint("ogcapi", __name__, url_prefix="/ogcapi")
bp.record_once(lambda state: pages.init_app(state.app))

def access_scope() -> Scope:
    """What this request may read: the single access hook of the API.

    Whoever reached a view here was let in by ``geo_app.account.auth`` (a signed-in session or a
    personal ``Authorization: Bearer`` key; 401 otherwise) and reads every record, notes and
    all; a share link's request gets the link's scope (records, layers, notes). The scope
    answers every view: the collections listed, their extents, items and attributes.
    """
    shared = g.get("share_scope")  # set by geo_app.sharing.routes for /c/<token>/ogcapi
    return shared if shared is not None else Scope.everything()


@bp.before_request
def _check_access() -> None:
    g.ogcapi_scope = access_scope()


def _url(endpoint: str, **values) -> str:
    # The same views serve /ogcapi and a share link's /c/<token>/ogcapi: stay on this one.
    blueprint, _, view = endpoint.partition(".")
    if blueprint == bp.name and request.blueprint and request.blueprint != bp.name:
        endpoint = f"{request.blueprint}.{view}"
    return url_for(endpoint, _external=True, **values)


def _wants_html() -> bool:
    fmt = request.args.get("f")
    if fmt in ("json", "html"):
        return fmt == "html"
    if fmt:
        raise InvalidInputError(f"formato «{fmt}» desconocido; use f=json o f=html")
    best = request.accept_mimetypes.best_match([docs.JSON, docs.GEOJSON, docs.HTML])
    return best == docs.HTML


def _answer(document: dict, media: str, title: str, kind: str = "document", **context):
    if _wants_html():
        home = url_for(f"{request.blueprint}.landing")  # /ogcapi or a share link's
        return render_template("ogcapi/page.html", title=title, doc=document, kind=kind,
                               breadcrumbs=[("OGC API", home)], **context)
    return Response(docs.to_json(document), mimetype=media)


@bp.get("/")
def landing():
    """Página de inicio del servicio."""
    return _answer(docs.landing(_url), docs.JSON, docs.TITLE)


@bp.get("/conformance")
def conformance():
    """Clases de conformidad."""
    return _answer(docs.conformance(_url), docs.JSON, "Conformidad")


@bp.get("/api")
def api():
    """Definición OpenAPI 3.0."""
    document = docs.openapi(_url, features.collections(g.ogcapi_scope))
    return Response(docs.to_json(document), mimetype=docs.OPENAPI)


@bp.get("/collections")
def collections():
    """Las colecciones."""
    session, scope = get_session(), g.ogcapi_scope
    extents = {c: features.collection_extent(session, scope, c)
               for c in features.collections(scope)}
    return _answer(docs.collections_doc(_url, extents), docs.JSON, "Colecciones",
                   kind="collections")


@bp.get("/collections/<collection_id>")
def collection(collection_id: str):
    """Una colección."""
    found = features.get_collection(collection_id, g.ogcapi_scope)
    extent = features.collection_extent(get_session(), g.ogcapi_scope, found)
    return _answer(docs.collection_doc(_url, found, extent), docs.JSON, found.title)


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    """Elementos de una colección: bbox, datetime, limit y offset."""
    found = features.get_collection(collection_id, g.ogcapi_scope)
    args = request.args
    query = {
        "bbox": features.parse_bbox(args.get("bbox")),
        "interval": features.parse_datetime(args.get("datetime")),
        "limit": features.parse_limit(args.get("limit")),
        "offset": features.parse_offset(args.get("offset")),
    }
    session, scope = get_session(), g.ogcapi_scope
    if not _wants_html():
        return _cached_json(found, lambda stamp: pages.items_body(
            session, scope, found, _url, args.to_dict(), stamp=stamp, **query))
    document = pages.items_document(session, scope, found, _url, args.to_dict(), **query)
    return _answer(document, docs.GEOJSON, found.title, kind="items", collection=found,
                   fields=list(found.fields(scope)))


def _cached_json(found: features.Collection,
                 build: Callable[[dt.datetime | None], pages.ItemsBody]) -> Response:
    """JSON from cached features (``build(stamp)``); 304 when the reader has it already.

    Its validators follow the version of the collection's data: the ETag names the version,
    the reader's scope and the request; Last-Modified is when this process first saw the
    version (and ``stamp``, a page's ``timeStamp``).
    """
    version = pages.request_version(found)
    cache = pages.feature_cache(found)
    zipped = _zipped()
    modified = None
    if version is not None and cache is not None:
        modified = dt.datetime.fromtimestamp(int(cache.modified(version)), dt.UTC)
        what = f"{version}|{g.ogcapi_scope!r}|{request.url}|{docs.GEOJSON}"
        tag = f"{version}-{hashlib.sha256(what.encode('utf-8')).hexdigest()[:24]}"
        tags = request.if_none_match
        if tags.contains_weak(tag) or tags.contains_weak(f"{tag}-gz") or (
            not tags and request.if_modified_since is not None
            and modified <= request.if_modified_since
        ):
            response = Response(status=304)
            response.set_etag(f"{tag}-gz" if zipped else tag)
            return _validated(response, modified)
    body = build(modified)
    response = Response(body.gzip() if zipped else body.plain(), mimetype=docs.GEOJSON)
    if zipped:
        response.headers["Content-Encoding"] = "gzip"
    if modified is not None:
        response.set_etag(f"{tag}-gz" if zipped else tag)
    return _validated(response, modified)


def _zipped() -> bool:
    return request.accept_encodings["gzip"] > 0


def _validated(response: Response, modified: dt.datetime | None) -> Response:
    # Readers revalidate every time (a write may come at any moment); each has its own scope.
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Accept", "Accept-Encoding", "Authorization", "Cookie"))
    if modified is not None:
        response.last_modified = modified
    return response


@bp.get("/collections/<collection_id>/items/<int:feature_id>")
def feature(collection_id: str, feature_id: int):
    """Un elemento."""
    found = features.get_collection(collection_id, g.ogcapi_scope)
    session, scope = get_session(), g.ogcapi_scope
    links = [
        {"href": _url("ogcapi.feature", collection_id=found.id, feature_id=feature_id,
                      f="json"), "rel": "self", "type": docs.GEOJSON, "title": "Este elemento"},
        {"href": _url("ogcapi.collection", collection_id=found.id, f="json"),
         "rel": "collection", "type": docs.JSON, "title": found.title},
    ]
    if not _wants_html():
        return _cached_json(found, lambda stamp: pages.item_body(
            session, scope, found, feature_id, links, zipped=_zipped()))
    document = {**pages.item_document(session, scope, found, feature_id), "links": links}
    return _answer(document, docs.GEOJSON, f"{found.title}: {feature_id}", kind="feature",
                   collection=found, fields=list(found.fields(scope)))
