"""The navigation, the maps' Spanish and the pickers, in Chromium at desktop and phone size.

The navigation test opens every page the menus lead to (signed in as the administrator, so
«Administración» and «Compartidos» are there), saves a screenshot of each under
``test-output/screenshots/`` and checks that no entry is cut or pushed off the bar, that
each menu shows all its entries in the window, and that no Leaflet control speaks English.
The picker journey records a meeting with the keyboard, creating a new person from the
picker's dialog, and writes how many clicks it took to ``test-output/clics-reunion-*.txt``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from cases.storage.models import Meeting
from tests.e2e.conftest import PHONE, SCREENSHOTS, XSS_IMG, XSS_SCRIPT

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}
SIZES = {"escritorio": DESKTOP, "telefono": PHONE}

# What Leaflet and its plugins say in English when nobody translates them.
ENGLISH = {
    "Zoom in", "Zoom out", "Layers", "Full Screen", "Exit Full Screen", "Close popup",
    "A JavaScript library for interactive maps", "Draw a polygon", "Draw a polyline",
    "Draw a marker", "Edit layers", "Delete layers", "No layers to edit",
    "No layers to delete", "Remove", "Cancel", "Finish", "Delete last point",
}

NAV_JS = """() => {
    const nav = document.querySelector('nav.navbar');
    if (!nav) return null;
    const shown = (el) => {
        const r = el.getBoundingClientRect();
        return getComputedStyle(el).visibility !== 'hidden' && r.width > 0 && r.height > 0;
    };
    const box = nav.getBoundingClientRect();
    const entries = [...nav.querySelectorAll('.navbar-brand, .navbar-toggler, .nav-link')]
        .filter(shown).map(el => {
            const r = el.getBoundingClientRect();
            return {text: el.textContent.trim(), cut: el.scrollWidth > el.clientWidth + 1,
                    outside: r.left < box.left - 1 || r.right > box.right + 1};
        });
    return {overflow: nav.scrollWidth - nav.clientWidth, entries: entries,
            page: document.documentElement.scrollWidth};
}"""

MENU_JS = """(menu) => {
    const shown = (el) => {
        const r = el.getBoundingClientRect();
        return getComputedStyle(el).visibility !== 'hidden' && r.width > 0 && r.height > 0;
    };
    return [...menu.querySelectorAll('.dropdown-item')].map(el => {
        const r = el.getBoundingClientRect();
        return {text: el.textContent.trim(), href: el.getAttribute('href'), shown: shown(el),
                cut: el.scrollWidth > el.clientWidth + 1,
                inside: r.left >= -1 && r.right <= window.innerWidth + 1};
    });
}"""

SAYS_JS = """() => [...document.querySelectorAll('[title], [aria-label]')]
    .flatMap(el => [el.getAttribute('title'), el.getAttribute('aria-label')])
    .filter(Boolean)"""


def _nav_problems(browsing, path: str) -> list[str]:
    nav = browsing.evaluate(NAV_JS)
    if nav is None:
        return []
    found = [f"{path}: the bar overflows by {nav['overflow']} px"] if nav["overflow"] > 0 else []
    found += [f"{path}: «{e['text']}» is cut" for e in nav["entries"] if e["cut"]]
    found += [f"{path}: «{e['text']}» is off the bar" for e in nav["entries"] if e["outside"]]
    return found


def _open_menus(browsing) -> list[dict]:
    """Open the «Menú» (on a phone) and each grouped menu in turn; every entry of each."""
    page = browsing.page
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("#menu-principal.show").wait_for()
    items = []
    for toggle in page.locator("nav.navbar .dropdown-toggle").all():
        toggle.click()
        menu = toggle.locator("xpath=following-sibling::ul[contains(@class, 'dropdown-menu')]")
        menu.wait_for(state="visible")
        items += [{**item, "menu": toggle.inner_text()} for item in menu.evaluate(MENU_JS)]
        if toggler.is_visible():
            toggle.click()  # fold it again, so the next one opens where it is drawn
    return items


@pytest.mark.parametrize("size", SIZES)
def test_every_menu_entry_fits_and_leads_to_a_spanish_page(open_browser, size):
    browsing = open_browser(viewport=SIZES[size], mobile=size == "telefono",
                            user="administradora")
    browsing.open("/", wait_map=False)
    entries = _open_menus(browsing)
    browsing.shot("menus-abiertos")
    menus = {}
    for entry in entries:
        menus.setdefault(entry["menu"], []).append(entry["text"])
    assert menus == {
        "Registro": ["Zonas", "Expedientes", "Reuniones", "Recorridos", "Acuerdos", "Sitios",
                     "Instituciones", "Personas", "Captura en campo"],
        "Mapas": ["Mapa general", "Análisis"],
        "Informe": ["Indicadores", "Informe trimestral"],
    }
    problems = [f"menu {e['menu']}: «{e['text']}» is hidden, cut or off the window"
                for e in entries if not e["shown"] or e["cut"] or not e["inside"]]
    links = browsing.evaluate("""() => [...document.querySelectorAll('nav.navbar a.nav-link')]
        .map(a => a.getAttribute('href'))""")
    paths = ["/"] + [e["href"] for e in entries] + [h for h in links if h not in ("/",)]
    for path in dict.fromkeys(paths):
        browsing.page.goto(browsing.base_url + path)
        browsing.page.wait_for_load_state("networkidle")
        browsing.shot(path)
        problems += _nav_problems(browsing, path)
        english = ENGLISH & set(browsing.evaluate(SAYS_JS))
        problems += [f"{path}: says «{text}»" for text in sorted(english)]
        if browsing.page.locator(".leaflet-control-zoom-in").count():
            titles = browsing.evaluate("""() => [...document.querySelectorAll(
                '.leaflet-control-zoom-in, .leaflet-control-zoom-out')].map(a => a.title)""")
            if set(titles) != {"Acercar", "Alejar"}:
                problems.append(f"{path}: zoom buttons read {titles}")
    assert "/editar/institucion/" in paths and "/editar/persona/" in paths
    assert problems == []


def test_the_active_section_is_marked_in_its_menu(browsing):
    browsing.open("/editar/persona/", wait_map=False)
    active = browsing.evaluate("""() => [...document.querySelectorAll('nav.navbar .active')]
        .map(el => el.textContent.trim())""")
    assert active == ["Registro", "Personas"]


def test_the_drawing_map_speaks_spanish_and_opens_on_the_municipality(browsing):
    page = browsing.page
    browsing.open("/editar/zona/nuevo", wait_map=False)
    page.locator(".leaflet-draw-draw-polygon").wait_for()
    titles = browsing.evaluate("""() => [...document.querySelectorAll(
        '#geometry-map .leaflet-control a')].map(a => a.title)""")
    assert {"Acercar", "Alejar", "Dibujar un polígono"} <= set(titles), titles
    assert not ENGLISH & set(titles)
    page.locator(".leaflet-draw-draw-polygon").click()
    assert page.locator(".leaflet-draw-tooltip").inner_text() == (
        "Haga clic para empezar el polígono.")
    assert page.locator("#geometry-map").get_by_role("link", name="Cancelar").is_visible()
    error = browsing.evaluate("() => L.drawLocal.draw.handlers.polyline.error")
    assert "no pueden cruzarse" in error
    view = browsing.evaluate("""() => {
        const map = document.getElementById('geometry-map').limitesMap;
        const boxes = [...document.querySelectorAll('#geometry-map .limites-label')]
            .map(el => el.getBoundingClientRect()).filter(r => r.width > 0);
        const overlaps = boxes.filter((a, i) => boxes.slice(i + 1).some(b =>
            a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom));
        return {zoom: map.getZoom(), labels: boxes.length, overlaps: overlaps.length};
    }""")
    assert view["zoom"] >= 11 and view["labels"] >= 1 and view["overlaps"] == 0, view
    browsing.shot("dibujo")


def _click(page, clicks: list[str], locator, label: str) -> None:
    locator.click()
    clicks.append(label)


def _pick(page, typed: str) -> None:
    """Type into the focused picker and choose the first match with Enter."""
    page.keyboard.type(typed)
    page.keyboard.press("Enter")


@pytest.mark.parametrize("size", SIZES)
def test_a_meeting_is_recorded_with_pickers_and_a_new_person(open_browser, field_server,
                                                              size):
    browsing = open_browser(field_server, viewport=SIZES[size], mobile=size == "telefono")
    browsing.watch.ignore_console("422")  # the dialog's first try lacks the position
    page = browsing.page
    clicks: list[str] = []
    browsing.open("/editar/reunion/nuevo", wait_map=False)
    title = f"Mesa metropolitana de prueba ({size})"
    _click(page, clicks, page.get_by_label("Título"), "título")
    page.keyboard.type(title)
    page.keyboard.press("Tab")
    page.keyboard.type("12/08/2025")

    institutions = page.get_by_role("combobox", name="Instituciones")
    _click(page, clicks, institutions, "instituciones")
    for typed in ("xoxo", "lucia", "comision de lim", "fiscalia"):  # accents ignored
        _pick(page, typed)
    chips = page.locator("#institutions + .ts-wrapper .item")
    expect(chips).to_have_count(4)

    people = page.get_by_role("combobox", name="Personas que participaron")
    _click(page, clicks, people, "personas")
    _pick(page, "sara")
    new_name = f"Laura Méndez Ruiz {size}"
    _pick(page, new_name)  # no match: Enter chooses «+ Nueva persona «…»…»
    dialog = page.locator("dialog.quick-dialog")
    dialog.get_by_label("Cargo").wait_for()
    browsing.shot("dialogo")
    assert dialog.get_by_label("Nombre").input_value() == new_name
    page.keyboard.press("Enter")  # without a position: refused in Spanish
    dialog.get_by_text("Escriba el cargo.").wait_for()
    page.keyboard.type("Agente municipal")
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    people_chips = page.locator("#attendees + .ts-wrapper .item")
    expect(people_chips).to_have_count(2)  # the new person's chip comes with the answer
    expect(people_chips.nth(1)).to_contain_text("Laura Méndez Ruiz")

    _click(page, clicks, page.get_by_role("combobox", name="Zonas tratadas"), "zonas")
    _pick(page, "sauces")
    browsing.shot("formulario-lleno")
    _click(page, clicks, page.get_by_role("button", name="Guardar"), "guardar")
    page.wait_for_url(re.compile(r".*/reuniones/\d+"))
    browsing.shot("reunion")
    report = f"clics para registrar la reunión ({size}): {len(clicks)} — {', '.join(clicks)}"
    (SCREENSHOTS.parent / f"clics-reunion-{size}.txt").write_text(report + "\n", "utf-8")
    print(report)
    assert len(clicks) <= 12

    with field_server.session() as session:
        meeting = session.scalar(select(Meeting).where(Meeting.title == title))
        assert sorted(i.short_name for i in meeting.institutions) == [
            "Comisión de Límites", "Fiscalía General", "Santa Cruz Xoxocotlán",
            "Santa Lucía del Camino"]
        people = {p.person.name: p.person.position for p in meeting.people}
        assert people[new_name] == "Agente municipal"
        assert "Sara Mariana Jara Carrasco" in people
        assert [z.name for z in meeting.zones] == ["Fraccionamiento Los Sauces"]


def test_a_name_typed_as_html_stays_text_in_the_picker_and_its_dialog(open_browser, field_server):
    browsing = open_browser(field_server)
    page = browsing.page
    browsing.open("/editar/expediente/nuevo", wait_map=False)
    page.get_by_role("combobox", name="Partes (instituciones)").click()
    _pick(page, XSS_IMG)
    dialog = page.locator("dialog.quick-dialog")
    dialog.get_by_label("Nombre corto").fill(XSS_SCRIPT)
    dialog.get_by_role("button", name="Crear y elegir").click()
    dialog.wait_for(state="hidden")
    chip = page.locator("#parties + .ts-wrapper .item")
    assert XSS_IMG in chip.inner_text()
    assert page.locator("#parties + .ts-wrapper img").count() == 0
    browsing.shot("nombre-como-texto")
