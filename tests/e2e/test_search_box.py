"""The search box in the bar: at 1280 px and on a phone, it fits and leads to the results."""

import pytest

from tests.e2e.conftest import PHONE
from tests.e2e.test_navigation import _nav_problems

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}
SIZES = [pytest.param((DESKTOP, False), id="1280"), pytest.param((PHONE, True), id="390")]


@pytest.mark.parametrize("size", SIZES)
def test_search_from_the_bar_shows_grouped_highlighted_results(open_browser, size):
    viewport, mobile = size
    # The widest bar: an administrator sees every menu.
    browsing = open_browser(viewport=viewport, mobile=mobile, user="administradora")
    browsing.open("/", wait_map=False)
    assert _nav_problems(browsing, "/") == []
    page = browsing.page
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("#menu-principal.show").wait_for()
    box = page.locator("nav.navbar input[type=search]")
    box.fill("xoxocotlan")
    box.press("Enter")
    page.wait_for_url("**/buscar/?q=xoxocotlan")
    assert page.locator("section.search-group h2").count() >= 2
    marks = page.locator("section.search-group mark").all_inner_texts()
    assert marks and all(m.lower().startswith("xoxocotl") for m in marks)
    assert "Xoxocotlán" in marks
    assert _nav_problems(browsing, "/buscar/") == []
    browsing.shot("resultados")
    browsing.open("/buscar/?q=zzzqqq", wait_map=False)
    assert "No se encontró nada" in page.inner_text("main")
    browsing.shot("sin-resultados")
