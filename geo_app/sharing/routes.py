"""Share links: the public page ``/c/<token>``, its downloads, its OGC API; "Compartidos".

Editors make, list and revoke links on the "Compartidos" page.

The share's OGC API is the OGC API blueprint registered a second time (as ``share_ogcapi``
under ``/c/<token>/ogcapi``): :func:`_resolve_share` turns the token into the link's scope
(read by ``ogcapi.access_scope``), so the same views serve only what the link shares.
The page, the downloads and the API ask that scope alone what to show (records, layers,
internal notes, attachments).

Opening a link writes nothing in the request: the access goes to the app's
:class:`~cases.sharing.links.AccessWriter` (:mod:`geo_app.read_log`), which writes the
waiting accesses in one short transaction at most every ``SHARE_ACCESS_FLUSH_SECONDS``
(default 5) from a thread of its own, and when the process ends.
"""

from __future__ import annotations

import logging
from pathlib import Path
from tempfile import TemporaryDirectory

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import NotFound

from cases.access.permissions import can_edit, require
from cases.errors import NotFoundError
from cases.sharing import features
from cases.sharing.links import (
    DEFAULT_DAYS,
    MAP_KIND,
    MAP_LAYERS,
    ResolvedShare,
    create_share,
    link_state,
    list_shares,
    resolve_token,
    revoke_share,
    share_title,
    shared_records,
)
from cases.sharing.scope import Scope, ScopeKind
from cases.sharing.tables import LAYERS
from cases.storage.db import unit_of_work
from cases.storage.statuses import BoundaryKind, FindingCategory, ZoneStatus
from geo_app import read_log, theme
from geo_app.account.auth import acting_user, public
from geo_app.converters import parse_record_id
from geo_app.db import get_session
from geo_app.exports import FORMATS, file_name, read_export, write_export
from geo_app.maps.styles import (
    BOUNDARY_FALLBACK,
    BOUNDARY_STYLES,
    FINDING_MARKERS,
    ILLUSTRATIVE_FRAME_STYLE,
    ROUTE_STYLE,
    SITE_MARKER,
    LineStyle,
)

bp = Blueprint("shares", __name__)
logger = logging.getLogger(__name__)

SHARE_OGCAPI = "share_ogcapi"


def flush_accesses(app: Flask) -> int:
    """Write the share accesses ``app`` keeps in memory now (the Compartidos page, tests)."""
    return read_log.flush(app)


def share_url(token: str) -> str:
    """The link's public address, from ``PUBLIC_URL`` (what the CLI prints)."""
    base = current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"
    return f"{base.rstrip('/')}/c/{token}"


def _client_ip() -> str:
    return request.remote_addr or ""


def _open(token: str, what: str) -> ResolvedShare:
    """The share of ``token`` (404/410 otherwise), with the access kept for the log."""
    resolved = resolve_token(get_session(), token)
    read_log.writer().add(resolved.link.id, _client_ip(), what)
    return resolved


def _format_layers(scope: Scope, fmt: str) -> tuple[str, ...]:
    """The layers of ``fmt`` the scope shares (none: the format has nothing to give)."""
    return scope.layer_names(FORMATS[fmt].layers or [spec.name for spec in LAYERS])


def _map_layers(collections: list[features.Collection]) -> list[dict]:
    """How the public page draws each collection: the app's colours, by kind and status."""
    layers = []
    for c in collections:
        layer: dict = {"id": c.id, "title": c.title}
        if c.kind is not None:
            layer["style"] = BOUNDARY_STYLES.get(c.kind, BOUNDARY_FALLBACK).leaflet()
            if c.kind is BoundaryKind.OFFICIAL:  # an illustrative frame never looks real
                layer["illustrative"] = ILLUSTRATIVE_FRAME_STYLE.leaflet()
        elif c.layer == "zonas":
            layer["style"] = LineStyle(theme.ZONE_STATUS_FALLBACK, weight=3,
                                       fill_opacity=0.3).leaflet()
            layer["colour_by"] = ("estado", {s.label: theme.ZONE_STATUS_COLOURS[s]
                                             for s in ZoneStatus})
            layer["focus"] = True
        elif c.layer == "recorridos":
            layer["style"] = ROUTE_STYLE.leaflet()
            layer["focus"] = True
        elif c.layer == "hallazgos":
            layer["point"] = FINDING_MARKERS[FindingCategory.OTHER].swatch
            layer["colour_by"] = ("categoria", {k.label: FINDING_MARKERS[k].swatch
                                                for k in FindingCategory})
            layer["focus"] = True
        else:
            layer["point"] = SITE_MARKER.swatch
        layers.append(layer)
    return layers


@bp.get("/c/<token>")
@public
def page(token: str):
    """Página pública de solo lectura de un enlace compartido."""
    resolved = _open(token, "página")
    scope, link = resolved.scope, resolved.link
    records = shared_records(get_session(), scope)
    collections = features.collections(scope)
    # A link without attachments still offers the KMZ, but not as «con fotos».
    downloads = [(key, f.label if scope.attachments or not f.photos else "KMZ (Google Earth)",
                  url_for("shares.download", token=token, fmt=key))
                 for key, f in FORMATS.items() if _format_layers(scope, key)]
    return render_template(
        "shares/public.html", title=scope.title, link=link, scope=scope, token=token,
        records=records, downloads=downloads, map_layers=_map_layers(collections),
        ogcapi=url_for(f"{SHARE_OGCAPI}.landing", token=token),
    )


@bp.get("/c/<token>/descargar/<fmt>")
@public
def download(token: str, fmt: str):
    """Descarga de la exportación del enlace en el formato pedido."""
    if fmt not in FORMATS:
        raise NotFound()
    resolved = _open(token, f"descarga {fmt}")
    layers = _format_layers(resolved.scope, fmt)
    if not layers:
        raise NotFound()
    # The scope decides the rows, the columns (notes) and the photos (attachments).
    data = read_export(get_session(), resolved.scope, fmt, layers)
    name = file_name(data, fmt)
    with TemporaryDirectory() as tmp:
        payload = write_export(data, fmt, Path(tmp) / name).read_bytes()
    response = Response(payload, mimetype=FORMATS[fmt].media_type)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


# -- the "Compartidos" page (editors and administrators) ----------------------------------


def _require_editor() -> None:
    require(can_edit(acting_user()))


@bp.get("/compartidos")
def index():
    """Enlaces compartidos: alcance, autor, vigencia y registro de accesos."""
    _require_editor()
    flush_accesses(current_app)
    links = list_shares(get_session())
    return render_template(
        "shares/index.html", title="Compartidos", links=links, share_title=share_title,
        link_state=link_state, breadcrumbs=[],
    )


@bp.post("/compartidos/nuevo")
def create():
    """Crea un enlace (zona, expediente o mapa) y muestra su dirección una sola vez."""
    _require_editor()
    form = request.form
    session = get_session()
    kind = form.get("kind", "")
    try:
        days = int(form.get("days") or DEFAULT_DAYS)
    except ValueError:
        days = -1
    options = {
        "days": days, "note": form.get("note", ""),
        "include_attachments": form.get("include_attachments") == "1",
        "include_notes": form.get("include_notes") == "1",
    }
    ident = parse_record_id(form.get("record_id"))
    with unit_of_work(session):
        if kind == ScopeKind.ZONE.value and ident is not None:
            new = create_share(session, acting_user(), zone=ident, **options)
        elif kind == ScopeKind.CASE.value and ident is not None:
            new = create_share(session, acting_user(), case=ident, **options)
        elif kind == MAP_KIND:
            new = create_share(session, acting_user(), layers=form.getlist("layers"),
                               **options)
        else:
            raise NotFoundError("Indique qué compartir: una zona, un expediente o el mapa.")
    return render_template(
        "shares/created.html", title="Enlace creado", link=new.link,
        url=share_url(new.token), what=share_title(new.link),
        breadcrumbs=[("Compartidos", url_for("shares.index"))],
    )


@bp.post("/compartidos/<int:link_id>/revocar")
def revoke(link_id: int):
    """Revoca un enlace: deja de abrir desde ese momento."""
    _require_editor()
    session = get_session()
    with unit_of_work(session):
        revoke_share(session, acting_user(), link_id)
    return render_template(
        "shares/index.html", title="Compartidos", links=list_shares(session),
        share_title=share_title, link_state=link_state, revoked=link_id,
        breadcrumbs=[],
    )


@bp.app_template_global("share_form")
def share_form_context(kind: str, record_id: int | None = None) -> dict:
    """What the "Compartir" form of a zone, a case or the overview needs."""
    return {"kind": kind, "record_id": record_id, "days": DEFAULT_DAYS,
            "layers": MAP_LAYERS, "action": url_for("shares.create")}


# -- the share's OGC API ----------------------------------------------------------------


def _pop_token(endpoint: str | None, values: dict | None) -> None:
    if endpoint and endpoint.startswith(f"{SHARE_OGCAPI}.") and values is not None:
        g.share_token = values.pop("token", None)


def _add_token(endpoint: str, values: dict) -> None:
    if endpoint.startswith(f"{SHARE_OGCAPI}.") and "token" not in values:
        token = g.get("share_token")
        if token is not None:
            values["token"] = token


def _resolve_share():
    if request.blueprint != SHARE_OGCAPI or request.endpoint is None:
        return None
    resolved = _open(g.share_token, f"OGC API {request.path.split('/ogcapi', 1)[-1] or '/'}")
    g.share_scope = resolved.scope  # every view of the API asks it (ogcapi.access_scope)
    return None


def init_app(app: Flask) -> None:
    """Register the share pages and the OGC API a second time under ``/c/<token>/ogcapi``."""
    from geo_app.sharing import ogcapi

    read_log.init_app(app)
    app.register_blueprint(bp)
    app.url_value_preprocessor(_pop_token)
    app.url_defaults(_add_token)
    app.before_request(_resolve_share)
    app.register_blueprint(ogcapi.bp, name=SHARE_OGCAPI, url_prefix="/c/<token>/ogcapi")
