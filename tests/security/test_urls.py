"""Record URLs take ASCII ids below 2⁶³ and nothing else; /vendor/ is covered in test_vendor."""

from __future__ import annotations

import pytest

from geo_app.converters import MAX_RECORD_ID

RECORD_PAGES = ["/zonas/", "/expedientes/", "/reuniones/", "/recorridos/", "/sitios/"]
NOT_IDS = [
    "٣",  # Arabic-Indic three: int() reads it as 3
    "３",  # fullwidth three
    "१",  # Devanagari one
    "01",  # leading zero: a second address for record 1
    "+1",
    "-1",
    "1.0",
    "1e3",
    " 1",
    str(MAX_RECORD_ID + 1),
    "9" * 40,
]


@pytest.mark.parametrize("page", RECORD_PAGES)
def test_record_pages_answer_for_a_plain_id(client, page):
    assert client.get(f"{page}1").status_code == 200


@pytest.mark.parametrize("value", NOT_IDS)
@pytest.mark.parametrize("page", RECORD_PAGES)
def test_anything_else_is_not_found_never_an_error_or_an_alias(client, page, value):
    response = client.get(f"{page}{value}")
    assert response.status_code == 404
    assert "La página que busca no existe" in response.get_data(as_text=True)


@pytest.mark.parametrize("page", RECORD_PAGES)
def test_the_largest_id_is_a_plain_not_found(client, page):
    assert client.get(f"{page}{MAX_RECORD_ID}").status_code == 404


def test_urls_are_built_with_the_canonical_id(app):
    from flask import url_for

    with app.test_request_context():
        assert url_for("zones.detail", zone_id=7) == "/zonas/7"
