"""Desk editing: "Nuevo", "Editar" and "Enviar a la papelera" for each record type.

Thin views: parse the form, make one call to :mod:`cases.records.editing` inside a unit of work,
redirect to the record's page. Invalid input re-renders the form with field-level Spanish
messages (422); a stale form answers 409 with what changed meanwhile and the user's values.
Only editors reach the writes (``geo_app.account.auth`` refuses other roles' POSTs with 403).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from shapely.errors import ShapelyError
from shapely.geometry import Point, shape
from wtforms import DateField, StringField

from boundaries.formats import ROUTE_FILES, SHAPE_FILES, ZONE_FILES
from cases.access import permissions
from cases.errors import InvalidInputError, LimitesError, StaleRecordError
from cases.fieldwork import desk
from cases.fieldwork.recording import PhotoUpload
from cases.frames import stored_layers
from cases.records import editing
from cases.records.audit import snapshot
from cases.records.queries import paginate_list
from cases.reporting.indicators import HOME_MUNICIPALITY
from cases.storage.db import unit_of_work
from cases.storage.models import (
    Agreement,
    AgreementStatus,
    Case,
    CaseStatus,
    DisputeZone,
    Finding,
    FindingCategory,
    Indicator,
    Inspection,
    Institution,
    InstitutionKind,
    Meeting,
    MeetingKind,
    Municipality,
    ParticipantRole,
    Person,
    Site,
    ZoneKind,
    ZoneStatus,
)
from geo_app.account.auth import acting_user
from geo_app.converters import parse_record_id
from geo_app.db import get_or_404, get_session
from geo_app.editing import forms as f
from geo_app.errors import error_response
from geo_app.files import attachment_store, max_attachment_bytes
from geo_app.formatting import short_date
from geo_app.forms import HourField
from geo_app.map_cache import request_versions
from geo_app.tiles import tile_source

bp = Blueprint("editing", __name__, url_prefix="/editar")


@dataclass(frozen=True)
class Kind:
    """A record type the desk edits: model, form, Spanish nouns and its page."""

    model: type
    form: type
    noun: str
    new_title: str
    page: Callable[[Any], str]
    listing: str
    plural: str = ""


KINDS: dict[str, Kind] = {
    "reunion": Kind(Meeting, f.MeetingForm, "reunión", "Nueva reunión",
                    lambda r: url_for("meetings.detail", meeting_id=r.id), "meetings.index",
                    "Reuniones"),
    "zona": Kind(DisputeZone, f.ZoneForm, "zona", "Nueva zona en disputa",
                 lambda r: url_for("zones.detail", zone_id=r.id), "zones.index", "Zonas"),
    "expediente": Kind(Case, f.CaseForm, "expediente", "Nuevo expediente",
                       lambda r: url_for("case_files.detail", case_id=r.id), "case_files.index",
                       "Expedientes"),
    "acuerdo": Kind(Agreement, f.AgreementForm, "acuerdo", "Nuevo acuerdo",
                    lambda r: agreement_page(r), "meetings.index", "Reuniones"),
    "sitio": Kind(Site, f.SiteForm, "sitio", "Nuevo sitio",
                  lambda r: url_for("sites.detail", site_id=r.id), "editing.listing",
                  "Sitios"),
    "institucion": Kind(Institution, f.InstitutionForm, "institución", "Nueva institución",
                        lambda r: url_for("editing.edit", kind="institucion", record_id=r.id),
                        "editing.listing", "Instituciones"),
    "persona": Kind(Person, f.PersonForm, "persona", "Nueva persona",
                    lambda r: url_for("editing.edit", kind="persona", record_id=r.id),
                    "editing.listing", "Personas"),
    "recorrido": Kind(Inspection, f.InspectionForm, "recorrido", "Nuevo recorrido",
                      lambda r: url_for("inspections.detail", inspection_id=r.id),
                      "inspections.index", "Recorridos"),
    "hallazgo": Kind(Finding, f.FindingForm, "hallazgo", "Nuevo hallazgo",
                     lambda r: url_for("inspections.detail", inspection_id=r.inspection_id,
                                       _anchor=f"hallazgo-{r.id}"),
                     "inspections.index", "Recorridos"),
}

_MODEL_ENUMS = {
    (Meeting, "kind"): MeetingKind, (DisputeZone, "kind"): ZoneKind,
    (DisputeZone, "status"): ZoneStatus, (Case, "status"): CaseStatus,
    (Agreement, "status"): AgreementStatus, (Institution, "kind"): InstitutionKind,
    (Finding, "category"): FindingCategory,
}
# Picker fields: the model listed and how an entry reads.
_PICKERS = {
    "zones": (DisputeZone, lambda r: r.name),
    "cases": (Case, lambda r: f"{r.number} — {r.title}"),
    "institutions": (Institution, lambda r: r.name),
    "parties": (Institution, lambda r: r.name),
    "sites": (Site, lambda r: r.name),
    "presided": (Person, lambda r: r.label),
    "attendees": (Person, lambda r: r.label),
    "municipalities": (Municipality, lambda r: f"{r.name} ({r.cvegeo})"),
}
# Single choices: the model, how an entry reads and what "none" reads.
_SINGLE = {
    "responsible": (Institution, lambda r: r.name, "(ninguna)"),
    "responsible_person": (Person, lambda r: r.label, "(ninguna)"),
    "institution": (Institution, lambda r: r.name, "(ninguna)"),
    "municipality": (Municipality, lambda r: f"{r.name} ({r.cvegeo})", "(ninguno)"),
    "indicator": (Indicator, lambda r: f"{r.year} · {r.level} {r.key} — {r.name}",
                  "(no cuenta en ningún indicador)"),
}
# Fields that name the record a new one belongs to (given in the "Nuevo" link).
_PARENTS = {"meeting": Meeting, "inspection": Inspection}


@bp.app_template_global("pagina_acuerdo")
def agreement_page(agreement: Agreement) -> str:
    """The page of the meeting or inspection where ``agreement`` was made, at its row."""
    anchor = f"acuerdo-{agreement.id}"
    if agreement.inspection_id is not None:
        return url_for("inspections.detail", inspection_id=agreement.inspection_id,
                       _anchor=anchor)
    return url_for("meetings.detail", meeting_id=agreement.meeting_id, _anchor=anchor)


def _kind(name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        abort(404)
    return kind


def _fill_choices(form, session) -> None:
    for name, (model, label) in _PICKERS.items():
        if hasattr(form, name):
            getattr(form, name).choices = sorted(
                ((r.id, label(r)) for r in editing.catalogue(session, model)),
                key=lambda c: c[1].lower())
    needed = {name for name in _SINGLE if hasattr(form, name)}
    if hasattr(form, "agreements"):
        needed.update(_ROW_CHOICES)
    single = {
        name: [("", blank)] + sorted(
            ((r.id, label(r)) for r in editing.catalogue(session, model)),
            key=lambda c: c[1].lower())
        for name, (model, label, blank) in _SINGLE.items() if name in needed}
    for name in needed:
        if hasattr(form, name):
            getattr(form, name).choices = single[name]
    if hasattr(form, "agreements"):
        for row in [*(entry.form for entry in form.agreements), *_spare_rows(form)]:
            for name in _ROW_CHOICES:
                row[name].choices = single[name]


# The choices of each agreement row of a meeting's or an inspection's form.
_ROW_CHOICES = ("responsible", "responsible_person")
# The name of the rows the form's script adds (it writes the row's number in place of it).
ROW_PLACEHOLDER = "__n__"


def _spare_rows(form) -> list:
    """The blank agreement row the form's script copies for «Añadir acuerdo» (built once)."""
    spare = getattr(form, "_spare_row", None)
    if spare is None:
        spare = f.AgreementRowForm(formdata=None, prefix=f"agreements-{ROW_PLACEHOLDER}-")
        form._spare_row = spare
    return [spare]


def _agreement_rows(form, session) -> list[editing.AgreementRow]:
    """The rows of the agreements' fields as the use case takes them."""
    rows = []
    for entry in form.agreements:
        row = entry.form
        rows.append(editing.AgreementRow(
            id=parse_record_id((row.id.data or "").strip()),
            version=parse_record_id((row.version.data or "").strip()),
            text=row.text.data or "",
            responsible=editing.record_by_id(session, Institution, row.responsible.data),
            responsible_person=editing.record_by_id(session, Person,
                                                    row.responsible_person.data),
            due_date=row.due_date.data,
            status=AgreementStatus(row.status.data),
            remove=bool(row.remove.data),
        ))
    return rows


def _agreement_data(record: Meeting | Inspection) -> list[dict[str, Any]]:
    """The agreement rows of ``record``'s form: its agreements, then one spare row."""
    rows = [{"id": str(a.id), "version": str(a.version), "text": a.text,
             "responsible": a.responsible_id, "responsible_person": a.responsible_person_id,
             "due_date": a.due_date, "status": a.status.value}
            for a in sorted(record.agreements, key=lambda a: a.id) if not a.is_deleted]
    return [*rows, {}]


def _form_data(record) -> dict[str, Any]:
    """The form's initial data from ``record``."""
    data: dict[str, Any] = {"version": record.version}
    for field in editing.EDITABLE[type(record)]:
        value = getattr(record, field)
        if field == "people":
            data["presided"] = [p.person_id for p in value if p.role is ParticipantRole.PRESIDED]
            data["attendees"] = [p.person_id for p in value
                                 if p.role is not ParticipantRole.PRESIDED]
        elif field in _PICKERS:
            data[field] = [r.id for r in value]
        elif field in _SINGLE or field in _PARENTS:
            data[field] = value.id if value is not None else None
        elif field == "geometry":
            if isinstance(record, Site | Finding):
                data["lon"], data["lat"] = value.x, value.y
            else:
                data["geometry"] = json.dumps(value.__geo_interface__)
        elif field == "route":
            data["route"] = json.dumps(value.__geo_interface__) if value is not None else ""
        elif field == "participants" and isinstance(record, Inspection):
            data[field] = "\n".join(value or [])
        elif field == "visit_dates":
            data[field] = [dt.date.fromisoformat(day) for day in value or []]
        elif hasattr(value, "value") and not isinstance(value, str | int):
            data[field] = value.value
        else:
            data[field] = value
    if isinstance(record, Meeting | Inspection):
        data["agreements"] = _agreement_data(record)
    return data


def _geojson(text: str, what: str, field: str):
    try:
        data = json.loads(text)
        return shape(data.get("geometry", data) if isinstance(data, dict) else data)
    except (ValueError, AttributeError, KeyError, TypeError, IndexError, RecursionError,
            ShapelyError) as error:
        raise InvalidInputError(f"{what} no es GeoJSON válido.", field=field) from error


def _route_values(form) -> dict[str, Any]:
    route = _geojson(form.route.data, "La ruta enviada", "route") if form.route.data else None
    text = (form.route_points_read.data or "").strip()
    return desk.route_fields(route, parse_record_id(text))


def _values(form, model: type, session) -> dict[str, Any]:
    """The use-case values from a validated form."""
    values: dict[str, Any] = {}
    for field in editing.EDITABLE[model]:
        if field == "people":
            chosen = {pid: ParticipantRole.PARTICIPATED for pid in form.attendees.data or []}
            chosen.update({pid: ParticipantRole.PRESIDED for pid in form.presided.data or []})
            people = {p.id: p for p in editing.records_by_id(session, Person, list(chosen))}
            values["people"] = [(people[pid], role) for pid, role in chosen.items()
                                if pid in people]
            continue
        if field == "geometry":
            if model in (Site, Finding):
                both = form.lon.data is not None and form.lat.data is not None
                values["geometry"] = Point(form.lon.data, form.lat.data) if both else None
            elif form.geometry.data:
                values["geometry"] = _geojson(form.geometry.data, "El polígono enviado",
                                              "geometry")
            continue
        if field == "route":
            values.update(_route_values(form))
            continue
        if not hasattr(form, field):
            continue
        data = getattr(form, field).data
        if field in _PICKERS:
            values[field] = editing.records_by_id(session, _PICKERS[field][0], data)
        elif field in _SINGLE:
            values[field] = editing.record_by_id(session, _SINGLE[field][0], data or None)
        elif field in _PARENTS:
            values[field] = editing.record_by_id(session, _PARENTS[field], data or None)
        elif field == "visit_dates":
            values[field] = [day.isoformat() for day in data] if data else None
        elif field == "participants" and model is Inspection:
            values[field] = [" ".join(line.split()) for line in (data or "").splitlines()
                             if line.strip()]
        elif (model, field) in _MODEL_ENUMS:
            values[field] = _MODEL_ENUMS[(model, field)](data)
        elif isinstance(getattr(form, field), StringField) and not isinstance(
                getattr(form, field), DateField | HourField):
            text = (data or "").strip()
            values[field] = None if field == "name" and model is Person and not text else text
        else:
            values[field] = data
    if hasattr(form, "status_note") and form.status_note.data:
        values["status_note"] = form.status_note.data
    if hasattr(form, "status_on") and form.status_on.data:
        values["status_on"] = form.status_on.data
    return values


def _context(kind_name: str, form, record) -> tuple[Any, str]:
    """The inspection a finding belongs to and its route (GeoJSON) drawn under the form."""
    if kind_name != "hallazgo":
        return None, ""
    inspection = record.inspection if record is not None else editing.record_by_id(
        get_session(), Inspection, form.inspection.data)
    if inspection is None or inspection.route is None:
        return inspection, ""
    return inspection, json.dumps(inspection.route.__geo_interface__)


def _limits() -> str:
    """The limits around the home municipality, as GeoJSON text, for the form's map."""
    def build() -> str:
        return json.dumps(stored_layers.limits_around(get_session(), HOME_MUNICIPALITY))

    cache = current_app.extensions.get("limites_map_cache")
    version = request_versions("limits")
    if cache is None or version is None:
        return build()
    return cache.get("form-limits", version, build)


def _render(kind_name: str, kind: Kind, form, record=None, code: int = 200, stale=None,
            stale_message: str | None = None, notice: str | None = None):
    title = f"Editar {kind.noun}" if record is not None else kind.new_title
    parent, context = _context(kind_name, form, record)
    breadcrumbs = [(kind.plural, _listing_url(kind_name, kind))]
    if parent is not None:
        title = f"{title} · {parent.title}"
        breadcrumbs.append((parent.title, url_for("inspections.detail",
                                                  inspection_id=parent.id)))
    source = tile_source()  # one look at the base map file per page
    return render_template(
        "editing/form.html", title=title, form=form, kind_name=kind_name, kind=kind,
        record=record, stale=stale, stale_message=stale_message,
        geometry_kind=kind_name if kind_name in _GEOMETRY_KINDS else None,
        tiles=source.url, tiles_attribution=source.attribution,
        tiles_native_zoom=source.max_native_zoom,
        context_geometry=context, limits=_limits() if kind_name in _GEOMETRY_KINDS else "",
        max_filter_m=desk.MAX_FILTER_M, accepted_files=_ACCEPTED_FILES.get(kind_name),
        breadcrumbs=breadcrumbs,
        spare_row=_spare_rows(form)[0] if hasattr(form, "agreements") else None,
        row_placeholder=ROW_PLACEHOLDER, notice=notice,
    ), code


def _listing_url(kind_name: str, kind: Kind) -> str:
    if kind.listing == "editing.listing":
        return url_for("editing.listing", kind=kind_name)
    return url_for(kind.listing)


def _photos() -> list[PhotoUpload]:
    limit = max_attachment_bytes()
    return [PhotoUpload(upload.read(limit + 1), upload.filename)
            for upload in request.files.getlist("photos") if upload and upload.filename]


def _form_field(form, name: str):
    """The field of ``form`` named ``name``, also inside a list of rows (``agreements-0-text``)."""
    field = getattr(form, name, None) if name else None
    if field is not None or "-" not in name or not hasattr(form, "agreements"):
        return field
    for entry in form.agreements:
        for sub in entry.form:
            if sub.name == name:
                return sub
    return None


def _show_error(form, error: InvalidInputError | LimitesError) -> None:
    """Put ``error`` beside its field when the form shows that field, else above the form."""
    field = _form_field(form, getattr(error, "field", None) or "")
    if field is not None and getattr(field.widget, "input_type", None) != "hidden":
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def _save(kind_name: str, kind: Kind, form, record=None):
    session = get_session()
    if not form.validate():
        return _render(kind_name, kind, form, record, 422)
    user = acting_user()
    permissions.require(permissions.can_edit(user, record))
    existing_id = record.id if record is not None else None
    notes: list[str] = []
    try:
        with unit_of_work(session):
            values = _values(form, kind.model, session)
            if kind.model is Finding:
                record, notes = desk.save_finding(
                    session, user, attachment_store(), record, values, _photos(),
                    form.expected_version(), max_attachment_bytes())
            elif record is None:
                record = editing.create_record(session, user, kind.model, values)
            else:
                editing.update_record(session, user, record, values, form.expected_version())
            if hasattr(form, "agreements"):
                editing.save_agreements(session, user, record, _agreement_rows(form, session))
            target = kind.page(record)
    except StaleRecordError as error:
        current = get_or_404(kind.model, existing_id)
        stale = sorted((k, v) for k, v in snapshot(current).items()
                       if k not in ("geometry", "route"))
        form.version.data = str(current.version)
        # Without a version the form cannot tell whether someone else changed the record.
        return _render(kind_name, kind, form, current, 409, stale=stale,
                       stale_message=error.message if error.expected is None else None)
    except LimitesError as error:
        if error.status_code >= 500:
            raise
        _show_error(form, error)
        record = get_or_404(kind.model, existing_id) if existing_id is not None else None
        return _render(kind_name, kind, form, record, 422)
    saved = (f"Se guardó la {kind.noun}." if kind.noun.endswith("a") or kind.noun.endswith("ón")
             else f"Se guardó el {kind.noun}.")
    flash(" ".join([saved, *notes]), "success")
    return redirect(target)


@bp.route("/<kind>/nuevo", methods=["GET", "POST"])
def new(kind: str):
    """Formulario de un registro nuevo."""
    spec = _kind(kind)
    form = spec.form()
    _fill_choices(form, get_session())
    if request.method == "GET":
        for name in ("zones", "cases", "sites", "institutions"):
            preset = request.args.getlist(name, type=int)
            if preset and hasattr(form, name):
                getattr(form, name).data = preset
        for name in _PARENTS:
            if hasattr(form, name) and request.args.get(name, type=int):
                getattr(form, name).data = request.args.get(name, type=int)
        if kind == "hallazgo":
            get_or_404(Inspection, form.inspection.data)
        return _render(kind, spec, form)
    return _save(kind, spec, form)


# What «Duplicar» copies into a new meeting's or inspection's form: who took part, what
# was dealt with, where and the indicator; never the date, what was done, the route or the
# agreements (a weekly table meets again, it does not repeat its agreements).
_DUPLICATED = {
    "reunion": frozenset({"title", "kind", "start_time", "end_time", "place", "purpose",
                          "participants", "presided", "attendees", "zones", "cases",
                          "institutions", "sites", "indicator"}),
    "recorrido": frozenset({"title", "start_time", "end_time", "place", "purpose",
                            "participants", "presided", "attendees", "institutions", "zones",
                            "cases", "indicator"}),
}


@bp.get("/<kind>/<int:record_id>/duplicar")
def duplicate(kind: str, record_id: int):
    """Formulario nuevo con los participantes, zonas, expedientes e indicador de otro registro."""
    if kind not in _DUPLICATED:
        abort(404)
    spec = _kind(kind)
    source = get_or_404(spec.model, record_id)
    form = spec.form(data={k: v for k, v in _form_data(source).items()
                           if k in _DUPLICATED[kind]})
    _fill_choices(form, get_session())
    return _render(kind, spec, form, notice=(
        f"Copia de «{source.title}»: escriba la fecha; los acuerdos no se copian."))


@bp.route("/<kind>/<int:record_id>", methods=["GET", "POST"])
def edit(kind: str, record_id: int):
    """Formulario de edición de un registro."""
    spec = _kind(kind)
    record = get_or_404(spec.model, record_id)
    if request.method == "GET":
        form = spec.form(data=_form_data(record))
        _fill_choices(form, get_session())
        return _render(kind, spec, form, record)
    form = spec.form()
    _fill_choices(form, get_session())
    return _save(kind, spec, form, record)


@bp.post("/<kind>/<int:record_id>/papelera")
def delete(kind: str, record_id: int):
    """Enviar un registro a la papelera."""
    spec = _kind(kind)
    session = get_session()
    record = get_or_404(spec.model, record_id)
    form = f.RecordForm()
    if not form.validate():
        abort(400)
    user = acting_user()
    permissions.require(permissions.can_delete(user, record))
    # A finding's page is its inspection's, which stays.
    target = spec.page(record) if isinstance(record, Finding) else _listing_url(kind, spec)
    with unit_of_work(session):
        editing.delete_record(session, user, record, form.expected_version())
    flash(f"Se envió a la papelera: {spec.noun}.", "success")
    return redirect(target)


_LISTED = {"sitio", "institucion", "persona"}


@bp.get("/<kind>/")
def listing(kind: str):
    """Catálogo de sitios, instituciones o personas, con «Nuevo» y «Editar» para editores."""
    if kind not in _LISTED:
        abort(404)
    spec = _kind(kind)
    rows = editing.catalogue(get_session(), spec.model)
    from cases.records.record_types import record_label
    items = sorted(((record_label(r), r) for r in rows), key=lambda item: item[0].lower())
    page = paginate_list(items, request.args.get("pagina", type=int))
    return render_template("editing/list.html", title=spec.plural, kind_name=kind, kind=spec,
                           items=page.items, page=page, breadcrumbs=[])


@dataclass(frozen=True)
class TimelineStep:
    """One status change as a record's page shows it."""

    at: Any  # the day the change happened
    username: str
    from_label: str | None
    to_label: str
    note: str
    recorded_at: Any = None  # when it was typed


_STATUS_ENUMS = {DisputeZone: ZoneStatus, Case: CaseStatus, Agreement: AgreementStatus}


def _label(enum, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return enum(value).label
    except ValueError:
        return value


@bp.app_template_global("linea_de_estados")
def status_timeline(record) -> list[TimelineStep]:
    """The status history of a zone, a case or an agreement, oldest first, for its page."""
    enum = _STATUS_ENUMS.get(type(record))
    if enum is None:
        return []
    return [
        TimelineStep(s.effective_on or s.at, s.username, _label(enum, s.from_status),
                     _label(enum, s.to_status), s.note, s.at)
        for s in editing.status_history(get_session(), record)
    ]


_GEOMETRY_KINDS = {"zona": DisputeZone, "sitio": Site, "recorrido": Inspection,
                   "hallazgo": Finding}
# The files each geometry's form offers to upload (a finding is placed by click or photo).
_ACCEPTED_FILES = {"zona": ZONE_FILES, "sitio": SHAPE_FILES, "recorrido": ROUTE_FILES}


@bp.post("/geometria/<kind>/vista-previa")
def geometry_preview(kind: str):
    """Check a drawn shape (``geometry``, GeoJSON) or an uploaded file (``archivo``).

    Answers JSON: the storable shape (repaired if it had to be) and notes saying what was
    done, or a Spanish ``error`` (422). Nothing is saved here.
    """
    import tempfile
    from pathlib import Path

    model = _GEOMETRY_KINDS.get(kind)
    if model not in (DisputeZone, Site):
        abort(404)
    upload = request.files.get("archivo")
    try:
        if upload is not None and upload.filename:
            name = Path(upload.filename).name
            suffix = Path(name).suffix.lower()
            if suffix not in SHAPE_FILES:
                raise InvalidInputError(f"«{name}»: suba {SHAPE_FILES.names}.")
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"subido{suffix}"
                upload.save(path)
                shape_, notes = editing.geometry_from_file(model, path, name)
        else:
            drawn = _geojson(request.form.get("geometry", ""), "El dibujo enviado", "geometry")
            shape_, notes = editing.prepare_geometry(model, drawn)
    except LimitesError as error:
        if error.status_code >= 500:
            raise
        return error_response(422, error.message)
    return {"geometry": shape_.__geo_interface__, "notes": notes}


@bp.post("/recorrido/ruta/vista-previa")
def route_preview():
    """Check a route: an uploaded file (``archivo``, with ``filtro_m``) or a drawn line.

    Answers JSON: the route, the points read and kept, the days its times give and notes;
    or a Spanish ``error`` (422). Nothing is saved here.
    """
    import tempfile
    from pathlib import Path

    upload = request.files.get("archivo")
    try:
        if upload is not None and upload.filename:
            name = Path(upload.filename).name
            suffix = Path(name).suffix.lower()
            if suffix not in ROUTE_FILES:
                raise InvalidInputError(f"«{name}»: suba la ruta en {ROUTE_FILES.names}.")
            step = request.form.get("filtro_m", type=float)
            if request.form.get("filtro_m") and step is None:
                raise InvalidInputError("El filtro de ruido debe ser un número de metros.")
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"ruta{suffix}"
                upload.save(path)
                preview = desk.route_from_file(get_session(), path, name, step)
        else:
            drawn = _geojson(request.form.get("geometry", ""), "El dibujo enviado", "route")
            preview = desk.route_from_drawing(get_session(), drawn)
    except LimitesError as error:
        if error.status_code >= 500:
            raise
        return error_response(422, error.message)
    return _route_preview_json(preview)


def _route_preview_json(preview: desk.RoutePreview) -> dict[str, Any]:
    """The JSON the form's map reads: dates as the form's fields hold them (dd/mm/aaaa)."""
    ended = preview.ended_on if preview.ended_on != preview.started_on else None
    return {
        "geometry": preview.geometry.__geo_interface__,
        "points_read": preview.points_read,
        "points_kept": preview.points_kept,
        "started_on": short_date(preview.started_on, empty=None),
        # A one-day inspection has no end date of its own.
        "ended_on": short_date(ended, empty=None),
        "notes": preview.notes,
    }
