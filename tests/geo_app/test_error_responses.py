"""One answer for every error: :func:`geo_app.errors.error_response`, HTML or JSON, Spanish."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cases.access.permissions import FORBIDDEN
from cases.errors import NotFoundError
from cases.storage.models import DisputeZone
from geo_app.db import get_or_404
from geo_app.errors import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
SAME_SITE = {"Origin": "http://localhost"}


@pytest.mark.parametrize(("who", "code", "message"), [
    ("anon_client", 401, MESSAGES[401]),
    ("reader_client", 403, FORBIDDEN),
])
def test_the_phone_reads_a_refusal_as_json_in_spanish(request, who, code, message):
    """The capture page's queue parses the refusal: a 401 or 403 is JSON like a 400."""
    client = request.getfixturevalue(who)
    response = client.post("/campo/sincronizar", json={}, headers=SAME_SITE)
    assert response.status_code == code
    assert response.mimetype == "application/json"
    assert response.get_json() == {"error": message}


def test_a_page_refusal_is_an_html_page_through_the_permission_rule(reader_client):
    response = reader_client.post("/editar/zona/nuevo", data={}, headers=SAME_SITE)
    assert response.status_code == 403
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Acceso denegado" in page and FORBIDDEN in page


@pytest.mark.parametrize("url", [
    "/editar/zona/987654",                     # no such zone
    "/editar/hallazgo/nuevo?inspection=987654",  # a finding of no inspection
])
def test_a_missing_record_is_the_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert MESSAGES[404] in response.get_data(as_text=True)


def test_get_or_404_finds_live_records_only(app):
    with app.test_request_context():
        from geo_app.db import get_session

        zone = get_session().scalars(DisputeZone.__table__.select().limit(1)).first()
        assert get_or_404(DisputeZone, zone).id == zone
        for missing in (987654, None, -1):
            with pytest.raises(NotFoundError) as caught:
                get_or_404(DisputeZone, missing)
            assert caught.value.status_code == 404 and caught.value.message == MESSAGES[404]


@pytest.mark.parametrize(("query", "media"), [
    ("", "application/json"), ("?f=json", "application/json"), ("?f=html", "text/html"),
])
def test_the_ogc_api_answers_errors_in_its_own_dialect(client, query, media):
    response = client.get(f"/ogcapi/collections/ninguna/items{query}")
    assert response.status_code == 404
    assert response.mimetype == media
    if media == "application/json":
        assert response.get_json() == {"code": "NotFound",
                                       "description": "No existe la colección «ninguna»."}
    else:
        assert "No existe la colección «ninguna»." in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["", "/descargar/geojson", "/descargar/nada"])
def test_a_share_visitor_gets_the_share_page_for_an_unknown_link(anon_client, path):
    response = anon_client.get(f"/c/no-existe-este-enlace{path}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert 'data-testid="share-gone"' in page and "Volver al tablero" not in page


def test_the_ogc_api_asks_a_program_for_its_key(anon_client):
    response = anon_client.get("/ogcapi/collections?f=json")
    assert response.status_code == 401
    assert response.get_json()["code"] == "Unauthorized"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="limites"'


def _sources(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), path.read_text("utf-8")


@pytest.mark.parametrize(("pattern", "home"), [
    (r"errors/error\.html|shares/gone\.html", "geo_app/errors.py"),  # error pages: one home
    (r"(?<!`)[{(]\s*[\"']error[\"']\s*:", "geo_app/errors.py"),  # and the JSON error body
    (r"\babort\(\s*403\s*\)", None),  # a refusal is a permission rule (permissions.require)
    (r"errorhandler\(", None),                              # no blueprint renders its own
])
def test_one_home_for_error_answers(pattern, home):
    found = [name for name, text in _sources("geo_app") if re.search(pattern, text)]
    assert found == ([home] if home else [])


def test_the_error_answer_knows_every_registration_of_the_ogc_api(app):
    from geo_app.errors import OGCAPI_BLUEPRINTS

    ogc = {name for name, bp in app.blueprints.items() if bp.import_name.endswith(".ogcapi")}
    assert ogc == set(OGCAPI_BLUEPRINTS)
