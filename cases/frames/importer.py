"""Importing municipal boundary polygons (INEGI frame, claims, agreements, rulings)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from boundaries.crs import to_measure, to_storage
from boundaries.sanity import check_coordinates, check_vertex_count, outside_bounds
from boundaries.validation import Repair, repair_polygons, require_polygons
from boundaries.values import is_missing
from cases.errors import InvalidInputError, boundary_errors
from cases.frames.derived import refresh_derived
from cases.frames.in_force import (
    activate_frame,
    frame_in_force,
    frame_name_for,
    get_or_create_frame,
)
from cases.frames.stored_layers import CODE_FIELDS, NAME_FIELDS, pick_field
from cases.records.audit import record_change, snapshot
from cases.storage.models import (
    AuditAction,
    BoundaryImport,
    BoundaryKind,
    BoundaryVersion,
    Frame,
    Municipality,
    User,
)

__all__ = [
    "MAX_NAME_LENGTH",
    "POPULATION_FIELDS",
    "ImportSummary",
    "import_boundaries",
    "add_boundaries",
]

log = logging.getLogger(__name__)

POPULATION_FIELDS = ("pob", "POB", "POB_TOTAL", "POBTOT")
MAX_NAME_LENGTH = 200
# More people than Mexico has: a typo or a hostile value, and too large for the column.
MAX_POPULATION = 200_000_000
# ASCII only: str.isdigit() also accepts look-alikes such as "２００６７" or "٢٠٠٦٧".
_CODE = re.compile(r"[0-9]{5}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


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
    warnings: list[str] = field(default_factory=list)
    frame: str = ""
    frame_in_force: str = ""

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
    *,
    activate: bool = False,
    actor: User | None = None,
    file_name: str = "",
    **options,
) -> ImportSummary:
    """Import boundary polygons and recompute what depends on them (caller's transaction).

    Takes the options of :func:`add_boundaries`. Official polygons join a frame; with
    ``activate`` (or when no frame is in force yet) that frame is put in force. Limits in
    force change who is responsible for each finding and how routes split, so both are
    recomputed before the caller commits; an error anywhere lets the caller roll everything
    back. Official limits of a frame not in force change nothing derived.

    The run is recorded as a :class:`~cases.storage.models.BoundaryImport` (``file_name``, the
    source, the counts and the frame) with its audit entry by ``actor`` (``None`` is the
    command line), last, so an import that fails records nothing.
    """
    summary = add_boundaries(session, frame, progress=progress, **options)
    session.flush()
    in_force = frame_in_force(session)
    activated = bool(summary.frame and (activate or in_force is None))
    if activated:
        if progress:
            progress(f"Poniendo en vigor «{summary.frame}» y recalculando responsables de "
                     "hallazgos y longitudes de recorridos…")
        activate_frame(session, summary.frame, actor=actor)
    elif summary.added and not summary.frame:
        if progress:
            progress("Recalculando responsables de hallazgos y longitudes de recorridos…")
        refresh_derived(session)
    in_force = frame_in_force(session)
    summary.frame_in_force = in_force.name if in_force else ""
    _record_import(session, summary, actor, file_name, activated)
    return summary


def _record_import(
    session: Session, summary: ImportSummary, actor: User | None, file_name: str,
    activated: bool,
) -> BoundaryImport:
    frame_row = (
        session.scalar(select(Frame).where(Frame.name == summary.frame))
        if summary.frame else None
    )
    run = BoundaryImport(
        source=summary.source[:500],
        file_name=Path(file_name).name[:255] if file_name else "",
        kind=BoundaryKind(summary.kind),
        frame=frame_row,
        frame_name=summary.frame,
        activated=activated,
        read=summary.read,
        selected=summary.selected,
        added=summary.added,
        unchanged=summary.unchanged,
        municipalities_created=summary.municipalities_created,
        repaired=len(summary.repairs),
    )
    session.add(run)
    session.flush()
    record_change(session, actor, AuditAction.CREATE, run, after=snapshot(run))
    return run


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
    frame_name: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Add the polygons of ``frame`` as boundary versions (caller's transaction).

    Reprojects to EPSG:4326, repairs invalid polygons (each repair is reported in the
    summary and recorded on the version), creates missing municipalities and skips versions
    already stored (same municipality, kind, claimant and geometry). Official versions join
    the frame ``frame_name`` (by default named after the source, see
    :func:`~cases.frames.in_force.frame_name_for`); it is created when missing, not put in force.

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
    frame = frame.assign(**{code_col: _clean_codes(frame[code_col], code_col)})
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
    _check_one_state(codes)
    frame = frame.assign(**{name_col: _clean_names(frame[name_col], codes)})
    report(f"Validando {len(frame)} polígonos…")
    with boundary_errors():
        check_vertex_count(frame, codes)
        check_coordinates(frame, codes)
        frame, repairs = repair_polygons(frame, codes)
        stored = to_storage(frame)
        check_coordinates(stored, codes)
    summary.repairs = [r.describe() for r in repairs]
    repaired_at = {r.position: r for r in repairs}
    abroad = [code for code, out in zip(codes, outside_bounds(stored), strict=True) if out]
    if abroad:
        summary.warnings.append(
            f"{len(abroad)} polígono(s) quedan fuera de México ({', '.join(abroad[:5])}); "
            "revise el CRS del archivo"
        )
        log.warning("%s: %d polygons outside Mexico", source, len(abroad))
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
    frame_row = None
    if kind is BoundaryKind.OFFICIAL:
        frame_row = get_or_create_frame(
            session, frame_name or frame_name_for(source), source=source,
            valid_from=valid_from, illustrative=illustrative,
        )
        summary.frame = frame_row.name
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
                frame=frame_row,
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
    found = {
        m.cvegeo: m
        for m in session.scalars(select(Municipality).where(Municipality.cvegeo.in_(codes)))
    }
    names = frame[name_col].tolist()
    populations = frame[pop_col].tolist() if pop_col else [None] * len(frame)
    for code, name, population in zip(codes, names, populations, strict=True):
        if code in found:
            continue
        found[code] = Municipality(
            cvegeo=code, name=name, population=_population(population, code)
        )
        session.add(found[code])
        summary.municipalities_created += 1
    return found


def _clean_codes(column: pd.Series, field_name: str) -> pd.Series:
    """Return the codes as stripped strings, refusing blanks and anything but 5 ASCII digits."""
    missing = column.isna()
    if missing.any():
        raise InvalidInputError(
            f"{int(missing.sum())} polígono(s) no tienen clave en el campo «{field_name}»; "
            "cada polígono necesita su clave INEGI de 5 dígitos"
        )
    codes = column.astype(str).str.strip()
    bad = [code for code in codes if not _CODE.fullmatch(code)]
    if bad:
        shown = ", ".join(f"«{code[:20]}»" for code in bad[:5])
        raise InvalidInputError(
            f"claves INEGI inválidas: {shown}; se esperan exactamente 5 dígitos del 0 al 9 "
            "(p. ej. 20067), sin dígitos de otras escrituras"
        )
    return codes


def _check_one_state(codes: list[str]) -> None:
    """Refuse codes of another state than the rest of the file (its first two digits)."""
    states = Counter(code[:2] for code in codes)
    if len(states) > 1:
        state = states.most_common(1)[0][0]
        others = [code for code in codes if code[:2] != state]
        raise InvalidInputError(
            f"las claves {', '.join(others[:5])} son de otro estado que el resto del archivo "
            f"(estado {state}); importe un estado por archivo o elija claves con --only"
        )


def _clean_names(column: pd.Series, codes: list[str]) -> list[str]:
    """Return the stripped names, refusing blank, overlong or control-character names."""
    names = [None if is_missing(name) else str(name).strip() for name in column]
    for code, name in zip(codes, names, strict=True):
        if not name:
            raise InvalidInputError(f"el polígono {code} no tiene nombre")
        if len(name) > MAX_NAME_LENGTH:
            raise InvalidInputError(
                f"el nombre del polígono {code} tiene {len(name):,} caracteres; "
                f"el máximo es {MAX_NAME_LENGTH}"
            )
        if _CONTROL.search(name):
            raise InvalidInputError(
                f"el nombre del polígono {code} contiene caracteres de control"
            )
    return names


def _population(value, code: str) -> int | None:
    """Return a population as an int, ``None`` when blank; refuse text and absurd numbers."""
    if is_missing(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (0 <= number <= MAX_POPULATION):
        raise InvalidInputError(
            f"la población del municipio {code} no es válida: «{str(value)[:20]}»"
        )
    return int(number)
