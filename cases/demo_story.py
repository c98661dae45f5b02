"""The unit's April–June 2025 report as records: institutions, indicators, cases, meetings.

Taken from ``shared/seed/informe_asuntos_metropolitanos_2025.md``; agreements restate the
purpose each meeting declared. Geometry lives in :mod:`cases.demo`.
"""

from __future__ import annotations

import datetime as dt

from cases.statuses import AgreementStatus, CaseStatus, InstitutionKind, MeetingKind

__all__ = ["PROGRAM", "PERIOD", "INSTITUTIONS", "INDICATORS", "CASES", "MEETINGS"]

PROGRAM = "08 - Gobierno Innovador y Tecnológico"
PERIOD = "2025 (abril–junio)"
OAX, SJA, SCX, SLC = "20067", "20157", "20385", "20390"

INSTITUTIONS = [
    ("Municipio de Oaxaca de Juárez", "Oaxaca de Juárez", InstitutionKind.MUNICIPALITY, OAX),
    ("Municipio de San Jacinto Amilpas", "San Jacinto Amilpas", InstitutionKind.MUNICIPALITY, SJA),
    ("Municipio de Santa Cruz Xoxocotlán", "Xoxocotlán", InstitutionKind.MUNICIPALITY, SCX),
    ("Municipio de Santa Lucía del Camino", "Santa Lucía del Camino",
     InstitutionKind.MUNICIPALITY, SLC),
    ("Unidad de Atención de Asuntos Metropolitanos", "UAAM", InstitutionKind.MUNICIPAL_AREA, OAX),
    ("Consejería Jurídica del Municipio de Oaxaca de Juárez", "Consejería Jurídica",
     InstitutionKind.MUNICIPAL_AREA, OAX),
    ("Alcaldía del Municipio de Oaxaca de Juárez", "Alcaldía", InstitutionKind.MUNICIPAL_AREA, OAX),
    ("Comisión de Límites del Gobierno del Estado", "Comisión de Límites",
     InstitutionKind.STATE, None),
    ("Secretaría Técnica del Gobierno del Estado", "Secretaría Técnica",
     InstitutionKind.STATE, None),
    ("Secretaría de Medio Ambiente, Biodiversidad, Energías y Sostenibilidad", "Medio Ambiente",
     InstitutionKind.STATE, None),
    ("Instituto de Planeación para el Bienestar", "Planeación para el Bienestar",
     InstitutionKind.STATE, None),
    ("Comisión Estatal del Agua", "CEA", InstitutionKind.STATE, None),
    ("Sistema Operador de los Servicios de Agua Potable y Alcantarillado", "SOAPA",
     InstitutionKind.STATE, None),
    ("Secretaría de Finanzas del Gobierno del Estado", "Finanzas", InstitutionKind.STATE, None),
    ("Secretaría de Gobierno del Estado", "Secretaría de Gobierno", InstitutionKind.STATE, None),
    ("Fiscalía General del Estado de Oaxaca", "Fiscalía", InstitutionKind.STATE, None),
    ("Corporaciones de seguridad estatales y municipales", "Corporaciones de seguridad",
     InstitutionKind.STATE, None),
    ("Autoridades federales de seguridad", "Autoridades federales", InstitutionKind.FEDERAL, None),
]

INDICATORS = [
    ("Componente", "12", "Porcentaje de estrategias de vinculación metropolitanas realizadas"),
    ("Actividad", "12.1", "Porcentaje de eventos metropolitanos realizados"),
    ("Actividad", "12.2", "Porcentaje de vinculaciones con municipios metropolitanos"),
]


CASES = [
    ("UAAM/LIM/001/2025", "Límites con San Jacinto Amilpas", CaseStatus.IN_PROGRESS,
     dt.date(2025, 5, 14),
     ["Fraccionamiento Los Sauces", "Colonia Ejidal", "Colonia Emiliano Zapata",
      "Rancho San Rafael"],
     ["Municipio de Oaxaca de Juárez", "Municipio de San Jacinto Amilpas"],
     "Reconocimiento jurídico de las zonas compartidas en el límite con San Jacinto Amilpas."),
    ("UAAM/LIM/002/2025", "Límites con Santa Cruz Xoxocotlán", CaseStatus.IN_PROGRESS,
     dt.date(2025, 5, 23), ["Límites con Santa Cruz Xoxocotlán"],
     ["Municipio de Oaxaca de Juárez", "Municipio de Santa Cruz Xoxocotlán",
      "Comisión de Límites del Gobierno del Estado"],
     "Determinación de los límites territoriales y jurisdiccionales con Santa Cruz Xoxocotlán."),
    ("UAAM/AMB/003/2025", "Saneamiento de los ríos Atoyac y Salado", CaseStatus.OPEN,
     dt.date(2025, 4, 8), ["Límites con Santa Cruz Xoxocotlán"],
     ["Municipio de Oaxaca de Juárez", "Comisión Estatal del Agua",
      "Sistema Operador de los Servicios de Agua Potable y Alcantarillado"],
     "Cumplimiento de la sentencia de amparo sobre el saneamiento de los ríos Atoyac y Salado."),
]

_STATE_WATER = [
    "Secretaría Técnica del Gobierno del Estado",
    "Secretaría de Medio Ambiente, Biodiversidad, Energías y Sostenibilidad",
    "Instituto de Planeación para el Bienestar",
    "Comisión Estatal del Agua",
    "Sistema Operador de los Servicios de Agua Potable y Alcantarillado",
    "Secretaría de Finanzas del Gobierno del Estado",
]
_SECURITY = [
    "Municipio de Oaxaca de Juárez",
    "Corporaciones de seguridad estatales y municipales",
    "Autoridades federales de seguridad",
]
_POST = "Publicación del Municipio de Oaxaca en redes sociales"
_ATOYAC_SJA = "Río Atoyac, tramo Oaxaca de Juárez – San Jacinto Amilpas"
_ATOYAC_SCX = "Río Atoyac, tramo Oaxaca de Juárez – Santa Cruz Xoxocotlán"

MEETINGS = [
    dict(
        date=dt.date(2025, 4, 8), kind=MeetingKind.WORKING, indicator="12",
        title="Saneamiento de los ríos Atoyac y Salado con dependencias del Estado",
        purpose="Coordinar acciones para dar cumplimiento a la sentencia de amparo relacionada "
        "con el saneamiento de los ríos Atoyac y Salado, con una estrategia integral de "
        "planeación territorial, sostenibilidad ambiental, infraestructura hídrica y "
        "viabilidad financiera.",
        institutions=["Municipio de Oaxaca de Juárez", *_STATE_WATER],
        zones=["Límites con Santa Cruz Xoxocotlán"], cases=["UAAM/AMB/003/2025"],
        sites=[_ATOYAC_SJA, _ATOYAC_SCX],
        agreements=[("Coordinar acciones para el cumplimiento de la sentencia de amparo sobre el "
                     "saneamiento de los ríos Atoyac y Salado.", "Comisión Estatal del Agua",
                     dt.date(2025, 12, 31), AgreementStatus.IN_PROGRESS)],
    ),
    dict(
        date=dt.date(2025, 5, 8), kind=MeetingKind.WORKING, indicator="12.2",
        title="Reunión con el Presidente Municipal de Santa Lucía del Camino",
        purpose="Trabajar de manera conjunta y coordinada en temas que atañen a ambos municipios.",
        institutions=["Municipio de Oaxaca de Juárez", "Municipio de Santa Lucía del Camino"],
        sites=["Palacio Municipal de Santa Lucía del Camino"],
        agreements=[("Integrar una agenda común de temas que atañen a ambos municipios.",
                     "Unidad de Atención de Asuntos Metropolitanos", dt.date(2025, 8, 29),
                     AgreementStatus.PENDING)],
    ),
    dict(
        date=dt.date(2025, 5, 9), kind=MeetingKind.SECURITY, indicator="12.1",
        title="Mesa de Seguridad de la Coordinación Metropolitana (9 de mayo)",
        purpose="Asegurar una ciudad con mayor vigilancia, presencia operativa y entornos más "
        "tranquilos; se reforzó el Mando Coordinado Metropolitano.",
        institutions=[*_SECURITY, "Secretaría de Gobierno del Estado",
                      "Fiscalía General del Estado de Oaxaca"],
        evidence=[f"{_POST}, 9 de mayo: «Oaxaca de Juárez da un paso firme hacia una ciudad "
                  "más segura»"],
    ),
    dict(
        date=dt.date(2025, 5, 12), kind=MeetingKind.WORKING, indicator="12",
        title="Gestión hídrica de los municipios conurbados con SOAPA",
        purpose="Fortalecer la coordinación en la gestión hídrica de los municipios conurbados.",
        institutions=["Municipio de Oaxaca de Juárez",
                      "Sistema Operador de los Servicios de Agua Potable y Alcantarillado",
                      "Municipio de Santa Lucía del Camino", "Municipio de Santa Cruz Xoxocotlán"],
        sites=[_ATOYAC_SCX],
        agreements=[("Fortalecer la coordinación en la gestión hídrica de los municipios "
                     "conurbados.", "Sistema Operador de los Servicios de Agua Potable y "
                     "Alcantarillado", dt.date(2025, 9, 30), AgreementStatus.PENDING)],
    ),
    dict(
        date=dt.date(2025, 5, 14), kind=MeetingKind.WORKING, indicator="12.2",
        title="Límites territoriales con el Presidente Municipal de San Jacinto Amilpas",
        purpose="Abordar los desafíos de los límites territoriales en el fraccionamiento Los "
        "Sauces y las colonias Ejidal y Emiliano Zapata, buscando acuerdos que reconozcan "
        "jurídicamente las zonas compartidas.",
        institutions=["Municipio de Oaxaca de Juárez", "Municipio de San Jacinto Amilpas"],
        zones=["Fraccionamiento Los Sauces", "Colonia Ejidal", "Colonia Emiliano Zapata"],
        cases=["UAAM/LIM/001/2025"], sites=["Palacio Municipal de San Jacinto Amilpas"],
        agreements=[("Establecer acuerdos que reconozcan jurídicamente las zonas compartidas "
                     "(Los Sauces, Ejidal, Emiliano Zapata).",
                     "Unidad de Atención de Asuntos Metropolitanos", dt.date(2025, 7, 31),
                     AgreementStatus.IN_PROGRESS)],
    ),
    dict(
        date=dt.date(2025, 5, 23), kind=MeetingKind.WORKING, indicator="12.2",
        title="Zonas limítrofes con el Municipio de Santa Cruz Xoxocotlán",
        purpose="Intercambiar necesidades, problemáticas y oportunidades de las zonas "
        "limítrofes; identificar puntos críticos para coordinar acciones conjuntas y evitar "
        "duplicidades o vacíos de atención.",
        institutions=["Municipio de Oaxaca de Juárez", "Municipio de Santa Cruz Xoxocotlán"],
        zones=["Límites con Santa Cruz Xoxocotlán"], cases=["UAAM/LIM/002/2025"],
        sites=["Palacio Municipal de Santa Cruz Xoxocotlán", _ATOYAC_SCX],
        agreements=[("Coordinar acciones conjuntas en los puntos críticos identificados para "
                     "evitar duplicidades o vacíos de atención.",
                     "Municipio de Santa Cruz Xoxocotlán", dt.date(2025, 8, 15),
                     AgreementStatus.PENDING)],
    ),
    dict(
        date=dt.date(2025, 5, 23), kind=MeetingKind.SECURITY, indicator="12.1",
        title="Mesa de Seguridad de la Coordinación Metropolitana (23 de mayo)",
        place="Palacio Municipal de Oaxaca de Juárez",
        venue="Palacio Municipal de Oaxaca de Juárez",
        purpose="Coordinación que garantiza una capital segura: vigilancia, presencia "
        "operativa y entornos más tranquilos.",
        institutions=_SECURITY,
        evidence=[f"{_POST}, 23 de mayo: «Coordinación que garantiza una capital segura»"],
    ),
    dict(
        date=dt.date(2025, 5, 27), kind=MeetingKind.WORKING, indicator="12",
        title="Límites con Santa Cruz Xoxocotlán ante la Comisión de Límites",
        purpose="Establecer y detallar los trabajos para determinar los límites territoriales "
        "y jurisdiccionales, con certeza para las autoridades y seguridad jurídica para la "
        "ciudadanía.",
        institutions=["Municipio de Oaxaca de Juárez", "Municipio de Santa Cruz Xoxocotlán",
                      "Comisión de Límites del Gobierno del Estado"],
        zones=["Límites con Santa Cruz Xoxocotlán"], cases=["UAAM/LIM/002/2025"],
        agreements=[("Detallar el programa de trabajos técnicos para determinar los límites "
                     "territoriales y jurisdiccionales.",
                     "Comisión de Límites del Gobierno del Estado", dt.date(2025, 7, 15),
                     AgreementStatus.IN_PROGRESS)],
    ),
    dict(
        date=dt.date(2025, 5, 30), kind=MeetingKind.SECURITY, indicator="12.1",
        title="Mesa de Seguridad de la Coordinación Metropolitana (30 de mayo)",
        purpose="Autoridades de los tres niveles de gobierno evaluaron y fortalecieron las "
        "estrategias de seguridad.",
        institutions=_SECURITY,
        evidence=[f"{_POST}, 30 de mayo: «Coordinación que protege a Oaxaca de Juárez»"],
    ),
    dict(
        date=dt.date(2025, 6, 12), kind=MeetingKind.COORDINATED_COMMAND, indicator="12.1",
        title="Sesión de Mando Coordinado con municipios conurbados",
        purpose="Fortalecer las estrategias de prevención y vigilancia en Oaxaca de Juárez, "
        "Santa Lucía del Camino y Santa Cruz Xoxocotlán.",
        institutions=["Municipio de Oaxaca de Juárez", "Municipio de Santa Lucía del Camino",
                      "Municipio de Santa Cruz Xoxocotlán",
                      "Corporaciones de seguridad estatales y municipales",
                      "Secretaría de Gobierno del Estado"],
        evidence=[f"{_POST}, 12 de junio: «Por una ciudad segura, limpia y ordenada»"],
    ),
    dict(
        date=dt.date(2025, 6, 23), kind=MeetingKind.WORKING, indicator="12",
        title="Habitantes del rancho San Rafael con San Jacinto Amilpas",
        purpose="Escuchar a habitantes del rancho San Rafael con el Municipio de San Jacinto "
        "Amilpas, la Consejería Jurídica, la Alcaldía y el Gobierno del Estado.",
        institutions=["Municipio de Oaxaca de Juárez", "Municipio de San Jacinto Amilpas",
                      "Consejería Jurídica del Municipio de Oaxaca de Juárez",
                      "Alcaldía del Municipio de Oaxaca de Juárez",
                      "Secretaría de Gobierno del Estado"],
        zones=["Rancho San Rafael"], cases=["UAAM/LIM/001/2025"], sites=["Rancho San Rafael"],
        agreements=[("Dar respuesta a las peticiones de los habitantes del rancho San Rafael.",
                     "Consejería Jurídica del Municipio de Oaxaca de Juárez",
                     dt.date(2025, 7, 31), AgreementStatus.PENDING)],
    ),
]
