import re

from sqlalchemy import func, select

from cases.storage.models import DisputeZone

CLAIMS = {"elegido": "1", "reclamo": ["Oaxaca de Juárez", "San Jacinto Amilpas"],
          "area_minima": "1"}


def _zones(app):
    with app.extensions["limites_sessions"]() as session:
        return session.scalar(select(func.count()).select_from(DisputeZone))


def test_analysis_lists_overlaps_with_areas_and_draws_them(client):
    html = client.get("/analisis/").get_data(as_text=True)
    assert "Análisis de límites" in html
    assert "Oaxaca de Juárez / San Jacinto Amilpas" in html and " ha (" in html
    assert "Traslapes entre reclamos" in html  # the map layer
    assert "Crear zona en disputa" in html


def test_choosing_no_claims_shows_the_clean_official_frame(client):
    html = client.get("/analisis/?elegido=1").get_data(as_text=True)
    assert "Ningún traslape mayor al área mínima." in html
    assert "Ningún vacío sin municipio mayor al área mínima." in html
    assert "Ningún vacío de atención mayor al área mínima." in html


def test_the_strip_xoxocotlan_gives_up_is_an_area_nobody_attends(app, client):
    html = client.get("/analisis/").get_data(as_text=True)
    (item,) = re.findall(r'<ol[^>]*data-testid="unattended">(.*?)</ol>', html, re.S)
    assert "En <strong>Santa Cruz Xoxocotlán</strong>: 16" in item  # ~166 ha
    assert "Oaxaca de Juárez" in item  # its neighbour there
    assert "Vacíos de atención" in html  # the map layer
    before = _zones(app)
    response = client.post("/analisis/zona", data={"vacio_atencion": "1",
                                                    "nombre": "Ribera sin atender"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ribera sin atender" in page and "Vacío de atención de 16" in page
    assert _zones(app) == before + 1
    missing = client.post("/analisis/zona", data={"vacio_atencion": "5", "nombre": "x"},
                          follow_redirects=True).get_data(as_text=True)
    assert "no existe el vacío de atención número 5" in missing
    assert _zones(app) == before + 1


def test_overlap_becomes_a_zone_in_one_step(app, client):
    before = _zones(app)
    response = client.post("/analisis/zona", data={**CLAIMS, "traslape": "1",
                                                    "nombre": "Franja de Los Sauces"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Franja de Los Sauces" in page and "Se creó la zona en disputa" in page
    assert _zones(app) == before + 1


def test_bad_requests_get_clear_messages_and_write_nothing(app, client):
    before = _zones(app)
    for bad in ("mucho", "nan", "inf", "-1"):
        assert client.get(f"/analisis/?area_minima={bad}").status_code == 400
    unknown = client.get("/analisis/?elegido=1&reclamo=Nadie")
    assert unknown.status_code == 400 and "no hay reclamos de: Nadie" in unknown.get_data(
        as_text=True
    )
    for data, message in [
        ({**CLAIMS, "traslape": "9", "nombre": "x"}, "no existe el traslape número 9"),
        ({**CLAIMS, "traslape": "1", "nombre": " "}, "la zona necesita un nombre"),
        ({**CLAIMS, "traslape": "1", "nombre": "Colonia Ejidal"}, "ya existe una zona"),
    ]:
        html = client.post("/analisis/zona", data=data, follow_redirects=True).get_data(
            as_text=True
        )
        assert message in html
    assert _zones(app) == before


def test_compare_two_versions_shows_gain_loss_and_distance(client):
    assert "Oaxaca de Juárez (20067)" in client.get("/analisis/comparar").get_data(as_text=True)
    form = client.get("/analisis/comparar?municipio=20067").get_data(as_text=True)
    assert "Límite reclamado por Oaxaca de Juárez" in form
    html = client.get("/analisis/comparar?municipio=20067&anterior=1&nueva=5").get_data(
        as_text=True
    )
    assert "Área ganada" in html and "Mayor distancia entre las líneas" in html
    assert "144.96 ha" in html and "427.9 m" in html


def test_compare_refuses_versions_of_different_municipalities(client):
    response = client.get("/analisis/comparar?municipio=20067&anterior=1&nueva=6")
    assert response.status_code == 400
    assert "no del municipio 20067" in response.get_data(as_text=True)
    assert client.get("/analisis/comparar?municipio=99999").status_code == 404

