"""The INEGI state and a proposed limit across a demo zone, shared by the proposal tests."""

import geopandas as gpd
import pytest
from common import INEGI_FILE, OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS
from proposals import PROPOSAL

from boundaries.exchange import LimitChange, limit_change


@pytest.fixture(scope="session")
def inegi_state() -> gpd.GeoDataFrame:
    if not INEGI_FILE.exists():
        pytest.fail(f"missing {INEGI_FILE} (the shared INEGI data)")
    return gpd.read_file(INEGI_FILE)


@pytest.fixture(scope="session")
def inegi_change(inegi_state) -> LimitChange:
    return limit_change(inegi_state, OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS, PROPOSAL,
                        code_col="cvegeo")
