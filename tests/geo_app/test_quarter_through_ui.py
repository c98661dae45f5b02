"""The Unidad's whole April–June 2025 quarter, entered through the app's forms alone.

From an empty database with only the INEGI frame imported (and the first administrator made on
the server, as the README says), the people, institutions, zones, indicators, meetings, the
joint inspection with its route and findings are typed into the pages' forms; the quarter's
report then carries every activity, date, indicator and signature of the seed report.
"""

import io
import json
import re

import pytest
from limites_testing import AppClient, demo_app
from limites_testing_field import gpx, photo
from seed_report import (
    ENTRY,
    SIGNER,
    SIGNER_POSITION,
    ZONES,
    dates_in,
    pdf_text,
    report_pdf,
    report_sheets,
    seed_indicators,
)
from sqlalchemy import func, select

from cases.storage.models import (
    DisputeZone,
    Finding,
    Indicator,
    Inspection,
    Institution,
    Meeting,
    Municipality,
    Person,
)

PROGRAM = "08 - Gobierno Innovador y Tecnológico"
PASSWORD = "contraseña-de-prueba-1"
# Across the Oaxaca de Juárez – San Jacinto Amilpas limit of the INEGI frame.
ROUTE = [(-96.7493, 17.0920), (-96.7520, 17.0900), (-96.7546, 17.0880), (-96.7573, 17.0860)]
# Small illustrative zones near that limit, drawn on the map as the users would.
ZONE_CENTRES = {
    "Fraccionamiento Los Sauces": (-96.7500, 17.0915),
    "Colonia Ejidal": (-96.7533, 17.0890),
    "Colonia Emiliano Zapata": (-96.7566, 17.0865),
    "Rancho San Rafael": (-96.7480, 17.0850),
    "Límites con Santa Cruz Xoxocotlán": (-96.735, 17.030),
}


def _square(lon, lat, half=0.0015):
    ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
            [lon - half, lat + half], [lon - half, lat - half]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _login(app, username):
    app.test_client_class = AppClient
    client = app.test_client()
    answer = client.post("/cuenta/entrar", data={"usuario": username, "contrasena": PASSWORD})
    assert answer.status_code == 302, answer.text
    return client


def _ids(app, model, column):
    with app.extensions["limites_sessions"]() as session:
        return {getattr(r, column): r.id for r in session.scalars(select(model))}


def _post(client, path, data, **kwargs):
    answer = client.post(path, data=data, **kwargs)
    assert answer.status_code == 302, (path, re.findall(
        r'invalid-feedback[^>]*>([^<]*)|role="alert"[^>]*>(.*?)</div>', answer.text))
    return answer


@pytest.fixture(scope="module")
def quarter_app(tmp_path_factory, inegi_path):
    directory = tmp_path_factory.mktemp("trimestre")
    app = demo_app(directory, demo=False)
    runner = app.test_cli_runner()
    for username, role, name in (("jefa", "administrador", "Titular de la Unidad"),
                                 ("ana", "editor", "Ana, de la Unidad")):
        result = runner.invoke(args=["user", "add", username, "--role", role, "--name", name,
                                     "--password-stdin"], input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
    result = runner.invoke(args=["import-boundaries", str(inegi_path), "--activate"])
    assert result.exit_code == 0, result.output
    return app


def test_the_whole_quarter_can_be_entered_through_the_forms(quarter_app, tmp_path):
    app = quarter_app
    admin, editor = _login(app, "jefa"), _login(app, "ana")
    municipalities = _ids(app, Municipality, "cvegeo")

    # Institutions and the people the report names.
    institutions = [
        ("Municipio de Oaxaca de Juárez", "Oaxaca de Juárez", "municipio", "20067"),
        ("Municipio de San Jacinto Amilpas", "San Jacinto Amilpas", "municipio", "20157"),
        ("Municipio de Santa Cruz Xoxocotlán", "Xoxocotlán", "municipio", "20385"),
        ("Municipio de Santa Lucía del Camino", "Santa Lucía", "municipio", "20390"),
        ("Comisión de Límites del Gobierno del Estado", "Comisión de Límites", "estatal", None),
        ("Gobierno del Estado de Oaxaca", "Gobierno del Estado", "estatal", None),
        ("Sistema Operador de los Servicios de Agua Potable (SOAPA)", "SOAPA", "estatal", None),
        ("Autoridades federales", "Federación", "federal", None),
    ]
    for name, short, kind, code in institutions:
        _post(editor, "/editar/institucion/nuevo", {
            "name": name, "short_name": short, "kind": kind,
            "municipality": str(municipalities[code]) if code else ""})
    institution = _ids(app, Institution, "name")
    oaxaca = institution["Municipio de Oaxaca de Juárez"]
    _post(editor, "/editar/persona/nuevo", {
        "name": SIGNER, "position": SIGNER_POSITION, "institution": str(oaxaca)})
    _post(editor, "/editar/persona/nuevo", {
        "name": "Ray Chagoya", "position": "Presidente Municipal de Oaxaca de Juárez",
        "institution": str(oaxaca)})
    person = _ids(app, Person, "name")

    # The indicators of 2025 and the official level the report states (the administrator).
    for seed in seed_indicators():
        _post(admin, "/indicadores/nuevo", {
            "programa": PROGRAM, "nivel": seed.level, "clave": seed.key, "nombre": seed.name,
            "anio": "2025", "unidad": "actividades"})
    _post(admin, "/indicadores/firmantes", {"persona": str(person[SIGNER]), "desde": "01/01/2025"})
    indicator = _ids(app, Indicator, "key")
    for seed in seed_indicators():
        _post(admin, f"/indicadores/{indicator[seed.key]}/nivel-oficial", {
            "trimestre": "2", "nivel": str(seed.reached_percent),
            "motivo": "Nivel alcanzado según el informe de avance abril–junio 2025"})

    # The disputed zones, drawn on the map.
    for name, (lon, lat) in ZONE_CENTRES.items():
        _post(editor, "/editar/zona/nuevo", {
            "name": name, "kind": "colonia", "status": "identificada",
            "geometry": _square(lon, lat)})
    zone = _ids(app, DisputeZone, "name")

    # The meetings of the quarter, each counted in its indicator.
    sja, scx = institution["Municipio de San Jacinto Amilpas"], \
        institution["Municipio de Santa Cruz Xoxocotlán"]
    slc, state = institution["Municipio de Santa Lucía del Camino"], \
        institution["Gobierno del Estado de Oaxaca"]
    meetings = [
        ("12", "08/04/2025", "reunion_trabajo", "Saneamiento de los ríos Atoyac y Salado",
         [oaxaca, state], []),
        ("12", "12/05/2025", "reunion_trabajo", "Gestión hídrica de los municipios conurbados",
         [oaxaca, slc, scx, institution["Sistema Operador de los Servicios de Agua Potable "
                                        "(SOAPA)"]], []),
        ("12", "27/05/2025", "reunion_trabajo", "Límites con Santa Cruz Xoxocotlán",
         [oaxaca, scx, institution["Comisión de Límites del Gobierno del Estado"]],
         ["Límites con Santa Cruz Xoxocotlán"]),
        ("12", "23/06/2025", "reunion_trabajo", "Habitantes del rancho San Rafael",
         [oaxaca, sja, state], ["Rancho San Rafael"]),
        ("12.1", "09/05/2025", "mesa_seguridad", "Mesa de Seguridad (9 de mayo)",
         [oaxaca, state], []),
        ("12.1", "23/05/2025", "mesa_seguridad", "Mesa de Seguridad (23 de mayo)",
         [oaxaca, institution["Autoridades federales"]], []),
        ("12.1", "30/05/2025", "mesa_seguridad", "Mesa de Seguridad (30 de mayo)",
         [oaxaca, state], []),
        ("12.1", "12/06/2025", "mando_coordinado", "Sesión de Mando Coordinado",
         [oaxaca, state, slc, scx], []),
        ("12.2", "08/05/2025", "reunion_trabajo", "Con el Presidente de Santa Lucía del Camino",
         [oaxaca, slc], []),
        ("12.2", "14/05/2025", "reunion_trabajo", "Límites territoriales con San Jacinto Amilpas",
         [oaxaca, sja], ["Fraccionamiento Los Sauces", "Colonia Ejidal",
                         "Colonia Emiliano Zapata"]),
        ("12.2", "23/05/2025", "reunion_trabajo", "Zonas limítrofes con Santa Cruz Xoxocotlán",
         [oaxaca, scx], ["Límites con Santa Cruz Xoxocotlán"]),
    ]
    for key, date, kind, title, parties, zones in meetings:
        presided = [str(person["Ray Chagoya"])] if kind == "mesa_seguridad" else []
        _post(editor, "/editar/reunion/nuevo", {
            "title": title, "date": date, "kind": kind, "purpose": title,
            "institutions": [str(i) for i in parties], "zones": [str(zone[z]) for z in zones],
            "presided": presided, "indicator": str(indicator[key])})

    # The joint inspection of 15 and 22 May: its GPX read by the preview, then saved.
    preview = editor.post("/editar/recorrido/ruta/vista-previa", data={
        "archivo": (io.BytesIO(gpx(ROUTE).encode()), "recorrido.gpx")},
        content_type="multipart/form-data")
    assert preview.status_code == 200, preview.text
    _post(editor, "/editar/recorrido/nuevo", {
        "title": "Recorridos conjuntos en el límite Oaxaca de Juárez – San Jacinto Amilpas",
        "started_on": "15/05/2025", "ended_on": "22/05/2025",
        "visit_dates": "15/05/2025, 22/05/2025",
        "purpose": "Identificar y atender problemáticas ambientales que afectan a ambas "
                   "demarcaciones.",
        "institutions": [str(oaxaca), str(sja)], "zones": [str(zone["Colonia Ejidal"])],
        "indicator": str(indicator["12.2"]),
        "route": json.dumps(preview.json["geometry"]),
        "route_points_read": str(preview.json["points_read"])})
    with app.extensions["limites_sessions"]() as session:
        inspection = session.scalars(select(Inspection)).one()
        walked = {name for part in inspection.route_split for name in part["names"]}
        assert {"Oaxaca de Juárez", "San Jacinto Amilpas"} <= walked, inspection.route_split
        inspection_id = inspection.id
    findings = [
        ("contaminacion_agua", "Puntos críticos de contaminación en cuerpos de agua.", ROUTE[0]),
        ("residuos_solidos", "Acumulación de residuos sólidos en áreas compartidas.", ROUTE[1]),
    ]
    for category, text, (lon, lat) in findings:
        _post(editor, "/editar/hallazgo/nuevo", {
            "inspection": str(inspection_id), "category": category, "description": text,
            "lon": str(lon), "lat": str(lat)}, content_type="multipart/form-data")
    _post(editor, "/editar/hallazgo/nuevo", {
        "inspection": str(inspection_id), "category": "relleno_escombro",
        "description": "Uso indebido de escombros por empresas privadas para rellenar áreas "
                       "aledañas al río Atoyac, con el fin de habilitar estacionamientos "
                       "informales.",
        "photos": [(io.BytesIO(photo("JPEG", place=ROUTE[2])), "escombro.jpg")]},
        content_type="multipart/form-data")
    with app.extensions["limites_sessions"]() as session:
        assert session.scalar(select(func.count()).select_from(Finding)) == 3
        assert session.scalar(select(func.count()).select_from(Meeting)) == len(meetings)

    # The report of the quarter: every activity of the seed, in its sheet, in date order.
    text = pdf_text(report_pdf(app.test_cli_runner(), tmp_path, "2025-T2"))
    sheets = report_sheets(text)
    seeds = seed_indicators()
    assert list(sheets) == [s.key for s in seeds]
    for seed in seeds:
        sheet = sheets[seed.key]
        assert re.search(rf"Nombre del indicador:\s+{re.escape(seed.name)}", sheet), seed.key
        reached = re.search(r"Nivel alcanzado:\s+([\d.]+) %", sheet)
        assert float(reached.group(1)) == seed.reached_percent, seed.key
        entries = [frozenset().union(*dates_in(lead)) for lead in ENTRY.findall(sheet)]
        assert frozenset().union(*entries) == seed.dates, seed.key
        if seed.items is not None:
            assert sorted(entries, key=min) == sorted(seed.items, key=min), seed.key
        assert SIGNER in sheet and "Autorizó:" in sheet
        # the level computed from what was typed, next to the official figure
        assert f"{len(entries)} actividades en el trimestre" in " ".join(sheet.split())
    flat = " ".join(text.split())
    assert all(name in flat for name in ZONES)
    assert "escombros" in " ".join(sheets["12.2"].split())
