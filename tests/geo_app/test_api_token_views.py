"""Personal API keys in the app: made on «Cuenta», read the OGC API only, revoked."""

import re

import pytest
from sqlalchemy import func, select

from cases.access import accounts
from cases.storage.db import unit_of_work
from cases.storage.models import ApiToken
from geo_app import read_log

ITEMS = "/ogcapi/collections/hallazgos/items"


def _count(app) -> int:
    with app.extensions["limites_sessions"]() as session:
        return session.scalar(select(func.count()).select_from(ApiToken))


def _create(client, name="QGIS de la oficina") -> str:
    page = client.post("/cuenta/claves", data={"nombre": name})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "no se volverá a mostrar" in html and "Authorization" in html
    return re.search(r"data-testid=\"token-value\">(lim_[^<]+)</textarea>", html).group(1)


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


@pytest.fixture
def token(reader_client) -> str:
    """A key made by the demo lector on her account page."""
    return _create(reader_client)


def test_the_account_page_offers_keys_for_qgis(reader_client):
    html = reader_client.get("/cuenta/").get_data(as_text=True)
    assert "Claves de acceso para QGIS" in html and "Cambiar contraseña" in html
    assert "Todavía no tiene claves de acceso." in html


def test_a_key_reads_the_ogc_api_without_a_session(app, anon_client, token):
    response = anon_client.get(ITEMS, headers=_bearer(token))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/geo+json"
    assert response.json["numberMatched"] == 3
    assert "Set-Cookie" not in response.headers  # never a session
    read_log.flush(app)  # the last use is written off the request path, seconds later
    listed = app.test_client().login("lectora").get("/cuenta/").get_data(as_text=True)
    assert "QGIS de la oficina" in listed and "nunca" not in listed  # last use shown


def test_a_key_opens_nothing_but_reads_of_the_api(app, anon_client, token):
    for path in ("/zonas/", "/exportar/todo.gpkg", "/cuenta/", "/c/otro/ogcapi/"):
        response = anon_client.get(path, headers=_bearer(token))
        assert response.status_code in (302, 401, 404), path
        assert response.status_code != 200
    before = _count(app)
    refused = anon_client.post("/cuenta/claves", data={"nombre": "otra"},
                               headers={**_bearer(token), "Origin": "http://localhost"})
    assert refused.status_code == 401 and _count(app) == before
    assert anon_client.post(ITEMS, headers=_bearer(token)).status_code in (401, 403, 405)


@pytest.mark.parametrize("header, message", [
    (None, "clave de acceso personal"),
    ("Bearer lim_adivinanza", "no es válida"),
])
def test_without_a_valid_key_the_api_answers_401_json_in_spanish(anon_client, header,
                                                                 message):
    headers = {"Accept": "application/json"} | ({"Authorization": header} if header else {})
    response = anon_client.get(ITEMS, headers=headers)
    assert response.status_code == 401
    assert response.json["code"] == "Unauthorized" and message in response.json["description"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_keys_and_disabled_accounts_are_refused(app, anon_client, reader_client,
                                                        token):
    with app.extensions["limites_sessions"]() as session:
        key_id = session.scalar(select(ApiToken.id))
        with unit_of_work(session):
            accounts.disable_user(session, accounts.get_user(session, "lectora"))
    refused = anon_client.get(ITEMS, headers=_bearer(token))
    assert refused.status_code == 401 and "desactivada" in refused.json["description"]
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        accounts.enable_user(session, accounts.get_user(session, "lectora"))
    reader_client = app.test_client().login("lectora")  # enabling ended the old session
    page = reader_client.post(f"/cuenta/claves/{key_id}/revocar", follow_redirects=True)
    assert "quedó revocada" in page.get_data(as_text=True)
    refused = anon_client.get(ITEMS, headers=_bearer(token))
    assert refused.status_code == 401 and "revocada" in refused.json["description"]


def test_only_its_owner_or_an_administrator_revokes_a_key(app, admin_client, token):
    with app.extensions["limites_sessions"]() as session:
        key_id = session.scalar(select(ApiToken.id))
    other = app.test_client().login("editora")
    assert other.post(f"/cuenta/claves/{key_id}/revocar").status_code == 403
    listed = admin_client.get("/admin/usuarios").get_data(as_text=True)
    assert "QGIS de la oficina" in listed and "lectora" in listed
    done = admin_client.post(f"/cuenta/claves/{key_id}/revocar", data={"volver": "usuarios"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/usuarios")
    with app.extensions["limites_sessions"]() as session:
        assert session.get(ApiToken, key_id).revoked_at is not None


def test_a_key_needs_a_name(app, reader_client):
    page = reader_client.post("/cuenta/claves", data={"nombre": ""})
    assert page.status_code == 400 and "escriba un nombre" in page.get_data(as_text=True)
    assert _count(app) == 0


def test_cli_creates_lists_and_revokes_keys(app, runner):
    made = runner.invoke(args=["token", "create", "lectora", "--name", "Servidor QGIS"])
    assert made.exit_code == 0, made.output
    token = made.output.splitlines()[0]
    assert token.startswith("lim_")
    listed = runner.invoke(args=["token", "list"])
    assert "lectora\tvigente" in listed.output and "Servidor QGIS" in listed.output
    key_id = listed.output.split("\t")[0]
    assert runner.invoke(args=["token", "revoke", key_id]).exit_code == 0
    assert "revocada" in runner.invoke(args=["token", "list"]).output
    refused = app.test_client().get(ITEMS, headers=_bearer(token))
    assert refused.status_code == 401
