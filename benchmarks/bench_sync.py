"""A phone's field sync against ``limites serve``, while the office keeps working.

Builds, in a temporary directory, the demo database with the real INEGI frame of Oaxaca
imported and put in force (570 municipal limits: every finding's responsible municipality,
«Compartido» within 50 m of a limit and km along the Atoyac come from it), then starts the
app under waitress (``limites serve``, 8 threads) in a process of its own on 127.0.0.1 and
measures, in one run:

1. a sync of 100 findings with a photo each (one batch, then the photos, one per request and
   two at a time, as the page «Captura en campo» sends them);
2. a sync of 1,000 findings, sent in parts of 50 as the page does (the server takes at most
   ``cases.fieldwork.phone_sync.MAX_FINDINGS`` per request);
3. meanwhile, another editor saves a meeting every second and someone signs in every second:
   their errors and slowest answer;
4. the server's resident memory (RSS) at start and after 50 more finding saves sent by 8
   clients at once (each waitress thread saves findings).

Each figure is printed beside its target (issue 16). Only ever aimed at 127.0.0.1.

Run: ``.venv/bin/python benchmarks/bench_sync.py [--photo-size 1600x1200]``
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import re
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import demo_with_state
from common import start_server as serve

THREADS = 8
PART = 50  # findings per request, as geo_app/static/field/capture.js sends them
PHOTO_LANES = 2  # photos sent at a time, as the page does
EDITOR, EDITOR_PASSWORD = "editora", "demo-editor"
READER, READER_PASSWORD = "lectora", "demo-lector"


def build_database(directory: Path) -> str:
    """The demo plus the INEGI frame in force, and the demo accounts; return its URL."""
    from cases.access.accounts import create_demo_accounts

    app = demo_with_state(directory, activate=True, then=create_demo_accounts)
    app.extensions["limites_engine"].dispose()
    return app.config["DATABASE_URL"]


def start_server(database_url: str, attachments: Path) -> tuple[subprocess.Popen, str]:
    env = {"LIMITES_DATABASE_URL": database_url, "LIMITES_TILES": "",
           "LIMITES_LOG_LEVEL": "ERROR", "LIMITES_ATTACHMENTS_DIR": str(attachments)}
    return serve(["-c", "from geo_app.cli import main; main()", "serve"], env,
                 ["--threads", str(THREADS)])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Browser:
    """A signed-in visitor with its own cookies, sending what the app's pages send."""

    def __init__(self, base: str, user: str | None = None, password: str = "") -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        if user:
            status = self.sign_in(user, password)
            if status != 302:
                raise SystemExit(f"no se pudo iniciar sesión como {user} ({status})")

    def open(self, path: str, data: bytes | None = None, headers: dict | None = None):
        """Return (status, body) without following redirects."""
        request = urllib.request.Request(self.base + path, data=data, headers={
            **({"Origin": self.base} if data is not None else {}), **(headers or {})})
        try:
            with _NoRedirect(self.opener).open(request, timeout=120) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def form_token(self, path: str) -> str:
        _, page = self.open(path)
        found = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        return found.group(1).decode() if found else ""

    def post_form(self, path: str, fields: dict) -> int:
        fields = {**fields, "csrf_token": self.form_token(path)}
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        return self.open(path, data, {"Content-Type": "application/x-www-form-urlencoded"})[0]

    def sign_in(self, user: str, password: str) -> int:
        return self.post_form("/cuenta/entrar", {"usuario": user, "contrasena": password})

    def phone_token(self) -> str:
        return json.loads(self.open("/campo/token")[1])["token"]

    def sync(self, batch: dict, token: str) -> tuple[int, dict]:
        status, body = self.open("/campo/sincronizar", json.dumps(batch).encode(),
                                 {"Content-Type": "application/json", "X-CSRFToken": token})
        return status, json.loads(body or b"{}")

    def photo(self, finding_uuid: str, data: bytes, token: str) -> int:
        boundary = uuid.uuid4().hex
        body = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"hallazgo\"\r\n\r\n"
            f"{finding_uuid}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"foto\"; "
            f"filename=\"IMG.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return self.open(f"/campo/fotos/{uuid.uuid4()}", body, {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-CSRFToken": token})[0]


class _NoRedirect(urllib.request.OpenerDirector):
    def __init__(self, opener: urllib.request.OpenerDirector) -> None:
        super().__init__()
        for handler in opener.handlers:
            if not isinstance(handler, urllib.request.HTTPRedirectHandler):
                self.add_handler(handler)


def findings(n: int, seed: int) -> list[dict]:
    """``n`` findings spread over Oaxaca de Juárez and its neighbours (limits, river)."""
    import random

    rng = random.Random(seed)
    return [{"uuid": str(uuid.uuid4()), "categoria": "residuos_solidos",
             "lon": -96.76 + rng.random() * 0.08, "lat": 17.03 + rng.random() * 0.07,
             "nota": f"Hallazgo {i + 1}"} for i in range(n)]


def capture(items: list[dict], points: int = 600) -> dict:
    """A batch as the phone sends it: the inspection, a walk of ``points`` readings."""
    walk = [{"lon": -96.74 + i * 2e-5, "lat": 17.05 + i * 1e-5, "precision": 5,
             "hora": f"2025-05-15T{15 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z"}
            for i in range(points)]
    return {"recorrido": {"uuid": str(uuid.uuid4()), "titulo": f"Banco {uuid.uuid4().hex[:8]}",
                          "fecha": "2025-05-15", "participantes": ["Ana Pérez"]},
            "puntos": walk, "precision_maxima": 30, "hallazgos": items}


def phone_photo(size: tuple[int, int]) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (90, 120, 60))
    draw = ImageDraw.Draw(image)
    for i in range(0, size[0], 16):  # texture, so the JPEG is not trivially small
        draw.line([(i, 0), (size[0] - i, size[1])], fill=(i % 255, 80, 200 - i % 200), width=3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def send_in_parts(phone: Browser, doc: dict) -> list[int]:
    """Send ``doc`` as the page does: the track with the first part, PART findings each."""
    token = phone.phone_token()
    items = doc["hallazgos"]
    statuses = []
    for n, start in enumerate(range(0, len(items), PART)):
        part = {**doc, "puntos": doc["puntos"] if n == 0 else [],
                "hallazgos": items[start:start + PART]}
        statuses.append(phone.sync(part, token)[0])
    return statuses


class Office:
    """Another editor saving a meeting every second, someone signing in every second."""

    def __init__(self, base: str) -> None:
        self.editor = Browser(base, EDITOR, EDITOR_PASSWORD)
        self.base = base
        self.errors: list[str] = []
        self.slowest = 0.0
        self.saves = 0
        self.sign_ins = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._meetings),
                         threading.Thread(target=self._sign_ins)]

    def __enter__(self) -> Office:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _every_second(self, work) -> None:
        while not self._stop.is_set():
            start = time.perf_counter()
            try:
                ok, what = work()
            except OSError as error:
                ok, what = False, str(error)
            elapsed = time.perf_counter() - start
            self.slowest = max(self.slowest, elapsed)
            if not ok:
                self.errors.append(what)
            self._stop.wait(max(0.0, 1.0 - elapsed))

    def _meetings(self) -> None:
        def save():
            status = self.editor.post_form("/editar/reunion/nuevo", {
                "title": f"Mesa técnica {uuid.uuid4().hex[:8]}", "date": "02/05/2025",
                "kind": "reunion_trabajo"})
            self.saves += 1
            return status == 302, f"reunión: {status}"
        self._every_second(save)

    def _sign_ins(self) -> None:
        def sign_in():
            status = Browser(self.base).sign_in(READER, READER_PASSWORD)
            self.sign_ins += 1
            return status == 302, f"inicio de sesión: {status}"
        self._every_second(sign_in)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photo-size", default="1600x1200", help="ancho x alto de cada foto")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.photo_size.lower().split("x"))
    photo = phone_photo(size)
    rows: list[tuple[str, str, str, bool]] = []
    with tempfile.TemporaryDirectory() as directory:
        database_url = build_database(Path(directory))
        process, base = start_server(database_url, Path(directory) / "adjuntos")
        try:
            Browser(base, EDITOR, EDITOR_PASSWORD).open("/campo/")
            rss_start = rss_mb(process.pid)

            def one_finding(_: int) -> tuple[int, float]:
                client = Browser(base, EDITOR, EDITOR_PASSWORD)
                start = time.perf_counter()
                status = client.sync(capture(findings(1, seed=3), points=60),
                                     client.phone_token())[0]
                return status, time.perf_counter() - start

            with ThreadPoolExecutor(THREADS) as pool:
                saved = list(pool.map(one_finding, range(50)))
            rss_saves = rss_mb(process.pid)
            rows.append((f"RSS del servidor ({THREADS} hilos): al inicio → tras 50 hallazgos",
                         f"{rss_start:.0f} → {rss_saves:.0f} MB", "≤ 600 MB",
                         rss_saves <= 600 and all(s == 201 for s, _ in saved)))
            rows.append(("  el más lento de esos 50 (el primero construye el índice)",
                         f"{max(t for _, t in saved):.1f} s", "—", True))

            phone = Browser(base, EDITOR, EDITOR_PASSWORD)
            with Office(base) as office:
                time.sleep(1)
                items = findings(100, seed=1)
                start = time.perf_counter()
                token = phone.phone_token()
                status, _ = phone.sync(capture(items), token)
                batch_s = time.perf_counter() - start
                rows.append(("100 hallazgos en un lote", f"{batch_s:.1f} s", "≤ 5 s",
                             batch_s <= 5 and status == 201))
                start = time.perf_counter()
                with ThreadPoolExecutor(PHOTO_LANES) as lanes:
                    photo_statuses = list(lanes.map(
                        lambda item: phone.photo(item["uuid"], photo, token), items))
                photos_s = time.perf_counter() - start
                rows.append((f"  y sus 100 fotos, una por pedido, {PHOTO_LANES} a la vez",
                             f"{photos_s:.1f} s", "—", all(s == 201 for s in photo_statuses)))
                total_s = batch_s + photos_s
                rows.append(("100 hallazgos con foto (lote + fotos)", f"{total_s:.1f} s",
                             "≤ 5 s", total_s <= 5 and status == 201))
                start = time.perf_counter()
                statuses = send_in_parts(phone, capture(findings(1000, seed=2)))
                thousand_s = time.perf_counter() - start
                rows.append((f"1 000 hallazgos en {len(statuses)} partes de {PART}",
                             f"{thousand_s:.1f} s", "≤ 30 s",
                             thousand_s <= 30 and all(s == 201 for s in statuses)))
                time.sleep(1)
            rows.append((f"oficina a la vez: {office.saves} reuniones, {office.sign_ins} "
                         "inicios de sesión", f"{len(office.errors)} errores", "0 errores",
                         not office.errors))
            rows.append(("  su respuesta más lenta", f"{office.slowest:.2f} s", "—", True))
            rows.append(("RSS del servidor al final", f"{rss_mb(process.pid):.0f} MB", "—", True))
            if office.errors:
                print("errores de la oficina:", ", ".join(sorted(set(office.errors))))
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(f"\nfoto de {size[0]}×{size[1]} ({len(photo) / 1024:.0f} KB), marco INEGI en vigor, "
          f"waitress con {THREADS} hilos, 127.0.0.1")
    width = max(len(r[0]) for r in rows)
    print(f"{'medida':<{width}}  {'medido':>24}  {'objetivo':>10}  cumple")
    for what, measured, target, ok in rows:
        print(f"{what:<{width}}  {measured:>24}  {target:>10}  {'sí' if ok else 'NO'}")


if __name__ == "__main__":
    main()
