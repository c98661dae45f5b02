"""Documents of the OGC API – Features: landing page, conformance, OpenAPI, collections, items.

Pure builders of JSON-ready dicts from :mod:`cases.sharing.features` results; the blueprint
:mod:`geo_app.sharing.ogcapi` answers them as JSON or as HTML. Every link is absolute.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from shapely.geometry import mapping

from cases.sharing.features import (
    COLLECTIONS,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Collection,
    Feature,
    ItemsPage,
)

__all__ = [
    "CONFORMANCE",
    "GEOJSON",
    "JSON",
    "HTML",
    "OPENAPI",
    "CRS84",
    "to_json",
    "landing",
    "conformance",
    "collection_doc",
    "collections_doc",
    "feature_doc",
    "items_doc",
    "items_envelope",
    "openapi",
]

JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
_CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
CONFORMANCE = [_CORE + c for c in ("core", "oas30", "html", "geojson")]
TITLE = "Límites — OGC API Features"
DESCRIPTION = (
    "Límites municipales, zonas en disputa, recorridos, hallazgos y sedes de la Unidad de "
    "Atención de Asuntos Metropolitanos (Municipio de Oaxaca de Juárez). Solo lectura; "
    "coordenadas en longitud/latitud WGS 84 (CRS84)."
)

# url(endpoint, **values) -> absolute URL; given by the blueprint.
UrlFor = Callable[..., str]


def _default(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"no JSON form for {type(value).__name__}")


def to_json(document: dict[str, Any]) -> str:
    """The document as JSON text (dates in ISO 8601, accents kept)."""
    return json.dumps(document, ensure_ascii=False, default=_default)


def _link(href: str, rel: str, media: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media, "title": title}


def _alternates(url: UrlFor, endpoint: str, json_type: str, **values) -> list[dict]:
    return [
        _link(url(endpoint, f="json", **values), "self", json_type, "Este documento"),
        _link(url(endpoint, f="html", **values), "alternate", HTML, "Este documento en HTML"),
    ]


def landing(url: UrlFor) -> dict[str, Any]:
    """The landing page."""
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "links": [
            *_alternates(url, "ogcapi.landing", JSON),
            _link(url("ogcapi.api"), "service-desc", OPENAPI, "Definición OpenAPI"),
            _link(url("ogcapi.conformance", f="json"), "conformance", JSON,
                  "Clases de conformidad"),
            _link(url("ogcapi.collections", f="json"), "data", JSON, "Colecciones"),
        ],
    }


def conformance(url: UrlFor) -> dict[str, Any]:
    """The conformance declaration."""
    return {"conformsTo": CONFORMANCE, "links": _alternates(url, "ogcapi.conformance", JSON)}


def _extent(extent) -> dict[str, Any]:
    bbox, interval = extent
    doc: dict[str, Any] = {}
    if bbox is not None:
        doc["spatial"] = {"bbox": [list(bbox)], "crs": CRS84}
    if interval is not None:
        doc["temporal"] = {
            "interval": [[f"{d.isoformat()}T00:00:00Z" if d else None for d in interval]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return doc


def collection_doc(url: UrlFor, collection: Collection, extent) -> dict[str, Any]:
    """One collection's description."""
    return {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": _extent(extent),
        "links": [
            *_alternates(url, "ogcapi.collection", JSON, collection_id=collection.id),
            _link(url("ogcapi.items", collection_id=collection.id, f="json"), "items",
                  GEOJSON, f"Elementos de {collection.title}"),
            _link(url("ogcapi.items", collection_id=collection.id, f="html"), "items",
                  HTML, f"Elementos de {collection.title} en HTML"),
        ],
    }


def collections_doc(url: UrlFor, extents: dict[Collection, Any]) -> dict[str, Any]:
    """The collections of ``extents`` (collection → extent), in their order."""
    return {
        "links": _alternates(url, "ogcapi.collections", JSON),
        "collections": [collection_doc(url, c, extent) for c, extent in extents.items()],
    }


def feature_doc(feature: Feature) -> dict[str, Any]:
    """One feature as GeoJSON (RFC 7946)."""
    return {
        "type": "Feature",
        "id": feature.id,
        "geometry": None if feature.geometry is None else mapping(feature.geometry),
        "properties": feature.properties,
    }


def items_doc(
    url: UrlFor, collection: Collection, page: ItemsPage, query: dict[str, str]
) -> dict[str, Any]:
    """A page of items as a GeoJSON FeatureCollection with self, prev and next links."""
    document = items_envelope(url, collection, page.offset, page.limit, page.number_matched,
                              len(page.features), query)
    document["features"] = [feature_doc(f) for f in page.features]
    return document


def items_envelope(
    url: UrlFor, collection: Collection, offset: int, limit: int, matched: int,
    returned: int, query: dict[str, str], stamp: dt.datetime | None = None,
) -> dict[str, Any]:
    """A FeatureCollection of ``returned`` items, ``"features"`` still empty, with its links.

    ``stamp`` is its ``timeStamp`` (default: now).
    """
    params = {k: v for k, v in query.items() if k not in ("f", "offset", "limit")}

    def page_url(at: int, fmt: str = "json") -> str:
        return url("ogcapi.items", collection_id=collection.id, f=fmt, limit=limit,
                   offset=at, **params)

    links = [
        _link(page_url(offset), "self", GEOJSON, "Esta página"),
        _link(page_url(offset, "html"), "alternate", HTML, "Esta página en HTML"),
        _link(url("ogcapi.collection", collection_id=collection.id, f="json"), "collection",
              JSON, collection.title),
    ]
    if offset + returned < matched:
        links.append(_link(page_url(offset + limit), "next", GEOJSON, "Página siguiente"))
    if offset > 0:
        links.append(_link(page_url(max(0, offset - limit)), "prev", GEOJSON,
                           "Página anterior"))
    return {
        "type": "FeatureCollection",
        "features": [],
        "numberMatched": matched,
        "numberReturned": returned,
        "timeStamp": (stamp or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": links,
    }


def _parameter(name: str, schema: dict, description: str, where: str = "query") -> dict:
    return {"name": name, "in": where, "required": where == "path", "schema": schema,
            "description": description, "style": "form", "explode": False}


def openapi(url: UrlFor, collections: Sequence[Collection] = COLLECTIONS) -> dict[str, Any]:
    """The OpenAPI 3.0 definition of the API over ``collections``."""
    f = _parameter("f", {"type": "string", "enum": ["json", "html"]}, "Formato de respuesta")
    limit = _parameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                                 "default": DEFAULT_LIMIT}, "Número máximo de elementos")
    offset = _parameter("offset", {"type": "integer", "minimum": 0, "default": 0},
                        "Elementos a saltar (paginación)")
    bbox = _parameter("bbox", {"type": "array", "minItems": 4, "maxItems": 6,
                               "items": {"type": "number"}},
                      "Caja oeste,sur,este,norte en longitud/latitud (CRS84)")
    when = _parameter("datetime", {"type": "string"},
                      "Fecha o intervalo RFC 3339 (2025-05-15, 2025-01-01/..)")
    cid = _parameter("collectionId", {"type": "string",
                                      "enum": [c.id for c in collections]},
                     "Colección", "path")
    fid = _parameter("featureId", {"type": "integer"}, "Número del elemento", "path")

    def ok(description: str, media: str = JSON) -> dict:
        return {"200": {"description": description,
                        "content": {media: {"schema": {"type": "object"}},
                                    HTML: {"schema": {"type": "string"}}}},
                "400": {"description": "Parámetro inválido"},
                "404": {"description": "No existe"}}

    return {
        "openapi": "3.0.3",
        "info": {"title": TITLE, "description": DESCRIPTION, "version": "1.0.0"},
        "servers": [{"url": url("ogcapi.landing").rstrip("/")}],
        "paths": {
            "/": {"get": {"operationId": "getLandingPage", "summary": "Página de inicio",
                          "parameters": [f], "responses": ok("Página de inicio")}},
            "/conformance": {"get": {"operationId": "getConformance",
                                     "summary": "Clases de conformidad", "parameters": [f],
                                     "responses": ok("Conformidad")}},
            "/collections": {"get": {"operationId": "getCollections",
                                     "summary": "Colecciones", "parameters": [f],
                                     "responses": ok("Colecciones")}},
            "/collections/{collectionId}": {"get": {
                "operationId": "describeCollection", "summary": "Una colección",
                "parameters": [cid, f], "responses": ok("Colección")}},
            "/collections/{collectionId}/items": {"get": {
                "operationId": "getFeatures", "summary": "Elementos de una colección",
                "parameters": [cid, limit, offset, bbox, when, f],
                "responses": ok("Elementos", GEOJSON)}},
            "/collections/{collectionId}/items/{featureId}": {"get": {
                "operationId": "getFeature", "summary": "Un elemento",
                "parameters": [cid, fid, f], "responses": ok("Elemento", GEOJSON)}},
        },
    }
