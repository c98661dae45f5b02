"""Browser fixtures: the app served on 127.0.0.1, driven by the system Chromium.

Like umap's ``tests/integration/conftest.py``: fixed locale and timezone, every request
that leaves 127.0.0.1 is stubbed (tiles get a transparent PNG) or refused and recorded,
and console errors, page errors and JavaScript dialogs fail the test at teardown.
Every page a test visits is saved as a screenshot under ``test-output/screenshots/``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from limites_testing import demo_app, missing, session_cookie
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-output" / "screenshots"
TILE_HOST = "tiles.invalid"
TILES = f"https://{TILE_HOST}/{{z}}/{{x}}/{{y}}.png"
LOCAL_HOST = "127.0.0.1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# A 1x1 transparent PNG, served for every tile.
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000005000155c2c3c40000000049454e44ae426082"
)
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}

# Written as it would be in the HTML of a zone, meeting or institution name.
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"


# -- the app on a live server ---------------------------------------------------------------

def build_app(directory: Path, prepare: Callable[[Session], None] | None = None) -> Flask:
    """The app on a new SQLite database in ``directory`` with the demo data loaded.

    ``prepare`` may change the data (in the same unit of work) before the server starts.
    """
    return demo_app(directory, prepare=prepare, TILES=TILES, TILES_ATTRIBUTION="prueba",
                    SECRET_KEY="prueba-e2e")


@dataclass
class LiveServer:
    """A running app: its base URL and the app (for its database)."""

    app: Flask
    url: str

    def session(self) -> Session:
        return self.app.extensions["limites_sessions"]()


@contextmanager
def serve(app: Flask) -> Iterator[LiveServer]:
    """Serve ``app`` on 127.0.0.1 and a free port from a background thread."""
    server = make_server(LOCAL_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="limites-e2e", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://{LOCAL_HOST}:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["limites_engine"].dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The demo app, served for the whole session (tests only read from it)."""
    with serve(build_app(tmp_path_factory.mktemp("e2e-demo"))) as server:
        yield server


@pytest.fixture
def field_server(tmp_path) -> Iterator[LiveServer]:
    """The demo app on its own database (the test writes), keeping photos, with no base map."""
    with serve(demo_app(tmp_path, TILES="", ATTACHMENTS_DIR=str(tmp_path / "adjuntos"))) as server:
        yield server


# -- the browser ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        missing(f"system Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class Watch:
    """What a page did that a test must not allow: errors, dialogs, off-site requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)
    ignored: list[re.Pattern] = field(default_factory=list)

    def ignore_console(self, pattern: str) -> None:
        """Accept console errors matching ``pattern`` (e.g. the 404 of a 404 test)."""
        self.ignored.append(re.compile(pattern))

    def problems(self) -> list[str]:
        console = [m for m in self.console_errors if not any(p.search(m) for p in self.ignored)]
        return (
            [f"console error: {m}" for m in console]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"dialog: {m}" for m in self.dialogs]
            + [f"off-site request: {u}" for u in self.external]
        )


class Browsing:
    """A page with its :class:`Watch`, opening app paths and saving a screenshot of each."""

    def __init__(self, page, watch: Watch, base_url: str, shots: Path):
        self.page = page
        self.watch = watch
        self.base_url = base_url
        self.shots = shots
        self._count = 0

    def open(self, path: str, *, status: int = 200, wait_map: bool = True):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status == status, (path, response)
        if wait_map:
            self.wait_for_map()
        self.shot(path)
        return response

    def wait_for_map(self) -> None:
        self.page.wait_for_selector(".folium-map.leaflet-container")
        self.page.wait_for_function(f"() => !!window[{MAP_JS}]")
        self.page.wait_for_load_state("networkidle")

    def shot(self, label: str) -> Path:
        self._count += 1
        slug = re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-") or "inicio"
        path = self.shots / f"{self._count:02d}-{slug}.png"
        self.page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path

    def evaluate(self, script: str, arg=None):
        return self.page.evaluate(script, arg)

    def layer_counts(self) -> dict[str, dict[str, int]]:
        """Per overlay of the layer control: shapes, markers and cluster state."""
        return self.evaluate(LAYER_COUNTS_JS)

    def click_point(self, href: str) -> dict[str, float]:
        """Page coordinates inside the shape whose popup links to ``href``, on top.

        Fits the map to the shape, then samples its bounding box until the topmost
        element at a point is that shape's own SVG path.
        """
        point = self.evaluate(CLICK_POINT_JS, href)
        if point is None:  # the SVG renderer may redraw after the move; ask once more
            self.page.wait_for_timeout(300)
            point = self.evaluate(CLICK_POINT_JS, href)
        assert point is not None, f"no clickable point on the shape linking to {href}"
        return point


# The global variable folium gives the Leaflet map is the id of its container.
MAP_JS = "document.querySelector('.folium-map').id"

_OVERLAYS_JS = """
    const map = window[document.querySelector('.folium-map').id];
    const key = Object.keys(window).find(k => /^layer_control_[0-9a-f]+_layers$/.test(k));
    const overlays = key ? window[key].overlays : {};
"""

LAYER_COUNTS_JS = (
    "() => {"
    + _OVERLAYS_JS
    + """
    const out = {};
    for (const [name, group] of Object.entries(overlays)) {
        const n = {shapes: 0, drawn: 0, markers: 0, markers_shown: 0, clustered: 0,
                   cluster_items: 0, on_map: map.hasLayer(group)};
        const walk = (layer) => {
            if (L.MarkerClusterGroup && layer instanceof L.MarkerClusterGroup) {
                n.clustered += layer.getLayers().length;
                // What the cluster draws at this zoom: clusters and lone markers.
                layer._featureGroup.eachLayer(item => {
                    n.cluster_items += 1;
                    n.markers_shown += item.getChildCount ? item.getChildCount() : 1;
                });
            } else if (layer instanceof L.Path) {
                n.shapes += 1;
                if (layer._path && document.body.contains(layer._path)) n.drawn += 1;
            } else if (layer instanceof L.Marker) {
                n.markers += 1;
                if (layer._icon && document.body.contains(layer._icon)) n.markers_shown += 1;
            } else if (layer.eachLayer) {
                layer.eachLayer(walk);
            }
        };
        walk(group);
        out[name] = n;
    }
    return out;
}"""
)

CLICK_POINT_JS = (
    "(href) => {"
    + _OVERLAYS_JS
    + """
    let target = null;
    const find = (layer) => {
        const popup = layer.feature && layer.feature.properties.popup;
        if (popup && popup.includes('href="' + href + '"')) target = layer;
        else if (layer.eachLayer) layer.eachLayer(find);
    };
    Object.values(overlays).forEach(find);
    if (!target) return null;
    map.fitBounds(target.getBounds(), {animate: false});
    const box = map.getContainer().getBoundingClientRect();
    const bounds = target.getBounds();
    const steps = 24;
    for (let i = 1; i < steps; i++) {
        for (let j = 1; j < steps; j++) {
            const lat = bounds.getSouth() + (bounds.getNorth() - bounds.getSouth()) * i / steps;
            const lng = bounds.getWest() + (bounds.getEast() - bounds.getWest()) * j / steps;
            const p = map.latLngToContainerPoint([lat, lng]);
            const x = box.left + p.x, y = box.top + p.y;
            if (document.elementFromPoint(x, y) === target._path) return {x: x, y: y};
        }
    }
    return null;
}"""
)


def _route(watch: Watch, tiles: str):
    def handle(route):
        url = route.request.url
        host = urlsplit(url).hostname
        if host == LOCAL_HOST:
            route.continue_()
        elif host == TILE_HOST:
            watch.tiles.append(url)
            if tiles == "stub":
                route.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
            else:
                route.abort("internetdisconnected")
        else:
            watch.external.append(url)
            route.abort("blockedbyclient")

    return handle


@pytest.fixture
def open_browser(browser, live_server, request) -> Iterator[Callable[..., Browsing]]:
    """Factory: a fresh context and page on ``server`` (default the demo server).

    The browser is signed in as ``user`` (default the demo editor; ``None``: anonymous).
    ``tiles="stub"`` answers tile requests with a blank PNG, ``"abort"`` makes the tile
    server unreachable (console errors about it are then accepted, nothing else is).
    """
    opened: list[tuple[object, Watch]] = []
    test_dir = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    test_dir.mkdir(parents=True, exist_ok=True)
    for old in test_dir.glob("*.png"):
        old.unlink()

    def make(
        server: LiveServer | None = None,
        *,
        viewport: dict | None = None,
        tiles: str = "stub",
        mobile: bool = False,
        user: str | None = "editora",
    ) -> Browsing:
        context = browser.new_context(
            locale="es-MX",
            timezone_id="America/Mexico_City",
            viewport=viewport or DESKTOP,
            is_mobile=mobile,
            has_touch=mobile,
        )
        target = server or live_server
        if user is not None:
            context.add_cookies([{
                "name": target.app.config["SESSION_COOKIE_NAME"],
                "value": session_cookie(target.app, user),
                "url": target.url,
            }])
        watch = Watch()
        if tiles == "abort":
            watch.ignore_console(re.escape(TILE_HOST))
        context.route("**/*", _route(watch, tiles))
        page = context.new_page()
        page.set_default_timeout(15_000)

        def on_console(message):
            if message.type == "error":
                where = message.location.get("url", "") if message.location else ""
                watch.console_errors.append(f"{message.text} [{where}]")

        def on_dialog(dialog):
            watch.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("console", on_console)
        page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
        page.on("dialog", on_dialog)
        opened.append((context, watch))
        shots = test_dir if len(opened) == 1 else test_dir / f"contexto-{len(opened)}"
        shots.mkdir(parents=True, exist_ok=True)
        return Browsing(page, watch, target.url, shots)

    yield make
    problems = []
    for context, watch in opened:
        context.close()
        problems.extend(watch.problems())
    print(f"screenshots in {test_dir}")
    if problems:
        pytest.fail("the browser reported:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def browsing(open_browser) -> Browsing:
    """A desktop page on the demo server, tiles stubbed."""
    return open_browser()


# -- a phone in the field -------------------------------------------------------------------

def phone_context(browser, server: LiveServer, place: tuple[float, float], accuracy: float = 5):
    """A phone's browser standing at ``place`` (lon, lat), signed in as the demo editor."""
    lon, lat = place
    context = browser.new_context(
        locale="es-MX", timezone_id="America/Mexico_City", viewport=PHONE, is_mobile=True,
        has_touch=True, permissions=["geolocation"],
        geolocation={"longitude": lon, "latitude": lat, "accuracy": accuracy},
    )
    context.add_cookies([{
        "name": server.app.config["SESSION_COOKIE_NAME"],
        "value": session_cookie(server.app, "editora"),
        "url": server.url,
    }])
    return context
