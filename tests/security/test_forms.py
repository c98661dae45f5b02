"""Unsafe requests need the page's CSRF token and the app's own origin; forms have limits."""

import pytest
from security_data import OVERLAP


def test_a_post_without_csrf_token_is_refused(client, counts):
    before = counts()
    response = client.post("/analisis/zona", data=OVERLAP, csrf=False)
    assert response.status_code == 400
    assert "código de seguridad" in response.get_data(as_text=True)
    assert counts() == before


@pytest.mark.parametrize("headers", [
    {"Origin": "https://atacante.example"},
    {"Origin": "null"},
    {"Origin": "http://localhost.atacante.example"},
    {"Referer": "https://atacante.example/pagina"},
    {},
])
def test_a_post_from_another_origin_is_refused(client, counts, headers):
    before = counts()
    response = client.post("/analisis/zona", data=OVERLAP, origin=None, headers=headers)
    assert response.status_code == 403
    assert "desde otro sitio" in response.get_data(as_text=True)
    assert counts() == before


def test_same_origin_referer_or_a_trusted_origin_is_accepted(app, client):
    referer = client.post("/analisis/zona", data=OVERLAP, origin=None,
                          headers={"Referer": "http://localhost/analisis/"})
    assert referer.status_code == 302
    app.config["TRUSTED_ORIGINS"] = ["https://limites.oaxaca.example"]
    trusted = client.post("/analisis/zona", data=OVERLAP,
                          origin="https://limites.oaxaca.example")
    assert trusted.status_code == 302


def test_the_overlap_zone_is_audited_with_its_fields(client, admin_client):
    response = client.post("/analisis/zona", data={**OVERLAP, "nombre": "Franja auditada"})
    zone_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Se creó la zona en disputa «Franja auditada»" in zone_page
    assert "Historial" in zone_page and "Creación por editora" in zone_page
    log = admin_client.get("/admin/registro?usuario=editora&accion=creacion").get_data(
        as_text=True
    )
    assert "Franja auditada" in log and "Zona en disputa" in log
    csv = admin_client.get("/admin/registro.csv?tipo=dispute_zone")
    assert csv.mimetype == "text/csv" and "attachment" in csv.headers["Content-Disposition"]
    text = csv.get_data().decode("utf-8")
    assert text.startswith("\ufeffFecha y hora (ISO 8601)") and "Franja auditada" in text
    assert ",Nombre,,Franja auditada" in text  # fields named in Spanish


def test_repeating_the_overlap_links_to_the_existing_zone(client, counts):
    first = client.post("/analisis/zona", data={**OVERLAP, "nombre": "Franja única"})
    before = counts()
    again = client.post("/analisis/zona", data={**OVERLAP, "nombre": "Otra franja"},
                        follow_redirects=True)
    assert "Esa área ya es la zona en disputa «Franja única»" in again.get_data(
        as_text=True
    )
    assert again.request.path == first.headers["Location"]
    assert counts() == before


@pytest.mark.parametrize("name, message", [
    ("x" * 201, "hasta 200 caracteres"),
    ("Zona\nforjada", "caracteres de control"),
    ("Zona\x00nula", "caracteres de control"),
    ("   ", "la zona necesita un nombre"),
])
def test_zone_names_are_short_and_printable(client, counts, name, message):
    before = counts()
    html = client.post("/analisis/zona", data={**OVERLAP, "nombre": name},
                       follow_redirects=True).get_data(as_text=True)
    assert message in html
    assert counts() == before


def test_a_huge_form_is_refused_before_it_is_read(client, counts):
    before = counts()
    response = client.post("/analisis/zona", data={**OVERLAP, "nombre": "x" * 3_000_000})
    assert response.status_code == 413
    assert "demasiado grande" in response.get_data(as_text=True)
    assert counts() == before
