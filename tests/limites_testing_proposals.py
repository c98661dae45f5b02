"""Test helpers for limit proposals: the INEGI frame around Oaxaca de Juárez put in force."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd
from sqlalchemy import select
from sqlalchemy.orm import Session

from boundaries.io import read_layer
from cases.frames.importer import import_boundaries
from cases.storage.models import Municipality

INEGI = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "inegi"
INEGI_FILE = INEGI / "oaxaca_municipios.geojson"
OAXACA_DE_JUAREZ = "20067"
SAN_JACINTO_AMILPAS = "20157"


@cache
def _around_pair() -> gpd.GeoDataFrame:
    """The two municipalities and every neighbour of either (read once per process)."""
    frame = read_layer(INEGI_FILE)
    pair = frame[frame["cvegeo"].isin([OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS])].union_all()
    return frame[frame.intersects(pair)].copy()


def put_inegi_in_force(session: Session) -> tuple[Municipality, Municipality]:
    """Import the INEGI polygons around the pair, put them in force; Oaxaca, San Jacinto."""
    import_boundaries(session, _around_pair(), source="inegi/oaxaca_municipios.geojson",
                      activate=True)
    session.flush()
    found = {m.cvegeo: m for m in session.scalars(select(Municipality).where(
        Municipality.cvegeo.in_([OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS])))}
    return found[OAXACA_DE_JUAREZ], found[SAN_JACINTO_AMILPAS]
