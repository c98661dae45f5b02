"""A synthetic year of the Unidad's work on top of the demo, for the scale benchmark.

Builds, into the database at ``--url`` (SQLite by default, PostgreSQL + PostGIS too), the
demo (:func:`cases.demo.dataset.load_demo`) and then, deterministically from ``--seed``:

- 50 inspections, each with a 20,000-point route in two segments (a walk at about 1.4 m
  per point, inside the demo frame around Oaxaca de Juárez), linked to a dispute zone and,
  for some, to a case; route lengths per municipality and zone computed as on save;
- 100 findings per inspection (5,000), near its route, each with its derived fields and a
  JPEG photo attached through :func:`cases.fieldwork.attachments.attach_file` (thumbnails for pages
  and popups). Photos are stored by content hash, so a few dozen distinct images are
  shared by all findings: every finding still has its own attachment row;
- 200 meetings with zones, sites, cases and institutions of the demo, 3 agreements each
  (600).

Records go through the storage layer's models and the derived-field use cases
(:func:`cases.frames.derived.annotate_routes`, :func:`cases.frames.derived.annotate_findings`) in
bulk,
in one unit of work. Synthetic records are flagged ``illustrative``.

Run: ``.venv/bin/python benchmarks/generate_year.py --url sqlite:///year.sqlite
--attachments instance/attachments`` (under half a minute on 2 cores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from shapely import MultiLineString, Point
from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.demo.dataset import load_demo
from cases.fieldwork.attachments import AttachmentStore, attach_file
from cases.fieldwork.uploads import prepare_file
from cases.frames.derived import annotate_findings, annotate_routes
from cases.storage.db import make_engine, unit_of_work, upgrade
from cases.storage.models import (
    Agreement,
    AgreementStatus,
    Case,
    DisputeZone,
    Finding,
    FindingCategory,
    Inspection,
    Institution,
    Meeting,
    MeetingKind,
    Site,
)

__all__ = ["YearSize", "FULL_YEAR", "generate_year", "main"]

# The demo frame around Oaxaca de Juárez, where every synthetic geometry lies.
WEST, EAST, SOUTH, NORTH = -96.75, -96.68, 17.02, 17.10
# About 1.4 m in degrees at 17° N: one GPS fix per second on foot.
STEP_DEG = 1.3e-5
FIRST_DAY = dt.date(2025, 7, 1)


@dataclass(frozen=True)
class YearSize:
    """How much a synthetic year holds."""

    inspections: int = 50
    points: int = 20_000
    findings_per_inspection: int = 100
    meetings: int = 200
    agreements_per_meeting: int = 3
    photos: int = 24


FULL_YEAR = YearSize()


def _walk(rng: np.random.Generator, points: int) -> MultiLineString:
    """A route in two segments: a walk with a slowly turning heading, kept in the frame."""
    heading = rng.uniform(0, 2 * np.pi)
    turns = np.cumsum(rng.normal(0, 0.08, points)) + heading
    x = np.empty(points)
    y = np.empty(points)
    x[0], y[0] = rng.uniform(WEST + 0.01, EAST - 0.01), rng.uniform(SOUTH + 0.01, NORTH - 0.01)
    dx, dy = np.cos(turns) * STEP_DEG, np.sin(turns) * STEP_DEG
    for i in range(1, points):
        nx, ny = x[i - 1] + dx[i], y[i - 1] + dy[i]
        if not WEST < nx < EAST:  # bounce off the frame's edge
            dx[i:] = -dx[i:]
            nx = x[i - 1] + dx[i]
        if not SOUTH < ny < NORTH:
            dy[i:] = -dy[i:]
            ny = y[i - 1] + dy[i]
        x[i], y[i] = nx, ny
    half = points // 2
    coords = np.column_stack([x, y])
    return MultiLineString([coords[:half], coords[half:]])


def _photo(rng: np.random.Generator, index: int) -> bytes:
    """A small JPEG: a coloured gradient with noise, different for each ``index``."""
    width, height = 320, 240
    base = rng.integers(40, 215, 3)
    gradient = np.linspace(0, 40, width)[None, :, None]
    noise = rng.normal(0, 12, (height, width, 3))
    pixels = np.clip(base[None, None, :] + gradient + noise, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def generate_year(
    session: Session,
    store: AttachmentStore,
    *,
    seed: int = 2025,
    size: YearSize = FULL_YEAR,
    first_day: dt.date = FIRST_DAY,
    progress: Callable[[str], None] = lambda message: None,
) -> dict[str, int]:
    """Add a synthetic year on top of the demo already in ``session``; never commits.

    The year's inspections and meetings fall in the 365 days from ``first_day``: several
    years (each its own ``seed`` and ``first_day``) stack in one database.
    Returns how many records of each kind were added.
    """
    rng = np.random.default_rng(seed)
    zones = list(session.scalars(select(DisputeZone).order_by(DisputeZone.id)))
    cases = list(session.scalars(select(Case).order_by(Case.id)))
    sites = list(session.scalars(select(Site).order_by(Site.id)))
    institutions = list(session.scalars(select(Institution).order_by(Institution.id)))
    categories = list(FindingCategory)

    started = time.perf_counter()
    inspections = []
    for number in range(1, size.inspections + 1):
        zone = zones[number % len(zones)] if zones else None
        day = first_day + dt.timedelta(days=int(number * 365 / (size.inspections + 1)))
        inspection = Inspection(
            title=f"Recorrido sintético {number:03d}"
            + (f" — {zone.name}" if zone else ""),
            started_on=day,
            purpose="Recorrido generado para medir la aplicación con un año de trabajo.",
            illustrative=True,
            zones=[zone] if zone else [],
            cases=[cases[number % len(cases)]] if cases and number % 3 == 0 else [],
            institutions=[institutions[number % len(institutions)]] if institutions else [],
            route_points_read=size.points,
            route_points_kept=size.points,
        )
        inspection.route = _walk(rng, size.points)
        session.add(inspection)
        inspections.append(inspection)
    progress(f"  {len(inspections)} rutas de {size.points:,} puntos "
             f"({time.perf_counter() - started:.1f} s)")
    annotate_routes(session, inspections)
    progress(f"  longitudes por municipio y zona ({time.perf_counter() - started:.1f} s)")

    findings = []
    for inspection in inspections:
        line = np.concatenate([np.asarray(part.coords) for part in inspection.route.geoms])
        picks = np.sort(rng.choice(len(line), size.findings_per_inspection, replace=False))
        offsets = rng.normal(0, 3e-5, (len(picks), 2))
        for k, (lon, lat) in enumerate(line[picks] + offsets):
            finding = Finding(
                category=categories[int(rng.integers(len(categories)))],
                geometry=Point(float(lon), float(lat)),
                description=f"Hallazgo {k + 1} del {inspection.title.lower()}",
                illustrative=True,
            )
            inspection.findings.append(finding)
            findings.append(finding)
    session.flush()
    annotate_findings(session, findings)
    progress(f"  {len(findings):,} hallazgos con responsable y km del Atoyac "
             f"({time.perf_counter() - started:.1f} s)")

    photos = [
        prepare_file(_photo(rng, i), f"foto_{i:02d}.jpg") for i in range(size.photos)
    ]
    for k, finding in enumerate(findings):
        prepared = photos[k % len(photos)]
        attach_file(session, store, finding, prepared.data, f"hallazgo_{finding.id}.jpg",
                    prepared=prepared)
    session.flush()
    progress(f"  {len(findings):,} fotos adjuntas ({len(photos)} imágenes distintas, "
             f"{time.perf_counter() - started:.1f} s)")

    kinds = list(MeetingKind)
    statuses = list(AgreementStatus)
    agreements = 0
    for number in range(1, size.meetings + 1):
        day = first_day + dt.timedelta(days=int(number * 365 / (size.meetings + 1)))
        kind = kinds[number % len(kinds)]
        picked_zones = [zones[(number + j) % len(zones)] for j in range(number % 3)] if zones \
            else []
        meeting = Meeting(
            date=day,
            kind=kind,
            title=f"{kind.label} sintética {number:03d}",
            purpose="Reunión generada para medir la aplicación con un año de trabajo.",
            summary="Se revisaron los avances de la zona y se tomaron acuerdos.",
            participants="Personal de la Unidad y de los municipios.",
            institutions=[institutions[(number + j) % len(institutions)] for j in range(3)]
            if institutions else [],
            zones=list({z.id: z for z in picked_zones}.values()),
            cases=[cases[number % len(cases)]] if cases and number % 4 == 0 else [],
            sites=[sites[number % len(sites)]] if sites and number % 5 == 0 else [],
        )
        for j in range(size.agreements_per_meeting):
            meeting.agreements.append(Agreement(
                text=f"Acuerdo {j + 1} de la reunión {number:03d}: dar seguimiento en campo.",
                responsible=institutions[(number + j) % len(institutions)]
                if institutions else None,
                due_date=day + dt.timedelta(days=15 * (j + 1)),
                status=statuses[(number + j) % len(statuses)],
            ))
            agreements += 1
        session.add(meeting)
    session.flush()
    progress(f"  {size.meetings} reuniones y {agreements} acuerdos "
             f"({time.perf_counter() - started:.1f} s)")
    return {
        "recorridos": len(inspections),
        "hallazgos": len(findings),
        "fotos": len(findings),
        "reuniones": size.meetings,
        "acuerdos": agreements,
    }


def build(url: str, attachments: Path, *, seed: int = 2025, size: YearSize = FULL_YEAR,
          year: bool = True, progress: Callable[[str], None] = print) -> dict[str, int]:
    """Migrate the database at ``url``, load the demo and (``year``) the synthetic year."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        with Session(engine) as session, unit_of_work(session):
            progress("Cargando la demostración…")
            load_demo(session)
            if not year:
                return {}
            progress("Generando un año sintético…")
            return generate_year(
                session, AttachmentStore(attachments), seed=seed, size=size, progress=progress
            )
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    """Command line: ``generate_year.py --url URL --attachments DIR [--seed N]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="base de datos (sqlite:///… o postgresql://…)")
    parser.add_argument("--attachments", required=True, type=Path,
                        help="carpeta de adjuntos de la app (instance/attachments)")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = build(args.url, args.attachments, seed=args.seed)
    print(", ".join(f"{n:,} {what}" for what, n in counts.items()),
          f"en {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
