"""An administrator edits an indicator's goals and rule and records official levels."""

import re

from sqlalchemy import select

from cases.storage.models import AuditAction, AuditEntry, Indicator


def _indicator(app, key="12.2"):
    with app.extensions["limites_sessions"]() as session:
        return session.scalars(select(Indicator).where(Indicator.key == key)).one()


def test_administrator_sets_goals_and_the_level_is_computed(app, admin_client):
    indicator = _indicator(app)
    page = admin_client.get("/indicadores/").get_data(as_text=True)
    assert f"/indicadores/{indicator.id}/editar" in page
    response = admin_client.get(f"/indicadores/{indicator.id}/editar")
    assert response.status_code == 200, response.status_code
    form = response.get_data(as_text=True)
    assert "Meta anual" in form and "Cifra oficial de un trimestre" in form
    response = admin_client.post(f"/indicadores/{indicator.id}/editar", data={
        "meta_anual": "24", "meta_t2": "5", "unidad": "vinculaciones",
        "formula": "vinculaciones realizadas / programadas × 100",
        "cuenta_recorridos": "y", "agrupa_recorridos": "y",
    })
    assert response.status_code == 302
    edited = _indicator(app)
    assert edited.annual_goal == 24 and edited.unit == "vinculaciones"
    with app.extensions["limites_sessions"]() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.record_type == "indicator")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry.action is AuditAction.UPDATE and entry.username == "administradora"
    assert entry.after["meta_anual"] == 24 and entry.after["meta_T2"] == 5
    page = admin_client.get("/indicadores/?anio=2025").get_data(as_text=True)
    assert re.search(r"de 24 programad", page)


def test_bad_goal_is_a_message_on_the_form(app, admin_client):
    indicator = _indicator(app)
    response = admin_client.post(f"/indicadores/{indicator.id}/editar", data={
        "meta_anual": "-3", "unidad": "",
    })
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "escriba la unidad" in html and "invalid-feedback" in html
    assert _indicator(app).annual_goal == 20  # the demo's, unchanged


def test_official_level_needs_a_reason_and_is_audited(app, admin_client, client):
    indicator = _indicator(app)
    url = f"/indicadores/{indicator.id}/nivel-oficial"
    forged = client.post(url, data={"trimestre": "3", "nivel": "25", "motivo": "x"})
    assert forged.status_code == 403
    assert admin_client.post(url, data={"trimestre": "3", "nivel": "25"}).status_code == 422
    response = admin_client.post(url, data={
        "trimestre": "3", "nivel": "25", "motivo": "Cifra de la Tesorería",
    })
    assert response.status_code == 302
    with app.extensions["limites_sessions"]() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.record_type == "indicator")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry.after["nivel_oficial_T3"] == 25.0 and entry.username == "administradora"


def test_administrator_creates_an_indicator_for_a_new_year(app, admin_client):
    page = admin_client.get("/indicadores/").get_data(as_text=True)
    assert "/indicadores/nuevo" in page
    form = admin_client.get("/indicadores/nuevo").get_data(as_text=True)
    assert "Programa presupuestario" in form
    response = admin_client.post("/indicadores/nuevo", data={
        "programa": "08 - Gobierno Innovador y Tecnológico", "nivel": "Actividad",
        "clave": "12.2", "nombre": "Porcentaje de vinculaciones con municipios metropolitanos",
        "anio": "2026", "unidad": "vinculaciones",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    created = app.extensions["limites_sessions"]().scalars(
        select(Indicator).where(Indicator.year == 2026)).one()
    assert response.headers["Location"].endswith(f"/indicadores/{created.id}/editar")
    assert (created.level, created.key, created.unit) == ("Actividad", "12.2", "vinculaciones")
    with app.extensions["limites_sessions"]() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.record_type == "indicator",
                                     AuditEntry.record_id == created.id)).one()
    assert entry.action is AuditAction.CREATE and entry.after["clave"] == "12.2"
    page = admin_client.get("/indicadores/?anio=2026").get_data(as_text=True)
    assert "Porcentaje de vinculaciones con municipios metropolitanos" in page


def _count(app):
    with app.extensions["limites_sessions"]() as session:
        return len(session.scalars(select(Indicator)).all())


def test_bad_or_repeated_indicator_is_a_spanish_message_and_writes_nothing(app, admin_client):
    before = _count(app)
    base = {"programa": "08 - Gobierno Innovador y Tecnológico", "nivel": "Actividad",
            "nombre": "x", "unidad": "eventos"}
    response = admin_client.post("/indicadores/nuevo", data={**base, "clave": "doce",
                                                              "anio": "2026"})
    assert response.status_code == 422
    assert "Clave inválida «doce»" in response.get_data(as_text=True)
    demo = _indicator(app, "12.1")
    response = admin_client.post("/indicadores/nuevo", data={
        **base, "programa": demo.program, "clave": "12.1", "anio": str(demo.year)})
    assert response.status_code == 422
    assert "Ya existe el indicador 12.1 de 2025" in response.get_data(as_text=True)
    response = admin_client.post("/indicadores/nuevo", data={**base, "clave": "1",
                                                              "anio": "20260"})
    assert response.status_code == 422
    assert _count(app) == before


def test_only_administrators_create_indicators(client):
    assert client.get("/indicadores/nuevo").status_code == 403
    assert "/indicadores/nuevo" not in client.get("/indicadores/").get_data(as_text=True)


def test_administrator_names_who_signs_from_a_date_and_the_rule(app, admin_client, client):
    from cases.storage.models import Person

    indicator = _indicator(app, "12.1")
    with app.extensions["limites_sessions"]() as session:
        person = session.scalars(select(Person).order_by(Person.id)).first()
        person_id, label = person.id, person.label
    assert client.post("/indicadores/firmantes", data={
        "persona": str(person_id), "desde": "01/07/2025"}).status_code == 403
    page = admin_client.get("/indicadores/firmantes").get_data(as_text=True)
    assert "Quién autoriza el informe" in page and "Sara Mariana Jara Carrasco" in page
    bad = admin_client.post("/indicadores/firmantes", data={"persona": str(person_id),
                                                              "desde": "julio"})
    assert bad.status_code == 302
    assert "dd/mm/aaaa" in admin_client.get("/indicadores/firmantes").get_data(as_text=True)
    answer = admin_client.post(f"/indicadores/{indicator.id}/firmantes", data={
        "persona": str(person_id), "desde": "01/07/2025"})
    assert answer.status_code == 302
    page = admin_client.get(f"/indicadores/{indicator.id}/editar").get_data(as_text=True)
    assert label in page and "1 de julio de 2025" in page
    answer = admin_client.post(f"/indicadores/{indicator.id}/editar", data={
        "meta_anual": "20", "meta_t3": "6", "unidad": "eventos",
        "regla": "trimestre_meta_trimestral", "origen": "propias",
        "cuenta_recorridos": "y", "agrupa_recorridos": "y"})
    assert answer.status_code == 302
    page = admin_client.get("/indicadores/?anio=2025").get_data(as_text=True)
    assert "programados en el trimestre" in page
    assert "Actividades del trimestre ÷ meta programada del trimestre" in page
