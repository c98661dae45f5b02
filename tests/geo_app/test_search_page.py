"""«Buscar»: the box on every page and its results, grouped, highlighted and escaped."""

import re

from limites_testing import demo_zone

from cases.storage.models import Meeting, MeetingKind


def _html(client, query: str, **args) -> str:
    page = client.get("/buscar/", query_string={"q": query, **args})
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_every_page_has_the_search_box(client):
    for path in ("/", "/zonas/", "/reuniones/", "/cuenta/"):
        html = client.get(path).get_data(as_text=True)
        assert 'role="search"' in html and 'action="/buscar/"' in html, path


def test_results_are_grouped_by_kind_and_highlighted(reader_client):
    html = _html(reader_client, "colonia EJIDAL")
    assert re.search(r'<h2 class="h5" id="grupo-dispute_zone">Zonas', html)
    assert "<mark>Colonia</mark> <mark>Ejidal</mark>" in html
    assert 'href="/zonas/' in html
    # Filters by kind, with counts, «Todo» first.
    assert ">Todo <span" in html and "tipo=dispute_zone" in html


def test_highlighting_escapes_the_stored_text(app, client):
    with app.extensions["limites_sessions"]() as session:
        zone = demo_zone(session)
        zone.description = "<script>alert(1)</script> {{ 7*7 }} Sauces<b>"
        session.commit()
    html = _html(client, "sauces")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} <mark>Sauces</mark>&lt;b&gt;" in html


def test_a_kind_filter_and_pages(app, client):
    import datetime as dt

    with app.extensions["limites_sessions"]() as session:
        session.add_all(Meeting(date=dt.date(2026, 1, 1) + dt.timedelta(days=n),
                                kind=MeetingKind.WORKING, title=f"Mesa tlalixtac {n}")
                        for n in range(25))
        session.commit()
    html = _html(client, "TLALIXTAC", tipo="meeting", pagina=2)
    assert "página 2 de 2" in html and html.count('class="search-result') == 5
    assert "Siguiente" in html and "Anterior" in html


def test_spanish_empty_states(client):
    assert "No se encontró nada con «zzzqqq»" in _html(client, "zzzqqq")
    assert "No importan los acentos ni las mayúsculas" in _html(client, "")


def test_search_needs_a_session(anon_client):
    page = anon_client.get("/buscar/?q=ejidal")
    assert page.status_code == 302 and "/cuenta/entrar" in page.headers["Location"]
