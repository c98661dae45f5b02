"""The unit's April–June 2025 report as records: institutions, people, indicators, meetings.

Taken from ``shared/seed/informe_asuntos_metropolitanos_2025.md`` and no further: purposes,
summaries and participants quote the report; where it is silent (agreements, venues, goals)
the demo records nothing. Case numbers are the app's own, given in date order and flagged
illustrative. ``tests/cases/test_seed_fidelity.py`` reads the report and checks every date,
body and indicator level below against it. Geometry lives in :mod:`cases.demo.dataset`.
"""

from __future__ import annotations

import datetime as dt

from cases.storage.statuses import CaseStatus, InstitutionKind, MeetingKind, ParticipantRole

__all__ = [
    "PROGRAM",
    "PERIOD",
    "OWN_BODIES",
    "INSTITUTIONS",
    "PEOPLE",
    "AUTHORIZED_BY",
    "INDICATORS",
    "ANNUAL_GOAL",
    "CASES",
    "MEETINGS",
]

PROGRAM = "08 - Gobierno Innovador y Tecnológico"
PERIOD = "2025 (abril–junio)"
OAX, SJA, SCX, SLC = "20067", "20157", "20385", "20390"

_OAX = "Municipio de Oaxaca de Juárez"
_UNIT = "Unidad de Atención de Asuntos Metropolitanos"
_SJA = "Municipio de San Jacinto Amilpas"
_SCX = "Municipio de Santa Cruz Xoxocotlán"
_SLC = "Municipio de Santa Lucía del Camino"
_STATE = "Gobierno del Estado de Oaxaca"
_SOAPA = "Sistema Operador de los Servicios de Agua Potable"
_COMMISSION = "Comisión de Límites del Gobierno del Estado"
_FEDERAL = "Autoridades federales"
_FORCES = "Corporaciones de seguridad"

# The report is the Unidad's own: every activity is the municipality's even where the text
# names only the other party.
OWN_BODIES = (_OAX, _UNIT)

INSTITUTIONS = [
    (_OAX, "Oaxaca de Juárez", InstitutionKind.MUNICIPALITY, OAX),
    (_SJA, "San Jacinto Amilpas", InstitutionKind.MUNICIPALITY, SJA),
    (_SCX, "Santa Cruz Xoxocotlán", InstitutionKind.MUNICIPALITY, SCX),
    (_SLC, "Santa Lucía del Camino", InstitutionKind.MUNICIPALITY, SLC),
    (_UNIT, "UAAM", InstitutionKind.MUNICIPAL_AREA, OAX),
    ("Consejería Jurídica del Municipio de Oaxaca de Juárez", "Consejería Jurídica",
     InstitutionKind.MUNICIPAL_AREA, OAX),
    ("Alcaldía del Municipio de Oaxaca de Juárez", "Alcaldía", InstitutionKind.MUNICIPAL_AREA, OAX),
    (_STATE, "Gobierno del Estado", InstitutionKind.STATE, None),
    (_COMMISSION, "Comisión de Límites", InstitutionKind.STATE, None),
    ("Secretaría de Medio Ambiente, Biodiversidad, Energías y Sostenibilidad", "Medio Ambiente",
     InstitutionKind.STATE, None),
    ("Instituto de Planeación para el Bienestar", "Planeación para el Bienestar",
     InstitutionKind.STATE, None),
    ("Comisión Estatal del Agua", "CEA", InstitutionKind.STATE, None),
    (_SOAPA, "SOAPA", InstitutionKind.STATE, None),
    ("Secretaría de Finanzas del Gobierno del Estado", "Secretaría de Finanzas",
     InstitutionKind.STATE, None),
    ("Secretaría de Gobierno del Estado de Oaxaca", "Secretaría de Gobierno",
     InstitutionKind.STATE, None),
    ("Fiscalía General del Estado de Oaxaca", "Fiscalía General", InstitutionKind.STATE, None),
    (_FORCES, "Corporaciones de seguridad", InstitutionKind.OTHER, None),
    (_FEDERAL, "Autoridades federales", InstitutionKind.FEDERAL, None),
]

# People the report names, by name or only by position: (key, name, position, institution).
PEOPLE = [
    ("chagoya", "Ray Chagoya", "Presidente Municipal de Oaxaca de Juárez", _OAX),
    ("romero", "Jesús Romero López", "Secretario de Gobierno",
     "Secretaría de Gobierno del Estado de Oaxaca"),
    ("fiscal", None, "Fiscal General del Estado", "Fiscalía General del Estado de Oaxaca"),
    ("jara", "Sara Mariana Jara Carrasco",
     "Titular de la Unidad de Atención de Asuntos Metropolitanos", _UNIT),
    ("pm_slc", None, "Presidente Municipal de Santa Lucía del Camino", _SLC),
    ("pm_sja", None, "Presidente Municipal de San Jacinto Amilpas", _SJA),
    ("tecnico", None, "Secretario Técnico", _STATE),
]
AUTHORIZED_BY = "jara"
"""Who signed "Autorizó" under every indicator of the report."""

INDICATORS = [
    ("Componente", "12", "Porcentaje de estrategias de vinculación metropolitanas realizadas",
     "estrategias", 20.0),
    ("Actividad", "12.1", "Porcentaje de eventos metropolitanos realizados", "eventos", 20.0),
    ("Actividad", "12.2", "Porcentaje de vinculaciones con municipios metropolitanos",
     "vinculaciones", 20.0),
]
"""Level, key, name, what it counts (the name's own word) and the level the report states.

The report states a reached level (20 %) but no goal. It reads as the MIR's year-to-date
rule: 4 activities of each indicator from January to June, of 20 programmed in the year, so
the demo records an annual goal of 20 and that rule, and the level is computed, not typed.
"""
ANNUAL_GOAL = 20.0
"""The annual goal that makes the report's 20 % the count so far in the year ÷ the goal."""

# The app's own case files, numbered in the order they were opened; the report has none.
CASES = [
    ("UAAM/AMB/001/2025", "Saneamiento de los ríos Atoyac y Salado", CaseStatus.OPEN,
     dt.date(2025, 4, 8), [],
     [_OAX, _STATE, "Comisión Estatal del Agua", _SOAPA],
     "Dar cumplimiento a la sentencia de amparo relacionada con el saneamiento de los ríos "
     "Atoyac y Salado."),
    ("UAAM/LIM/002/2025", "Límites con San Jacinto Amilpas", CaseStatus.IN_PROGRESS,
     dt.date(2025, 5, 14),
     ["Fraccionamiento Los Sauces", "Colonia Ejidal", "Colonia Emiliano Zapata",
      "Rancho San Rafael"],
     [_OAX, _SJA],
     "Establecer acuerdos que reconozcan jurídicamente las zonas compartidas."),
    ("UAAM/LIM/003/2025", "Límites con Santa Cruz Xoxocotlán", CaseStatus.IN_PROGRESS,
     dt.date(2025, 5, 23), ["Límites con Santa Cruz Xoxocotlán"],
     [_OAX, _SCX, _COMMISSION],
     "Determinar los límites territoriales y jurisdiccionales de los municipios."),
]

_POST = "Publicación del Municipio de Oaxaca en redes sociales"
_SAFER = ("Asegurar una ciudad con mayor vigilancia, presencia operativa y entornos más "
          "tranquilos para las vecinas y vecinos.")

MEETINGS = [
    dict(
        date=dt.date(2025, 4, 8), kind=MeetingKind.WORKING, indicator="12",
        title="Saneamiento de los ríos Atoyac y Salado con dependencias del Estado",
        purpose="Dar cumplimiento a la sentencia de amparo relacionada con el saneamiento de "
        "los ríos Atoyac y Salado, buscando una estrategia integral que contemple la "
        "planeación territorial, la sostenibilidad ambiental, la mejora de la infraestructura "
        "hídrica y la viabilidad financiera.",
        participants="El Secretario Técnico, la Secretaria de Medio Ambiente, Biodiversidad, "
        "Energías y Sostenibilidad; la titular del Instituto de Planeación para el Bienestar; "
        "los titulares de la Comisión Estatal del Agua y del Sistema Operador de los "
        "Servicios de Agua Potable; y, representantes de la Secretaría de Finanzas; todos del "
        "Gobierno del Estado",
        institutions=[_OAX, _STATE,
                      "Secretaría de Medio Ambiente, Biodiversidad, Energías y Sostenibilidad",
                      "Instituto de Planeación para el Bienestar", "Comisión Estatal del Agua",
                      _SOAPA, "Secretaría de Finanzas del Gobierno del Estado"],
        people=[("tecnico", ParticipantRole.PARTICIPATED)],
        cases=["UAAM/AMB/001/2025"],
    ),
    dict(
        date=dt.date(2025, 5, 8), kind=MeetingKind.WORKING, indicator="12.2",
        title="Reunión con el Presidente Municipal de Santa Lucía del Camino",
        purpose="Trabajar en manera conjunta y coordinada en temas que atañen a ambos "
        "municipios.",
        participants="El Presidente Municipal de Santa Lucía del Camino",
        institutions=[_OAX, _SLC],
        people=[("pm_slc", ParticipantRole.PARTICIPATED)],
    ),
    dict(
        date=dt.date(2025, 5, 9), kind=MeetingKind.SECURITY, indicator="12.1",
        title="Mesa de Seguridad de la Coordinación Metropolitana (9 de mayo)",
        purpose=_SAFER,
        summary="Se reforzó el Mando Coordinado Metropolitano, en coordinación con todas las "
        "corporaciones de seguridad municipales y estatales.",
        participants="Autoridades federales, estatales y municipales",
        institutions=[_OAX, _FEDERAL, _FORCES, "Secretaría de Gobierno del Estado de Oaxaca",
                      "Fiscalía General del Estado de Oaxaca"],
        people=[("chagoya", ParticipantRole.PRESENT),
                ("romero", ParticipantRole.PARTICIPATED),
                ("fiscal", ParticipantRole.PARTICIPATED)],
        evidence=[f"{_POST}, 9 de mayo: «Oaxaca de Juárez da un paso firme hacia una ciudad "
                  "más segura.»"],
    ),
    dict(
        date=dt.date(2025, 5, 12), kind=MeetingKind.WORKING, indicator="12",
        title="Gestión hídrica de los municipios conurbados con SOAPA",
        purpose="Fortalecer la coordinación en la gestión hídrica de los municipios "
        "conurbados.",
        participants="El Sistema Operador de los Servicios de Agua Potable (SOAPA), así como "
        "con los Municipios de Santa Lucía del Camino y Santa Cruz Xoxocotlán",
        institutions=[_OAX, _SOAPA, _SLC, _SCX],
    ),
    dict(
        date=dt.date(2025, 5, 14), kind=MeetingKind.WORKING, indicator="12.2",
        title="Límites territoriales con el Presidente Municipal de San Jacinto Amilpas",
        purpose="Establecer acuerdos que reconozcan jurídicamente las zonas compartidas, lo "
        "que facilitaría la planeación urbana, la inversión económica y la prestación "
        "eficiente de servicios públicos.",
        summary="Se abordaron los desafíos relacionados con los límites territoriales, "
        "especialmente en zonas como el fraccionamiento Los Sauces y las colonias Ejidal y "
        "Emiliano Zapata.",
        participants="El Presidente Municipal de San Jacinto Amilpas",
        institutions=[_OAX, _SJA],
        people=[("pm_sja", ParticipantRole.PARTICIPATED)],
        zones=["Fraccionamiento Los Sauces", "Colonia Ejidal", "Colonia Emiliano Zapata"],
        cases=["UAAM/LIM/002/2025"],
    ),
    dict(
        date=dt.date(2025, 5, 23), kind=MeetingKind.WORKING, indicator="12.2",
        title="Zonas limítrofes con el Municipio de Santa Cruz Xoxocotlán",
        purpose="Intercambiar de manera directa y colaborativa las necesidades, problemáticas "
        "y oportunidades existentes en las zonas limítrofes.",
        summary="Se identificaron puntos críticos para coordinar acciones conjuntas, evitar "
        "duplicidades o vacíos de atención, y generar acuerdos que beneficien a las "
        "comunidades colindantes.",
        participants="El Municipio de Santa Cruz Xoxocotlán",
        institutions=[_OAX, _SCX],
        zones=["Límites con Santa Cruz Xoxocotlán"], cases=["UAAM/LIM/003/2025"],
    ),
    dict(
        date=dt.date(2025, 5, 23), kind=MeetingKind.SECURITY, indicator="12.1",
        title="Mesa de Seguridad de la Coordinación Metropolitana (23 de mayo)",
        place="Palacio Municipal", venue="Palacio Municipal de Oaxaca de Juárez",
        purpose=_SAFER,
        participants="Autoridades federales, estatales y municipales",
        institutions=[_OAX, _FEDERAL],
        people=[("chagoya", ParticipantRole.PRESIDED)],
        evidence=[f"{_POST}, 23 de mayo: «Coordinación que garantiza una capital segura»"],
    ),
    dict(
        date=dt.date(2025, 5, 27), kind=MeetingKind.WORKING, indicator="12",
        title="Límites con Santa Cruz Xoxocotlán ante la Comisión de Límites",
        purpose="Establecer y detallar los trabajos para determinar los límites territoriales "
        "y jurisdiccionales de los municipios y así poder generar condiciones de certeza para "
        "las autoridades y seguridad jurídica para la ciudadanía.",
        participants="El Municipio de Santa Cruz Xoxocotlán y la Comisión de Límites del "
        "Gobierno del Estado",
        institutions=[_OAX, _SCX, _COMMISSION],
        zones=["Límites con Santa Cruz Xoxocotlán"], cases=["UAAM/LIM/003/2025"],
    ),
    dict(
        date=dt.date(2025, 5, 30), kind=MeetingKind.SECURITY, indicator="12.1",
        title="Mesa de Seguridad de la Coordinación Metropolitana (30 de mayo)",
        purpose=_SAFER,
        summary="Autoridades de los tres niveles de gobierno evaluaron y fortalecieron las "
        "estrategias de seguridad en nuestra ciudad.",
        participants="Autoridades de los tres niveles de gobierno",
        institutions=[_OAX, _FEDERAL],
        people=[("chagoya", ParticipantRole.PRESIDED)],
        evidence=[f"{_POST}, 30 de mayo: «Coordinación que protege a Oaxaca de Juárez»"],
    ),
    dict(
        date=dt.date(2025, 6, 12), kind=MeetingKind.COORDINATED_COMMAND, indicator="12.1",
        title="Sesión de Mando Coordinado con municipios conurbados",
        purpose="Fortalecer las estrategias de prevención y vigilancia.",
        participants="Representantes del Gobierno del Estado de Oaxaca, corporaciones de "
        "seguridad y Municipios conurbados (Oaxaca de Juárez, Santa Lucía del Camino y Santa "
        "Cruz Xoxocotlán)",
        institutions=[_OAX, _STATE, _FORCES, _SLC, _SCX],
        people=[("chagoya", ParticipantRole.PARTICIPATED)],
        evidence=[f"{_POST}, 12 de junio: «Por una ciudad segura, limpia y ordenada.»"],
    ),
    dict(
        date=dt.date(2025, 6, 23), kind=MeetingKind.WORKING, indicator="12",
        title="Habitantes del rancho San Rafael con San Jacinto Amilpas",
        purpose="Escuchar a habitantes del rancho San Rafael.",
        participants="El Municipio de San Jacinto Amilpas, áreas del Municipio de Oaxaca de "
        "Juárez (Consejería jurídica y alcaldía) y representantes del Gobierno del Estado",
        institutions=[_OAX, _SJA, "Consejería Jurídica del Municipio de Oaxaca de Juárez",
                      "Alcaldía del Municipio de Oaxaca de Juárez", _STATE],
        zones=["Rancho San Rafael"], cases=["UAAM/LIM/002/2025"],
    ),
]
