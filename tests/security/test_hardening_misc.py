"""Issue 16, the lower items: each a request that once answered wrongly or with a 500."""

from __future__ import annotations

import pytest

from geo_app.converters import MAX_RECORD_ID

# -- sign-in redirects only to this site -----------------------------------------------------

HOSTILE_NEXT = [
    "/%09/evil.example",  # Werkzeug drops the tab: //evil.example
    "/%0a/evil.example",
    "/%0d/evil.example",
    "/%0d%0aSet-Cookie:%20x=1",  # once a 500 (a line break in a header)
    "/x%0d%0aLocation:%20https://evil.example",
    "//evil.example",
    "/%2F%2Fevil.example",  # //evil.example once decoded
    "/%5Cevil.example",  # a backslash: browsers read /\host as //host
    "%2F%5Cevil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/%E3%80%80/evil.example",  # ideographic space
    "evil.example",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
@pytest.mark.parametrize("signed_in", [False, True])
def test_sign_in_never_redirects_off_site(app, target, signed_in):
    client = app.test_client()
    if signed_in:
        response = client.login("editora").get(f"/cuenta/entrar?next={target}")
    else:
        response = client.post(f"/cuenta/entrar?next={target}",
                               data={"usuario": "editora", "contrasena": "demo-editor"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/zonas/3", "/zonas/?q=Santa%20Cruz&pagina=2"])
def test_sign_in_still_returns_to_a_page_of_the_site(client, target):
    response = client.get("/cuenta/entrar", query_string={"next": target})
    assert response.headers["Location"] == target


# -- ids past 2⁶³ − 1 in forms and query strings ---------------------------------------------

TOO_BIG = str(MAX_RECORD_ID + 1)


def test_a_huge_id_in_a_query_string_is_not_found(client):
    assert client.get(f"/editar/hallazgo/nuevo?inspection={TOO_BIG}").status_code == 404


def test_a_huge_parent_id_in_a_form_is_a_field_message(client):
    response = client.post("/editar/hallazgo/nuevo",
                           data={"inspection": TOO_BIG, "category": "residuos_solidos"})
    assert response.status_code == 422


def test_a_huge_choice_in_a_form_counts_as_none(client):
    response = client.post("/editar/recorrido/nuevo", data={
        "title": "Recorrido de prueba", "started_on": "01/02/2025", "zone": TOO_BIG,
        "case": TOO_BIG})
    assert response.status_code == 302
