import datetime as dt

import geopandas as gpd
import pytest
from shapely import LineString, MultiPolygon, Polygon, box
from sqlalchemy import func, select

from boundaries.io import read_layer
from cases.errors import InvalidInputError
from cases.frames.importer import import_boundaries
from cases.storage.db import unit_of_work
from cases.storage.models import BoundaryKind, BoundaryVersion, Municipality

OAX_SJA = ["20067", "20157"]


def _count(session, model=BoundaryVersion):
    return session.scalar(select(func.count()).select_from(model))


def _import(session, frame, **options):
    """Import as a command does: one unit of work."""
    with unit_of_work(session):
        return import_boundaries(session, frame, **options)


def _frame(geometries, codes=("20001",), **columns):
    return gpd.GeoDataFrame(
        {"CVEGEO": list(codes), "NOMGEO": [f"M{c}" for c in codes], **columns},
        geometry=list(geometries),
        crs="EPSG:4326",
    )


@pytest.mark.slow
def test_import_all_570_municipalities_of_the_state_and_again_adds_nothing(session, inegi_path):
    frame = read_layer(inegi_path)
    summary = _import(session, frame, source="INEGI")
    assert (summary.read, summary.added, summary.municipalities_created) == (570, 570, 570)
    again = _import(session, frame, source="INEGI")
    assert (again.added, again.unchanged) == (0, 570)
    assert _count(session) == 570
    oax = session.scalars(select(Municipality).where(Municipality.cvegeo == "20067")).one()
    assert oax.name == "Oaxaca de Juárez" and oax.population == 270955
    assert 80e6 < oax.versions[0].area_m2 < 90e6


def test_only_kind_claimant_source_and_date(session, inegi_path):
    frame = read_layer(inegi_path)
    _import(session, frame, source="INEGI", only=OAX_SJA)
    summary = _import(
        session, frame, source="Reclamo de San Jacinto", only=["20157"],
        kind=BoundaryKind.CLAIM, claimant="20157", valid_from=dt.date(2025, 5, 14),
    )
    assert summary.added == 1
    claim = session.scalars(
        select(BoundaryVersion).where(BoundaryVersion.kind == BoundaryKind.CLAIM)
    ).one()
    assert claim.claimant.cvegeo == "20157"
    assert claim.source == "Reclamo de San Jacinto"
    assert claim.valid_from == dt.date(2025, 5, 14)
    assert session.scalar(select(func.count()).select_from(Municipality)) == 2


def test_reprojects_to_4326(session, inegi_path):
    frame = read_layer(inegi_path)
    frame = frame[frame.cvegeo.isin(OAX_SJA)].to_crs("EPSG:6372")
    _import(session, frame, source="x")
    bounds = session.scalars(select(BoundaryVersion)).first().geometry.bounds
    assert -97.5 < bounds[0] < -96 and 16 < bounds[1] < 18


def test_invalid_polygon_is_repaired_and_reported(session):
    bowtie = Polygon([(-96.7, 17.0), (-96.6, 17.1), (-96.6, 17.0), (-96.7, 17.1)])
    summary = _import(session, _frame([bowtie]), source="x")
    assert summary.added == 1
    assert len(summary.repairs) == 1 and "20001" in summary.repairs[0]
    version = session.scalars(select(BoundaryVersion)).one()
    assert version.geometry.is_valid and isinstance(version.geometry, MultiPolygon)
    assert "Self-intersection" in version.repair_note


@pytest.mark.parametrize(
    ("frame", "options", "message"),
    [
        (_frame([LineString([(0, 0), (1, 1)])]), {}, "líneas donde se esperan polígonos"),
        (_frame([box(0, 0, 1, 1)]), {"code_field": "CLAVE"}, "no tiene el campo «CLAVE»"),
        (_frame([box(0, 0, 1, 1)], codes=["abc"]), {}, "claves INEGI inválidas"),
        (_frame([box(0, 0, 1, 1)]), {"only": ["20999"]}, "20999 no están en la capa"),
        (_frame([box(0, 0, 1, 1)]), {"kind": BoundaryKind.CLAIM}, "--claimant"),
        (
            _frame([box(0, 0, 1, 1)]),
            {"kind": BoundaryKind.CLAIM, "claimant": "20999"},
            "no existe el municipio reclamante",
        ),
        (_frame([box(0, 0, 1, 1), box(1, 1, 2, 2)], codes=["20001", "20001"]), {}, "repetidas"),
        (_frame([box(0, 0, 1, 1)]).iloc[0:0], {}, "no tiene elementos"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(session, frame, options, message):
    _import(session, _frame([box(0, 0, 1, 1)], codes=["20002"]), source="antes")
    before = (_count(session), _count(session, Municipality))
    assert before == (1, 1)
    with pytest.raises(InvalidInputError, match=message):
        _import(session, frame, source="x", **options)
    assert (_count(session), _count(session, Municipality)) == before
