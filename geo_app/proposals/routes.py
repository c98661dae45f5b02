"""«Propuestas de límite»: new proposal (drawn or uploaded), its page, downloads, ratification."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from shapely.errors import ShapelyError
from shapely.geometry import shape
from sqlalchemy import select

from boundaries.exchange import limit_change
from cases.access import permissions
from cases.errors import InvalidInputError, LimitesError, boundary_errors
from cases.fieldwork.attachments import attach_file
from cases.proposals import proposals as use_cases
from cases.proposals.exchange import exchange_of
from cases.proposals.ratification import ratify
from cases.records.editing import catalogue, record_by_id
from cases.storage.db import unit_of_work
from cases.storage.models import (
    DisputeZone,
    Institution,
    LimitProposal,
    Municipality,
    ProposalOrigin,
    ProposalStatus,
)
from geo_app import formatting
from geo_app.account.auth import acting_user
from geo_app.db import get_or_404, get_session
from geo_app.errors import error_response
from geo_app.files import attachment_store, max_attachment_bytes
from geo_app.forms import first_error
from geo_app.map_cache import cached_map
from geo_app.proposals import documents, pages
from geo_app.proposals.forms import AttachmentForm, ProposalForm, RatificationForm, StatusForm
from geo_app.tiles import tile_source

bp = Blueprint("proposals", __name__, url_prefix="/propuestas")


@bp.app_template_global("propuestas_de_zona")
def zone_proposals(zone: DisputeZone) -> list[LimitProposal]:
    """The zone's proposals, for the «Propuestas de límite» section of its page."""
    return use_cases.proposals_of_zone(get_session(), zone)


@bp.app_template_global("estado_de_propuesta")
def status_label(value: str) -> str:
    """The Spanish label of a proposal's stored status."""
    try:
        return ProposalStatus(value).label
    except ValueError:
        return value


def _municipalities() -> list[Municipality]:
    return list(get_session().scalars(select(Municipality).order_by(Municipality.name)))


def _proposal_form(zone: DisputeZone | None) -> ProposalForm:
    form = ProposalForm()
    choices = [(m.cvegeo, m.name) for m in _municipalities()]
    form.municipio_a.choices = [("", "— elija —"), *choices]
    form.municipio_b.choices = [("", "— elija —"), *choices]
    form.propuesta_por.choices = [("", "— sin indicar —")] + sorted(
        ((str(i.id), i.name) for i in catalogue(get_session(), Institution)),
        key=lambda c: c[1])
    form.reclamo.choices = [("", "— ninguno —"), *choices]
    pair = use_cases.zone_pair(zone) if zone is not None else None
    if pair and not form.is_submitted():
        form.municipio_a.data, form.municipio_b.data = pair[0].cvegeo, pair[1].cvegeo
        form.zona.data = zone.id
    return form


def _municipality(code: str | None) -> Municipality | None:
    return get_session().scalar(select(Municipality).where(Municipality.cvegeo == code))


def _line(form_data, files, a: Municipality | None = None, b: Municipality | None = None,
          zone: DisputeZone | None = None):
    """The line of the request and where it came from.

    An uploaded file (``archivo``), a party's claim (``reclamo``, its code) or the drawn
    GeoJSON (``geometry``).
    """
    upload = files.get("archivo")
    if upload is not None and upload.filename:
        return use_cases.line_from_file(upload.read(use_cases.MAX_LINE_FILE_BYTES + 1),
                                        upload.filename), ProposalOrigin.FILE
    claimant = _municipality(form_data.get("reclamo") or None)
    if claimant is not None and a is not None and b is not None:
        return (use_cases.claim_line(get_session(), a, b, claimant, zone),
                ProposalOrigin.CLAIM)
    text = form_data.get("geometry") or ""
    if not text.strip():
        raise InvalidInputError("Dibuje la línea en el mapa o suba un archivo.",
                                field="geometry")
    try:
        data = json.loads(text)
        geometry = shape(data.get("geometry", data))
    except (ValueError, AttributeError, KeyError, TypeError, IndexError, RecursionError,
            ShapelyError) as error:
        raise InvalidInputError("La línea enviada no es GeoJSON válido.",
                                field="geometry") from error
    return geometry, ProposalOrigin.DRAWN


def _new_page(form: ProposalForm, zone: DisputeZone | None, status: int = 200):
    limits = {}
    pair = use_cases.zone_pair(zone) if zone is not None else None
    if pair:
        from cases.frames.stored_layers import limits_around

        limits = limits_around(get_session(), pair[0].cvegeo)
    source = tile_source()  # one look at the base map file per page
    return render_template(
        "proposals/new.html", title="Nueva propuesta de límite", form=form, zone=zone,
        limits=json.dumps(limits) if limits else "",
        zone_geometry=json.dumps(zone.geometry.__geo_interface__) if zone else "",
        accepted=use_cases.LINE_FILES,
        tiles=source.url, tiles_attribution=source.attribution,
        tiles_native_zoom=source.max_native_zoom,
        breadcrumbs=[("Zonas", url_for("zones.index"))] + (
            [(zone.name, url_for("zones.detail", zone_id=zone.id))] if zone else []),
    ), status


@bp.get("/")
def index():
    """Lista de propuestas de límite, las más recientes primero."""
    return render_template("proposals/index.html", title="Propuestas de límite",
                           proposals=use_cases.all_proposals(get_session()), breadcrumbs=[])


@bp.get("/nueva")
def new():
    """Formulario de una propuesta nueva: dibujar o subir la línea."""
    zone = record_by_id(get_session(), DisputeZone, request.args.get("zona", type=int))
    permissions.require(permissions.can_edit(acting_user()))
    return _new_page(_proposal_form(zone), zone)


@bp.post("/vista-previa")
def preview():
    """Lo que cambiaría de manos con la línea dibujada o subida (JSON); no guarda nada."""
    try:
        a, b = (_municipality(request.form.get(k)) for k in ("municipio_a", "municipio_b"))
        if a is None or b is None or a == b:
            raise InvalidInputError("Elija los dos municipios de la propuesta.")
        zone = record_by_id(get_session(), DisputeZone, request.form.get("zona", type=int))
        line, _ = _line(request.form, request.files, a, b, zone)
        frame = use_cases.pair_frame(get_session(), a, b)
        with boundary_errors():
            change = limit_change(frame, a.cvegeo, b.cvegeo, line)
    except LimitesError as error:
        if error.status_code >= 500:
            raise
        return error_response(422, error.message)
    answer = pages.preview_layers(change.line, change.pieces, a.cvegeo,
                                  {a.cvegeo: a.name, b.cvegeo: b.name})
    answer["summary"] = [
        f"De {a.name} a {b.name}: {formatting.number(change.a_to_b_m2, 2)} m² "
        f"({formatting.number(change.a_to_b_m2 / 10_000, 4)} ha)",
        f"De {b.name} a {a.name}: {formatting.number(change.b_to_a_m2, 2)} m² "
        f"({formatting.number(change.b_to_a_m2 / 10_000, 4)} ha)",
    ]
    return answer


@bp.post("/nueva")
def create():
    """Guarda una propuesta nueva."""
    session = get_session()
    zone = record_by_id(session, DisputeZone, request.form.get("zona", type=int))
    form = _proposal_form(zone)
    if not form.validate_on_submit():
        flash(first_error(form), "danger")
        return _new_page(form, zone, 422)
    try:
        a, b = _municipality(form.municipio_a.data), _municipality(form.municipio_b.data)
        line, origin = _line(request.form, request.files, a, b, zone)
        with unit_of_work(session):
            proposal = use_cases.create_proposal(
                session, acting_user(), title=form.titulo.data,
                municipality_a=a, municipality_b=b, line=line,
                proposed_on=form.fecha.data,
                proposed_by=record_by_id(session, Institution,
                                         int(form.propuesta_por.data or 0) or None),
                zone=zone, origin=origin, description=form.descripcion.data or "")
    except LimitesError as error:
        if error.status_code >= 500:
            raise
        flash(error.message, "danger")
        return _new_page(form, zone, 422)
    flash(f"Se guardó la propuesta «{proposal.title}».", "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))


@bp.get("/<int:proposal_id>")
def detail(proposal_id: int):
    """Ficha de una propuesta: lo que cambia de manos, el cuadro de construcción, su estado."""
    session = get_session()
    proposal = get_or_404(LimitProposal, proposal_id)
    others = [p for p in session.scalars(select(LimitProposal).where(
        LimitProposal.municipality_a_id.in_([proposal.municipality_a_id,
                                             proposal.municipality_b_id]),
        LimitProposal.municipality_b_id.in_([proposal.municipality_a_id,
                                             proposal.municipality_b_id]),
        LimitProposal.id != proposal.id)) if p.status is not ProposalStatus.REJECTED]
    against = record_by_id(session, LimitProposal, request.args.get("comparar", type=int))
    against = against if against in others else None
    page = pages.proposal_page(session, proposal, against, others)
    status_form = StatusForm().for_status(proposal.status,
                                          use_cases.NEXT_STATUSES[proposal.status])
    status_form.version.data = proposal.version
    ratification = RatificationForm()
    ratification.version.data = proposal.version
    zone = proposal.zone
    return render_template(
        "proposals/detail.html", title=proposal.title, page=page, proposal=proposal,
        against=against, status_form=status_form, ratification_form=ratification,
        attachment_form=AttachmentForm(),
        puede_ratificar=permissions.can_ratify(acting_user()),
        map=cached_map(("propuesta", proposal.id, against.id if against else None),
                       lambda: page.map),
        breadcrumbs=[("Zonas", url_for("zones.index"))] + (
            [(zone.name, url_for("zones.detail", zone_id=zone.id))] if zone else []),
    )


@bp.post("/<int:proposal_id>/estado")
def change_status(proposal_id: int):
    """Cambia el estado de la propuesta (la zona lo sigue)."""
    session = get_session()
    proposal = get_or_404(LimitProposal, proposal_id)
    form = StatusForm().for_status(proposal.status, use_cases.NEXT_STATUSES[proposal.status])
    if not form.validate_on_submit():
        flash(first_error(form), "danger")
    else:
        with unit_of_work(session):
            use_cases.set_status(session, acting_user(), proposal,
                                 ProposalStatus(form.estado.data), note=form.nota.data or "",
                                 on=form.fecha.data, expected_version=form.version.data)
        flash(f"La propuesta quedó «{proposal.status.label}».", "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal_id))


@bp.post("/<int:proposal_id>/ratificar")
def ratification(proposal_id: int):
    """Registra el convenio o decreto: un marco nuevo con ambos municipios recortados."""
    permissions.require(permissions.can_ratify(acting_user()),
                        "Solo un administrador registra el convenio o el decreto.")
    session = get_session()
    proposal = get_or_404(LimitProposal, proposal_id)
    form = RatificationForm()
    if not form.validate_on_submit():
        flash(first_error(form), "danger")
        return redirect(url_for("proposals.detail", proposal_id=proposal_id))
    upload = request.files.get("documento")
    with unit_of_work(session):
        document = None
        if upload is not None and upload.filename:
            document = attach_file(session, attachment_store(), proposal,
                                   upload.read(max_attachment_bytes() + 1), upload.filename,
                                   label=f"Convenio o decreto: {form.referencia.data}",
                                   max_bytes=max_attachment_bytes(), actor=acting_user())
        frame = ratify(session, acting_user(), proposal, ratified_on=form.fecha.data,
                       reference=form.referencia.data, document=document,
                       frame_name=f"Límites convenidos {formatting.short_date(form.fecha.data)}"
                                  f" ({proposal.municipality_a.name} – "
                                  f"{proposal.municipality_b.name})",
                       activate=form.en_vigor.data, expected_version=form.version.data)
    flash(f"Propuesta ratificada: nuevo marco «{frame.name}»"
          + (", ya en vigor." if frame.active else
             "; un administrador lo pone en vigor en Administración."), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal_id))


@bp.post("/<int:proposal_id>/adjuntos")
def attach(proposal_id: int):
    """Adjunta un documento de soporte a la propuesta."""
    session = get_session()
    proposal = get_or_404(LimitProposal, proposal_id)
    form = AttachmentForm()
    upload = request.files.get("archivo")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash(first_error(form), "danger")
    else:
        with unit_of_work(session):
            attach_file(session, attachment_store(), proposal,
                        upload.read(max_attachment_bytes() + 1), upload.filename,
                        label=form.etiqueta.data or "", max_bytes=max_attachment_bytes(),
                        actor=acting_user())
        flash("Se adjuntó el documento.", "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal_id))


@bp.post("/<int:proposal_id>/papelera")
def delete(proposal_id: int):
    """Envía la propuesta a la papelera."""
    session = get_session()
    proposal = get_or_404(LimitProposal, proposal_id)
    permissions.require(permissions.can_delete(acting_user(), proposal))
    zone = proposal.zone
    with unit_of_work(session):
        use_cases.delete_proposal(session, acting_user(), proposal,
                                  request.form.get("version", type=int))
    flash(f"La propuesta «{proposal.title}» se envió a la papelera.", "success")
    return redirect(url_for("zones.detail", zone_id=zone.id) if zone else url_for("zones.index"))


_DOWNLOADS = {
    "anexo.pdf": "application/pdf",
    "anexo.csv": "text/csv; charset=utf-8",
    "anexo.dxf": "image/vnd.dxf",
    "linea.gpkg": "application/geopackage+sqlite3",
    "linea.kml": "application/vnd.google-earth.kml+xml",
}


@bp.get("/<int:proposal_id>/<any('anexo.pdf', 'anexo.csv', 'anexo.dxf', 'linea.gpkg', "
        "'linea.kml'):name>")
def download(proposal_id: int, name: str):
    """Descarga el cuadro de construcción (PDF, CSV, DXF) o la línea (GPKG, KML)."""
    session = get_session()
    proposal = get_or_404(LimitProposal, proposal_id)
    annex = pages.annex_of(session, proposal)
    exchange = None
    if name in ("anexo.pdf", "linea.gpkg"):
        try:
            exchange = exchange_of(session, proposal)
        except LimitesError:
            exchange = None
    payload = {
        "anexo.pdf": lambda: documents.annex_pdf(proposal, annex, exchange),
        "anexo.csv": lambda: documents.annex_csv_bytes(annex),
        "anexo.dxf": lambda: documents.annex_dxf_bytes(proposal, annex),
        "linea.gpkg": lambda: documents.line_gpkg(annex, exchange),
        "linea.kml": lambda: documents.line_kml(proposal, annex),
    }[name]()
    stem, _, suffix = name.partition(".")
    response = Response(payload, mimetype=_DOWNLOADS[name])
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{documents.file_stem(proposal)}-{stem}.{suffix}"')
    return response

