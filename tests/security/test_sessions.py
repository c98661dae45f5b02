"""Signing in and out: throttling, cookies that stop working, safe redirects, cookie flags."""

import pytest
from sqlalchemy import select

from cases.access.accounts import disable_user
from cases.storage.db import unit_of_work
from cases.storage.models import User


def _login(client, username, password, **kwargs):
    return client.post("/cuenta/entrar", data={"usuario": username, "contrasena": password},
                       **kwargs)


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_signing_in_with_the_documented_demo_password(anon_client):
    response = _login(anon_client, "Editora", "demo-editor")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Editora de demostración" in anon_client.get("/").get_data(as_text=True)


def test_a_wrong_password_is_a_spanish_message(anon_client):
    response = _login(anon_client, "editora", "no es la clave")
    assert response.status_code == 401
    assert "Usuario o contraseña incorrectos." in response.get_data(as_text=True)
    assert anon_client.get("/").status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/zonas/1", "/zonas/1"),
    ("//atacante.example/", "/"),
    ("https://atacante.example/", "/"),
    ("/\\atacante.example", "/"),
])
def test_after_signing_in_only_local_paths_are_followed(anon_client, target, expected):
    response = _login(anon_client, "lectora", "demo-lector", query_string={"next": target})
    assert response.headers["Location"] == expected


def test_five_failures_for_an_account_throttle_it_for_everyone(app):
    attacker, owner = app.test_client(), app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "10.0.0.66"
    for _ in range(5):
        assert _login(attacker, "editora", "adivinanza").status_code == 401
    for client in (attacker, owner):
        response = _login(client, "editora", "demo-editor")
        assert response.status_code == 429
        assert "Demasiados intentos fallidos" in response.get_data(as_text=True)
    assert _login(owner, "lectora", "demo-lector").status_code == 302  # other accounts work


def test_five_failures_from_an_address_throttle_it_across_accounts(app):
    client = app.test_client()
    for name in ("uno", "dos", "tres", "cuatro", "cinco"):
        assert _login(client, name, "adivinanza").status_code == 401
    assert _login(client, "lectora", "demo-lector").status_code == 429
    other = app.test_client()
    assert _login(other, "lectora", "demo-lector",
                  environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302


def test_the_throttle_window_passes():
    from geo_app.account.auth import LoginThrottle

    now = [0.0]
    throttle = LoginThrottle(limit=5, window=900, clock=lambda: now[0])
    for _ in range(5):
        throttle.failed(("cuenta", "x"))
    assert throttle.blocked(("cuenta", "x"))
    now[0] = 901.0
    assert not throttle.blocked(("cuenta", "x"))


def test_a_copied_cookie_stops_working_after_logout(app, anon_client):
    _login(anon_client, "editora", "demo-editor")
    stolen = _cookie(anon_client)
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 200
    response = anon_client.post("/cuenta/salir", follow_redirects=True)
    assert "Sesión cerrada." in response.get_data(as_text=True)
    assert thief.get("/").status_code == 302
    assert anon_client.get("/").status_code == 302


def test_a_password_change_ends_the_other_sessions(app, client):
    other = app.test_client().login("editora")
    response = client.post("/cuenta/contrasena", data={
        "actual": "demo-editor", "nueva": "una clave nueva", "confirmacion": "una clave nueva",
    }, follow_redirects=True)
    assert "Contraseña cambiada" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200  # this browser stays signed in
    assert other.get("/").status_code == 302
    wrong = client.post("/cuenta/contrasena", data={
        "actual": "demo-editor", "nueva": "otra clave nueva", "confirmacion": "otra clave nueva",
    })
    assert wrong.status_code == 400
    assert "La contraseña actual no es correcta." in wrong.get_data(as_text=True)


def test_a_lector_may_sign_out_and_change_password(reader_client):
    assert reader_client.post("/cuenta/salir").status_code == 302


def test_a_disabled_account_loses_its_session(app, client):
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        disable_user(session, session.scalar(select(User).where(User.username == "editora")))
    assert client.get("/").status_code == 302
    assert _login(app.test_client(), "editora", "demo-editor").status_code == 401


@pytest.mark.parametrize("username, forged", [
    ("editora", "1:99"), ("editora", "x"), ("editora", "999:1"),
])
def test_forged_session_ids_are_refused(app, username, forged):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = forged
    assert client.get("/").status_code == 302


def test_a_cookie_signed_with_another_key_is_refused(app):
    from flask.sessions import SecureCookieSessionInterface

    other = type(app)("otra")
    other.secret_key = "otra-clave"
    forged = SecureCookieSessionInterface().get_signing_serializer(other).dumps(
        {"_user_id": "1:1"}
    )
    client = app.test_client()
    client.set_cookie("session", forged)
    assert client.get("/").status_code == 302


def test_session_cookie_flags(app, anon_client, sqlite_url, tmp_path):
    response = _login(anon_client, "editora", "demo-editor")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    from geo_app import create_app

    https = create_app({"DATABASE_URL": sqlite_url, "HTTPS": 1, "SECRET_KEY": "x"},
                       instance_path=tmp_path / "i")
    assert https.config["SESSION_COOKIE_SECURE"] is True
    https.extensions["limites_engine"].dispose()
