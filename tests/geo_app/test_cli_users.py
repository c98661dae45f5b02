import json
import os
import stat

import pytest

from geo_app import create_app


@pytest.fixture
def fresh_app(sqlite_url, tmp_path):
    """An app on an empty database with its own instance folder and no configured key."""
    app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "TILES": ""},
                     instance_path=tmp_path / "instance")
    yield app
    app.extensions["limites_engine"].dispose()


def _run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_first_administrator_from_a_prompt_then_passwd_disable_and_list(fresh_app):
    result = _run(fresh_app, "user", "add", "Admin", "--role", "administrador",
                  input="clave del admin\nclave del admin\n")
    assert result.exit_code == 0, result.output
    assert "Cuenta «admin» creada con el rol administrador." in result.output
    result = _run(fresh_app, "user", "passwd", "admin", "--password-stdin",
                  input="clave nueva del admin\n")
    assert result.exit_code == 0 and "sus sesiones abiertas se cerraron" in result.output
    assert _run(fresh_app, "user", "add", "ana", "--role", "lector", "--password-stdin",
                input="clave de ana 1\n").exit_code == 0
    assert _run(fresh_app, "user", "disable", "ana").exit_code == 0
    listing = json.loads(_run(fresh_app, "user", "list", "--json").output)
    assert [(u["usuario"], u["rol"], u["activa"]) for u in listing] == [
        ("admin", "administrador", True), ("ana", "lector", False),
    ]
    client = fresh_app.test_client()
    login = client.post("/cuenta/entrar", headers={"Origin": "http://localhost"},
                        data={"usuario": "admin", "contrasena": "clave nueva del admin"})
    assert login.status_code == 400  # no CSRF token: the form must come from the page


@pytest.mark.parametrize("args, stdin, message", [
    (["user", "add", "x", "--role", "editor", "--password-stdin"], "clave larga 1\n",
     "nombre de usuario inválido"),
    (["user", "add", "pepe", "--role", "editor", "--password-stdin"], "corta\n",
     "al menos 10 caracteres"),
    (["user", "add", "pepe", "--role", "editor", "--password-stdin"], "\n",
     "no se recibió ninguna contraseña"),
    (["user", "add", "pepe", "--role", "jefe", "--password-stdin"], "clave larga 1\n",
     "jefe"),
    (["user", "disable", "nadie"], None, "no existe el usuario «nadie»"),
    (["user", "passwd", "nadie", "--password-stdin"], "clave larga 1\n", "no existe el usuario"),
])
def test_bad_input_is_a_clear_spanish_error(fresh_app, args, stdin, message):
    result = _run(fresh_app, *args, input=stdin)
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output
    assert json.loads(_run(fresh_app, "user", "list", "--json").output) == []


def test_init_writes_a_private_secret_key_that_the_app_then_uses(fresh_app, sqlite_url,
                                                                 tmp_path):
    result = _run(fresh_app, "init")
    assert result.exit_code == 0 and "Clave secreta nueva guardada" in result.output
    key_file = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 40
    again = create_app({"DATABASE_URL": sqlite_url}, instance_path=tmp_path / "instance")
    assert again.config["SECRET_KEY"] == key
    assert "Clave secreta" not in _run(again, "init").output  # kept, never replaced
    again.extensions["limites_engine"].dispose()


def test_serve_refuses_the_network_with_demo_accounts_or_the_default_key(fresh_app):
    assert _run(fresh_app, "demo").exit_code == 0
    result = _run(fresh_app, "serve", "--host", "0.0.0.0")
    assert result.exit_code != 0
    assert "clave secreta es la de desarrollo" in result.output and "limites init" in result.output
    assert "limites user disable administradora editora lectora" in result.output
    assert _run(fresh_app, "init").exit_code == 0
    assert _run(fresh_app, "user", "disable", "administradora", "editora").exit_code == 0
    result = _run(fresh_app, "serve", "--host", "192.168.1.20")
    assert result.exit_code != 0 and "clave secreta" not in result.output
    assert "(lectora)" in result.output


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("127.0.0.2", True), ("0.0.0.0", False), ("192.168.1.20", False), ("::", False),
    ("limites.example", False),
])
def test_loopback_hosts(host, loopback):
    from geo_app.deployment import is_loopback

    assert is_loopback(host) is loopback
