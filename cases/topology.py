"""Topology of stored and file boundary layers, and comparison of stored versions."""

from __future__ import annotations

import math
from collections.abc import Iterable

import geopandas as gpd
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from boundaries.compare import VersionComparison, compare_versions
from boundaries.io import read_layer
from boundaries.topology import TopologyResult, analyze_topology
from boundaries.validation import to_multipolygon
from cases.analysis import CRS, claim_layers, latest_versions, official_frame, versions_frame
from cases.errors import ConflictError, InvalidInputError, NotFoundError
from cases.importer import CODE_FIELDS, NAME_FIELDS, pick_field
from cases.models import BoundaryKind, BoundaryVersion, DisputeZone, Municipality
from cases.statuses import ZoneKind, ZoneStatus

__all__ = [
    "DB_PREFIX",
    "topology_layers",
    "stored_layers",
    "layers_topology",
    "stored_topology",
    "zone_from_overlap",
    "version_choices",
    "compare_stored_versions",
    "version_label",
]


DB_PREFIX = "db:"


def _file_layer(path: str, code_field, name_field, layer, crs) -> gpd.GeoDataFrame:
    frame = read_layer(path, layer=layer, crs=crs)
    code = pick_field(frame, code_field, CODE_FIELDS, "clave")
    name = pick_field(frame, name_field, NAME_FIELDS, "nombre")
    out = frame[[code, name, frame.geometry.name]].rename(columns={code: "code", name: "name"})
    out["code"] = out["code"].astype(str)
    return out.to_crs(CRS)


def _db_layers(session: Session, kind_text: str) -> list[tuple[str, gpd.GeoDataFrame]]:
    try:
        kind = BoundaryKind(kind_text)
    except ValueError as exc:
        kinds = ", ".join(DB_PREFIX + k.value for k in BoundaryKind)
        raise InvalidInputError(f"tipo de límite desconocido «{kind_text}»; use {kinds}") from exc
    if kind is BoundaryKind.CLAIM:
        layers = list(claim_layers(session).items())
    else:
        versions = latest_versions(session, kind)
        layers = [(kind.label, versions_frame(versions))]
    if not layers or not any(len(frame) for _, frame in layers):
        raise InvalidInputError(f"no hay límites guardados de tipo «{kind.label}»")
    return layers


def topology_layers(
    session: Session,
    specs: Iterable[str],
    *,
    code_field: str | None = None,
    name_field: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
) -> tuple[gpd.GeoDataFrame, dict[str, gpd.GeoDataFrame], dict[str, str]]:
    """Resolve layer specs (files, or ``db:KIND``) into the frame, the claims and names.

    The first layer is the reference frame, the rest are claims; ``db:reclamo`` expands to
    one layer per claiming party. Returns ``(frame, claims, names)`` where ``names`` maps each
    party code to its name.
    """
    resolved: list[tuple[str, gpd.GeoDataFrame]] = []
    for spec in specs:
        if spec.startswith(DB_PREFIX):
            resolved.extend(_db_layers(session, spec.removeprefix(DB_PREFIX)))
        else:
            resolved.append((spec, _file_layer(spec, code_field, name_field, layer, crs)))
    if not resolved:
        raise InvalidInputError("indique al menos una capa")
    names: dict[str, str] = {}
    for _, frame in resolved:
        names.update(zip(frame["code"], frame["name"], strict=True))
    (_, frame), claims = resolved[0], dict(resolved[1:])
    return frame, claims, names


def stored_layers(
    session: Session, claimants: Iterable[str] | None = None
) -> tuple[gpd.GeoDataFrame, dict[str, gpd.GeoDataFrame], list[str]]:
    """The current official frame, the chosen parties' claims and every claimant's name.

    ``claimants`` are party names as in :func:`claim_layers` (``None``: every claim); an
    unknown one is an error.
    """
    frame = official_frame(session)
    if not len(frame):
        raise InvalidInputError(
            "no hay límites oficiales guardados; impórtelos con «limites import-boundaries»"
        )
    claims = claim_layers(session)
    available = sorted(claims)
    if claimants is not None:
        wanted = set(claimants)
        unknown = wanted - set(claims)
        if unknown:
            raise InvalidInputError(f"no hay reclamos de: {', '.join(sorted(unknown))}")
        claims = {name: layer for name, layer in claims.items() if name in wanted}
    return frame, claims, available


def layers_topology(
    frame: gpd.GeoDataFrame, claims: dict[str, gpd.GeoDataFrame], min_area_m2: float = 1.0
) -> tuple[TopologyResult, dict[str, str]]:
    """Topology of ``frame`` and ``claims`` with the name of every party code."""
    if not math.isfinite(min_area_m2) or min_area_m2 < 0:
        raise InvalidInputError("el área mínima debe ser un número de m² mayor o igual a 0")
    names = dict(zip(frame["code"], frame["name"], strict=True))
    for layer in claims.values():
        names.update(zip(layer["code"], layer["name"], strict=True))
    try:
        result = analyze_topology(frame, claims, min_area_m2=min_area_m2)
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from exc
    return result, names


def stored_topology(
    session: Session, claimants: Iterable[str] | None = None, min_area_m2: float = 1.0
) -> tuple[TopologyResult, dict[str, str]]:
    """Topology of the current official frame and the chosen parties' claims."""
    frame, claims, _ = stored_layers(session, claimants)
    return layers_topology(frame, claims, min_area_m2)


def zone_from_overlap(
    session: Session,
    claimants: Iterable[str] | None,
    min_area_m2: float,
    position: int,
    name: str,
) -> DisputeZone:
    """Turn overlap number ``position`` of :func:`stored_topology` into a dispute zone.

    The overlap is recomputed from what is stored (never taken from the client) and the new
    zone is written in one transaction of its own.
    """
    name = name.strip()
    if not name:
        raise InvalidInputError("la zona necesita un nombre")
    with session.begin():
        result, _ = stored_topology(session, claimants, min_area_m2)
        if not 0 <= position < len(result.overlaps):
            raise NotFoundError(f"no existe el traslape número {position + 1}")
        if session.scalar(select(DisputeZone).where(DisputeZone.name == name)):
            raise ConflictError(f"ya existe una zona llamada «{name}»")
        row = result.overlaps.iloc[position]
        parties = list(row["parties"])
        zone = DisputeZone(
            name=name,
            kind=ZoneKind.LIMITE,
            status=ZoneStatus.IDENTIFIED,
            description=(
                f"Traslape de {row['area_ha']:.2f} ha reclamado por {len(parties)} partes, "
                "creado desde el análisis de límites."
            ),
            geometry=to_multipolygon(row.geometry),
            municipalities=session.scalars(
                select(Municipality).where(Municipality.cvegeo.in_(parties))
            ).all(),
        )
        session.add(zone)
    return zone


# -- comparing two stored versions --------------------------------------------------------

def version_choices(session: Session, cvegeo: str) -> list[BoundaryVersion]:
    """Every stored version of the municipality ``cvegeo``, oldest first."""
    municipality = session.scalar(select(Municipality).where(Municipality.cvegeo == cvegeo))
    if municipality is None:
        raise NotFoundError(f"no existe el municipio con clave {cvegeo}")
    return session.scalars(
        select(BoundaryVersion)
        .options(selectinload(BoundaryVersion.claimant))
        .where(BoundaryVersion.municipality_id == municipality.id)
        .order_by(BoundaryVersion.valid_from.is_(None), BoundaryVersion.valid_from,
                  BoundaryVersion.id)
    ).all()


def compare_stored_versions(
    session: Session,
    old_id: int,
    new_id: int,
    min_area_m2: float = 1.0,
    cvegeo: str | None = None,
) -> tuple[BoundaryVersion, BoundaryVersion, VersionComparison]:
    """Compare two stored versions of one municipality: gained, lost, largest distance.

    With ``cvegeo`` both versions must belong to that municipality.
    """
    old = session.get(BoundaryVersion, old_id)
    new = session.get(BoundaryVersion, new_id)
    for number, version in ((old_id, old), (new_id, new)):
        if version is None:
            raise NotFoundError(f"no existe la versión de límite número {number}")
        if cvegeo is not None and version.municipality.cvegeo != cvegeo:
            raise InvalidInputError(
                f"la versión número {number} es de {version.municipality.name}, "
                f"no del municipio {cvegeo}"
            )
    if old.municipality_id != new.municipality_id:
        raise InvalidInputError(
            "las dos versiones deben ser del mismo municipio "
            f"({old.municipality.name} y {new.municipality.name})"
        )
    result = compare_versions(
        gpd.GeoSeries([old.geometry], crs=CRS),
        gpd.GeoSeries([new.geometry], crs=CRS),
        min_area_m2=min_area_m2,
    )
    return old, new, result


def version_label(version: BoundaryVersion) -> str:
    """A short Spanish description of a version: kind, party, date and number."""
    party = f" de {version.claimant.name}" if version.claimant else ""
    when = f", {version.valid_from.isoformat()}" if version.valid_from else ""
    return f"{version.kind.label}{party}{when} (núm. {version.id})"
