"""Stored and file boundary layers as GeoDataFrames, ready for :mod:`boundaries`.

The current official frame, each party's claims, the dispute zones and the Atoyac come from
the database; a layer "spec" names either a file or ``db:KIND`` so commands and pages load
layers the same way. Every layer is in :data:`~boundaries.crs.STORAGE_CRS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import geopandas as gpd
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from boundaries.crs import STORAGE_CRS
from boundaries.io import read_layer
from cases.errors import InvalidInputError, boundary_errors
from cases.storage.models import BoundaryKind, BoundaryVersion, DisputeZone, Frame, Watercourse

__all__ = [
    "RIVER_NAME",
    "DB_PREFIX",
    "CODE_FIELDS",
    "NAME_FIELDS",
    "pick_field",
    "read_file",
    "versions_frame",
    "latest_versions",
    "official_versions",
    "official_frame",
    "claim_layers",
    "disputes_frame",
    "stored_river",
    "stored_rivers",
    "stored_layers",
    "claims_set_apart",
    "resolve_layers",
]

# The river the unit inspects: findings are located along it by this name.
RIVER_NAME = "Río Atoyac"
DB_PREFIX = "db:"
CODE_FIELDS = ("CVEGEO", "cvegeo", "CVE_MUN_GEO")
NAME_FIELDS = ("NOMGEO", "nomgeo", "nom_agem", "NOM_AGEM", "NOM_MUN")


def pick_field(frame: gpd.GeoDataFrame, given: str | None, candidates: Sequence[str], what: str):
    """Return the column to use: ``given`` if the layer has it, else the first candidate."""
    columns = [c for c in frame.columns if c != frame.geometry.name]
    if given is not None:
        if given not in columns:
            raise InvalidInputError(
                f"la capa no tiene el campo «{given}» para {what}; "
                f"campos disponibles: {', '.join(columns) or '(ninguno)'}"
            )
        return given
    for candidate in candidates:
        if candidate in columns:
            return candidate
    raise InvalidInputError(
        f"no se encontró el campo de {what} (se buscó {', '.join(candidates)}); "
        f"indíquelo con la opción correspondiente. Campos disponibles: "
        f"{', '.join(columns) or '(ninguno)'}"
    )


def read_file(path, layer: str | None = None, crs: str | None = None) -> gpd.GeoDataFrame:
    """Read a vector file; its problems become :class:`~cases.errors.InvalidInputError`."""
    with boundary_errors():
        return read_layer(path, layer=layer, crs=crs)


def _latest(versions: Iterable[BoundaryVersion], key) -> list[BoundaryVersion]:
    """Keep the newest version per ``key`` (by date, then by id)."""
    newest: dict = {}
    for version in versions:
        k = key(version)
        rank = (version.valid_from.toordinal() if version.valid_from else 0, version.id)
        if k not in newest or rank > newest[k][0]:
            newest[k] = (rank, version)
    return [v for _, v in sorted(newest.values(), key=lambda item: item[1].id)]


def _versions(session: Session, kind: BoundaryKind) -> list[BoundaryVersion]:
    return session.scalars(
        select(BoundaryVersion)
        .options(selectinload(BoundaryVersion.municipality), selectinload(BoundaryVersion.claimant))
        .where(BoundaryVersion.kind == kind)
        .order_by(BoundaryVersion.id)
    ).all()


def versions_frame(versions: Iterable[BoundaryVersion], party_of_claimant: bool = False):
    """Versions as a GeoDataFrame with ``code`` (the party), ``name`` and ``version_id``."""
    rows = []
    for v in versions:
        party = v.claimant if (party_of_claimant and v.claimant) else v.municipality
        rows.append(
            {"code": party.cvegeo, "name": party.name, "version_id": v.id, "geometry": v.geometry}
        )
    if not rows:
        return gpd.GeoDataFrame(
            {"code": [], "name": [], "version_id": []},
            geometry=gpd.GeoSeries([], crs=STORAGE_CRS),
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS)


def latest_versions(session: Session, kind: BoundaryKind) -> list[BoundaryVersion]:
    """The newest stored version of ``kind`` of each municipality."""
    return _latest(_versions(session, kind), lambda v: v.municipality_id)


def official_versions(session: Session) -> list[BoundaryVersion]:
    """The frame in force: the newest version of each municipality in the active frame.

    Before any frame is put in force (databases older than frames), the newest official
    version of each municipality, whatever its frame.
    """
    active = session.scalar(select(Frame.id).where(Frame.active.is_(True)))
    versions = _versions(session, BoundaryKind.OFFICIAL)
    if active is not None:
        versions = [v for v in versions if v.frame_id == active]
    return _latest(versions, lambda v: v.municipality_id)


def official_frame(session: Session) -> gpd.GeoDataFrame:
    """The frame in force as a layer (see :func:`official_versions`)."""
    return versions_frame(official_versions(session))


def limits_around(session: Session, code: str, tolerance_deg: float = 0.0001) -> dict:
    """The frame in force around municipality ``code`` (it and its neighbours) as GeoJSON.

    For the context of a form's map: simplified by ``tolerance_deg`` (about 10 m), each
    feature with its ``name`` and whether it is the ``home`` municipality. An empty
    FeatureCollection when no frame is in force or ``code`` is not in it.
    """
    frame = official_frame(session)
    home = frame[frame["code"] == code]
    if home.empty:
        return {"type": "FeatureCollection", "features": []}
    near = frame[frame.intersects(home.geometry.iloc[0].buffer(tolerance_deg))]
    features = [
        {"type": "Feature",
         "properties": {"name": row.name, "home": row.code == code,
                        "label": list(row.geometry.representative_point().coords[0])},
         "geometry": row.geometry.simplify(tolerance_deg, preserve_topology=True)
         .__geo_interface__}
        for row in near.itertuples()
    ]
    return {"type": "FeatureCollection", "features": features}


def claim_layers(session: Session) -> dict[str, gpd.GeoDataFrame]:
    """Each party's current claims, by the claiming party's name, code = the party."""
    versions = _latest(
        _versions(session, BoundaryKind.CLAIM),
        lambda v: (v.claimant_id or v.municipality_id, v.municipality_id),
    )
    layers: dict[str, list[BoundaryVersion]] = {}
    for version in versions:
        party = version.claimant or version.municipality
        layers.setdefault(party.name, []).append(version)
    return {name: versions_frame(vs, party_of_claimant=True) for name, vs in layers.items()}


def disputes_frame(session: Session) -> gpd.GeoDataFrame:
    """Dispute zones as a layer for the analyses.

    ``parties`` holds the zone's name (so route lengths come out per zone) and
    ``municipalities`` the codes of the municipalities involved.
    """
    zones = session.scalars(
        select(DisputeZone).options(selectinload(DisputeZone.municipalities))
        .order_by(DisputeZone.id)
    ).all()
    return gpd.GeoDataFrame(
        {
            "parties": [(z.name,) for z in zones],
            "zone_id": [z.id for z in zones],
            "municipalities": [tuple(m.cvegeo for m in z.municipalities) for z in zones],
        },
        geometry=gpd.GeoSeries([z.geometry for z in zones], crs=STORAGE_CRS),
        crs=STORAGE_CRS,
    )


def stored_river(session: Session) -> Watercourse | None:
    """The stored :data:`RIVER_NAME`, or ``None`` when there is none."""
    return session.scalar(select(Watercourse).where(Watercourse.name == RIVER_NAME))


def stored_rivers(session: Session) -> gpd.GeoDataFrame:
    """Every stored river (a :class:`Watercourse`): ``name`` and its line, in lon/lat."""
    rivers = session.execute(
        select(Watercourse.name, Watercourse.geometry).order_by(Watercourse.id)
    ).all()
    return gpd.GeoDataFrame(
        {"name": [r.name for r in rivers]},
        geometry=gpd.GeoSeries([r.geometry for r in rivers], crs=STORAGE_CRS),
        crs=STORAGE_CRS,
    )


def _analysable_claims(
    session: Session,
) -> tuple[dict[str, gpd.GeoDataFrame], list[str]]:
    """Claims that can be analysed against the frame in force, and the claimants set apart.

    Illustrative claims were drawn against the illustrative frame: against a real frame
    (INEGI's) they only produce artefacts, so they are left out while a real frame is in force.
    """
    claims = claim_layers(session)
    active = session.scalar(select(Frame).where(Frame.active.is_(True)))
    if active is None or active.illustrative:
        return claims, []
    drawn = set(session.scalars(
        select(BoundaryVersion.id).where(
            BoundaryVersion.kind == BoundaryKind.CLAIM, BoundaryVersion.illustrative.is_(True)
        )
    ))
    kept, apart = {}, []
    for name, layer in claims.items():
        real = layer[~layer["version_id"].isin(drawn)]
        if len(real):
            kept[name] = real
        else:
            apart.append(name)
    return kept, sorted(apart)


def claims_set_apart(session: Session) -> list[str]:
    """Claimants whose (illustrative) claims are not analysed against the real frame in force."""
    return _analysable_claims(session)[1]


def stored_layers(
    session: Session, claimants: Iterable[str] | None = None
) -> tuple[gpd.GeoDataFrame, dict[str, gpd.GeoDataFrame], list[str]]:
    """The frame in force, the chosen parties' claims and every claimant's name.

    ``claimants`` are party names as in :func:`claim_layers` (``None``: every claim); an
    unknown one is an error. Illustrative claims are left out while a real frame is in force
    (see :func:`claims_set_apart`).
    """
    frame = official_frame(session)
    if not len(frame):
        raise InvalidInputError(
            "no hay un marco de límites de referencia guardado; impórtelo con "
            "«limites import-boundaries»"
        )
    claims, _ = _analysable_claims(session)
    available = sorted(claims)
    if claimants is not None:
        wanted = set(claimants)
        unknown = wanted - set(claims)
        if unknown:
            raise InvalidInputError(f"no hay reclamos de: {', '.join(sorted(unknown))}")
        claims = {name: layer for name, layer in claims.items() if name in wanted}
    return frame, claims, available


def _file_layer(path: str, code_field, name_field, layer, crs) -> gpd.GeoDataFrame:
    frame = read_file(path, layer=layer, crs=crs)
    code = pick_field(frame, code_field, CODE_FIELDS, "clave")
    name = pick_field(frame, name_field, NAME_FIELDS, "nombre")
    out = frame[[code, name, frame.geometry.name]].rename(columns={code: "code", name: "name"})
    out["code"] = out["code"].astype(str)
    return out.to_crs(STORAGE_CRS)


def _db_layers(session: Session, kind_text: str) -> list[tuple[str, gpd.GeoDataFrame]]:
    kinds = {k.value: k for k in BoundaryKind}
    if kind_text not in kinds:
        names = ", ".join(DB_PREFIX + k for k in kinds)
        raise InvalidInputError(f"tipo de límite desconocido «{kind_text}»; use {names}")
    kind = kinds[kind_text]
    if kind is BoundaryKind.CLAIM:
        claims, apart = _analysable_claims(session)
        if apart and not claims:
            raise InvalidInputError(
                f"los reclamos guardados ({', '.join(apart)}) son ilustrativos y no se comparan "
                "con el marco vigente, que es real"
            )
        layers = list(claims.items())
    elif kind is BoundaryKind.OFFICIAL:
        active = session.scalar(select(Frame).where(Frame.active.is_(True)))
        layers = [(active.name if active else kind.label, official_frame(session))]
    else:
        versions = latest_versions(session, kind)
        layers = [(kind.label, versions_frame(versions))]
    if not layers or not any(len(frame) for _, frame in layers):
        raise InvalidInputError(f"no hay límites guardados de tipo «{kind.label}»")
    return layers


def resolve_layers(
    session: Session | None,
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
    party code to its name. ``session`` may be ``None`` when every spec is a file.
    """
    resolved: list[tuple[str, gpd.GeoDataFrame]] = []
    for spec in specs:
        if spec.startswith(DB_PREFIX):
            if session is None:
                raise InvalidInputError(f"«{spec}» necesita la base de datos")
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
