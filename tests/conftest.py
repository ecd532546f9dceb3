"""Fixtures shared by the unit tests."""

from __future__ import annotations

import pandas as pd
import pytest

from ikzlib.municipalities import load_municipalities


@pytest.fixture
def harz() -> pd.DataFrame:
    """The embedded Harz municipality table (a fresh copy per test)."""
    return load_municipalities("harz")
