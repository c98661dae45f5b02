"""Export data: Spanish attribute names, dates as dates, statuses as labels, CRS/date/source."""

import datetime as dt

from sqlalchemy import select

from cases.sharing.scope import Scope, resolve_scope
from cases.sharing.tables import LAYERS, SPATIAL_LAYERS, TABLES, export_data
from cases.storage.models import Case, DisputeZone
from cases.storage.statuses import AgreementStatus, BoundaryKind, ZoneStatus

NOW = dt.datetime(2025, 6, 30, 12, 0, tzinfo=dt.UTC)


def test_every_layer_with_its_typed_fields(demo_with_agreement):
    data = export_data(demo_with_agreement, Scope.everything(), now=NOW)
    assert list(data.layers) == [spec.name for spec in LAYERS]
    assert SPATIAL_LAYERS == ("limites", "zonas", "recorridos", "hallazgos", "sedes")
    assert TABLES == ("reuniones", "acuerdos", "participantes")
    for spec in LAYERS:
        frame = data.layers[spec.name].frame
        assert list(frame.columns[: len(spec.fields)]) == list(spec.fields)
        assert len(frame), spec.name
        for column, kind in spec.fields.items():
            values = [v for v in frame[column] if v is not None]
            expected = {"int": int, "float": float, "str": str, "date": dt.date, "bool": bool}
            assert all(isinstance(v, expected[kind]) for v in values), (spec.name, column)
        if spec.spatial:
            assert frame.crs.to_epsg() == 4326


def test_statuses_and_kinds_are_labels(demo_with_agreement):
    data = export_data(demo_with_agreement, Scope.everything(), now=NOW)
    assert set(data.layers["limites"].frame["tipo"]) <= {k.label for k in BoundaryKind}
    assert set(data.layers["zonas"].frame["estado"]) <= {s.label for s in ZoneStatus}
    assert set(data.layers["acuerdos"].frame["estado"]) <= {s.label for s in AgreementStatus}


def test_every_limit_states_its_source_and_date(demo):
    limits = export_data(demo, Scope.everything(), now=NOW).layers["limites"].frame
    assert limits["fuente"].map(bool).all()
    assert {"vigente_desde", "tipo", "reclamante", "ilustrativa"} <= set(limits.columns)


def test_about_states_crs_date_and_source(demo):
    zone = demo.scalar(select(DisputeZone).order_by(DisputeZone.id))
    data = export_data(demo, resolve_scope(demo, zone=zone.name), now=NOW)
    about = data.about()
    assert about["Contenido"] == f"Zona {zone.name}"
    assert "EPSG:4326" in about["Sistema de referencia"]
    assert about["Fecha de exportación"] == "2025-06-30 12:00 UTC"
    assert "Oaxaca de Juárez" in about["Fuente"]
    assert "ilustrativa" in about["Aviso"]  # the demo's geometry is illustrative


def test_related_names_outside_the_scope_are_not_listed(demo):
    case = demo.scalar(select(Case).order_by(Case.id))
    data = export_data(demo, Scope.case(case.id), now=NOW)
    allowed = {z.name for z in case.zones}
    for listed in data.layers["reuniones"].frame["zonas"]:
        assert {n for n in listed.split(", ") if n} <= allowed
    assert data.parties == sorted(p.name for p in case.parties)


def test_progress_is_reported_per_layer(demo):
    messages = []
    export_data(demo, Scope.everything(), progress=messages.append, now=NOW)
    assert len(messages) == len(LAYERS) and "registros" in messages[0]
