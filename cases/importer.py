"""Importing municipal boundary polygons (INEGI frame, claims, agreements, rulings)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import geopandas as gpd
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from boundaries.crs import to_measure, to_storage
from boundaries.validation import Repair, repair_polygons, require_polygons
from boundaries.values import is_missing
from cases.derived import refresh_derived
from cases.errors import InvalidInputError, boundary_errors
from cases.layers import CODE_FIELDS, NAME_FIELDS, pick_field
from cases.models import BoundaryKind, BoundaryVersion, Municipality

__all__ = [
    "POPULATION_FIELDS",
    "ImportSummary",
    "import_boundaries",
    "add_boundaries",
]

log = logging.getLogger(__name__)

POPULATION_FIELDS = ("pob", "POB", "POB_TOTAL", "POBTOT")


@dataclass
class ImportSummary:
    """What an import read, added, skipped and repaired."""

    source: str
    kind: str
    crs: str
    read: int = 0
    selected: int = 0
    added: int = 0
    unchanged: int = 0
    municipalities_created: int = 0
    repairs: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """Return the summary as plain JSON-ready data."""
        return asdict(self)


def _fingerprint(code: str, kind: str, claimant: str | None, geometry) -> str:
    digest = hashlib.sha256(f"{code}|{kind}|{claimant or ''}|".encode())
    digest.update(shapely.to_wkb(shapely.normalize(geometry)))
    return digest.hexdigest()


def import_boundaries(
    session: Session,
    frame: gpd.GeoDataFrame,
    progress: Callable[[str], None] | None = None,
    **options,
) -> ImportSummary:
    """Import boundary polygons and recompute what depends on them (caller's transaction).

    Takes the options of :func:`add_boundaries`. New limits change who is responsible for
    each finding and how routes split, so both are recomputed before the caller commits;
    an error anywhere lets the caller roll everything back.
    """
    summary = add_boundaries(session, frame, progress=progress, **options)
    if summary.added:
        if progress:
            progress("Recalculando responsables de hallazgos y longitudes de recorridos…")
        session.flush()
        refresh_derived(session)
    return summary


def add_boundaries(
    session: Session,
    frame: gpd.GeoDataFrame,
    *,
    source: str,
    kind: BoundaryKind = BoundaryKind.OFFICIAL,
    code_field: str | None = None,
    name_field: str | None = None,
    only: Sequence[str] | None = None,
    claimant: str | None = None,
    legal_reference: str | None = None,
    valid_from: dt.date | None = None,
    illustrative: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Add the polygons of ``frame`` as boundary versions (caller's transaction).

    Reprojects to EPSG:4326, repairs invalid polygons (each repair is reported in the
    summary and recorded on the version), creates missing municipalities and skips versions
    already stored (same municipality, kind, claimant and geometry).

    Raises
    ------
    InvalidInputError
        Unknown fields, wrong geometry types, empty layers, unknown claimant, bad codes.
    """
    report = progress or (lambda message: None)
    code_col = pick_field(frame, code_field, CODE_FIELDS, "clave (código INEGI)")
    name_col = pick_field(frame, name_field, NAME_FIELDS, "nombre")
    pop_col = next((c for c in POPULATION_FIELDS if c in frame.columns), None)
    if kind is BoundaryKind.CLAIM and not claimant:
        raise InvalidInputError(
            "un reclamo necesita la clave del municipio que reclama (--claimant)"
        )
    summary = ImportSummary(
        source=source,
        kind=str(kind),
        crs=frame.crs.to_string() if frame.crs else "",
        read=len(frame),
    )
    with boundary_errors():
        require_polygons(frame)
    frame = frame.assign(**{code_col: frame[code_col].astype(str).str.strip()})
    if only:
        wanted = {code.strip() for code in only}
        missing = wanted - set(frame[code_col])
        if missing:
            raise InvalidInputError(
                f"las claves {', '.join(sorted(missing))} no están en la capa"
            )
        frame = frame[frame[code_col].isin(wanted)]
    if frame[code_col].duplicated().any():
        dupes = sorted(set(frame.loc[frame[code_col].duplicated(), code_col]))
        raise InvalidInputError(f"claves repetidas en la capa: {', '.join(dupes[:10])}")
    summary.selected = len(frame)
    codes = frame[code_col].tolist()
    report(f"Validando {len(frame)} polígonos…")
    with boundary_errors():
        frame, repairs = repair_polygons(frame, codes)
    summary.repairs = [r.describe() for r in repairs]
    repaired_at = {r.position: r for r in repairs}
    stored = to_storage(frame)
    areas = to_measure(stored.geometry).area.to_numpy()
    report(f"Guardando {len(frame)} versiones de límites…")
    municipalities = _municipalities(session, frame, code_col, name_col, pop_col, summary)
    claimant_row = None
    if claimant:
        claimant_row = session.scalar(
            select(Municipality).where(Municipality.cvegeo == claimant)
        )
        if claimant_row is None:
            raise InvalidInputError(f"no existe el municipio reclamante con clave {claimant}")
    fingerprints = [
        _fingerprint(code, str(kind), claimant, geom)
        for code, geom in zip(codes, stored.geometry, strict=True)
    ]
    existing = set(
        session.scalars(
            select(BoundaryVersion.fingerprint).where(
                BoundaryVersion.fingerprint.in_(fingerprints)
            )
        )
    )
    for position, (code, geom, fp, area) in enumerate(
        zip(codes, stored.geometry, fingerprints, areas, strict=True)
    ):
        if fp in existing:
            summary.unchanged += 1
            continue
        existing.add(fp)
        repair: Repair | None = repaired_at.get(position)
        session.add(
            BoundaryVersion(
                municipality=municipalities[code],
                kind=kind,
                claimant=claimant_row,
                source=source,
                legal_reference=legal_reference,
                valid_from=valid_from,
                geometry=geom,
                area_m2=float(area),
                illustrative=illustrative,
                repair_note=repair.describe() if repair else None,
                fingerprint=fp,
            )
        )
        summary.added += 1
    log.info("imported %s: %d added, %d unchanged", source, summary.added, summary.unchanged)
    return summary


def _municipalities(
    session: Session,
    frame: gpd.GeoDataFrame,
    code_col: str,
    name_col: str,
    pop_col: str | None,
    summary: ImportSummary,
) -> dict[str, Municipality]:
    codes = frame[code_col].tolist()
    bad = [c for c in codes if not c.isdigit() or len(c) != 5]
    if bad:
        raise InvalidInputError(
            f"claves INEGI inválidas (se esperan 5 dígitos, p. ej. 20067): {', '.join(bad[:5])}"
        )
    found = {
        m.cvegeo: m
        for m in session.scalars(select(Municipality).where(Municipality.cvegeo.in_(codes)))
    }
    names = frame[name_col].astype(str).tolist()
    populations = frame[pop_col].tolist() if pop_col else [None] * len(frame)
    for code, name, population in zip(codes, names, populations, strict=True):
        if code in found:
            continue
        pop = None if is_missing(population) else int(population)
        found[code] = Municipality(cvegeo=code, name=name.strip(), population=pop)
        session.add(found[code])
        summary.municipalities_created += 1
    return found
