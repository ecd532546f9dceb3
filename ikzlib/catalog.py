"""The district catalog ``data/raw/districts.csv``: which districts the suite can report on.

Columns: ``key`` (folder name under ``data/raw/``), ``name``, ``official_name``,
``kreis_key`` (5-digit Kreis key, e.g. ``15085``), ``land``, ``notes``, ``source``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ikzlib import paths
from ikzlib.errors import UnknownDistrictError
from ikzlib.tables import check_pattern, check_unique, read_csv_strict, require_values

_COLUMNS = ["key", "name", "official_name", "kreis_key", "land", "notes", "source"]


@dataclass(frozen=True)
class District:
    """One catalog entry."""

    key: str
    name: str
    official_name: str
    kreis_key: str
    land: str
    notes: str
    source: str

    @property
    def land_key(self) -> str:
        """Two-digit Land key (first two digits of the Kreis key)."""
        return self.kreis_key[:2]

    @property
    def raw_dir(self) -> Path:
        """Folder of the district's committed input data."""
        return paths.raw_dir(self.key)


def load_catalog(path: str | Path | None = None) -> list[District]:
    """Read and validate the catalog; districts are returned sorted by key."""
    path = Path(path) if path is not None else paths.DISTRICT_CATALOG
    frame = read_csv_strict(path, _COLUMNS)
    require_values(frame, ["key", "name", "official_name", "kreis_key", "land", "source"], path)
    check_pattern(frame, "key", r"[a-z][a-z0-9_]*", path, "a lower-case district key")
    check_pattern(frame, "kreis_key", r"\d{5}", path, "a 5-digit Kreis key")
    check_unique(frame, "key", path)
    check_unique(frame, "kreis_key", path)
    frame = frame.fillna("").sort_values("key")
    return [District(**{c: row[c] for c in _COLUMNS}) for _, row in frame.iterrows()]


def district_keys() -> list[str]:
    """Keys of all configured districts, sorted."""
    return [d.key for d in load_catalog()]


def get_district(key: str) -> District:
    """Catalog entry of ``key``; raises :class:`UnknownDistrictError` listing valid keys."""
    catalog = load_catalog()
    for district in catalog:
        if district.key == key:
            return district
    known = ", ".join(d.key for d in catalog)
    raise UnknownDistrictError(f"unknown district {key!r}; configured districts: {known}")


def has_data(district: str, relative: str) -> bool:
    """Whether the district has an input file or folder ``data/raw/<district>/<relative>``."""
    return (paths.raw_dir(district) / relative).exists()
