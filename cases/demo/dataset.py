"""The demo dataset: the unit's April–June 2025 report, told as records.

The report's records (meetings, security tables, Mando Coordinado session, cases,
indicators, people) live in :mod:`cases.demo.story`; this module adds the geometry (limits,
zones, the one venue the report names, the Atoyac, the inspection of 15 and 22 May with its
findings) and loads it all.

All geometry below is ILLUSTRATIVE, authored for this project: shapes drawn roughly where the
places are, never cut from official data. Every geometric record is flagged ``illustrative``
and the app says so on screen.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import geopandas as gpd
from shapely import LineString, MultiLineString, MultiPolygon, Point, Polygon
from sqlalchemy import select
from sqlalchemy.orm import Session

from boundaries.crs import STORAGE_CRS
from cases.access.accounts import create_demo_accounts
from cases.demo.story import (
    ANNUAL_GOAL,
    AUTHORIZED_BY,
    CASES,
    INDICATORS,
    INSTITUTIONS,
    MEETINGS,
    PEOPLE,
    PERIOD,
    PROGRAM,
)
from cases.frames.derived import add_finding, set_route
from cases.frames.importer import add_boundaries
from cases.frames.in_force import DEMO_FRAME, activate_frame, frame_in_force
from cases.frames.stored_layers import RIVER_NAME
from cases.storage.models import (
    BoundaryKind,
    Case,
    DisputeZone,
    Evidence,
    FindingCategory,
    Indicator,
    IndicatorRule,
    IndicatorSigner,
    Inspection,
    InspectionParticipant,
    Institution,
    Meeting,
    MeetingParticipant,
    Municipality,
    Person,
    Site,
    Watercourse,
    ZoneKind,
    ZoneStatus,
)

__all__ = ["DEMO_SOURCE", "load_demo", "demo_boundaries"]

log = logging.getLogger(__name__)

DEMO_SOURCE = "Geometría ilustrativa de demostración (Límites) — no es un límite oficial"

OAX, SJA, SCX, SLC = "20067", "20157", "20385", "20390"

# Shared vertices of the illustrative coverage (lon, lat).
_A, _B, _C = (-96.780, 17.110), (-96.735, 17.112), (-96.722, 17.100)
_D1, _D, _D2 = (-96.728, 17.093), (-96.735, 17.085), (-96.742, 17.078)
_E, _F = (-96.752, 17.068), (-96.780, 17.078)
_R1, _R2, _R3, _G = (-96.740, 17.055), (-96.728, 17.043), (-96.712, 17.033), (-96.695, 17.027)
_H, _I, _J = (-96.700, 17.108), (-96.690, 17.080), (-96.685, 17.045)

_ATOYAC = [
    (-96.795, 17.100), (-96.775, 17.083), (-96.762, 17.074), _E, _R1, _R2, _R3, _G,
    (-96.675, 17.018), (-96.655, 17.010),
]

_OFFICIAL = {
    OAX: ("Oaxaca de Juárez", 270955, [_C, _H, _I, _J, _G, _R3, _R2, _R1, _E, _D2, _D, _D1]),
    SJA: ("San Jacinto Amilpas", 16827, [_A, _B, _C, _D1, _D, _D2, _E, _F]),
    SCX: (
        "Santa Cruz Xoxocotlán",
        100402,
        [_F, _E, _R1, _R2, _R3, _G, (-96.690, 16.995), (-96.775, 16.992), (-96.792, 17.045)],
    ),
    SLC: ("Santa Lucía del Camino", 50362, [_H, (-96.665, 17.110), (-96.658, 17.042), _J, _I]),
}

# Each party's claim: the official ring with its disputed stretch replaced.
_CLAIMS = {
    (OAX, OAX): [_C, _H, _I, _J, _G, _R3, _R2, _R1, _E,
                 (-96.7455, 17.0795), (-96.7385, 17.0870), (-96.7315, 17.0950)],
    (SJA, SJA): [_A, _B, _C, (-96.7255, 17.0915), (-96.7325, 17.0830), (-96.7395, 17.0760),
                 _E, _F],
    (SCX, SCX): [_F, _E, _R1, (-96.729, 17.039), (-96.713, 17.029), _G,
                 (-96.690, 16.995), (-96.775, 16.992), (-96.792, 17.045)],
}


def demo_boundaries(kind: BoundaryKind) -> gpd.GeoDataFrame:
    """Return the illustrative official frame or claims as an EPSG:4326 GeoDataFrame."""
    if kind is BoundaryKind.OFFICIAL:
        rows = [(code, name, pop, ring, None) for code, (name, pop, ring) in _OFFICIAL.items()]
    else:
        rows = [
            (code, _OFFICIAL[code][0], _OFFICIAL[code][1], ring, claimant)
            for (code, claimant), ring in _CLAIMS.items()
        ]
    return gpd.GeoDataFrame(
        {
            "cvegeo": [r[0] for r in rows],
            "nom_agem": [r[1] for r in rows],
            "pob": [r[2] for r in rows],
            "claimant": [r[4] for r in rows],
        },
        geometry=[MultiPolygon([Polygon(r[3])]) for r in rows],
        crs=STORAGE_CRS,
    )


def _ring(*points: tuple[float, float]) -> MultiPolygon:
    return MultiPolygon([Polygon(points)])


ZONES = [
    ("Fraccionamiento Los Sauces", ZoneKind.FRACCIONAMIENTO, ZoneStatus.NEGOTIATING, [OAX, SJA],
     "Zona compartida en el límite con San Jacinto Amilpas; se buscan acuerdos que la "
     "reconozcan jurídicamente.",
     _ring((-96.7405, 17.0835), (-96.7345, 17.0805), (-96.7295, 17.0860), (-96.7355, 17.0900))),
    ("Colonia Ejidal", ZoneKind.COLONIA, ZoneStatus.NEGOTIATING, [OAX, SJA],
     "Colonia en el límite con San Jacinto Amilpas, tratada en la reunión del 14 de mayo.",
     _ring((-96.7480, 17.0745), (-96.7420, 17.0720), (-96.7375, 17.0775), (-96.7435, 17.0815))),
    ("Colonia Emiliano Zapata", ZoneKind.COLONIA, ZoneStatus.NEGOTIATING, [OAX, SJA],
     "Colonia en el límite con San Jacinto Amilpas, tratada en la reunión del 14 de mayo.",
     _ring((-96.7335, 17.0905), (-96.7270, 17.0890), (-96.7235, 17.0955), (-96.7300, 17.0980))),
    ("Rancho San Rafael", ZoneKind.RANCHO, ZoneStatus.IDENTIFIED, [OAX, SJA],
     "Se escuchó a sus habitantes en la reunión del 23 de junio con San Jacinto Amilpas.",
     _ring((-96.7280, 17.1005), (-96.7205, 17.0975), (-96.7165, 17.1030), (-96.7240, 17.1065))),
    ("Límites con Santa Cruz Xoxocotlán", ZoneKind.LIMITE, ZoneStatus.AT_COMMISSION, [OAX, SCX],
     "Zonas limítrofes con Santa Cruz Xoxocotlán, tratadas el 23 de mayo; el 27 de mayo se "
     "detallaron con la Comisión de Límites los trabajos para determinar los límites "
     "territoriales y jurisdiccionales.",
     _ring((-96.745, 17.058), (-96.731, 17.047), (-96.714, 17.037), (-96.695, 17.031),
           (-96.694, 17.022), (-96.712, 17.028), (-96.727, 17.038), (-96.739, 17.051))),
]

# Only the places the report names: the 23 May table met "en el Palacio Municipal".
SITES = [
    ("Palacio Municipal de Oaxaca de Juárez", (-96.7256, 17.0624)),
]

_LIMIT_SJA = [(-96.7515, 17.0683), (-96.7418, 17.0783), (-96.7348, 17.0853),
              (-96.7278, 17.0932), (-96.7224, 17.0996)]

# "Los días 15 y 22 de mayo": one activity of the report on two days, with its findings
# listed for both days together, so one inspection and no day assigned to any finding.
INSPECTIONS = [
    dict(
        visit_dates=[dt.date(2025, 5, 15), dt.date(2025, 5, 22)],
        title="Recorridos conjuntos en el límite Oaxaca de Juárez – San Jacinto Amilpas",
        summary="Recorridos en los límites del Municipio de Oaxaca de Juárez y San Jacinto "
        "Amilpas, en sus zonas limítrofes con la finalidad de identificar y atender "
        "problemáticas ambientales que afectan a ambas demarcaciones.",
        institutions=["Municipio de Oaxaca de Juárez", "Municipio de San Jacinto Amilpas"],
        case="UAAM/LIM/002/2025",
        route=MultiLineString([_LIMIT_SJA]),
        findings=[
            (FindingCategory.WATER_POLLUTION, (-96.7525, 17.0690),
             "Puntos críticos de contaminación en cuerpos de agua."),
            (FindingCategory.SOLID_WASTE, (-96.7352, 17.0858),
             "Acumulación de residuos sólidos en áreas compartidas."),
            (FindingCategory.RUBBLE_FILL, (-96.7512, 17.0690),
             "Uso indebido de escombros por empresas privadas para rellenar áreas aledañas "
             "al río Atoyac, con el fin de habilitar estacionamientos informales."),
        ],
    ),
]


def _get_or_create(session: Session, model, lookup: dict, **values):
    """Return the row of ``model`` matching ``lookup``, creating it with ``values`` if absent."""
    row = session.scalar(select(model).filter_by(**lookup))
    if row is None:
        row = model(**lookup, **values)
        session.add(row)
    return row, row in session.new


def load_demo(session: Session, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Load the demo dataset (caller's transaction); loading twice adds nothing.

    Returns
    -------
    dict
        How many records of each kind were created by this call.
    """
    report = progress or (lambda message: None)
    created: dict[str, int] = {}

    def count(name: str, was_created: bool) -> None:
        created[name] = created.get(name, 0) + int(was_created)

    report("Cargando límites ilustrativos…")
    official = add_boundaries_frame(session, demo_boundaries(BoundaryKind.OFFICIAL), None)
    created["límites"] = official
    claims = demo_boundaries(BoundaryKind.CLAIM)
    for claimant, group in claims.groupby("claimant"):
        created["límites"] += add_boundaries_frame(session, group, str(claimant))
    session.flush()
    if frame_in_force(session) is None:  # never displaces a frame the unit put in force
        activate_frame(session, DEMO_FRAME)
    municipalities = {
        m.cvegeo: m for m in session.scalars(select(Municipality))
    }
    report("Cargando instituciones, indicadores y zonas…")
    institutions = {}
    for name, short, kind, code in INSTITUTIONS:
        row, new = _get_or_create(
            session, Institution, {"name": name}, short_name=short, kind=kind,
            municipality=municipalities.get(code) if code else None,
        )
        institutions[name] = row
        count("instituciones", new)
    people = {}
    for key, name, position, institution in PEOPLE:
        row, new = _get_or_create(
            session, Person, {"name": name, "position": position},
            institution=institutions[institution],
        )
        people[key] = row
        count("personas", new)
    indicators = {}
    signer = people[AUTHORIZED_BY]
    for level, key, name, unit, _reached in INDICATORS:
        row, new = _get_or_create(
            session, Indicator, {"program": PROGRAM, "key": key, "period": PERIOD},
            level=level, name=name, unit=unit, annual_goal=ANNUAL_GOAL,
            rule=IndicatorRule.YEAR_TO_DATE,
        )
        indicators[key] = row
        count("indicadores", new)
    # Who signed the report, as the unit's signer from the start of its year.
    _, new = _get_or_create(
        session, IndicatorSigner, {"indicator_id": None, "person_id": signer.id},
        valid_from=dt.date(2025, 1, 1),
    )
    count("firmantes", new)
    zones = {}
    for name, kind, status, codes, description, geometry in ZONES:
        row, new = _get_or_create(
            session, DisputeZone, {"name": name}, kind=kind, status=status,
            description=description, geometry=geometry, illustrative=True,
            municipalities=[municipalities[c] for c in codes],
        )
        zones[name] = row
        count("zonas", new)
    sites = {}
    for name, (lon, lat) in SITES:
        row, new = _get_or_create(
            session, Site, {"name": name}, geometry=Point(lon, lat), illustrative=True
        )
        sites[name] = row
        count("sitios", new)
    _, new = _get_or_create(
        session, Watercourse, {"name": RIVER_NAME},
        geometry=LineString(_ATOYAC), illustrative=True,
    )
    count("ríos", new)
    cases = {}
    for number, title, status, opened, zone_names, parties, description in CASES:
        row, new = _get_or_create(
            session, Case, {"number": number}, title=title, status=status,
            opened_on=opened, description=description, illustrative=True,
            zones=[zones[z] for z in zone_names],
            parties=[institutions[p] for p in parties],
        )
        cases[number] = row
        count("expedientes", new)
    report("Cargando reuniones y recorridos…")
    for spec in MEETINGS:
        _, new = _get_or_create(
            session, Meeting,
            {"date": spec["date"], "kind": spec["kind"], "title": spec["title"]},
            place=spec.get("place", ""),
            venue=sites.get(spec.get("venue", "")),
            purpose=spec["purpose"],
            summary=spec.get("summary", ""),
            participants=spec["participants"],
            indicator=indicators[spec["indicator"]],
            institutions=[institutions[i] for i in spec["institutions"]],
            zones=[zones[z] for z in spec.get("zones", [])],
            cases=[cases[c] for c in spec.get("cases", [])],
            sites=[sites[s] for s in spec.get("sites", [])],
            evidence=[Evidence(label=label) for label in spec.get("evidence", [])],
            people=[MeetingParticipant(person=people[key], role=role)
                    for key, role in spec.get("people", [])],
        )
        count("reuniones", new)
    for spec in INSPECTIONS:
        days = spec["visit_dates"]
        inspection, new = _get_or_create(
            session, Inspection, {"started_on": days[0], "title": spec["title"]},
            ended_on=days[-1], visit_dates=[day.isoformat() for day in days],
            purpose=spec["summary"], illustrative=True, cases=[cases[spec["case"]]],
            indicator=indicators["12.2"],
            institutions=[institutions[name] for name in spec["institutions"]],
            people=[InspectionParticipant(person=people[key], role=role)
                    for key, role in spec.get("people", [])],
        )
        count("recorridos", new)
        if not new:
            continue
        set_route(session, inspection, spec["route"])
        for category, (lon, lat), description in spec["findings"]:
            add_finding(session, inspection, category, Point(lon, lat), description,
                        illustrative=True)
    created["cuentas de demostración"] = create_demo_accounts(session)
    log.info("demo loaded: %s", created)
    return created


def add_boundaries_frame(session: Session, frame: gpd.GeoDataFrame, claimant: str | None) -> int:
    """Add one illustrative boundary layer; return how many versions were new."""
    summary = add_boundaries(
        session,
        frame.drop(columns="claimant"),
        source=DEMO_SOURCE,
        kind=BoundaryKind.CLAIM if claimant else BoundaryKind.OFFICIAL,
        claimant=claimant,
        legal_reference="Demostración: sin valor legal",
        valid_from=dt.date(2025, 4, 1),
        illustrative=True,
        frame_name=DEMO_FRAME,
    )
    return summary.added
