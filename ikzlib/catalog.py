"""Every German district, and the per-district inputs each one has.

Every Kreis and kreisfreie Stadt of the embedded nationwide extract (:mod:`ikzlib.germany`)
is a district, keyed by its 5-digit Kreis key. The *curated* districts of
``data/raw/districts.csv`` (columns ``key``, ``name``, ``official_name``, ``kreis_key``,
``land``, ``notes``, ``source``) replace their Kreis under a readable key (``harz``) and bring
extra inputs (register, interviews, published tables). :func:`resolve` accepts the curated
key, the Kreis key or an unambiguous name.

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
from ikzlib.i18n import Message, register
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
        "nothing for a Kreis of the embedded extract; else build it with "
        "ikzlib.destatis.municipalities_from_units (README: Curating a district)",
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
    InputSpec(
        "priority_scores",
        "priority_scores.csv",
        "task-field scores entered by the district (1-3 points per field and criterion)",
        "write the template with ikzlib.priorities.write_scores_template(district, path), "
        "fill in the points and save it here",
    ),
    InputSpec(
        "register",
        "register",
        "cooperation register (bodies, memberships with evidence, aggregates, sources)",
        "run `ikz register init --district KEY` and fill in the CSV files it writes "
        "(README: Cooperation register and networks)",
    ),
)
register(
    {
        "{district} has no {what} yet (expected at {path}). To add it: {how}.": (
            "Für {district} liegt noch keine Eingabe „{what}“ vor (erwartet unter {path}). "
            "So wird sie ergänzt: {how}."
        ),
        "municipality table (one row per Gemeinde from the Destatis GV-ISys)": (
            "Gemeindetabelle (eine Zeile je Gemeinde aus dem Destatis GV-ISys)"
        ),
        "nothing for a Kreis of the embedded extract; else build it with "
        "ikzlib.destatis.municipalities_from_units (README: Curating a district)": (
            "für einen Kreis des eingebetteten Auszugs nichts; sonst mit "
            "ikzlib.destatis.municipalities_from_units erzeugen (README: Curating a district)"
        ),
        "published unit table (from a case study, to cross-check the aggregation)": (
            "veröffentlichte Tabelle der Verwaltungseinheiten (aus einer Fallstudie, zur "
            "Kontrolle der Aggregation)"
        ),
        "transcribe the study's unit table with its section/table reference per row": (
            "die Einheitentabelle der Studie mit Abschnitts-/Tabellenangabe je Zeile abschreiben"
        ),
        "demographic statements (population, change, projection from a study)": (
            "demografische Aussagen (Einwohnerzahl, Veränderung, Prognose aus einer Studie)"
        ),
        "one row per statement with its source (README: Municipal data)": (
            "eine Zeile je Aussage mit ihrer Quelle (README: Municipal data)"
        ),
        "cooperation register (bodies, memberships with evidence, aggregates, sources)": (
            "Kooperationsregister (Körperschaften, belegte Mitgliedschaften, Aggregate, Quellen)"
        ),
        "run `ikz register init --district KEY` and fill in the CSV files it writes "
        "(README: Cooperation register and networks)": (
            "`ikz register init --district KEY` ausführen und die erzeugten CSV-Dateien "
            "ausfüllen (README: Cooperation register and networks)"
        ),
        "coded interviews (tidy layout: documents, codes, codings, variables)": (
            "codierte Interviews (Tabellenform: Dokumente, Codes, Codierungen, Variablen)"
        ),
        "export from MAXQDA/ATLAS.ti/NVivo as REFI-QDA and convert with ikzlib.qda.write_tidy": (
            "aus MAXQDA/ATLAS.ti/NVivo als REFI-QDA exportieren und mit ikzlib.qda.write_tidy "
            "umwandeln"
        ),
        "task-field priority matrix (transcribed)": "Prioritätenmatrix der Aufgabenfelder "
        "(abgeschrieben)",
        "transcribe the matrix with one row per field and its legibility": (
            "die Matrix mit einer Zeile je Aufgabenfeld und ihrer Lesbarkeit abschreiben"
        ),
        "candidate task fields (named by a motion or plan)": (
            "Kandidaten-Aufgabenfelder (aus einem Antrag oder Plan)"
        ),
        "one row per field with the document it comes from": (
            "eine Zeile je Aufgabenfeld mit dem Dokument, aus dem es stammt"
        ),
        "task-field scores entered by the district (1-3 points per field and criterion)": (
            "vom Kreis eingetragene Bewertungen der Aufgabenfelder (1-3 Punkte je Feld und "
            "Kriterium)"
        ),
        "write the template with ikzlib.priorities.write_scores_template(district, path), "
        "fill in the points and save it here": (
            "die Vorlage mit ikzlib.priorities.write_scores_template(district, path) erzeugen, "
            "die Punkte eintragen und hier speichern"
        ),
    }
)
_INPUTS_BY_NAME = {spec.name: spec for spec in INPUTS}


@dataclass(frozen=True)
class DistrictInputs:
    """The per-district input files of one district (see :data:`INPUTS`)."""

    root: Path
    district_name: str = "This district"

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

    def missing_note(self, name: str) -> Message:
        """One sentence saying what is missing and how to add it (renders in German too)."""
        spec = _INPUTS_BY_NAME[name]
        relative = self.path(name).relative_to(paths.PROJECT_ROOT)
        return Message(
            "{district} has no {what} yet (expected at {path}). To add it: {how}.",
            district=self.district_name,
            what=Message(spec.what),
            path=relative.as_posix(),
            how=Message(spec.how_to_add),
        )


@dataclass(frozen=True)
class District:
    """One district (Kreis or kreisfreie Stadt), resolved once and passed down to every study.

    ``curated`` districts come from ``districts.csv``; ``kreis_type`` is the official type of
    the Kreis record (``Landkreis``, ``Kreis``, ``Kreisfreie Stadt``, ``Stadtkreis``,
    ``Regionalverband``) and ``kreisfrei`` says whether the district is a single city.
    """

    key: str
    name: str
    official_name: str
    kreis_key: str
    land: str
    notes: str
    source: str
    curated: bool = True
    kreis_type: str = ""
    kreisfrei: bool = False

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
        return DistrictInputs(self.raw_dir, self.name)


def load_catalog(path: str | Path | None = None) -> list[District]:
    """The curated districts of ``districts.csv``, validated and sorted by key."""
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
    kreise = _kreis_records()
    districts = []
    for _, row in frame.iterrows():
        official = kreise.get(row["kreis_key"], {})
        districts.append(
            District(
                **{c: row[c] for c in _COLUMNS},
                kreis_type=official.get("type", ""),
                kreisfrei=bool(official.get("kreisfrei", False)),
            )
        )
    return tuple(districts)


@lru_cache(maxsize=1)
def _kreis_records() -> dict[str, dict]:
    """Kreis records of the nationwide extract by Kreis key (empty when it is absent).

    Read once per process: the extract is immutable input data.
    """
    from ikzlib import germany  # local import: germany reads municipality data

    try:
        frame = germany.kreise()
    except FileNotFoundError:
        return {}
    return {row["kreis_key"]: row for row in frame.to_dict("records")}


_CITY_TYPES = {"Kreisfreie Stadt": "kreisfreie Stadt", "Stadtkreis": "Stadtkreis"}


def display_name(name: str, kreis_type: str) -> str:
    """A readable district name from the official Kreis name and type.

    Examples
    --------
    >>> display_name("Main-Spessart", "Landkreis")
    'Landkreis Main-Spessart'
    >>> display_name("Dresden, Stadt", "Kreisfreie Stadt")
    'Dresden (kreisfreie Stadt)'
    >>> display_name("Eifelkreis Bitburg-Prüm", "Landkreis")
    'Eifelkreis Bitburg-Prüm'
    >>> display_name("Stuttgart, Stadtkreis", "Stadtkreis")
    'Stuttgart (Stadtkreis)'
    """
    base = name.split(",")[0].strip()
    if kreis_type in _CITY_TYPES:
        return f"{base} ({_CITY_TYPES[kreis_type]})"
    if kreis_type in ("Landkreis", "Kreis") and not any(
        word in base.lower() for word in ("kreis", "region")
    ):
        return f"{kreis_type} {base}"
    return base


def all_districts() -> list[District]:
    """Every district: the curated ones plus every other Kreis of the extract, by key."""
    curated = load_catalog()
    taken = {d.kreis_key for d in curated}
    generated = [
        District(
            key=key,
            name=display_name(row["name"], row["type"]),
            official_name=row["name"],
            kreis_key=key,
            land=row["land_name"],
            notes="",
            source=row["source"],
            curated=False,
            kreis_type=row["type"],
            kreisfrei=bool(row["kreisfrei"]),
        )
        for key, row in _kreis_records().items()
        if key not in taken
    ]
    return sorted([*curated, *generated], key=lambda d: (d.curated is False, d.key))


def district_keys(*, curated_only: bool = True) -> list[str]:
    """Keys of the curated districts (default) or of every district."""
    return [d.key for d in (load_catalog() if curated_only else all_districts())]


def get_district(key: str) -> District:
    """The district ``key`` (curated key, Kreis key or unambiguous name).

    Raises :class:`UnknownDistrictError` listing the curated keys, or the candidates when a
    name matches several districts.
    """
    everything = all_districts()
    for district in everything:
        if key in (district.key, district.kreis_key):
            return district
    wanted = key.casefold().strip()
    exact = [d for d in everything if wanted in (d.name.casefold(), d.official_name.casefold())]
    if len(exact) == 1:
        return exact[0]
    partial = exact or [
        d for d in everything if wanted and wanted in f"{d.name} {d.official_name}".casefold()
    ]
    if len(partial) == 1:
        return partial[0]
    if partial:
        listing = "; ".join(f"{d.key} {d.name}" for d in partial[:10])
        raise UnknownDistrictError(f"district {key!r} is ambiguous: {listing}")
    known = ", ".join(d.key for d in load_catalog())
    raise UnknownDistrictError(
        f"unknown district {key!r}; give a curated key ({known}), a 5-digit Kreis key "
        "or a name (`ikz districts` lists them)"
    )


def resolve(district: str | int | District) -> District:
    """The :class:`District` for a key or name, or ``district`` itself when it is one already.

    A number is a Kreis key that lost its leading zero on the way (papermill's ``-p district
    9677`` passes an int).
    """
    if isinstance(district, District):
        return district
    if isinstance(district, int) and not isinstance(district, bool):
        district = paths.district_key(district)
    if not isinstance(district, str):
        raise UnknownDistrictError(f"a district is a key, a Kreis key or a name, not {district!r}")
    return get_district(district)
