"""Every page through the Flask test client: Spanish, breadcrumbs, dates, links, no CDN, XSS."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from limites_testing import demo_app
from sqlalchemy import select

from cases.storage.models import Case, DisputeZone, Inspection, Institution, Meeting, Site
from geo_app import create_app
from geo_app.formatting import long_date
from geo_app.maps import external_references

LIST_PAGES = ["/", "/mapa/", "/zonas/", "/expedientes/", "/reuniones/", "/recorridos/"]
RECORDS = {
    "zonas": DisputeZone,
    "expedientes": Case,
    "reuniones": Meeting,
    "recorridos": Inspection,
}
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
ENGLISH_MONTHS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b"
)


def record_pages(app) -> list[str]:
    with app.extensions["limites_sessions"]() as session:
        return [
            f"/{section}/{record_id}"
            for section, model in RECORDS.items()
            for record_id in session.scalars(select(model.id).order_by(model.id))
        ]


def all_pages(app) -> list[str]:
    return LIST_PAGES + record_pages(app)


def get_html(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def title_of(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1)).strip()


def breadcrumbs_of(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Ruta">(.*?)</nav>', html, re.S)
    assert nav, "no breadcrumbs"
    items = re.findall(r'<li class="breadcrumb-item[^"]*"[^>]*>(.*?)</li>', nav.group(1), re.S)
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def text_of(html: str) -> str:
    """The visible text: without scripts, styles and tags."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def pages(app) -> list[str]:
    return all_pages(app)


def test_every_page_is_spanish_with_title_and_breadcrumbs(client, pages):
    assert len(pages) == len(LIST_PAGES) + 5 + 3 + 11 + 1
    for path in pages:
        html = get_html(client, path)
        assert '<html lang="es-MX">' in html, path
        title = title_of(html)
        assert title.endswith(" — Límites"), path
        crumbs = breadcrumbs_of(html)
        assert crumbs[0] == "Tablero", path
        assert crumbs[-1] == title.removesuffix(" — Límites"), path
        if path.count("/") == 2 and path[-1] != "/":  # a record: Tablero / section / record
            assert len(crumbs) == 3, path
        visible = text_of(html)
        assert not ENGLISH_MONTHS.search(visible), path
        assert "Not Found" not in visible and "None" not in visible.split(), path


def test_dates_are_written_in_spanish(app, client):
    with app.extensions["limites_sessions"]() as session:
        meeting = session.scalars(
            select(Meeting).where(Meeting.date == dt.date(2025, 5, 14))
        ).first()
        assert meeting is not None
        meeting_id = meeting.id
    assert long_date(dt.date(2025, 5, 14)) == "14 de mayo de 2025"
    for path in ("/reuniones/", f"/reuniones/{meeting_id}"):
        assert "14 de mayo de 2025" in text_of(get_html(client, path)), path
    assert "23 de junio de 2025" in text_of(get_html(client, "/"))  # the latest meeting
    assert "2025-05-14" not in text_of(get_html(client, f"/reuniones/{meeting_id}"))


@pytest.mark.parametrize(
    ("section", "what"),
    [
        ("zonas", "la zona"),
        ("expedientes", "el expediente"),
        ("reuniones", "la reunión"),
        ("recorridos", "el recorrido"),
    ],
)
def test_missing_record_is_404_in_spanish(client, section, what):
    html = get_html(client, f"/{section}/99999", status=404)
    assert title_of(html) == "Página no encontrada — Límites"
    assert f"No existe {what} con número 99999." in text_of(html)
    assert "Volver al tablero" in html


def test_unknown_address_is_404_in_spanish(client):
    html = get_html(client, "/no-existe", status=404)
    assert "La página que busca no existe" in text_of(html)


def test_no_page_references_external_scripts_or_styles(client, pages):
    for path in pages:
        assert external_references(get_html(client, path)) == [], path
    # The error page too.
    assert external_references(get_html(client, "/zonas/99999", status=404)) == []


def test_zone_page_lists_its_meetings(app, client):
    with app.extensions["limites_sessions"]() as session:
        zones = session.scalars(select(DisputeZone).order_by(DisputeZone.id)).all()
        expected = {z.id: [(m.id, m.title) for m in z.meetings] for z in zones}
    assert any(expected.values())
    for zone_id, meetings in expected.items():
        html = get_html(client, f"/zonas/{zone_id}")
        for meeting_id, title in meetings:
            link = re.search(rf'<a href="/reuniones/{meeting_id}">(.*?)</a>', html, re.S)
            assert link and unescape(link.group(1)) == title, (zone_id, meeting_id)
        if not meetings:
            assert "Ninguna reunión registrada." in html


def test_meeting_page_says_who_took_part_and_where_only_as_recorded(app, client):
    with app.extensions["limites_sessions"]() as session:
        meetings = session.scalars(select(Meeting).order_by(Meeting.id)).all()
        expected = {
            m.id: (m.participants, [p.person.label for p in m.people],
                   m.venue.name if m.venue else None, bool(m.agreements))
            for m in meetings
        }
    assert any(people for _, people, _, _ in expected.values())
    for meeting_id, (participants, people, venue, agreements) in expected.items():
        visible = text_of(get_html(client, f"/reuniones/{meeting_id}"))
        assert participants in visible, meeting_id
        assert all(label in visible for label in people), meeting_id
        assert ("Lugar" in visible) == (venue is not None), meeting_id
        assert "No registrado" not in visible
        if not agreements:
            assert "Esta reunión no registró acuerdos." in visible


@pytest.mark.parametrize("payload", [XSS_IMG, XSS_SCRIPT])
def test_hostile_names_never_reach_the_html_raw(app, client, payload):
    with app.extensions["limites_sessions"]() as session, session.begin():
        zone = session.scalars(
            select(DisputeZone).where(DisputeZone.meetings.any()).order_by(DisputeZone.id)
        ).first()
        zone.name = payload
        meeting = zone.meetings[0]
        meeting.title = payload
        meeting.institutions[0].name = payload
        if meeting.agreements:
            meeting.agreements[0].text = payload
        session.scalars(select(Site).order_by(Site.id)).first().name = payload
        zone_id, meeting_id = zone.id, meeting.id
        assert session.scalars(select(Institution).where(Institution.name == payload)).one()
    pages = all_pages(app)
    for path in pages:
        html = get_html(client, path)
        assert payload not in html, path
        assert "alert(1)</script>" not in html, path
        assert "<img src=x" not in html, path
    # The names are shown, escaped, where they belong.
    escaped = payload.replace("<", "&lt;").replace(">", "&gt;")
    assert escaped in get_html(client, f"/zonas/{zone_id}")
    assert escaped in get_html(client, f"/reuniones/{meeting_id}")
    # In the map's script the popup HTML (already escaped) travels as escaped JSON.
    assert "\\u0026lt;" in get_html(client, "/mapa/")

def test_without_tiles_no_tile_layer_is_created(client, pages):
    for path in pages:
        html = get_html(client, path)
        assert "L.tileLayer" not in html, path
        assert "openstreetmap" not in html, path
    assert "L.map(" in get_html(client, "/mapa/")


def test_configured_tiles_make_a_tile_layer(sqlite_url, sign_in):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": sqlite_url,
            "TILES": "/teselas/{z}/{x}/{y}.png",
            "TILES_ATTRIBUTION": "prueba",
        }
    )
    html = sign_in(app).get("/mapa/").get_data(as_text=True)
    app.extensions["limites_engine"].dispose()
    assert html.count("L.tileLayer(") == 1
    assert "/teselas/{z}/{x}/{y}.png" in html


@pytest.fixture
def empty_app(tmp_path):
    app = demo_app(tmp_path, demo=False)
    yield app
    app.extensions["limites_engine"].dispose()


EMPTY_MESSAGES = {
    "/zonas/": ["Aún no hay zonas en disputa registradas."],
    "/expedientes/": ["Aún no hay expedientes."],
    "/reuniones/": ["Aún no hay reuniones registradas."],
    "/recorridos/": ["Aún no hay recorridos registrados."],
    "/": [
        "No hay indicadores registrados para ",
        "No hay acuerdos pendientes.",
        "Aún no hay reuniones registradas.",
        "Aún no hay recorridos registrados.",
    ],
}


def test_empty_database_renders_every_list_page_and_the_map(empty_app, sign_in):
    client = sign_in(empty_app)
    for path, messages in EMPTY_MESSAGES.items():
        html = get_html(client, path)
        for message in messages:
            assert message in html, (path, message)
        assert external_references(html) == []
    html = get_html(client, "/mapa/")
    assert "L.map(" in html
    assert "L.geoJson" not in html and "L.marker(" not in html
    assert external_references(html) == []
    assert get_html(client, "/zonas/1", status=404)


def test_evidence_links_only_render_safe_urls(app, client):
    from sqlalchemy import select

    from cases.storage.models import Evidence, Meeting

    with app.extensions["limites_sessions"]() as session, session.begin():
        meeting = session.scalars(select(Meeting)).first()
        meeting.evidence.append(Evidence(label="malicioso", url="javascript:alert(1)"))
        meeting.evidence.append(Evidence(label="publicación", url="https://example.org/p"))
        meeting_id = meeting.id
    html = client.get(f"/reuniones/{meeting_id}").get_data(as_text=True)
    assert "javascript:alert" not in html
    assert 'href="https://example.org/p"' in html


def test_a_bug_inside_a_use_case_is_a_500_page_with_a_logged_reference(
    app, client, monkeypatch, caplog
):
    import geo_app.records.pages

    def broken(session):
        raise ValueError("falla simulada")

    monkeypatch.setattr(geo_app.records.pages.queries, "records_bounds", broken)
    html = get_html(client, "/mapa/", status=500)
    reference = re.search(r'data-testid="error-reference">(\w+)<', html).group(1)
    assert "Ocurrió un error interno" in html and "falla simulada" not in html
    assert any(reference in r.getMessage() and r.exc_info for r in caplog.records)


def test_outdated_schema_is_a_clear_page(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    html = get_html(app.test_client(), "/", status=503)
    assert "limites init" in html
    app.extensions["limites_engine"].dispose()


def test_dashboard_shows_indicator_levels_as_the_indicadores_page(app, client):
    """The Tablero shows each level with its rule, as the Indicadores page computes it."""
    text = " ".join(text_of(client.get("/").get_data(as_text=True)).split())
    assert "Indicadores — abril–junio 2025" in text
    rule = ("Calculado: 4 vinculaciones en el año hasta el segundo trimestre de 2025 "
            "(4 vinculaciones en el trimestre) de 20 programadas en el año = 20 %")
    assert rule in text
    assert "4 vinculaciones en el trimestre" in text
    indicadores = " ".join(
        text_of(client.get("/indicadores/?anio=2025").get_data(as_text=True)).split()
    )
    assert rule.removeprefix("Calculado: ") in indicadores


def test_dashboard_computes_a_level_with_a_goal_and_says_when_there_is_none(app, client):
    from cases.reporting.indicators import configure_indicator, find_indicator

    with app.extensions["limites_sessions"]() as session:
        meeting = session.scalars(select(Meeting).order_by(Meeting.date.desc())).first()
        session.add(Meeting(date=dt.date(2025, 7, 17), kind=meeting.kind, title="En julio",
                            indicator=find_indicator(session, "12.2", 2025),
                            institutions=list(meeting.institutions)))
        from cases.storage.statuses import IndicatorRule

        configure_indicator(session, find_indicator(session, "12.2", 2025), annual_goal=20,
                            rule=IndicatorRule.QUARTER_OF_YEAR)
        from sqlalchemy import update

        from cases.storage.models import Indicator

        session.execute(update(Indicator).where(Indicator.key != "12.2").values(
            annual_goal=None))
        session.commit()
    html = client.get("/").get_data(as_text=True)
    text = " ".join(text_of(html).split())
    assert "Indicadores — julio–septiembre 2025" in text
    assert "Calculado: 1 vinculación de 20 programadas en el año = 5 %" in text
    assert 'style="width: 5.0%">5 %' in html
    assert text.count("Nivel alcanzado: sin dato") == 2  # 12 and 12.1: no goal, no figure
