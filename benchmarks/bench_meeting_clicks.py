"""Recording the reference meeting of issue 19: clicks today against the old way.

The meeting: four institutions, two people (one new, created from the picker's dialog), one
zone and two agreements. In Chromium (``/usr/bin/chromium``), at 1280×800 and 390×844, on
the demo in a temporary directory, it is recorded twice by the same code
(``tests/limites_testing_journeys.py``):

- today: everything in the meeting's form, the agreements inline («+ Añadir acuerdo»);
- old way: the meeting's form, then each agreement on its own «Nuevo acuerdo» page.

Clicks are mouse clicks (typing, Tab and Enter are not); each line prints the clicks, the
characters typed and the pages sent, side by side, and the ratio of clicks. The lines also
go to ``test-output/clics-reunion-comparacion.txt``.

Run: ``.venv/bin/python benchmarks/bench_meeting_clicks.py``
"""

from __future__ import annotations

import logging
import tempfile
import threading
from pathlib import Path

from common import ROOT
from limites_testing import demo_app, session_cookie
from limites_testing_journeys import record_in_one_page, record_the_old_way
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
SIZES = {"1280×800": ({"width": 1280, "height": 800}, False),
         "390×844": ({"width": 390, "height": 844}, True)}
OUTPUT = ROOT / "test-output" / "clics-reunion-comparacion.txt"


def _context(browser, app, url: str, viewport: dict, mobile: bool):
    context = browser.new_context(locale="es-MX", timezone_id="America/Mexico_City",
                                  viewport=viewport, is_mobile=mobile, has_touch=mobile)
    context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"],
                          "value": session_cookie(app, "editora"), "url": url}])
    # Nothing leaves the machine (no tiles are configured; anything else is refused).
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(url) else route.abort("blockedbyclient"))
    return context


def main() -> None:
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        app = demo_app(Path(folder), TILES="", SECRET_KEY="bench-clics")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                     args=["--no-sandbox", "--disable-gpu"])
                for n, (size, (viewport, mobile)) in enumerate(SIZES.items()):
                    runs = {}
                    for way, journey in (("hoy", record_in_one_page),
                                         ("antes", record_the_old_way)):
                        context = _context(browser, app, url, viewport, mobile)
                        runs[way] = journey(context.new_page(), url,
                                            f"Mesa de referencia {way} {n}",
                                            f"Persona nueva {way} {n}")
                        context.close()
                    today, old = runs["hoy"], runs["antes"]
                    lines += [
                        f"{size}  hoy:   {today.summary()}",
                        f"{size}  antes: {old.summary()}",
                        f"{size}  clics hoy/antes = {len(today.clicks)}/{len(old.clicks)}"
                        f" = {len(today.clicks) / len(old.clicks):.2f}",
                    ]
                browser.close()
        finally:
            server.shutdown()
            app.extensions["limites_engine"].dispose()
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
