"""The records of a scope as tables with Spanish attribute names, ready for any format.

Each layer is described once by a :class:`LayerSpec` (name, title, geometry type, typed
fields, which of them are internal notes, how to read the records of a
:class:`~cases.sharing.scope.Scope` and how to turn one into a row); :func:`export_data` reads every
layer the scope shares into GeoDataFrames (spatial layers) and DataFrames (tables), with the
columns the scope allows (:func:`layer_fields`), and the OGC API (:mod:`cases.sharing.features`)
serves the same rows.
Dates stay dates, statuses become their Spanish labels, booleans stay booleans; every export
states its CRS, date and source (:meth:`ExportData.about`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import Select
from sqlalchemy.orm import Session, selectinload

from boundaries.crs import STORAGE_CRS
from cases.errors import NotFoundError
from cases.fieldwork.attachments import AttachmentStore
from cases.sharing.scope import Scope, ScopeKind, Visible, scoped, visible
from cases.storage.models import (
    Agreement,
    Attachment,
    AttachmentKind,
    BoundaryVersion,
    Case,
    DisputeZone,
    Finding,
    Inspection,
    Meeting,
    Site,
)

__all__ = [
    "SOURCE",
    "CRS_NAME",
    "FIELD_TYPES",
    "LayerSpec",
    "ExportLayer",
    "ExportData",
    "LAYERS",
    "SPATIAL_LAYERS",
    "TABLES",
    "layer_spec",
    "layer_fields",
    "records_query",
    "read_records",
    "layer_rows",
    "export_data",
    "scope_parties",
    "ATTACHMENTS",
    "PHOTO_SIZE",
    "add_photos",
]


SOURCE = (
    "Límites — Unidad de Atención de Asuntos Metropolitanos, Municipio de Oaxaca de Juárez"
)
CRS_NAME = "EPSG:4326 (WGS 84, longitud/latitud)"
FIELD_TYPES = ("int", "float", "str", "date", "bool")

Row = dict[str, Any]
# What an export carries besides its layers (the KMZ's photos): ``ExportData.extra[ATTACHMENTS]``
# maps ``(layer, record id)`` to ``[(file name, bytes)]``.
ATTACHMENTS = "attachments"
# The photos travel as their large thumbnail (800 px JPEG): enough to see in Google Earth,
# a fraction of the original's size.
PHOTO_SIZE = "pagina"
_PHOTO_LAYERS = ("hallazgos",)


@dataclass(frozen=True)
class LayerSpec:
    """One layer of every export: its records, its typed Spanish fields and its rows."""

    name: str
    title: str
    model: type
    geometry_type: str | None
    fields: dict[str, str]
    rows: Callable[[Any, Visible], list[Row]]
    geometry_attribute: str | None = None
    options: tuple = ()
    # The record's date columns, for the OGC API ``datetime`` filter (start, end).
    dates: tuple = ()
    # The fields that are internal notes: only a scope with notes gets them.
    internal: tuple[str, ...] = ()

    @property
    def spatial(self) -> bool:
        """Whether the layer has geometries."""
        return self.geometry_type is not None


def _names(records: Iterable, visible_records: Visible, model, attribute: str = "name") -> str:
    return ", ".join(getattr(r, attribute) for r in visible_records.keep(records, model))


Getter = Callable[[Any, Visible], Any]
# A column: its type (one of FIELD_TYPES) and how to read it from a record: a dotted
# attribute path (``None`` as soon as a link of the path is empty) or a getter.
Column = tuple[str, "str | Getter"]


def _path(path: str) -> Getter:
    names = path.split(".")

    def read(record, seen: Visible):
        value = record
        for name in names:
            if value is None:
                return None
            value = getattr(value, name)
        return value

    return read


def _one_row(columns: dict[str, Column]) -> Callable[[Any, Visible], list[Row]]:
    """The row function of a layer with one row per record, read through ``columns``."""
    getters = {
        name: _path(how) if isinstance(how, str) else how for name, (_, how) in columns.items()
    }

    def rows(record, seen: Visible) -> list[Row]:
        return [{name: read(record, seen) for name, read in getters.items()}]

    return rows


def _layer(name: str, title: str, model: type, geometry_type: str | None,
           columns: dict[str, Column], geometry_attribute: str | None = None,
           options: tuple = (), dates: tuple = (), internal: tuple[str, ...] = ()) -> LayerSpec:
    """A layer with one row per record, its fields and their reading in one mapping."""
    return LayerSpec(name, title, model, geometry_type,
                     {field: kind for field, (kind, _) in columns.items()}, _one_row(columns),
                     geometry_attribute, options, dates, internal)


def _rounded(path: str, digits: int, scale: float = 1.0) -> Getter:
    read = _path(path)

    def rounded(record, seen: Visible):
        value = read(record, seen)
        return None if value is None else round(value / scale, digits)

    return rounded


def _if_visible(path: str, model: type, attribute: str) -> Getter:
    """``record.<path>.<attribute>`` when that related record is in the scope."""
    read = _path(path)

    def visible_only(record, seen: Visible):
        related = read(record, seen)
        return getattr(related, attribute) if related and seen.keep([related], model) else None

    return visible_only


_BANKS = {"left": "izquierda", "right": "derecha"}


def _participant_rows(m: Meeting, seen: Visible) -> list[Row]:
    return [
        {
            "reunion_id": m.id,
            "reunion": m.title,
            "fecha": m.date,
            "institucion": x.name,
            "siglas": x.short_name,
            "tipo": x.kind.label,
        }
        for x in sorted(m.institutions, key=lambda x: x.name)
    ]


LAYERS: tuple[LayerSpec, ...] = (
    _layer(
        "limites", "Límites municipales (todas las versiones)", BoundaryVersion, "MultiPolygon",
        {"id": ("int", "id"),
         "municipio": ("str", "municipality.name"),
         "cve_geo": ("str", "municipality.cvegeo"),
         "tipo": ("str", "kind.label"),
         "reclamante": ("str", "claimant.name"),
         "fuente": ("str", "source"),
         "referencia_legal": ("str", "legal_reference"),
         "vigente_desde": ("date", "valid_from"),
         "area_ha": ("float", _rounded("area_m2", 4, 10_000)),
         "ilustrativa": ("bool", "illustrative"),
         "nota_reparacion": ("str", "repair_note")},
        "geometry",
        (selectinload(BoundaryVersion.municipality), selectinload(BoundaryVersion.claimant)),
        (BoundaryVersion.valid_from, None),
    ),
    _layer(
        "zonas", "Zonas en disputa", DisputeZone, "MultiPolygon",
        {"id": ("int", "id"),
         "nombre": ("str", "name"),
         "tipo": ("str", "kind.label"),
         "estado": ("str", "status.label"),
         "descripcion": ("str", "description"),
         "municipios": ("str", lambda z, seen: ", ".join(m.name for m in z.municipalities)),
         "expedientes": ("str", lambda z, seen: _names(z.cases, seen, Case, "number")),
         "ilustrativa": ("bool", "illustrative")},
        "geometry",
        (selectinload(DisputeZone.municipalities), selectinload(DisputeZone.cases)),
    ),
    _layer(
        "recorridos", "Recorridos de inspección", Inspection, "MultiLineString",
        {"id": ("int", "id"),
         "titulo": ("str", "title"),
         "inicio": ("date", "started_on"),
         "fin": ("date", "ended_on"),
         "lugar": ("str", "place"),
         "objetivo": ("str", "purpose"),
         "resumen": ("str", "summary"),
         "longitud_m": ("float", _rounded("route_length_m", 2)),
         "zonas": ("str", lambda i, seen: _names(i.zones, seen, DisputeZone, "name")),
         "expedientes": ("str", lambda i, seen: _names(i.cases, seen, Case, "number")),
         "instituciones": ("str", lambda i, seen: ", ".join(x.short_name
                                                             for x in i.institutions)),
         "hallazgos": ("int", lambda i, seen: len(i.findings)),
         "ilustrativa": ("bool", "illustrative")},
        "route",
        (selectinload(Inspection.zones), selectinload(Inspection.cases),
         selectinload(Inspection.institutions), selectinload(Inspection.findings)),
        (Inspection.started_on, Inspection.ended_on),
        ("resumen",),
    ),
    _layer(
        "hallazgos", "Hallazgos de los recorridos", Finding, "Point",
        {"id": ("int", "id"),
         "recorrido_id": ("int", "inspection_id"),
         "recorrido": ("str", "inspection.title"),
         "fecha": ("date", "inspection.started_on"),
         "categoria": ("str", "category.label"),
         "descripcion": ("str", "description"),
         "municipio_oficial": ("str", "official_municipality.name"),
         "partes": ("str", lambda f, seen: ", ".join(f.parties or [])),
         "compartido": ("bool", "shared"),
         "en_disputa": ("bool", "in_dispute"),
         "distancia_limite_m": ("float", "limit_distance_m"),
         "km_rio": ("float", "river_km"),
         "distancia_rio_m": ("float", "river_distance_m"),
         "margen": ("str", lambda f, seen: _BANKS.get(f.river_bank, f.river_bank)),
         "ilustrativa": ("bool", "illustrative")},
        "geometry",
        (selectinload(Finding.inspection), selectinload(Finding.official_municipality)),
    ),
    _layer(
        "sedes", "Sedes y sitios de reuniones", Site, "Point",
        {"id": ("int", "id"),
         "nombre": ("str", "name"),
         "descripcion": ("str", "description"),
         "reuniones": ("int", lambda s, seen: len(seen.keep(s.meetings, Meeting))),
         "ilustrativa": ("bool", "illustrative")},
        "geometry", (selectinload(Site.meetings),),
    ),
    _layer(
        "reuniones", "Reuniones", Meeting, None,
        {"id": ("int", "id"),
         "fecha": ("date", "date"),
         "tipo": ("str", "kind.label"),
         "titulo": ("str", "title"),
         "lugar": ("str", "place"),
         "sede": ("str", _if_visible("venue", Site, "name")),
         "proposito": ("str", "purpose"),
         "resumen": ("str", "summary"),
         "zonas": ("str", lambda m, seen: _names(m.zones, seen, DisputeZone)),
         "expedientes": ("str", lambda m, seen: _names(m.cases, seen, Case, "number")),
         "acuerdos": ("int", lambda m, seen: len(m.agreements)),
         "indicador": ("str", "indicator.key")},
        None,
        (selectinload(Meeting.venue), selectinload(Meeting.zones), selectinload(Meeting.cases),
         selectinload(Meeting.agreements), selectinload(Meeting.indicator)),
        (Meeting.date, None),
        ("resumen",),
    ),
    _layer(
        "acuerdos", "Acuerdos de reuniones y recorridos", Agreement, None,
        {"id": ("int", "id"),
         "reunion_id": ("int", "meeting_id"),
         "reunion": ("str", "meeting.title"),
         "fecha_reunion": ("date", "meeting.date"),
         "recorrido_id": ("int", "inspection_id"),
         "recorrido": ("str", "inspection.title"),
         "fecha_recorrido": ("date", "inspection.started_on"),
         "acuerdo": ("str", "text"),
         "responsable": ("str", "responsible.name"),
         "persona_responsable": ("str", "responsible_person.label"),
         "fecha_limite": ("date", "due_date"),
         "estado": ("str", "status.label")},
        None,
        (selectinload(Agreement.meeting), selectinload(Agreement.inspection),
         selectinload(Agreement.responsible), selectinload(Agreement.responsible_person)),
    ),
    LayerSpec(
        "participantes", "Instituciones participantes en las reuniones", Meeting, None,
        {"reunion_id": "int", "reunion": "str", "fecha": "date", "institucion": "str",
         "siglas": "str", "tipo": "str"},
        _participant_rows, None, (selectinload(Meeting.institutions),),
    ),
)
SPATIAL_LAYERS = tuple(spec.name for spec in LAYERS if spec.spatial)
TABLES = tuple(spec.name for spec in LAYERS if not spec.spatial)


def layer_spec(name: str) -> LayerSpec:
    """The layer called ``name``."""
    return next(spec for spec in LAYERS if spec.name == name)


def layer_fields(spec: LayerSpec, scope: Scope) -> dict[str, str]:
    """The fields of ``spec`` a reader of ``scope`` gets (internal notes only with notes)."""
    return scope.columns(spec.fields, spec.internal)


def _order(spec: LayerSpec):
    model = spec.model
    if model is Meeting:
        return (Meeting.date, Meeting.id)
    if model is Inspection:
        return (Inspection.started_on, Inspection.id)
    return (model.id,)


def records_query(spec: LayerSpec, scope: Scope, load: bool = True) -> Select:
    """The ``SELECT`` of the records of ``spec`` in ``scope`` (routes need a geometry).

    ``load`` adds the eager loading of the relations the rows need.
    """
    statement = scoped(scope, spec.model)
    if load:
        statement = statement.options(*spec.options)
    if spec.model is Inspection:
        statement = statement.where(Inspection.route.is_not(None))
    return statement


def read_records(session: Session, spec: LayerSpec, scope: Scope) -> list:
    """The records of ``spec`` in ``scope``, in a stable order."""
    return list(session.scalars(records_query(spec, scope).order_by(*_order(spec))))


def layer_rows(
    spec: LayerSpec, scope: Scope, records: Iterable, seen: Visible
) -> tuple[list[Row], list]:
    """Rows of ``records`` with the fields ``scope`` allows, and their geometries."""
    fields = layer_fields(spec, scope)
    rows, shapes = [], []
    for record in records:
        for row in spec.rows(record, seen):
            rows.append({name: row[name] for name in fields})
            if spec.geometry_attribute:
                shapes.append(getattr(record, spec.geometry_attribute))
    return rows, shapes


@dataclass
class ExportLayer:
    """One layer of an export: its spec, the fields the scope allows and its rows."""

    spec: LayerSpec
    frame: pd.DataFrame
    fields: dict[str, str]

    @property
    def name(self) -> str:
        """The layer's name in files (``limites``, ``zonas``…)."""
        return self.spec.name


@dataclass
class ExportData:
    """Every layer of a scope, with when, where from and in which CRS it was exported."""

    scope: Scope
    layers: dict[str, ExportLayer]
    generated_at: dt.datetime
    crs: str = CRS_NAME
    source: str = SOURCE
    illustrative: bool = False
    # The records behind each layer and the ids in the scope, for the map exports.
    records: dict[str, list] = field(default_factory=dict)
    seen: Visible = field(default_factory=lambda: Visible({}))
    # The parties: a case's institutions, or the municipalities of the scope's zones.
    parties: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def about(self) -> dict[str, str]:
        """What every export states: contents, CRS, date and source (Spanish keys)."""
        about = {
            "Contenido": self.scope.title or "Todos los registros",
            "Sistema de referencia": self.crs,
            "Fecha de exportación": self.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
            "Fuente": self.source,
            "Nota": "Cada límite indica su propia fuente y fecha (campos fuente y vigente_desde).",
        }
        if self.illustrative:
            about["Aviso"] = (
                "Contiene geometría ilustrativa (campo ilustrativa): no es un límite oficial."
            )
        return about

    def about_text(self) -> str:
        """:meth:`about` as lines of text."""
        return "\n".join(f"{key}: {value}" for key, value in self.about().items())


def _frame(spec: LayerSpec, columns: list[str], rows: list[Row], shapes: list) -> pd.DataFrame:
    data = pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in columns}
    )
    data = data.astype(object).where(data.notna(), None)
    if not spec.spatial:
        return data
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(shapes, crs=STORAGE_CRS), crs=STORAGE_CRS)


def export_data(
    session: Session,
    scope: Scope,
    layers: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
    now: dt.datetime | None = None,
) -> ExportData:
    """Read the records of ``scope`` into every layer it shares (or those of ``layers``)."""
    wanted = set(layers) if layers is not None else None
    seen = visible(session, scope)
    out: dict[str, ExportLayer] = {}
    records_by_layer: dict[str, list] = {}
    illustrative = False
    for spec in LAYERS:
        if (wanted is not None and spec.name not in wanted) or not scope.allows(spec.name):
            continue
        records = read_records(session, spec, scope)
        rows, shapes = layer_rows(spec, scope, records, seen)
        illustrative = illustrative or any(r.get("ilustrativa") for r in rows)
        fields = layer_fields(spec, scope)
        out[spec.name] = ExportLayer(spec, _frame(spec, list(fields), rows, shapes), fields)
        records_by_layer[spec.name] = records
        if progress is not None:
            progress(f"{spec.title}: {len(rows)} registros")
    return ExportData(
        scope=scope,
        layers=out,
        generated_at=now or dt.datetime.now(dt.UTC),
        illustrative=illustrative,
        records=records_by_layer,
        seen=seen,
        parties=scope_parties(session, scope),
    )


def scope_parties(session: Session, scope: Scope) -> list[str]:
    """A case's parties, or the municipalities involved in the scope's zones, by name."""
    if scope.kind is ScopeKind.CASE:
        case = session.get(Case, scope.record_id)
        return sorted(p.name for p in case.parties) if case else []
    zones = session.scalars(
        scoped(scope, DisputeZone).options(selectinload(DisputeZone.municipalities))
    )
    return sorted({m.name for zone in zones for m in zone.municipalities})


def add_photos(data: ExportData, store: AttachmentStore) -> ExportData:
    """Put the photos of the export's findings in ``data.extra[ATTACHMENTS]`` (for the KMZ).

    Each photo goes as its :data:`PHOTO_SIZE` thumbnail (the stored image when there is
    none); a file missing from the store is logged and left out. A scope without
    attachments gets none.
    """
    photos: dict[tuple[str, int], list[tuple[str, bytes]]] = {}
    for layer in _PHOTO_LAYERS if data.scope.attachments else ():
        for record in data.records.get(layer, []):
            for attachment in record.attachments:
                if attachment.kind is not AttachmentKind.PHOTO or not attachment.sha256:
                    continue
                photo = _photo_file(store, attachment)
                if photo is not None:
                    photos.setdefault((layer, record.id), []).append(photo)
    data.extra[ATTACHMENTS] = photos
    return data


def _photo_file(store: AttachmentStore, attachment: Attachment) -> tuple[str, bytes] | None:
    """A photo's name and bytes in the export: its thumbnail, or the photo itself."""
    thumbnail = store.thumbnail_path(attachment.sha256, PHOTO_SIZE)
    if thumbnail.is_file():
        return f"foto-{attachment.id}.jpg", thumbnail.read_bytes()
    try:
        original = store.existing(attachment.sha256)
    except NotFoundError:
        return None  # logged by the store; the export goes on without it
    suffix = ".png" if attachment.media_type == "image/png" else ".jpg"
    return f"foto-{attachment.id}{suffix}", original.read_bytes()
