"""Who reaches what: anonymous visitors, a lector, an editor and an administrator."""

import pytest
from security_data import OVERLAP

PAGES = ["/", "/mapa/", "/zonas/", "/zonas/1", "/expedientes/", "/reuniones/", "/recorridos/",
         "/analisis/", "/analisis/comparar", "/cuenta/contrasena", "/indicadores/", "/informe/"]
ADMIN_PAGES = ["/admin/usuarios", "/admin/registro", "/admin/registro.csv", "/admin/papelera"]


@pytest.mark.parametrize("path", PAGES + ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(anon_client, path):
    response = anon_client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/cuenta/entrar?next=")


def test_a_page_that_does_not_exist_is_a_404_for_everyone(anon_client):
    assert anon_client.get("/no-existe").status_code == 404
    assert anon_client.post("/no-existe").status_code == 404


def test_login_page_static_and_vendor_files_are_public(anon_client):
    login = anon_client.get("/cuenta/entrar")
    assert login.status_code == 200 and "Iniciar sesión" in login.get_data(as_text=True)
    assert "Tablero" not in login.get_data(as_text=True)  # no navigation for visitors
    for path in ("/static/limites.css", "/vendor/leaflet/dist/leaflet.js"):
        with anon_client.get(path) as response:
            assert response.status_code == 200, path


@pytest.mark.parametrize("path", ["/analisis/zona", "/admin/usuarios", "/cuenta/salir",
                                  "/admin/papelera/dispute_zone/1/restaurar"])
def test_anonymous_writes_are_refused_and_write_nothing(anon_client, counts, path):
    before = counts()
    response = anon_client.post(path, data=OVERLAP)
    assert response.status_code == 401
    assert "Inicie sesión" in response.get_data(as_text=True)
    assert counts() == before


def test_a_lector_reads_every_page_but_sees_no_edit_controls(reader_client):
    for path in PAGES:
        assert reader_client.get(path).status_code == 200, path
    html = reader_client.get("/analisis/").get_data(as_text=True)
    assert "Crear zona en disputa" not in html and "Lectora de demostración" in html


def test_a_lectors_forged_post_is_refused(reader_client, counts):
    before = counts()
    response = reader_client.post("/analisis/zona", data=OVERLAP)
    assert response.status_code == 403
    assert "no tiene permiso" in response.get_data(as_text=True)
    assert counts() == before


def test_an_editor_writes_but_does_not_administer(client, counts):
    assert "Crear zona en disputa" in client.get("/analisis/").get_data(as_text=True)
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 403, path
    before = counts()
    assert client.post("/admin/usuarios", data={"usuario": "intrusa", "rol": "administrador",
                                               "nueva": "x" * 12, "confirmacion": "x" * 12}
                       ).status_code == 403
    assert client.post("/admin/usuarios/1/estado", data={"activa": "0"}).status_code == 403
    assert counts() == before


def test_an_administrator_manages_accounts(admin_client, app, counts):
    html = admin_client.get("/admin/usuarios").get_data(as_text=True)
    assert "lectora" in html and "demostración" in html
    before = counts()
    response = admin_client.post("/admin/usuarios", data={
        "usuario": "Rosa", "nombre": "Rosa Martínez", "rol": "editor",
        "nueva": "clave de rosa", "confirmacion": "clave de rosa",
    }, follow_redirects=True)
    assert "Se creó la cuenta «rosa»" in response.get_data(as_text=True)
    assert counts()["User"] == before["User"] + 1
    refused = admin_client.post("/admin/usuarios", data={
        "usuario": "otra", "rol": "editor", "nueva": "corta", "confirmacion": "corta",
    })
    assert "al menos 10 caracteres" in refused.get_data(as_text=True)
    disabled = admin_client.post("/admin/usuarios/1/estado", data={"activa": "0"},
                                 follow_redirects=True)
    assert "quedó desactivada" in disabled.get_data(as_text=True)
