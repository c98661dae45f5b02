"""«Medir distancia» measures on every map without 'unsafe-eval' and without CSP reports."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e

MAP = "window[document.querySelector('.folium-map').id]"
SIZES = {"escritorio": {"width": 1280, "height": 800}, "telefono": {"width": 390, "height": 844}}
CSP_VIOLATION = "Content Security Policy"
OPEN_POPUPS = f"() => Object.values({MAP}._layers).filter(l => l instanceof L.Popup).length"


def _map_point(browsing, fx: float, fy: float) -> dict[str, float]:
    """Viewport coordinates at fractions of the map's box, scrolled into view."""
    browsing.page.locator(".folium-map").scroll_into_view_if_needed()
    box = browsing.page.locator(".folium-map").bounding_box()
    # Whole pixels: where the mouse really clicks.
    return {"x": round(box["x"] + box["width"] * fx), "y": round(box["y"] + box["height"] * fy)}


def _metres(text: str) -> float:
    """The distance of «Distancia: 850 m» or «Distancia: 1,234.57 km», in metres."""
    match = re.fullmatch(r"Distancia: ([\d,]+(?:\.\d\d)?) (m|km)", text)
    assert match, repr(text)
    value = float(match.group(1).replace(",", ""))
    return value * 1000 if match.group(2) == "km" else value


def _distance(browsing, a, b) -> float:
    return browsing.evaluate(
        f"""([a, b]) => {{
            const map = {MAP};
            const box = map.getContainer().getBoundingClientRect();
            const at = p => map.containerPointToLatLng([p.x - box.left, p.y - box.top]);
            return at(a).distanceTo(at(b));
        }}""",
        [a, b],
    )


@pytest.mark.parametrize("size", sorted(SIZES))
def test_two_clicks_give_a_distance_in_spanish(open_browser, size):
    browsing = open_browser(viewport=SIZES[size], mobile=size == "telefono")
    response = browsing.open("/zonas/1")
    assert "unsafe-eval" not in response.headers["content-security-policy"]
    page = browsing.page
    toggle = page.get_by_role("button", name="Medir distancia")
    toggle.click()
    assert page.locator(".limites-measure-hint").inner_text() == (
        "Haga clic en el mapa para marcar el primer punto."
    )
    # Right of the panel that opens under the button, on a phone too.
    a, b = _map_point(browsing, .55, .45), _map_point(browsing, .9, .45)
    page.mouse.click(a["x"], a["y"])
    page.mouse.click(b["x"], b["y"])
    expected = _distance(browsing, a, b)
    result = page.locator(".limites-measure-result")
    text = result.inner_text()
    # Shown to the metre, or to 10 m in km; where a tap lands may differ by a pixel or two.
    per_pixel = expected / abs(b["x"] - a["x"])
    assert abs(_metres(text) - expected) <= (5 if expected >= 1000 else 0.5) + 2 * per_pixel
    # Clicks on the zone measure; they leave no popup open (one closing may still fade).
    assert browsing.evaluate(OPEN_POPUPS) == 0
    browsing.shot(f"medir-{size}-distancia")
    c = _map_point(browsing, .7, .8)
    page.mouse.click(c["x"], c["y"])
    assert re.search(r"Área encerrada: [\d,.]+ (ha \([\d,]+ m²\)|m²)", result.inner_text())
    page.get_by_role("button", name="Terminar").click()
    assert page.locator(".limites-measure-hint").inner_text() == "Medición terminada."
    browsing.shot(f"medir-{size}-area")
    page.get_by_role("button", name="Borrar").click()
    assert page.locator(".limites-measure-panel").is_hidden()
    assert not [m for m in browsing.watch.console_errors if CSP_VIOLATION in m]


@pytest.mark.parametrize("path", ["/mapa/", "/recorridos/1", "/reuniones/1", "/analisis/"])
def test_map_pages_report_no_csp_violation(browsing, path):
    response = browsing.open(path)
    assert "unsafe-eval" not in response.headers["content-security-policy"]
    browsing.page.get_by_role("button", name="Medir distancia").click()
    a, b = _map_point(browsing, .4, .5), _map_point(browsing, .6, .5)
    browsing.page.mouse.click(a["x"], a["y"])
    browsing.page.mouse.click(b["x"], b["y"])
    assert browsing.page.locator(".limites-measure-result").inner_text().startswith("Distancia")
    assert browsing.watch.console_errors == []
