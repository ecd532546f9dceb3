"""The district catalog ``data/raw/districts.csv`` and the per-district inputs it points to.

Columns: ``key`` (folder name under ``data/raw/``), ``name``, ``official_name``,
``kreis_key`` (5-digit Kreis key, e.g. ``15085``), ``land``, ``notes``, ``source``.

A district is resolved once (:func:`resolve`) and passed down as a :class:`District`; its
:attr:`District.inputs` is the one place that names every per-district input file and says
which of them exist (:data:`INPUTS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ikzlib import paths
from ikzlib.errors import UnknownDistrictError
from ikzlib.tables import check_pattern, check_unique, read_csv_strict, require_values

_COLUMNS = ["key", "name", "official_name", "kreis_key", "land", "notes", "source"]


@dataclass(frozen=True)
class InputSpec:
    """One kind of per-district input: where it lives and how a user adds it."""

    name: str
    relative: str  # path under data/raw/<district>/
    what: str
    how_to_add: str
    required: bool = False


INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "municipalities",
        "municipalities.csv",
        "municipality table (one row per Gemeinde from the Destatis GV-ISys)",
        "build it with ikzlib.destatis.municipalities_from_units (README: Adding a district)",
        required=True,
    ),
    InputSpec(
        "published_units",
        "table1_fallstudie.csv",
        "published unit table (from a case study, to cross-check the aggregation)",
        "transcribe the study's unit table with its section/table reference per row",
    ),
    InputSpec(
        "demography",
        "demography_fallstudie.csv",
        "demographic statements (population, change, projection from a study)",
        "one row per statement with its source (README: Municipal data)",
    ),
    InputSpec(
        "register",
        "register",
        "cooperation register (bodies, memberships with evidence, aggregates, sources)",
        "fill the five register CSV files (README: Cooperation register and networks)",
    ),
    InputSpec(
        "interviews",
        "interviews",
        "coded interviews (tidy layout: documents, codes, codings, variables)",
        "export from MAXQDA/ATLAS.ti/NVivo as REFI-QDA and convert with ikzlib.qda.write_tidy",
    ),
    InputSpec(
        "task_fields",
        "task_fields.csv",
        "task-field priority matrix (transcribed)",
        "transcribe the matrix with one row per field and its legibility",
    ),
    InputSpec(
        "candidate_fields",
        "candidate_fields.csv",
        "candidate task fields (named by a motion or plan)",
        "one row per field with the document it comes from",
    ),
)
_INPUTS_BY_NAME = {spec.name: spec for spec in INPUTS}


@dataclass(frozen=True)
class DistrictInputs:
    """The per-district input files of one district (see :data:`INPUTS`)."""

    root: Path

    def path(self, name: str) -> Path:
        """Where input ``name`` lives (whether or not it exists)."""
        return self.root / _INPUTS_BY_NAME[name].relative

    def has(self, name: str) -> bool:
        """Whether input ``name`` exists (a folder counts when it is not empty)."""
        path = self.path(name)
        return path.is_file() or (path.is_dir() and any(path.iterdir()))

    def available(self) -> dict[str, bool]:
        """``{input name: exists}`` for every declared input."""
        return {spec.name: self.has(spec.name) for spec in INPUTS}

    def missing_note(self, name: str) -> str:
        """One sentence saying what is missing and how to add it."""
        spec = _INPUTS_BY_NAME[name]
        relative = self.path(name).relative_to(paths.PROJECT_ROOT)
        return f"Missing input: {spec.what}, expected at {relative}. To add it: {spec.how_to_add}."


@dataclass(frozen=True)
class District:
    """One catalog entry, resolved once and passed down to every study."""

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

    @property
    def inputs(self) -> DistrictInputs:
        """The district's input files and which of them exist."""
        return DistrictInputs(self.raw_dir)


def load_catalog(path: str | Path | None = None) -> list[District]:
    """Read and validate the catalog; districts are returned sorted by key."""
    path = Path(path) if path is not None else paths.DISTRICT_CATALOG
    return list(_load_catalog(path, path.stat().st_mtime_ns if path.exists() else 0))


@lru_cache(maxsize=4)
def _load_catalog(path: Path, _mtime: int) -> tuple[District, ...]:
    frame = read_csv_strict(path, _COLUMNS)
    require_values(frame, ["key", "name", "official_name", "kreis_key", "land", "source"], path)
    check_pattern(frame, "key", r"[a-z][a-z0-9_]*", path, "a lower-case district key")
    check_pattern(frame, "kreis_key", r"\d{5}", path, "a 5-digit Kreis key")
    check_unique(frame, "key", path)
    check_unique(frame, "kreis_key", path)
    frame = frame.fillna("").sort_values("key")
    return tuple(District(**{c: row[c] for c in _COLUMNS}) for _, row in frame.iterrows())


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


def resolve(district: str | District) -> District:
    """The :class:`District` for a key, or ``district`` itself when it is one already."""
    return district if isinstance(district, District) else get_district(district)
