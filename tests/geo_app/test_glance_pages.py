"""Pages that read at a glance: where maps open, pages without places, sites, the Tablero."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
import shapely
from sqlalchemy import select

from cases.records import queries
from cases.storage.db import unit_of_work
from cases.storage.models import (
    Agreement,
    AgreementStatus,
    Case,
    DisputeZone,
    Inspection,
    Institution,
    InstitutionKind,
    Meeting,
    MeetingKind,
    Site,
)
from geo_app.records import pages
from geo_app.records.map_layers import focus_of

TODAY = dt.date(2025, 8, 1)


def session_of(app):
    return app.extensions["limites_sessions"]()


def text_of(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def add(app, make):
    """Run ``make(session)`` in one unit of work; return the ids it returns."""
    with session_of(app) as session, unit_of_work(session):
        records_ = make(session)
        session.flush()
        return [r.id for r in records_]


def state_body(session) -> Institution:
    return session.scalars(
        select(Institution).where(Institution.kind == InstitutionKind.STATE)
    ).first()


def municipality(session, name: str) -> Institution:
    return session.scalars(
        select(Institution).where(
            Institution.kind == InstitutionKind.MUNICIPALITY, Institution.name.contains(name)
        )
    ).one()


def meeting(title: str, **fields) -> Meeting:
    return Meeting(**{"date": dt.date(2025, 6, 1), "kind": MeetingKind.SECURITY,
                      "title": title, **fields})


# -- where each map opens -----------------------------------------------------------------

def test_overview_opens_on_the_dispute_zones(app):
    # A place recorded far from every zone (the demo names only the Palacio Municipal).
    far = Site(name="Sede lejana de prueba", geometry=shapely.Point(-96.60, 17.20))
    add(app, lambda session: [session.merge(far)])
    with app.test_request_context(), session_of(app) as session:
        data = pages.overview_map(session)
        zones = session.scalars(select(DisputeZone)).all()
        everything = queries.records_bounds(session)
    assert data.focus == focus_of(*(z.geometry for z in zones), pad=pages.ZONES_PAD)
    # Narrower than all the unit's records (sites, routes and the river reach further) …
    assert shapely.box(*everything).area > shapely.box(*data.focus).area
    # … but the other layers are still on the map, findings and routes loaded by view.
    assert len(data.sites) and len(data.river)
    assert data.viewport.tiles == "/mapa/teselas/{z}/{x}/{y}.json"
    assert not len(data.routes) and not len(data.findings)


def test_a_zone_map_opens_on_the_zone_not_on_its_meetings_sites(app):
    with app.test_request_context(), session_of(app) as session:
        zone = next(z for z in session.scalars(select(DisputeZone)) if z.meetings)
        page = pages.zone_page(session, zone.id)
        assert page.map.focus == focus_of(zone.geometry)


# -- records without a place ---------------------------------------------------------------

def test_meeting_without_places_shows_its_municipalities_and_says_so(app, client):
    (meeting_id,) = add(app, lambda s: [s.merge(meeting(
        "Mesa de seguridad de prueba",
        institutions=[municipality(s, "Oaxaca de Juárez"), municipality(s, "Xoxocotlán"),
                      state_body(s)],
    ))])
    with app.test_request_context(), session_of(app) as session:
        page = pages.meeting_page(session, meeting_id)
        names = set(page.map.boundaries["municipality"])
        kinds = set(page.map.boundaries["kind"])
    assert names == {"Oaxaca de Juárez", "Santa Cruz Xoxocotlán"}
    assert kinds == {"oficial"}
    assert page.map.focus is not None
    html = client.get(f"/reuniones/{meeting_id}").get_data(as_text=True)
    assert 'class="map-box"' in html
    assert "el mapa muestra los límites de los municipios que participaron" in text_of(html)


def test_meeting_with_no_place_at_all_has_no_map_and_a_sentence(app, client):
    (meeting_id,) = add(app, lambda s: [s.merge(meeting(
        "Sesión estatal de prueba", institutions=[state_body(s)]
    ))])
    html = client.get(f"/reuniones/{meeting_id}").get_data(as_text=True)
    assert 'class="map-box"' not in html and "folium-map" not in html
    assert "leaflet" not in html.lower()
    assert "Sin mapa: esta reunión no trató zonas ni sitios con ubicación" in text_of(html)


def test_every_demo_meeting_page_has_a_map_or_says_why(app, client):
    with session_of(app) as session:
        ids = session.scalars(select(Meeting.id)).all()
    for meeting_id in ids:
        html = client.get(f"/reuniones/{meeting_id}").get_data(as_text=True)
        assert 'class="map-box"' in html or 'data-testid="map-note"' in html, meeting_id


# -- sites -----------------------------------------------------------------------------------

@pytest.fixture
def site_with_meetings(app):
    """A site, a meeting held there (its venue) and one about it."""

    def make(session):
        site = Site(name="Explanada de prueba", geometry=shapely.Point(-96.72, 17.06))
        held = meeting("Reunión celebrada en la explanada", venue=site)
        about = meeting("Reunión sobre la explanada", sites=[site], kind=MeetingKind.WORKING)
        session.add_all([site, held, about])
        return [site, held, about]

    return add(app, make)


def test_site_page_lists_meetings_held_there_and_about_it(client, site_with_meetings):
    site_id, held_id, about_id = site_with_meetings
    response = client.get(f"/sitios/{site_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Explanada de prueba" in html and 'class="map-box"' in html
    assert f'href="/reuniones/{held_id}"' in html and f'href="/reuniones/{about_id}"' in html


def test_meeting_page_links_its_sites_and_its_venue(client, site_with_meetings):
    site_id, held_id, about_id = site_with_meetings
    link = f'href="/sitios/{site_id}"'
    assert link in client.get(f"/reuniones/{held_id}").get_data(as_text=True)
    about = client.get(f"/reuniones/{about_id}").get_data(as_text=True)
    assert re.search(r'data-testid="sites">.*' + re.escape(link), about, re.S)


def test_sites_layer_popups_link_to_the_site_page(app, client):
    with session_of(app) as session:
        site_id = session.scalars(select(Site.id).order_by(Site.id)).first()
    html = client.get("/mapa/").get_data(as_text=True)
    assert f'href=\\"/sitios/{site_id}\\"' in html
    assert "Ver sitio" in html


def test_missing_site_is_a_spanish_404(client):
    response = client.get("/sitios/99999")
    assert response.status_code == 404
    assert "No existe el sitio con número 99999." in response.get_data(as_text=True)


# -- the Tablero ------------------------------------------------------------------------------

@pytest.fixture
def agreements(app):
    """Open agreements due before, on and after :data:`TODAY`, one done, one without date."""

    def make(session):
        session.execute(Agreement.__table__.delete())
        held = meeting("Reunión con acuerdos de prueba", kind=MeetingKind.WORKING)
        session.add(held)
        rows = [
            Agreement(meeting=held, text=text, due_date=due, status=status)
            for text, due, status in [
                ("Vencido hace un mes", dt.date(2025, 7, 1), AgreementStatus.PENDING),
                ("Vencido ayer", dt.date(2025, 7, 31), AgreementStatus.IN_PROGRESS),
                ("Vence hoy", TODAY, AgreementStatus.PENDING),
                ("Vence en septiembre", dt.date(2025, 9, 1), AgreementStatus.PENDING),
                ("Sin fecha", None, AgreementStatus.PENDING),
                ("Cumplido a tiempo", dt.date(2025, 7, 1), AgreementStatus.DONE),
            ]
        ]
        session.add_all(rows)
        return rows

    return add(app, make)


def test_dashboard_lists_what_is_due_and_overdue_apart(app, agreements):
    with session_of(app) as session:
        board = queries.dashboard(session, today=TODAY)
        due = [a.text for a in board.next_agreements]
        overdue = [a.text for a in board.overdue_agreements]
    assert due == ["Vence hoy", "Vence en septiembre", "Sin fecha"]
    assert overdue == ["Vencido hace un mes", "Vencido ayer"]


def test_dashboard_page_shows_overdue_agreements_in_their_own_list(client, agreements):
    # Every agreement of the fixture is overdue by the computer's date (after 2025).
    html = client.get("/").get_data(as_text=True)
    text = text_of(html)
    assert "Próximos acuerdos" in text and "Acuerdos vencidos" in text
    overdue = re.search(r'data-testid="overdue-agreements">(.*?)</ul>', html, re.S).group(1)
    assert "Vencido hace un mes" in overdue and "Cumplido a tiempo" not in html
    upcoming = re.search(r'data-testid="next-agreements">(.*?)</ul>', html, re.S).group(1)
    assert "Sin fecha" in upcoming and "Vencido" not in upcoming


# -- wording and forms -----------------------------------------------------------------------

def test_wording_of_claims_residual_polygons_and_opening_date(client):
    compare = client.get("/analisis/comparar?municipio=20067").get_data(as_text=True)
    assert "Límite reclamado por Oaxaca de Juárez" in compare
    assert "Reclamo de una parte" not in compare
    analysis = text_of(client.get("/analisis/").get_data(as_text=True))
    assert "Polígonos residuales descartados" in analysis and "stilla" not in analysis
    cases = text_of(client.get("/expedientes/").get_data(as_text=True))
    assert "Fecha de apertura" in cases


def test_topology_table_speaks_of_residual_polygons(runner):
    result = runner.invoke(args=["topology", "db:oficial", "db:reclamo"])
    assert result.exit_code == 0, result.output
    assert "Polígonos residuales descartados por el área mínima" in result.output
    assert "stilla" not in result.output


@pytest.mark.parametrize("bad", ["mucho", "-1", "nan"])
def test_bad_minimum_area_is_a_message_on_the_form(client, bad):
    response = client.get(f"/analisis/?elegido=1&reclamo=Oaxaca+de+Juárez&area_minima={bad}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    # The analysis page itself, with the form marked, not an error page.
    assert "Código 400" not in html and 'class="map-box"' in html
    field = re.search(r'<input[^>]*id="area_minima"[^>]*>', html, re.S).group(0)
    assert "is-invalid" in field and 'aria-invalid="true"' in field
    assert f'value="{bad}"' in html
    feedback = re.search(r'class="invalid-feedback"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert feedback.startswith("El área mínima debe ser un número de m²")
    assert "Se usó el valor por omisión" in feedback


def test_bad_minimum_area_when_creating_a_zone_goes_back_with_a_message(client):
    response = client.post("/analisis/zona", data={
        "elegido": "1", "reclamo": ["Oaxaca de Juárez", "San Jacinto Amilpas"],
        "area_minima": "mucho", "traslape": "1", "nombre": "Zona de prueba",
    }, follow_redirects=True)
    assert response.status_code == 200
    assert "el área mínima debe ser un número de m²" in response.get_data(as_text=True)


def test_tables_put_the_key_column_first(client):
    for path, first in [("/reuniones/", "Reunión"), ("/recorridos/", "Recorrido"),
                        ("/zonas/", "Zona"), ("/expedientes/", "Expediente")]:
        html = client.get(path).get_data(as_text=True)
        assert "table-keyed" in html, path
        assert re.search(r"<thead><tr><th>(.*?)</th>", html).group(1) == first, path


def test_zones_a_route_crosses_link_to_their_pages(app, client):
    with session_of(app) as session:
        inspection = next(
            i for i in session.scalars(select(Inspection))
            if any(part["kind"] == "dispute" for part in i.route_split or [])
        )
        zones = {z.name: z.id for z in session.scalars(select(DisputeZone))}
        crossed = [n for p in inspection.route_split if p["kind"] == "dispute" for n in p["names"]]
        inspection_id = inspection.id
    html = client.get(f"/recorridos/{inspection_id}").get_data(as_text=True)
    split = re.search(r'data-testid="route-split">(.*?)</table>', html, re.S).group(1)
    for name in crossed:
        assert f'<a href="/zonas/{zones[name]}">{name}</a>' in split


def test_a_case_with_no_place_shows_its_municipalities_and_says_so(app, client):
    with session_of(app) as session:
        case = session.scalars(select(Case).where(~Case.zones.any()).order_by(Case.id)).first()
        case_id = case.id
    html = client.get(f"/expedientes/{case_id}").get_data(as_text=True)
    assert pages.CASE_MUNICIPALITIES_NOTE in text_of(html)
    assert 'class="map-box"' in html
