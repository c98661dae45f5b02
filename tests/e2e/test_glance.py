"""Every page at desktop and phone size: a map that shows something, labels that do not pile up.

One test per screen size walks every page of the demo (lists, each record, each site, the
analysis pages), saves a screenshot of each under ``test-output/screenshots/`` and collects
what is wrong, so one run shows every page even when some fail.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cases.storage.models import Case, DisputeZone, Inspection, Meeting, Site

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LIST_PAGES = [
    "/", "/mapa/", "/zonas/", "/expedientes/", "/reuniones/", "/recorridos/", "/analisis/",
    "/analisis/comparar?municipio=20067&anterior=1&nueva=5",
    "/indicadores/?anio=2025", "/informe/?trimestre=2025-T2",
]
RECORDS = {
    "zonas": DisputeZone,
    "expedientes": Case,
    "reuniones": Meeting,
    "recorridos": Inspection,
    "sitios": Site,
}

# The labels are laid out and no zoom animation is moving them.
LAID_OUT_JS = """() => document.querySelector('.folium-map').dataset.labels === 'listo'
    && !document.querySelector('.leaflet-zoom-anim')"""

# What a page shows at its first view, measured in the browser.
GLANCE_JS = """() => {
    const visible = (el) => {
        const s = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0;
    };
    const meets = (a, b) => a.left < b.right && b.left < a.right
        && a.top < b.bottom && b.top < a.bottom;
    const out = {
        width: document.documentElement.scrollWidth,
        nav: document.querySelector('nav.navbar').getBoundingClientRect().height,
        tallestRow: Math.max(0, ...[...document.querySelectorAll('table tr')]
            .map(r => r.getBoundingClientRect().height)),
        boxes: document.querySelectorAll('.map-box').length,
        maps: [],
    };
    for (const container of document.querySelectorAll('.folium-map')) {
        // The whole map in the window, so elementFromPoint can see its controls.
        container.scrollIntoView({block: 'nearest', behavior: 'instant'});
        const frame = container.getBoundingClientRect();
        const inside = (el) => visible(el) && meets(el.getBoundingClientRect(), frame);
        const shapes = [...container.querySelectorAll('.leaflet-overlay-pane path')]
            .filter(inside).length;
        const markers = [...container.querySelectorAll('.leaflet-marker-pane > *')]
            .filter(inside).length;
        const labels = [...container.querySelectorAll('.limites-label')].filter(inside);
        let overlaps = [];
        for (let i = 0; i < labels.length; i++) {
            for (let j = i + 1; j < labels.length; j++) {
                if (meets(labels[i].getBoundingClientRect(), labels[j].getBoundingClientRect())) {
                    overlaps.push(labels[i].textContent + ' / ' + labels[j].textContent);
                }
            }
        }
        const legend = container.querySelector('.limites-legend');
        const details = legend && legend.querySelector('details');
        const scale = container.querySelector('.leaflet-control-scale');
        let scaleShown = false;
        if (scale && visible(scale)) {
            const r = scale.getBoundingClientRect();
            const top = document.elementFromPoint(r.left + 4, r.top + r.height / 2);
            scaleShown = r.bottom <= frame.bottom && r.left >= frame.left
                && !!top && scale.contains(top);
        }
        const map = window[container.id];
        let subjectCovered = [];
        if (map && map.limitesSubject) {
            const b = map.limitesSubject;
            const sw = map.latLngToContainerPoint([b[0][0], b[0][1]]);
            const ne = map.latLngToContainerPoint([b[1][0], b[1][1]]);
            const subject = {left: frame.left + sw.x, right: frame.left + ne.x,
                             top: frame.top + ne.y, bottom: frame.top + sw.y};
            for (const el of container.querySelectorAll('.leaflet-control')) {
                if (visible(el) && meets(el.getBoundingClientRect(), subject)) {
                    subjectCovered.push(el.className);
                }
            }
        }
        out.maps.push({
            width: frame.width, height: frame.height, shapes: shapes, markers: markers,
            labels: labels.length, overlaps: overlaps,
            legendOpen: details ? details.open : null, scaleShown: scaleShown,
            subjectCovered: subjectCovered, labelsReady: container.dataset.labels === 'listo',
        });
    }
    return out;
}"""


@pytest.fixture(scope="module")
def every_page(live_server) -> list[str]:
    """Every page of the demo: lists, analysis and each record."""
    with live_server.session() as session:
        records = [
            f"/{section}/{record_id}"
            for section, model in RECORDS.items()
            for record_id in session.scalars(select(model.id).order_by(model.id))
        ]
    return LIST_PAGES + records


def _problems(path: str, glance: dict, viewport: dict) -> list[str]:
    found = []
    if glance["width"] > viewport["width"]:
        found.append(f"{path}: the page is {glance['width']} px wide")
    if glance["tallestRow"] > viewport["height"] / 3:  # text squeezed into a narrow column
        found.append(f"{path}: a table row {glance['tallestRow']:.0f} px tall")
    if glance["nav"] > 64:
        found.append(f"{path}: the navigation takes {glance['nav']:.0f} px (more than a line)")
    if glance["boxes"] != len(glance["maps"]):
        found.append(f"{path}: a map box without a map")
    for m in glance["maps"]:
        if m["shapes"] + m["markers"] == 0:
            found.append(f"{path}: empty map (nothing drawn in view)")
        if m["overlaps"]:
            found.append(f"{path}: overlapping labels {m['overlaps']}")
        if not m["labelsReady"]:
            found.append(f"{path}: labels were never laid out")
        if m["legendOpen"] and m["width"] < 900:
            found.append(f"{path}: legend open on a {m['width']:.0f} px map")
        if not m["scaleShown"]:
            found.append(f"{path}: scale bar hidden")
        if m["subjectCovered"]:
            found.append(f"{path}: controls over the subject {m['subjectCovered']}")
    return found


@pytest.mark.parametrize("size", ["escritorio", "telefono"])
def test_every_page_reads_at_a_glance(open_browser, every_page, size):
    viewport = DESKTOP if size == "escritorio" else PHONE
    browsing = open_browser(viewport=viewport, mobile=size == "telefono")
    problems = []
    labelled = 0
    for path in every_page:
        response = browsing.page.goto(browsing.base_url + path)
        assert response is not None and response.status == 200, path
        if browsing.page.locator(".folium-map").count():
            browsing.wait_for_map()
            browsing.page.wait_for_function(LAID_OUT_JS)
        browsing.shot(f"{size}-{path}")
        glance = browsing.evaluate(GLANCE_JS)
        labelled += sum(m["labels"] for m in glance["maps"])
        problems.extend(_problems(path, glance, viewport))
    assert not problems, "\n".join(problems)
    assert labelled > 0, "no page shows a name label"


# Opens a zone's popup at a point just inside the map's top-left corner, under the buttons.
OPEN_POPUP_IN_CORNER_JS = """() => {
    const container = document.querySelector('.folium-map');
    const map = window[container.id];
    let zone = null;
    map.eachLayer(l => { if (!zone && l.feature && l.feature.properties.popup
                              && l.feature.properties.popup.includes('/zonas/')) zone = l; });
    zone.openPopup(map.containerPointToLatLng([20, 20]));
}"""

# The controls (and the notice) the open popup overlaps.
UNDER_POPUP_JS = """() => {
    const container = document.querySelector('.folium-map');
    const popup = container.querySelector('.leaflet-popup').getBoundingClientRect();
    const meets = (a, b) => a.left < b.right && b.left < a.right
        && a.top < b.bottom && b.top < a.bottom;
    return [...container.querySelectorAll('.leaflet-control, .limites-illustrative')]
        .filter(el => el.getBoundingClientRect().width > 0)
        .filter(el => meets(el.getBoundingClientRect(), popup))
        .map(el => el.className);
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["escritorio", "telefono"])
def test_popups_open_clear_of_the_controls(open_browser, viewport):
    browsing = open_browser(viewport=viewport, mobile=viewport is PHONE)
    browsing.open("/mapa/")
    browsing.page.wait_for_timeout(300)  # the map settles after the full-page screenshot
    browsing.evaluate(OPEN_POPUP_IN_CORNER_JS)
    browsing.page.wait_for_timeout(600)  # the map pans to show the popup (0.25 s)
    covered = browsing.evaluate(UNDER_POPUP_JS)
    browsing.shot("popup-en-la-esquina")
    assert covered == []
