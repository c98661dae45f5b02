"""Two quarters of our own invention, entered through the forms alone, each report right.

Not the seed's quarter: another year, other people and goals, a new head who signs from the
second quarter on, a component defined as the sum of its activities, one activity indicator
programmed per quarter and another against its annual goal, an inspection of two zones with
its place, times and agreements, and a river imported with ``limites import-lines``. From an
empty database with only the INEGI frame (and the accounts made on the server), everything is
typed into the pages' forms. The first quarter's report text is generated before the second
quarter is entered and again after: not a byte changes.
"""

import io
import json
import re

import pytest
from limites_testing import AppClient, demo_app
from limites_testing_field import gpx
from seed_report import pdf_text, report_pdf, report_sheets
from sqlalchemy import select

from cases.storage.models import (
    Agreement,
    DisputeZone,
    Finding,
    Indicator,
    Inspection,
    Institution,
    Meeting,
    Municipality,
    Person,
)

PASSWORD = "contraseña-de-prueba-1"
PROGRAM = "05 - Gobernanza Metropolitana"
# A walk across the Oaxaca de Juárez – San Jacinto Amilpas limit of the INEGI frame.
ROUTE = [(-96.7493, 17.0920), (-96.7520, 17.0900), (-96.7546, 17.0880), (-96.7573, 17.0860)]
SECOND_ROUTE = [(-96.7546, 17.0880), (-96.7573, 17.0860), (-96.7600, 17.0845)]
# A river of our own drawing near the route (not INEGI's): findings are measured along it.
RIVER = [(-96.7440, 17.0960), (-96.7500, 17.0905), (-96.7560, 17.0870), (-96.7640, 17.0830)]
ZONES = {"Colonia Las Flores": (-96.7505, 17.0910), "Paraje El Tule": (-96.7550, 17.0878)}


def _square(lon, lat, half=0.0012):
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
        r'invalid-feedback[^>]*>([^<]*)|role="alert"[^>]*>(.*?)</div>', answer.text, re.S))
    return answer


def _flat(text: str) -> str:
    """The text on one line, lower case: the PDF prints the facts' labels in capitals."""
    return " ".join(text.split()).lower()


@pytest.fixture(scope="module")
def fresh_app(tmp_path_factory, inegi_path):
    directory = tmp_path_factory.mktemp("dos-trimestres")
    app = demo_app(directory, demo=False)
    runner = app.test_cli_runner()
    for username, role, name in (("titular", "administrador", "Titular"),
                                 ("capturista", "editor", "Capturista de la Unidad")):
        result = runner.invoke(args=["user", "add", username, "--role", role, "--name", name,
                                     "--password-stdin"], input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
    result = runner.invoke(args=["import-boundaries", str(inegi_path), "--activate"])
    assert result.exit_code == 0, result.output
    river = directory / "salado.geojson"
    river.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"nombre": "Salado"},
        "geometry": {"type": "LineString", "coordinates": RIVER}}]}), encoding="utf-8")
    result = runner.invoke(args=["import-lines", str(river), "--kind", "rio", "--name", "Salado"])
    assert result.exit_code == 0, result.output
    return app


def _walk(client, route, name):
    preview = client.post("/editar/recorrido/ruta/vista-previa", data={
        "archivo": (io.BytesIO(gpx(route).encode()), name)}, content_type="multipart/form-data")
    assert preview.status_code == 200, preview.text
    return {"route": json.dumps(preview.json["geometry"]),
            "route_points_read": str(preview.json["points_read"])}


def _enter_first_quarter(app, admin, editor):
    municipalities = _ids(app, Municipality, "cvegeo")
    for name, short, kind, code in (
        ("Municipio de Oaxaca de Juárez", "Oaxaca de Juárez", "municipio", "20067"),
        ("Municipio de San Jacinto Amilpas", "San Jacinto Amilpas", "municipio", "20157"),
        ("Comisión de Límites del Gobierno del Estado", "Comisión de Límites", "estatal", None),
        ("Protección Civil Municipal", "Protección Civil", "area_municipal", "20067"),
    ):
        _post(editor, "/editar/institucion/nuevo", {
            "name": name, "short_name": short, "kind": kind,
            "municipality": str(municipalities[code]) if code else ""})
    inst = _ids(app, Institution, "short_name")
    for name, position, institution in (
        ("Marisol Gómez Ruiz", "Titular de la Unidad de Asuntos Metropolitanos",
         "Oaxaca de Juárez"),
        ("Óscar Villanueva Cruz", "Titular de la Unidad de Asuntos Metropolitanos",
         "Oaxaca de Juárez"),
        ("Pedro Luna Reyes", "Enlace técnico", "Comisión de Límites"),
        ("Irma Salas Toledo", "Regidora de Límites", "San Jacinto Amilpas"),
    ):
        _post(editor, "/editar/persona/nuevo", {
            "name": name, "position": position, "institution": str(inst[institution])})
    person = _ids(app, Person, "name")
    for name, (lon, lat) in ZONES.items():
        _post(editor, "/editar/zona/nuevo", {
            "name": name, "kind": "colonia", "status": "en_negociacion",
            "geometry": _square(lon, lat),
            "municipalities": [str(municipalities["20067"]), str(municipalities["20157"])]})
    zone = _ids(app, DisputeZone, "name")

    # The MIR of 2026: a component as the sum of its two activities, each with its rule.
    for level, key, name, unit in (
        ("Componente", "5", "Porcentaje de acciones de coordinación metropolitana", "acciones"),
        ("Actividad", "5.1", "Porcentaje de mesas técnicas de límites", "mesas"),
        ("Actividad", "5.2", "Porcentaje de recorridos y reuniones con municipios vecinos",
         "acciones"),
    ):
        _post(admin, "/indicadores/nuevo", {
            "programa": PROGRAM, "nivel": level, "clave": key, "nombre": name,
            "anio": "2026", "unidad": unit})
    indicator = _ids(app, Indicator, "key")
    rules = {
        "5": {"meta_anual": "24", "regla": "acumulado_meta_anual", "origen": "suma"},
        "5.1": {"meta_anual": "14", "meta_t1": "3", "meta_t2": "4",
                "regla": "trimestre_meta_trimestral", "origen": "propias"},
        "5.2": {"meta_anual": "10", "regla": "trimestre_meta_anual", "origen": "propias"},
    }
    for key, values in rules.items():
        _post(admin, f"/indicadores/{indicator[key]}/editar", {
            **values, "unidad": "acciones" if key != "5.1" else "mesas",
            "cuenta_recorridos": "y", "agrupa_recorridos": "y"})
    _post(admin, "/indicadores/firmantes", {
        "persona": str(person["Marisol Gómez Ruiz"]), "desde": "01/01/2026"})

    # Three technical tables of the first quarter (5.1), one with an agreement.
    for day, title in (("20/01/2026", "Mesa técnica de límites: arranque 2026"),
                       ("17/02/2026", "Mesa técnica de límites: revisión de vértices"),
                       ("10/03/2026", "Mesa técnica de límites: cartografía de campo")):
        _post(editor, "/editar/reunion/nuevo", {
            "title": title, "date": day, "kind": "reunion_trabajo",
            "start_time": "10:00", "end_time": "12:30",
            "place": "Sala de Cabildo, Palacio Municipal", "purpose": title,
            "institutions": [str(inst["Oaxaca de Juárez"]), str(inst["Comisión de Límites"])],
            "attendees": [str(person["Pedro Luna Reyes"])],
            "zones": [str(zone["Colonia Las Flores"])], "indicator": str(indicator["5.1"])})
    meeting = _ids(app, Meeting, "title")
    _post(editor, "/editar/acuerdo/nuevo", {
        "meeting": str(meeting["Mesa técnica de límites: arranque 2026"]),
        "text": "Entregar la cartografía de la colonia Las Flores",
        "responsible": str(inst["Comisión de Límites"]),
        "responsible_person": str(person["Pedro Luna Reyes"]),
        "due_date": "28/02/2026", "status": "pendiente"})

    # The joint inspection of two zones (5.2), with place, times, what was done, people,
    # two findings along the river and an agreement fulfilled before the quarter's end.
    _post(editor, "/editar/recorrido/nuevo", {
        "title": "Recorrido conjunto Las Flores – El Tule", "started_on": "05/03/2026",
        "start_time": "09:00", "end_time": "13:15",
        "place": "Calle del Río, de Las Flores a El Tule",
        "purpose": "Verificar en campo los vértices del límite en las dos colonias.",
        "summary": "Se recorrió el límite y se levantaron dos hallazgos junto al río.",
        "institutions": [str(inst["Oaxaca de Juárez"]), str(inst["San Jacinto Amilpas"])],
        "presided": [str(person["Marisol Gómez Ruiz"])],
        "attendees": [str(person["Irma Salas Toledo"])],
        "zones": [str(zone["Colonia Las Flores"]), str(zone["Paraje El Tule"])],
        "indicator": str(indicator["5.2"]), **_walk(editor, ROUTE, "marzo.gpx")})
    inspection = _ids(app, Inspection, "title")["Recorrido conjunto Las Flores – El Tule"]
    for category, text, (lon, lat) in (
        ("residuos_solidos", "Tiradero junto al cauce.", (-96.7508, 17.0905)),
        ("relleno_escombro", "Escombro en la margen.", (-96.7546, 17.0877)),
    ):
        _post(editor, "/editar/hallazgo/nuevo", {
            "inspection": str(inspection), "category": category, "description": text,
            "lon": str(lon), "lat": str(lat)}, content_type="multipart/form-data")
    _post(editor, "/editar/acuerdo/nuevo", {
        "inspection": str(inspection),
        "text": "Retirar el escombro de la margen del río",
        "responsible": str(inst["Protección Civil"]),
        "due_date": "20/03/2026", "status": "pendiente"})
    agreement = _ids(app, Agreement, "text")["Retirar el escombro de la margen del río"]
    with app.extensions["limites_sessions"]() as session:
        version = session.get(Agreement, agreement).version
    _post(editor, f"/editar/acuerdo/{agreement}", {
        "version": str(version), "inspection": str(inspection),
        "text": "Retirar el escombro de la margen del río",
        "responsible": str(inst["Protección Civil"]),
        "due_date": "20/03/2026", "status": "cumplido", "status_on": "18/03/2026",
        "status_note": "Constatado en visita"})
    return inst, person, zone, indicator


def _enter_second_quarter(app, admin, editor, inst, person, zone, indicator):
    # A new head signs from 1 April on.
    _post(admin, "/indicadores/firmantes", {
        "persona": str(person["Óscar Villanueva Cruz"]), "desde": "01/04/2026"})
    for day, title in (("14/04/2026", "Mesa técnica de límites: abril"),
                       ("12/05/2026", "Mesa técnica de límites: mayo")):
        _post(editor, "/editar/reunion/nuevo", {
            "title": title, "date": day, "kind": "reunion_trabajo", "purpose": title,
            "place": "Oficinas de la Comisión de Límites",
            "institutions": [str(inst["Oaxaca de Juárez"]), str(inst["Comisión de Límites"])],
            "indicator": str(indicator["5.1"])})
    _post(editor, "/editar/reunion/nuevo", {
        "title": "Reunión con San Jacinto Amilpas", "date": "02/06/2026",
        "kind": "reunion_trabajo", "purpose": "Acordar la fecha del siguiente recorrido.",
        "institutions": [str(inst["Oaxaca de Juárez"]), str(inst["San Jacinto Amilpas"])],
        "indicator": str(indicator["5.2"])})
    _post(editor, "/editar/recorrido/nuevo", {
        "title": "Segundo recorrido en El Tule", "started_on": "20/05/2026",
        "place": "Paraje El Tule", "purpose": "Revisar el retiro del escombro.",
        "institutions": [str(inst["Oaxaca de Juárez"]), str(inst["San Jacinto Amilpas"])],
        "zones": [str(zone["Paraje El Tule"])], "indicator": str(indicator["5.2"]),
        **_walk(editor, SECOND_ROUTE, "mayo.gpx")})
    # The first quarter's overdue agreement is fulfilled in April: its Q1 status stays.
    agreement = _ids(app, Agreement, "text")["Entregar la cartografía de la colonia Las Flores"]
    meeting = _ids(app, Meeting, "title")["Mesa técnica de límites: arranque 2026"]
    with app.extensions["limites_sessions"]() as session:
        version = session.get(Agreement, agreement).version
    _post(editor, f"/editar/acuerdo/{agreement}", {
        "version": str(version), "meeting": str(meeting),
        "text": "Entregar la cartografía de la colonia Las Flores",
        "responsible": str(inst["Comisión de Límites"]),
        "responsible_person": str(person["Pedro Luna Reyes"]),
        "due_date": "28/02/2026", "status": "cumplido", "status_on": "15/04/2026"})


def test_two_quarters_entered_through_the_forms_each_report_right(fresh_app, tmp_path):
    app = fresh_app
    admin, editor = _login(app, "titular"), _login(app, "capturista")
    ids = _enter_first_quarter(app, admin, editor)
    runner = app.test_cli_runner()
    (tmp_path / "antes").mkdir()
    first = pdf_text(report_pdf(runner, tmp_path / "antes", "2026-T1"))

    sheets = {key: _flat(text) for key, text in report_sheets(first).items()}
    assert list(sheets) == ["5", "5.1", "5.2"]
    # 5.1 is programmed per quarter: 3 tables of 3 programmed; 5.2 against its annual goal.
    assert "nivel alcanzado: 100 %" in sheets["5.1"]
    assert "3 mesas de 3 programadas en el trimestre = 100 %" in sheets["5.1"]
    assert "nivel alcanzado: 10 %" in sheets["5.2"]
    assert "1 acción de 10 programadas en el año = 10 %" in sheets["5.2"]
    # The component is the sum of its activities, so far in the year.
    assert "5.1 (3) + 5.2 (1) = 4 acciones en el año hasta el primer trimestre" in sheets["5"]
    assert "nivel alcanzado: 16.7 %" in sheets["5"]
    # Places, times, participants and the two zones of the inspection.
    assert "lugar calle del río, de las flores a el tule" in sheets["5.2"]
    assert "de 09:00 a 13:15 h" in sheets["5.2"]
    assert "colonia las flores y paraje el tule" in sheets["5.2"]
    assert "irma salas toledo" in sheets["5.2"]
    assert "se recorrió el límite y se levantaron dos hallazgos" in sheets["5.2"]
    assert "sala de cabildo, palacio municipal" in sheets["5.1"]
    # Agreements with their status at the quarter's end.
    assert ("retirar el escombro de la margen del río. responsable: protección civil "
            "municipal. fecha compromiso: 20 de marzo de 2026. estado al 31 de marzo de "
            "2026: cumplido.") in sheets["5.2"]
    assert ("entregar la cartografía de la colonia las flores. responsable: comisión de "
            "límites del gobierno del estado y pedro luna reyes, enlace técnico. fecha "
            "compromiso: 28 de febrero de 2026. estado al 31 de marzo de 2026: vencido.") \
        in sheets["5.1"]
    assert "se integra con las actividades de sus indicadores 5.1 y 5.2" in sheets["5"]
    # Findings measured along the imported river.
    assert re.search(r"tiradero junto al cauce\. \(km [\d.]+ del río salado\)", sheets["5.2"])
    assert re.search(r"tramo del río recorrido km [\d.]+ a [\d.]+ del río salado", sheets["5.2"])
    for sheet in sheets.values():
        assert "autorizó: marisol gómez ruiz" in sheet and "villanueva" not in sheet
    # The Indicadores page counts each quarter's agreements as they stood at its end.
    page = _flat(re.sub(r"<[^>]+>", " ", admin.get("/indicadores/?anio=2026").text))
    assert "acuerdos al 31/03/2026: 1 vencidos · 0 pendientes en plazo · 0 cumplidos" in page
    assert "acuerdos al 31/03/2026: 0 vencidos · 0 pendientes en plazo · 1 cumplidos" in page

    _enter_second_quarter(app, admin, editor, *ids)
    again = pdf_text(report_pdf(runner, tmp_path, "2026-T1"))
    assert again == first  # entering the second quarter changes nothing of the first

    second = {key: _flat(text)
              for key, text in report_sheets(pdf_text(report_pdf(runner, tmp_path,
                                                                 "2026-T2"))).items()}
    assert "2 mesas de 4 programadas en el trimestre = 50 %" in second["5.1"]
    assert "2 acciones de 10 programadas en el año = 20 %" in second["5.2"]
    assert "5.1 (2) + 5.2 (2) = 8 acciones en el año hasta el segundo trimestre" in second["5"]
    assert "nivel alcanzado: 33.3 %" in second["5"]
    assert "lugar oficinas de la comisión de límites" in second["5.1"]
    assert "lugar paraje el tule" in second["5.2"]
    for sheet in second.values():
        assert "autorizó: óscar villanueva cruz" in sheet and "marisol" not in sheet
    # The Tablero counts them today: both fulfilled since.
    board = _flat(re.sub(r"<[^>]+>", " ", editor.get("/").text))
    assert "0 vencidos · 0 pendientes en plazo · 2 cumplidos" in board
    with app.extensions["limites_sessions"]() as session:
        findings = session.scalars(select(Finding)).all()
        assert all(f.river_km is not None for f in findings)
        # Inside zones of two recorded municipalities: shared, and concerning both.
        assert all(f.shared and f.in_dispute for f in findings)
        assert all(set(f.parties) == {"20067", "20157"} for f in findings)
