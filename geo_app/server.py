"""Serving the app in production: waitress, a pure-Python WSGI server that also runs on Windows.

Flask's own server (``limites serve --dev``) reloads code and is for development only; it
must never face a network. Neither server speaks HTTPS: on the Unidad's network, put a
reverse proxy with HTTPS in front before exposing the app beyond the machine.
"""

from __future__ import annotations

import logging

from flask import Flask

__all__ = ["DEFAULT_THREADS", "MAX_REQUEST_BODY", "serve"]

log = logging.getLogger(__name__)

#: Largest request body waitress accepts, in bytes; the app's own limits (forms, uploads) are
#: lower, this only stops a client from streaming gigabytes at the server.
MAX_REQUEST_BODY = 128 * 1024 * 1024

#: Worker threads: pages wait mostly on the database and on map rendering (numpy, GEOS),
#: which release the GIL; more threads than this only queue on two cores.
DEFAULT_THREADS = 8

#: Bytes of an answer waitress keeps in memory before spilling it to a temporary file: a page
#: of 100 municipalities at full precision (≈ 2 MB) is sent from memory (1.2–1.7× the
#: requests per second of the 1 MB default, measured side by side with 20 clients).
OUTBUF_OVERFLOW = 4 * 1024 * 1024


def serve(app: Flask, host: str, port: int, threads: int = DEFAULT_THREADS) -> None:
    """Serve ``app`` on ``host:port`` with waitress until interrupted.

    The ``Server`` header is the app's own (:mod:`geo_app.security_headers`), never
    waitress' or Python's version.
    """
    from waitress import serve as waitress_serve

    log.info("serving on %s:%d with %d threads", host, port, threads)
    waitress_serve(
        app,
        host=host,
        port=port,
        threads=threads,
        ident=None,
        # Slow or idle clients must not hold a thread forever.
        channel_timeout=60,
        # Plenty for a burst of readers; beyond it connections wait in the OS backlog.
        connection_limit=200,
        clear_untrusted_proxy_headers=True,
        max_request_body_size=MAX_REQUEST_BODY,
        outbuf_overflow=OUTBUF_OVERFLOW,
    )
