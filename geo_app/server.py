"""Serving the app in production: waitress, a pure-Python WSGI server that also runs on Windows.

Flask's own server (``limites serve --dev``) reloads code and is for development only; it
must never face a network. Neither server speaks HTTPS: on the Unidad's network, put a
reverse proxy with HTTPS in front before exposing the app beyond the machine.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
from typing import NoReturn

from flask import Flask

__all__ = ["DEFAULT_THREADS", "MAX_REQUEST_BODY", "OUTBUF_OVERFLOW", "serve", "serve_workers"]

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


def serve(app: Flask, host: str, port: int, threads: int = DEFAULT_THREADS,
          workers: int = 1) -> None:
    """Serve ``app`` on ``host:port`` with waitress until interrupted.

    With ``workers`` above 1, that many processes (POSIX ``fork``) accept on one listening
    socket, each with ``threads`` threads: see :func:`serve_workers`. The ``Server`` header is
    the app's own (:mod:`geo_app.security_headers`), never waitress' or Python's version.
    """
    if workers > 1:
        serve_workers(app, host, port, threads, workers)
        return
    log.info("serving on %s:%d with %d threads", host, port, threads)
    _waitress(app, threads, host=host, port=port)


def _waitress(app: Flask, threads: int, **where) -> None:
    from waitress import serve as waitress_serve

    waitress_serve(
        app,
        threads=threads,
        ident=None,
        # Slow or idle clients must not hold a thread forever.
        channel_timeout=60,
        # Plenty for a burst of readers; beyond it connections wait in the OS backlog.
        connection_limit=200,
        clear_untrusted_proxy_headers=True,
        max_request_body_size=MAX_REQUEST_BODY,
        outbuf_overflow=OUTBUF_OVERFLOW,
        **where,
    )


def serve_workers(app: Flask, host: str, port: int, threads: int, workers: int) -> None:
    """Serve ``app`` from ``workers`` processes that share one listening socket.

    Each process has its own threads, database connections and caches (maps, features);
    they stay coherent because every request reads the data version from the database
    (:mod:`geo_app.map_cache`), which any process's write bumps. Use PostgreSQL with
    several workers: SQLite serialises writers. The parent only waits, and passes SIGTERM or
    Ctrl+C on to the workers, which write what they keep in memory (share accesses) as they
    exit.
    """
    if not hasattr(os, "fork"):
        raise RuntimeError("varios procesos (--workers) solo en Linux o macOS; en Windows "
                           "use --threads")
    listener = socket.create_server((host, port), backlog=1024)
    # No connection of the parent's pool may be shared by the children.
    app.extensions["limites_engine"].dispose()
    log.info("serving on %s:%d with %d processes of %d threads", host, port, workers, threads)
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            _worker(app, threads, listener)
        children.append(pid)
    listener.close()

    def stop(signum, frame) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(child, 0)


def _worker(app: Flask, threads: int, listener: socket.socket) -> NoReturn:
    signal.signal(signal.SIGTERM, _exit_quietly)
    signal.signal(signal.SIGINT, _exit_quietly)
    try:
        _waitress(app, threads, sockets=[listener])
    except SystemExit:
        pass
    except BaseException:
        log.exception("a worker process of the server stopped")
        os._exit(1)
    sys.exit(0)  # through the interpreter's exit: what waits in memory is written (atexit)


def _exit_quietly(signum, frame) -> None:
    raise SystemExit(0)
