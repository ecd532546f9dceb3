"""Loaders for the Germany-wide Destatis municipality directory (Gemeindeverzeichnis).

Three sources are read into one tidy table of *regional units* (one row per Land,
Regierungsbezirk, Region, Kreis, Gemeindeverband and Gemeinde):

* the GV-ISys "Auszug GV" workbook (``<DDMMYYYY>_Auszug_GV.xlsx`` or
  ``AuszugGV<n>QAktuell.xlsx``) with area in km², population and centre coordinates
  (:func:`read_auszug_gv`, every layout published since 2013, see below);
* the fixed-width GV100AD text file (records of 220 characters, layout of the official
  "Datensatzbeschreibung Gemeindeverzeichnis", valid from 14.06.2000) with area in hectares
  and no coordinates (:func:`read_gv100ad`). Recent releases are UTF-8 with BOM, older ones
  ISO-8859-1; both are detected;
* the embedded nationwide extract of :mod:`ikzlib.germany` (:func:`extract_units`), so that
  the national comparison needs no download.

:func:`read_units` reads either file, telling them apart by content.
:func:`municipalities_from_units` turns the Gemeinde rows of one Kreis into the municipality
model of :mod:`ikzlib.municipalities`; :func:`kreis_comparison` and
:func:`national_small_municipality_share` give the national context of a district. Only
inhabited Gemeinden are municipalities there: uninhabited gemeindefreie Gebiete (forests,
lakes, military areas, coastal waters, condominium areas) are never counted as such.

Auszug GV layouts
-----------------
The releases differ in where the table sits; :func:`read_auszug_gv` finds everything by
content and handles these variations:

* **Sheet.** The table is on the sheet whose first :data:`SCAN_ROWS` rows hold its header,
  whatever the sheet is called: ``Gemeindedaten`` (releases up to 2013),
  ``Onlineprodukt_Gemeinden_311213`` / ``_311219`` / ``_310317`` (2013-2019, date as
  ``DDMMYY``), ``Onlineprodukt_Gemeinden`` (2020-2023), ``Onlineprodukt_Gemeinden31122024``
  (from 2024, ``DDMMYYYY``); cover sheets (``Inhalt``, ``Deckblatt``, ``Erläuterungen``)
  are skipped because they hold no header.
* **Header.** The header starts at the row labelled ``Satzart`` (``Satz-art``) and ends
  above the first record (a two-digit Satzart), so a title of one or more rows, two or
  three header rows, and none, one or two blank rows before the records are all read.
  Columns are found by their labels in any header row, so their order may change and
  optional columns may be missing: ``Textkennzeichen``, ``Land``, ``RB``, ``Kreis``,
  ``VB``, ``Gem``, ``Gemeindename``, ``Fläche ...``, ``insgesamt`` (else a single
  ``Bevölkerung`` column), ``männlich``, ``Postleitzahl``, ``Längengrad``, ``Breitengrad``.
  Labels are compared without case, hyphens (``Text-kenn-zeichen``), blanks, soft hyphens
  or footnote marks (``Bevölkerung2)``). Without coordinates (older releases) ``lon`` and
  ``lat`` stay empty. Codes stored as numbers (``1`` for Land ``01``) are zero-padded.
* **Dates.** The Gebietsstand comes from a header cell mentioning ``Gebietsstand`` (its
  own date, or the next one right of or below it); the population Stichtag from a date in
  the population column of the header (``am 31.12.2021``), else from a header cell
  mentioning ``Bevölkerung`` with a date — so the two may differ (the release of 31.12.2025
  gives the population of 31.12.2024). Dates may be text ``DD.MM.YYYY``,
  ISO text or Excel dates. A date missing from the header is taken from the title row(s),
  then the sheet name, then the file name (``31122023_Auszug_GV.xlsx``), and the ``source``
  says so; if none has one, a :class:`~ikzlib.errors.DataValidationError` names the file,
  the sheet and the cells searched.
* **After the table.** The table ends at the first non-empty row that is not a record
  (source line, footnotes ``1) ...``, copyright); empty rows inside the table are skipped;
  a record after the notes is refused.

Unit table columns (:data:`UNIT_COLUMNS`):

=====================  ==============================================================
level                  ``Land``, ``Regierungsbezirk``, ``Region``, ``Kreis``,
                       ``Gemeindeverband`` or ``Gemeinde``
satzart                record type as published (``10`` ... ``60``)
ars                    full key of the level: Land 2, RB 3, Region 4, Kreis 5,
                       Gemeindeverband 9, Gemeinde 12 digits
ags                    8-digit AGS (Gemeinde rows only)
land_key, kreis_key    2- and 5-digit keys the unit belongs to (when defined)
gemeindeverband_key    4-digit Gemeindeverband part of the ARS (levels 50 and 60)
name                   official name
seat                   seat of the administration (GV100AD only)
text_code, type        Textkennzeichen and its label (e.g. ``53``, ``Verbandsgemeinde``)
area_km2               area in km² (Gemeinde rows)
population             inhabitants, total (Gemeinde rows)
population_male        inhabitants, male (Gemeinde rows)
postal_code            postal code of the administrative seat
lon, lat               centre of the Gemeinde, WGS84 degrees (not in GV100AD)
territorial_date       Gebietsstand, ISO date
population_date        Stichtag of the population figures, ISO date (``None`` if unknown)
source                 file name and dates, for the ``source`` column of derived tables
line                   row of the spreadsheet, line of the text file, or row of the
                       extract's ``municipalities.parquet``
=====================  ==============================================================

Administrative units
--------------------
Case studies of inter-municipal cooperation count *administrative units*, the
administrations that serve the citizens, not Gemeinden: the Harz study has 20 Gemeinden but
14 units (13 Einheitsgemeinden and the Verbandsgemeinde Vorharz of 7 Gemeinden).
:func:`national_units`, :func:`kreis_unit_comparison`, :func:`national_small_unit_share`
and :func:`land_comparison` apply the rule of
:func:`ikzlib.municipalities.administrative_units` to the whole country, so a district's own
unit figures and its row in the national table are computed alike: every Gemeindeverband
record of the Gemeindeverzeichnis (ARS digits 1-9) is one unit, a verbandsfreie Gemeinde
(Textkennzeichen 50) alone, the members of a joint administration (51-58) together. Per
Land (Gemeindeverzeichnis 31.12.2021; legal forms in :mod:`ikzlib.gemeindeverband`):

* Schleswig-Holstein, Brandenburg, Mecklenburg-Vorpommern: the *Amt* (SH also two Ämter
  named Kirchspielslandgemeinde), and Brandenburg's one *Verbandsgemeinde*;
* Niedersachsen: the *Samtgemeinde*;
* Rheinland-Pfalz, Sachsen-Anhalt: the *Verbandsgemeinde*;
* Bayern and Thüringen: the *Verwaltungsgemeinschaft*, and in Thüringen the *erfüllende
  Gemeinde* with the Gemeinden that transferred their tasks to it;
* Sachsen: the *Verwaltungsgemeinschaft* and the *Verwaltungsverband*;
* Baden-Württemberg: the *vereinbarte Verwaltungsgemeinschaft* and the
  *Gemeindeverwaltungsverband*;
* Nordrhein-Westfalen, Hessen, Saarland and the Stadtstaaten have no joint administrations:
  units and Gemeinden coincide.

*Verwaltungsgemeinschaften count as one unit.* In Bayern (VGemO Art. 1, 4) and Thüringen
(ThürKO §§ 46-47) the Verwaltungsgemeinschaft is a Körperschaft des öffentlichen Rechts
whose administration acts as the authority of its member Gemeinden. That the members keep
their own councils and mayors does not set it apart: so do the members of a Samtgemeinde,
a Verbandsgemeinde or an Amt, which the case study itself counts as one unit (Vorharz). What
makes a unit is the one administration the members share, and the Verwaltungsgemeinschaft
is one. The rule is weakest in Baden-Württemberg, where the members of a vereinbarte
Verwaltungsgemeinschaft or a Gemeindeverwaltungsverband usually keep administrations of
their own and share defined tasks (GemO BW § 61); :func:`land_comparison` gives both levels
per Land so that a reader can see how much the choice moves each Land.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from ikzlib.errors import DataValidationError
from ikzlib.municipalities import MUNICIPALITY_COLUMNS, validate_municipalities
from ikzlib.tables import LINE, decode_strict

LEVELS = {
    "10": "Land",
    "20": "Regierungsbezirk",
    "30": "Region",
    "40": "Kreis",
    "50": "Gemeindeverband",
    "60": "Gemeinde",
}
LEVEL_ORDER = list(LEVELS.values())
_SATZART = {level: satzart for satzart, level in LEVELS.items()}

# Textkennzeichen as listed in the official record layout (Datensatzbeschreibung GV100AD).
TEXT_CODES = {
    "41": "Kreisfreie Stadt",
    "42": "Stadtkreis",
    "43": "Kreis",
    "44": "Landkreis",
    "45": "Regionalverband",
    "50": "verbandsfreie Gemeinde",
    "51": "Amt",
    "52": "Samtgemeinde",
    "53": "Verbandsgemeinde",
    "54": "Verwaltungsgemeinschaft",
    "55": "Kirchspielslandgemeinde",
    "56": "Verwaltungsverband",
    "57": "VG Trägermodell",
    "58": "Erfüllende Gemeinde",
    "60": "Markt",
    "61": "Kreisfreie Stadt",
    "62": "Stadtkreis",
    "63": "Stadt",
    "64": "Kreisangehörige Gemeinde",
    "65": "gemeindefreies Gebiet, bewohnt",
    "66": "gemeindefreies Gebiet, unbewohnt",
    "67": "große Kreisstadt",
}

UNIT_COLUMNS = [
    "level",
    "satzart",
    "ars",
    "ags",
    "land_key",
    "kreis_key",
    "gemeindeverband_key",
    "name",
    "seat",
    "text_code",
    "type",
    "area_km2",
    "population",
    "population_male",
    "postal_code",
    "lon",
    "lat",
    "territorial_date",
    "population_date",
    "source",
    "line",
]

SMALL_MUNICIPALITY_LIMIT = 10_000
UNIT_KEY_DIGITS = 9  # an administrative unit is one Gemeindeverband record: ARS digits 1-9
POSITION_MEASURES = (
    "n_municipalities",
    "median_population",
    "share_municipalities_small",
    "share_pop_small",
)
UNIT_POSITION_MEASURES = ("n_units", "median_population", "share_units_small", "share_pop_small")

# --- Auszug GV (xlsx) ---------------------------------------------------------------------

AUSZUG_SHEET = "Onlineprodukt_Gemeinden"  # sheet name of the 2020-2023 releases (found by content)
SCAN_ROWS = 30  # first rows of each worksheet searched for the header of the Gemeinde table
# Header labels after normalisation (see _label): exact labels, then label prefixes.
_EXACT_LABELS = {
    "satzart": "satzart",
    "textkennzeichen": "text_code",
    "land": "land",
    "rb": "rb",
    "kreis": "kreis",
    "vb": "vb",
    "gem": "gem",
    "gemeindename": "name",
    "insgesamt": "population",
    "männlich": "population_male",
}
_PREFIX_LABELS = (
    ("fläche", "area_km2"),
    ("postleitzahl", "postal_code"),
    ("längengrad", "lon"),
    ("breitengrad", "lat"),
)
_REQUIRED_FIELDS = ("satzart", "land", "rb", "kreis", "vb", "gem", "name", "area_km2", "population")
_FIELD_LABELS = {
    "satzart": "Satzart",
    "land": "Land",
    "rb": "RB",
    "kreis": "Kreis",
    "vb": "VB",
    "gem": "Gem",
    "name": "Gemeindename",
    "area_km2": "Fläche",
    "population": "Bevölkerung insgesamt",
}
# Width of the code columns; a code stored as a number is zero-padded to it.
_CODE_WIDTHS = {
    "satzart": 2,
    "text_code": 2,
    "land": 2,
    "rb": 1,
    "kreis": 2,
    "vb": 4,
    "gem": 3,
    "postal_code": 5,
}
_GERMAN_DATE = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the pre-2007 binary Excel format


@dataclass(frozen=True)
class AuszugLayout:
    """Where the Gemeinde table of one Auszug GV worksheet sits (0-based indices).

    Attributes
    ----------
    sheet
        Worksheet name.
    label_row
        Row holding the ``Satzart`` label (the first header row of the table).
    first_record
        Row of the first record (the first row below the header whose Satzart cell is a
        two-digit code).
    columns
        Field name (``satzart``, ``land`` ... ``lat``) -> column index, found by label.
    """

    sheet: str
    label_row: int
    first_record: int
    columns: dict[str, int]


def read_units(path: str | Path, *, population_date: str | None = None) -> pd.DataFrame:
    """Read any Gemeindeverzeichnis file into the unit table, telling the formats apart by content.

    An xlsx workbook (a zip archive) is read with :func:`read_auszug_gv`, anything else as
    GV100AD text with :func:`read_gv100ad` (``population_date`` is passed on to it).

    Raises
    ------
    DataValidationError
        For a missing file, an old binary ``.xls`` workbook, or what the readers refuse.
    """
    path = Path(path)
    if not path.is_file():
        raise DataValidationError(path, "file not found")
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic.startswith(b"PK"):
        return read_auszug_gv(path)
    if magic == _XLS_MAGIC:
        raise DataValidationError(
            path, "old binary Excel format (.xls): open it and save it as .xlsx first"
        )
    return read_gv100ad(path, population_date=population_date)


def read_auszug_gv(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """Read a Destatis GV-ISys "Auszug GV" workbook (any release since 2013) into the unit table.

    Parameters
    ----------
    path
        The ``.xlsx`` file as downloaded from Destatis (``<DDMMYYYY>_Auszug_GV.xlsx`` or
        ``AuszugGV<n>QAktuell.xlsx``).
    sheet
        Worksheet holding the Gemeinde table; ``None`` finds it by content (the first sheet
        whose first :data:`SCAN_ROWS` rows hold the table header, see the module docstring).

    Returns
    -------
    pandas.DataFrame
        One row per regional unit, columns :data:`UNIT_COLUMNS`, in file order.

    Raises
    ------
    DataValidationError
        When no sheet holds the table (the message lists the sheets and what each lacks),
        no Gebietsstand or population date can be found (naming the sheet and the cells
        searched), a record has an unknown Satzart or malformed key parts, or a number cell
        is not numeric; the message names the file, the spreadsheet row and the column.
    """
    path = Path(path)
    rows, layout = _read_auszug_sheet(path, sheet)
    territorial, population = _auszug_dates(rows, layout, path)
    source = (
        f"Destatis GV-ISys Gemeindeverzeichnis, Auszug GV ({path.name}), "
        f"Gebietsstand {_german(territorial.iso)}{territorial.remark}, "
        f"Bevölkerung {_german(population.iso)}{population.remark}"
    )
    records = []
    ended_at = None
    for index in range(layout.first_record, len(rows)):
        row, line = rows[index], index + 1  # spreadsheet row number
        satzart = _code(row, layout.columns["satzart"], "satzart")
        if satzart is None or not re.fullmatch(r"\d{2}", satzart):
            if ended_at is None and _is_blank(row):
                continue  # an empty row inside the table or before its notes
            ended_at = ended_at or line  # notes and blank rows follow the table
            continue
        if ended_at is not None:
            raise DataValidationError(
                path, f"record after the end of the table (row {ended_at})", row=line
            )
        record = _auszug_record(row, line, layout, path, satzart)
        record.update(
            territorial_date=territorial.iso, population_date=population.iso, source=source
        )
        records.append(record)
    if not records:
        raise DataValidationError(path, f"worksheet {layout.sheet!r} holds no records")
    return _finish(records)


def _read_auszug_sheet(path: Path, sheet: str | None) -> tuple[list[tuple], AuszugLayout]:
    """All rows of the sheet holding the Gemeinde table, and its layout."""
    import openpyxl

    if not path.exists():
        raise DataValidationError(path, "file not found")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip/XML errors: say which file is not a workbook
        raise DataValidationError(path, f"not a readable xlsx workbook ({exc})") from None
    try:
        layout = find_auszug_layout(workbook, path, sheet)
        rows = list(workbook[layout.sheet].iter_rows(values_only=True))
    except DataValidationError:
        raise
    except Exception as exc:  # read-only sheets parse lazily: broken XML/zip data shows here
        raise DataValidationError(path, f"cannot read the worksheets ({exc!r})") from None
    finally:
        workbook.close()
    return rows, layout


def find_auszug_layout(workbook: Any, path: str | Path, sheet: str | None = None) -> AuszugLayout:
    """The sheet holding the Gemeinde table and where its header and records are.

    Parameters
    ----------
    workbook
        An open ``openpyxl`` workbook.
    path
        The workbook's file, for messages.
    sheet
        Look only at this worksheet; ``None`` tries every sheet in order.

    Raises
    ------
    DataValidationError
        When the named sheet does not exist, or no sheet holds the table; the message says
        what each sheet lacks.
    """
    names = list(workbook.sheetnames)
    if sheet is not None and sheet not in names:
        raise DataValidationError(path, f"worksheet {sheet!r} not found (sheets: {names})")
    reasons = []
    for name in [sheet] if sheet is not None else names:
        head = list(workbook[name].iter_rows(max_row=SCAN_ROWS, values_only=True))
        found = auszug_layout(head, name)
        if isinstance(found, AuszugLayout):
            return found
        if sheet is not None:
            raise DataValidationError(
                path, f"worksheet {sheet!r} does not hold the Auszug GV Gemeinde table: {found}"
            )
        reasons.append(f"{name!r}: {found}")
    wanted = ", ".join(_FIELD_LABELS.values())
    raise DataValidationError(
        path,
        f"no worksheet holds the Auszug GV Gemeinde table (looked for the header labels "
        f"{wanted} in the first {SCAN_ROWS} rows); " + "; ".join(reasons),
    )


def auszug_layout(rows: list[tuple], sheet: str) -> AuszugLayout | str:
    """The layout of the Gemeinde table in the first rows of a sheet, or why there is none.

    The header starts at the row holding a ``Satzart`` label; it ends above the first row
    whose Satzart cell is a two-digit code (so one blank row, two or none may follow the
    header). Columns are identified by their labels in any header row (:func:`_label`).
    """
    label_row = next(
        (i for i, row in enumerate(rows) if any(_label(v) == "satzart" for v in row)), None
    )
    if label_row is None:
        return "no 'Satzart' header label"
    satzart = next(c for c, v in enumerate(rows[label_row]) if _label(v) == "satzart")
    first = next(
        (
            i
            for i in range(label_row + 1, len(rows))
            if re.fullmatch(r"\d{2}", _code(rows[i], satzart, "satzart") or "")
        ),
        None,
    )
    if first is None:
        return f"no record below the header row {label_row + 1}"
    columns = _header_columns(rows[label_row:first])
    missing = [_FIELD_LABELS[f] for f in _REQUIRED_FIELDS if f not in columns]
    if missing:
        return f"header rows {label_row + 1}-{first}: no label {', '.join(map(repr, missing))}"
    return AuszugLayout(sheet=sheet, label_row=label_row, first_record=first, columns=columns)


def _label(value: Any) -> str:
    """A header cell as a comparable label: lower case, no hyphens, blanks or footnote marks.

    ``"Satz-art"`` -> ``"satzart"``, ``"Fläche km2 1)"`` -> ``"flächekm2"``,
    ``"Post-leit-zahl3)"`` -> ``"postleitzahl"``, ``"Fläche in km²"`` -> ``"flächeinkm2"``.
    """
    if value is None or not isinstance(value, str):
        return ""
    text = re.sub(r"\s*\d+\)", "", value)  # footnote markers such as "1)" or "2)"
    text = text.lower().replace("\u00ad", "").replace("-", "").replace("²", "2").strip("*")
    return re.sub(r"\s+", "", text)


def _header_columns(header: list[tuple]) -> dict[str, int]:
    """Field -> column of the header rows (the first column carrying a field's label wins)."""
    columns: dict[str, int] = {}
    width = max((len(row) for row in header), default=0)
    for column in range(width):
        labels = [_label(row[column]) if column < len(row) else "" for row in header]
        for label in labels:
            field = _EXACT_LABELS.get(label) or next(
                (f for prefix, f in _PREFIX_LABELS if label.startswith(prefix)), None
            )
            if field is not None and field not in columns:
                columns[field] = column
    if "population" not in columns:  # a single population column without "insgesamt"
        for column in range(width):
            labels = [_label(row[column]) if column < len(row) else "" for row in header]
            if any(
                lab.startswith("bevölkerung") and "dichte" not in lab and "km2" not in lab
                for lab in labels
            ):
                columns["population"] = column
                break
    return columns


def _is_blank(row: tuple) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _code(row: tuple, index: int, field: str) -> str | None:
    """A code cell as text; a code stored as a number is zero-padded to its width."""
    value = row[index] if index < len(row) else None
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, (int, float)) and float(value).is_integer() and int(value) >= 0:
        return f"{int(value):0{_CODE_WIDTHS.get(field, 1)}d}"
    text = str(value).strip()
    return text or None


def _auszug_record(
    row: tuple, line: int, layout: AuszugLayout, path: Path, satzart: str
) -> dict[str, Any]:
    """One record of the Gemeinde table (numbers only for Gemeinde rows)."""
    columns = layout.columns

    def code(field: str) -> str | None:
        return _code(row, columns[field], field) if field in columns else None

    record = _unit_record(
        path,
        line,
        satzart=satzart,
        text_code=code("text_code"),
        land=code("land"),
        rb=code("rb"),
        kreis=code("kreis"),
        gemeindeverband=code("vb"),
        gemeinde=code("gem"),
        name=_cell_text(row, columns["name"]),
        seat=None,
    )
    if record["level"] == "Gemeinde":
        number = partial(_number, row, columns, path, line)
        record["area_km2"] = number("area_km2")
        record["population"] = number("population", integer=True)
        record["population_male"] = number("population_male", integer=True, required=False)
        record["lon"] = number("lon", required=False)
        record["lat"] = number("lat", required=False)
        record["postal_code"] = code("postal_code")
    return record


@dataclass(frozen=True)
class _FoundDate:
    """A date of the workbook and where it was found (``remark`` is empty for a header cell)."""

    iso: str
    remark: str = ""


def _auszug_dates(
    rows: list[tuple], layout: AuszugLayout, path: Path
) -> tuple[_FoundDate, _FoundDate]:
    """Gebietsstand and population Stichtag, each searched in this order.

    Gebietsstand: a cell above the first record that mentions "Gebietsstand" (its date, or
    the next date to its right or below it). Population: a date in the population column of
    the header rows, else a header cell mentioning "Bevölkerung" with a date. Either one,
    when not found there: the title row(s) above the header, then the sheet name
    (``..._311213``, ``...31122024``), then the file name (``31122023_Auszug_GV.xlsx``).
    """
    head = rows[: layout.first_record]
    territorial = _gebietsstand_cell(head)
    column = layout.columns["population"]
    population = next(
        (d for row in head[layout.label_row :] if (d := _date_of(_at(row, column)))), None
    ) or next(
        (
            d
            for row in head[layout.label_row :]
            for value in row
            if "bevölkerung" in str(value or "").lower() and (d := _date_of(value))
        ),
        None,
    )
    fallback = _release_date(head[: layout.label_row], layout.sheet, path)
    found = []
    for what, date in (("Gebietsstand", territorial), ("population Stichtag", population)):
        if date is not None:
            found.append(_FoundDate(date))
        elif fallback is not None:
            found.append(_FoundDate(fallback[0], f" (date taken from the {fallback[1]})"))
        else:
            raise DataValidationError(
                path,
                f"worksheet {layout.sheet!r}: no {what} date found; searched the cells "
                f"A1:{_cell_name(layout.first_record, max(map(len, head), default=1))} above "
                "the first record (for 'Gebietsstand' / the population column with a date "
                "DD.MM.YYYY), the title row(s) above the header, the sheet name and the file "
                "name (e.g. 31122023_Auszug_GV.xlsx)",
            )
    return found[0], found[1]


def _gebietsstand_cell(head: list[tuple]) -> str | None:
    """The date of the first cell mentioning "Gebietsstand" (or right of / below it)."""
    for r, row in enumerate(head):
        for c, value in enumerate(row):
            if "gebietsstand" not in str(value or "").lower():
                continue
            below = [_at(head[r + 1], c)] if r + 1 < len(head) else []
            for candidate in [value, *row[c + 1 :], *below]:
                date = _date_of(candidate)
                if date is not None:
                    return date
    return None


def _release_date(title_rows: list[tuple], sheet: str, path: Path) -> tuple[str, str] | None:
    """The release's date from the title row(s), the sheet name or the file name."""
    for r, row in enumerate(title_rows):
        for value in row:
            text = str(value or "")
            if "zuordnungsstand" in text.lower():
                continue  # the date of another classification, not of the directory
            date = _date_of(value)
            if date is not None:
                return date, f"title row {r + 1}"
    sheet_date = _compact_date(re.search(r"(\d{8}|\d{6})$", sheet))
    if sheet_date is not None:
        return sheet_date, f"sheet name {sheet!r}"
    file_date = _compact_date(re.search(r"(?<!\d)(\d{8})(?!\d)", path.stem))
    if file_date is not None:
        return file_date, f"file name {path.name!r}"
    return None


def _compact_date(match: re.Match | None) -> str | None:
    """``DDMMYYYY`` or ``DDMMYY`` as an ISO date (two-digit years are 20YY)."""
    if match is None:
        return None
    digits = match.group(1)
    year = digits[4:] if len(digits) == 8 else f"20{digits[4:]}"
    return _valid_iso(int(year), int(digits[2:4]), int(digits[:2]))


def _date_of(value: Any) -> str | None:
    """The ISO date in a cell: an Excel date, ``DD.MM.YYYY`` or ``YYYY-MM-DD`` text."""
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.strftime("%Y-%m-%d")
    if not isinstance(value, str):
        return None
    german = _GERMAN_DATE.search(value)
    if german is not None:
        day, month, year = (int(g) for g in german.groups())
        return _valid_iso(year, month, day)
    iso = _ISO_DATE.search(value)
    if iso is not None:
        year, month, day = (int(g) for g in iso.groups())
        return _valid_iso(year, month, day)
    return None


def _valid_iso(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def _at(row: tuple, index: int) -> Any:
    return row[index] if index < len(row) else None


def _cell_name(row: int, column: int) -> str:
    """Spreadsheet name of a 1-based row and column, e.g. ``T6``."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(max(column, 1))}{max(row, 1)}"


def _german(iso: str | None) -> str:
    if iso is None:
        return "unknown"
    year, month, day = iso.split("-")
    return f"{day}.{month}.{year}"


def _cell_text(row: tuple, index: int) -> str | None:
    value = row[index] if index < len(row) else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _number(
    row: tuple,
    columns: dict[str, int],
    path: Path,
    line: int,
    column: str,
    *,
    integer: bool = False,
    required: bool = True,
) -> float | int | None:
    """A numeric cell; strings with a German decimal comma are accepted."""
    raw = row[columns[column]] if column in columns and columns[column] < len(row) else None
    value = raw
    if isinstance(value, str):
        value = value.strip().replace("\u00a0", "").replace(" ", "") or None
    if value is None:
        if required:
            raise DataValidationError(path, "value is missing", row=line, element=column)
        return None
    if isinstance(value, bool):
        raise DataValidationError(path, f"{value!r} is not a number", row=line, element=column)
    if isinstance(value, str):
        text = value.replace(".", "").replace(",", ".") if "," in value else value
        try:
            value = float(text)
        except ValueError:
            raise DataValidationError(
                path, f"{raw!r} is not a number", row=line, element=column
            ) from None
    number = float(value)
    if number < 0 and column not in ("lon", "lat"):
        raise DataValidationError(path, f"{value} is negative", row=line, element=column)
    if integer:
        if not number.is_integer():
            raise DataValidationError(
                path, f"{value!r} is not a whole number", row=line, element=column
            )
        return int(number)
    return number


# --- GV100AD (fixed width) ----------------------------------------------------------------

GV100AD_RECORD_LENGTH = 220
# (start, end) character positions, 1-based inclusive as in the official layout.
_GV100AD_FIELDS = {
    "satzart": (1, 2),
    "date": (3, 10),
    "land": (11, 12),
    "rb": (13, 13),
    "kreis": (14, 15),
    "gemeinde": (16, 18),
    "gemeindeverband": (19, 22),
    "name": (23, 72),
    "seat": (73, 122),
    "text_code": (123, 124),
    "area_ha": (129, 139),
    "population": (140, 150),
    "population_male": (151, 161),
    "postal_code": (166, 170),
}


def read_gv100ad(
    path: str | Path,
    encoding: str | None = None,
    population_date: str | None = None,
) -> pd.DataFrame:
    """Read a GV100AD fixed-width file into the tidy unit table.

    Parameters
    ----------
    path
        The ``GV100AD_<DDMMYYYY>.txt`` file.
    encoding
        ``None`` detects it: a UTF-8 byte-order mark means UTF-8, otherwise strict UTF-8 is
        tried and ISO-8859-1 used when that fails. Give ``"utf-8"`` or ``"iso-8859-1"`` to
        force one; a file that does not decode, or whose records then have the wrong
        length, is refused.
    population_date
        Stichtag of the population figures as ISO date. The records carry only the
        Gebietsstand, so it is ``None`` (unknown) unless the caller states it from the
        release notes.

    Returns
    -------
    pandas.DataFrame
        One row per regional unit, columns :data:`UNIT_COLUMNS`; area converted from hectares
        to km²; ``lon``/``lat`` are empty (the format has no coordinates).

    Raises
    ------
    DataValidationError
        For a file that does not decode in the (forced) encoding, a truncated or overlong
        record, an unknown Satzart, malformed keys or a non-numeric area or population,
        naming the file and line.
    """
    path = Path(path)
    if not path.exists():
        raise DataValidationError(path, "file not found")
    if population_date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", population_date):
        raise DataValidationError(path, f"population_date {population_date!r} is not ISO")
    text, used = _decode(path.read_bytes(), path, encoding)
    records = []
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.rstrip("\r")
        if not line:
            continue
        if len(line) != GV100AD_RECORD_LENGTH:
            kind = "truncated" if len(line) < GV100AD_RECORD_LENGTH else "overlong"
            raise DataValidationError(
                path,
                f"{kind} record: {len(line)} characters, expected {GV100AD_RECORD_LENGTH} "
                f"(decoded as {used}; a wrong encoding also changes record lengths)",
                row=number,
            )
        records.append(_gv100ad_record(line, path, number, population_date))
    if not records:
        raise DataValidationError(path, "file holds no records")
    return _finish(records)


def _decode(raw: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    """Decode per the rules of :func:`read_gv100ad`; return text and the encoding used."""
    if encoding is None:
        if raw.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8-sig"
        else:
            try:
                return raw.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                return raw.decode("iso-8859-1"), "iso-8859-1"
    elif encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # a BOM is part of the UTF-8 releases, not of the data
    hint = "older GV100AD releases are ISO-8859-1, recent ones UTF-8 with BOM"
    return decode_strict(raw, path, encoding, what=encoding, hint=hint), encoding


def _field(line: str, name: str) -> str | None:
    start, end = _GV100AD_FIELDS[name]
    return line[start - 1 : end].strip() or None


def _gv100ad_record(
    line: str, path: Path, number: int, population_date: str | None
) -> dict[str, Any]:
    date = _field(line, "date") or ""
    if not re.fullmatch(r"\d{8}", date):
        raise DataValidationError(
            path, f"Gebietsstand {date!r} is not YYYYMMDD", row=number, element="positions 3-10"
        )
    record = _unit_record(
        path,
        number,
        satzart=_field(line, "satzart"),
        text_code=_field(line, "text_code"),
        land=_field(line, "land"),
        rb=_field(line, "rb"),
        kreis=_field(line, "kreis"),
        gemeindeverband=_field(line, "gemeindeverband"),
        gemeinde=_field(line, "gemeinde"),
        name=_field(line, "name"),
        seat=_field(line, "seat"),
    )
    if record["level"] == "Gemeinde":
        area_ha = _fixed_number(line, "area_ha", path, number)
        record["area_km2"] = area_ha / 100.0
        record["population"] = _fixed_number(line, "population", path, number)
        record["population_male"] = _fixed_number(line, "population_male", path, number)
        record["postal_code"] = _field(line, "postal_code")
    territorial = f"{date[:4]}-{date[4:6]}-{date[6:]}"
    record.update(
        territorial_date=territorial,
        population_date=population_date,
        source=(
            f"Destatis Gemeindeverzeichnis GV100AD ({path.name}), Gebietsstand "
            f"{_german(territorial)}, Bevölkerung {_german(population_date)}"
        ),
    )
    return record


def _fixed_number(line: str, name: str, path: Path, number: int) -> int:
    start, end = _GV100AD_FIELDS[name]
    raw = line[start - 1 : end]
    if not re.fullmatch(r"\d+", raw.strip()):
        raise DataValidationError(
            path,
            f"{raw!r} is not an unsigned number",
            row=number,
            element=f"{name} (positions {start}-{end})",
        )
    return int(raw)


# --- shared record building ----------------------------------------------------------------


def _unit_record(
    path: Path,
    line: int,
    *,
    satzart: str | None,
    text_code: str | None,
    land: str | None,
    rb: str | None,
    kreis: str | None,
    gemeindeverband: str | None,
    gemeinde: str | None,
    name: str | None,
    seat: str | None,
) -> dict[str, Any]:
    """Check the key parts of one record and build its row (numbers filled in by callers)."""
    level = LEVELS.get(satzart or "")
    if level is None:
        raise DataValidationError(
            path,
            f"unknown Satzart {satzart!r}; expected one of {sorted(LEVELS)}",
            row=line,
            element="Satzart",
        )
    needed = {"land": (land, 2)}
    if level != "Land":
        needed["rb"] = (rb, 1)
    if level == "Region":
        needed["region"] = ((kreis or "")[:1] or None, 1)
    if level in ("Kreis", "Gemeindeverband", "Gemeinde"):
        needed["kreis"] = (kreis, 2)
    if level in ("Gemeindeverband", "Gemeinde"):
        needed["gemeindeverband"] = (gemeindeverband, 4)
    if level == "Gemeinde":
        needed["gemeinde"] = (gemeinde, 3)
    for part, (value, width) in needed.items():
        if value is None or not re.fullmatch(rf"\d{{{width}}}", value):
            raise DataValidationError(
                path,
                f"{level} record has {part} key {value!r}, expected {width} digit(s)",
                row=line,
                element=part,
            )
    if not name:
        raise DataValidationError(path, f"{level} record has no name", row=line, element="name")
    if text_code is not None and text_code not in TEXT_CODES:
        raise DataValidationError(
            path, f"unknown Textkennzeichen {text_code!r}", row=line, element="Textkennzeichen"
        )
    kreis_key = land + rb + kreis if "kreis" in needed else None
    ars = {
        "Land": land,
        "Regierungsbezirk": land + (rb or ""),
        "Region": land + (rb or "") + (kreis or "")[:1],
        "Kreis": kreis_key,
        "Gemeindeverband": (kreis_key or "") + (gemeindeverband or ""),
        "Gemeinde": (kreis_key or "") + (gemeindeverband or "") + (gemeinde or ""),
    }[level]
    return {
        "level": level,
        "satzart": satzart,
        "ars": ars,
        "ags": kreis_key + gemeinde if level == "Gemeinde" else None,
        "land_key": land,
        "kreis_key": kreis_key,
        "gemeindeverband_key": gemeindeverband if "gemeindeverband" in needed else None,
        "name": name,
        "seat": seat,
        "text_code": text_code,
        "type": TEXT_CODES.get(text_code or ""),
        "line": line,
    }


def _finish(records: list[dict[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Build the unit table with stable dtypes (nullable integers, floats, strings)."""
    frame = records if isinstance(records, pd.DataFrame) else pd.DataFrame.from_records(records)
    frame = frame.reindex(columns=UNIT_COLUMNS)
    for column in ("population", "population_male", "line"):
        frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
    for column in ("area_km2", "lon", "lat"):
        frame[column] = pd.to_numeric(frame[column], errors="raise").astype("float64")
    text = [
        c
        for c in UNIT_COLUMNS
        if c not in ("population", "population_male", "line", "area_km2", "lon", "lat")
    ]
    for column in text:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


# --- derived tables ------------------------------------------------------------------------


def municipalities_from_units(units: pd.DataFrame, kreis_key: str) -> pd.DataFrame:
    """The municipality model (see :mod:`ikzlib.municipalities`) for one Kreis.

    Gemeindeverband name and type come from the level-``Gemeindeverband`` record with the same
    ARS digits 1-9 (a verbandsfreie Gemeinde has a record of its own, text code ``50``).

    Parameters
    ----------
    units
        Output of :func:`read_auszug_gv` or :func:`read_gv100ad`.
    kreis_key
        Five-digit Kreis key, e.g. ``"15085"``.

    Returns
    -------
    pandas.DataFrame
        Validated municipality model sorted by AGS, ``source`` naming file and dates.

    Raises
    ------
    DataValidationError
        When the Kreis has no municipalities, a Gemeindeverband record is missing, or the
        data lack what the model requires (population Stichtag, coordinates: GV100AD has
        none), naming the file and line of the offending record.
    """
    source = _units_source(units)
    gemeinden = units[units["level"].eq("Gemeinde") & units["kreis_key"].eq(kreis_key)]
    if gemeinden.empty:
        raise DataValidationError(source, f"no Gemeinde records with Kreis key {kreis_key!r}")
    verbaende = units[units["level"].eq("Gemeindeverband")].set_index("ars")
    rows = []
    for _, gemeinde in gemeinden.iterrows():
        key9 = gemeinde["ars"][:9]
        if key9 not in verbaende.index:
            raise DataValidationError(
                source,
                f"Gemeinde {gemeinde['ags']} refers to Gemeindeverband {key9}, which has no "
                "record of its own",
                row=int(gemeinde["line"]),
            )
        verband = verbaende.loc[key9]
        if verband["type"] is None:
            raise DataValidationError(
                source, "Gemeindeverband record without Textkennzeichen", row=int(verband["line"])
            )
        for column in ("population_date", "lon", "lat"):
            if pd.isna(gemeinde[column]):
                raise DataValidationError(
                    source,
                    f"{column} is unknown, but the municipality model requires it"
                    + (
                        " (GV100AD has no coordinates; use the Auszug GV)"
                        if column != "population_date"
                        else " (pass population_date)"
                    ),
                    row=int(gemeinde["line"]),
                    element=column,
                )
        rows.append(
            {
                "ags": gemeinde["ags"],
                "ars": gemeinde["ars"],
                "name": gemeinde["name"],
                "gemeindeverband_key": gemeinde["gemeindeverband_key"],
                "gemeindeverband_name": verband["name"],
                "gemeindeverband_type": verband["type"],
                "kreis_key": gemeinde["kreis_key"],
                "area_km2": gemeinde["area_km2"],
                "population": gemeinde["population"],
                "population_date": gemeinde["population_date"],
                "lon": gemeinde["lon"],
                "lat": gemeinde["lat"],
                "source": gemeinde["source"],
                LINE: int(gemeinde["line"]),
            }
        )
    frame = pd.DataFrame(rows, columns=[*MUNICIPALITY_COLUMNS, LINE])
    return validate_municipalities(frame, source=source, kreis_key=kreis_key)


def _units_source(units: pd.DataFrame) -> str:
    sources = sorted(set(units["source"].dropna()))
    return sources[0] if len(sources) == 1 else "<regional units>"


def inhabited_municipalities(units: pd.DataFrame) -> pd.DataFrame:
    """Gemeinde records with at least one inhabitant (drops uninhabited gemeindefreie Gebiete)."""
    gemeinden = units[units["level"].eq("Gemeinde")]
    return gemeinden[gemeinden["population"].fillna(0).gt(0)]


def _size_summary(frame: pd.DataFrame, by: str, limit: int) -> pd.DataFrame:
    """Per value of ``by``: entities (rows of ``frame``), population and how many are small.

    Returns a frame indexed by ``by`` (sorted) with ``n``, ``population``,
    ``median_population``, ``n_small``, ``share_small`` and ``share_pop_small`` (share of the
    population living in entities under ``limit``).
    """
    population = frame["population"].astype("float64")
    small = population < limit
    table = (
        pd.DataFrame(
            {
                by: frame[by].to_numpy(),
                "pop": population.to_numpy(),
                "small_pop": population.where(small, 0.0).to_numpy(),
                "small": small.to_numpy(),
            }
        )
        .groupby(by, sort=True)
        .agg(
            n=("pop", "size"),
            population=("pop", "sum"),
            median_population=("pop", "median"),
            small_population=("small_pop", "sum"),
            n_small=("small", "sum"),
        )
    )
    table["n_small"] = table["n_small"].astype("int64")
    table["share_small"] = table["n_small"] / table["n"]
    table["share_pop_small"] = table["small_population"] / table["population"]
    return table


def _kreis_sizes(frame: pd.DataFrame, units: pd.DataFrame, limit: int, count: str) -> pd.DataFrame:
    """Per Kreis: how many entities of ``frame`` (Gemeinden or units) and how many are small.

    ``frame`` holds one row per entity with ``kreis_key`` and ``population``; the result has
    ``kreis_key``, ``kreis_name``, ``kreis_type``, ``n_<count>``, ``population``,
    ``median_population``, ``share_pop_small``, ``share_<count>_small`` and
    ``n_<count>_small``, sorted by Kreis key.
    """
    table = _size_summary(frame, "kreis_key", limit).reset_index()
    kreise = units[units["level"].eq("Kreis")].set_index("kreis_key")
    return pd.DataFrame(
        {
            "kreis_key": table["kreis_key"],
            "kreis_name": table["kreis_key"].map(kreise["name"]),
            "kreis_type": table["kreis_key"].map(kreise["type"]),
            f"n_{count}": table["n"],
            "population": table["population"].astype("int64"),
            "median_population": table["median_population"],
            "share_pop_small": table["share_pop_small"],
            f"share_{count}_small": table["share_small"],
            f"n_{count}_small": table["n_small"],
        }
    )


def kreis_comparison(units: pd.DataFrame, limit: int = SMALL_MUNICIPALITY_LIMIT) -> pd.DataFrame:
    """Municipal structure of every Kreis at the level of Gemeinden, for placing one district.

    Only inhabited municipalities count, so the pseudo-Kreise of uninhabited areas (coastal
    waters, condominium territory) do not appear. :func:`kreis_unit_comparison` gives the same
    at the level of administrative units.

    Returns
    -------
    pandas.DataFrame
        One row per Kreis key: ``kreis_key``, ``kreis_name``, ``kreis_type``,
        ``n_municipalities``, ``population``, ``median_population``,
        ``share_pop_small`` (share of the Kreis population living in municipalities under
        ``limit`` inhabitants) and ``share_municipalities_small``; sorted by Kreis key.
    """
    table = _kreis_sizes(inhabited_municipalities(units), units, limit, "municipalities")
    return table.drop(columns="n_municipalities_small")


def national_units(units: pd.DataFrame) -> pd.DataFrame:
    """Every administrative unit of the country (see "Administrative units" above).

    Inhabited Gemeinden are summed per Gemeindeverband record (ARS digits 1-9): a
    verbandsfreie Gemeinde is a unit of its own, the members of an Amt, Samtgemeinde,
    Verbandsgemeinde, Verwaltungsgemeinschaft, Verwaltungsverband,
    Gemeindeverwaltungsverband or erfüllende-Gemeinde arrangement form one unit together —
    the rule of :func:`ikzlib.municipalities.administrative_units`, applied nationwide.

    Returns
    -------
    pandas.DataFrame
        One row per unit, sorted by key: ``unit_key``, ``land_key``, ``kreis_key``,
        ``name`` and ``text_code`` / ``gemeindeverband_type`` of the Gemeindeverband record
        (``None`` when the file has no such record), ``n_municipalities`` and ``population``.
    """
    gemeinden = inhabited_municipalities(units)
    frame = pd.DataFrame(
        {
            "unit_key": gemeinden["ars"].str[:UNIT_KEY_DIGITS].to_numpy(),
            "land_key": gemeinden["land_key"].to_numpy(),
            "kreis_key": gemeinden["kreis_key"].to_numpy(),
            "population": gemeinden["population"].astype("int64").to_numpy(),
        }
    )
    table = (
        frame.groupby("unit_key", sort=True)
        .agg(
            land_key=("land_key", "first"),
            kreis_key=("kreis_key", "first"),
            n_municipalities=("population", "size"),
            population=("population", "sum"),
        )
        .reset_index()
    )
    verbaende = units[units["level"].eq("Gemeindeverband")].set_index("ars")
    for column, field in (
        ("name", "name"),
        ("text_code", "text_code"),
        ("gemeindeverband_type", "type"),
    ):
        values = table["unit_key"].map(verbaende[field])
        table[column] = values.astype(object).where(values.notna(), None)
    columns = ["unit_key", "land_key", "kreis_key", "name", "text_code", "gemeindeverband_type"]
    return table[[*columns, "n_municipalities", "population"]]


def kreis_unit_comparison(
    units: pd.DataFrame,
    limit: int = SMALL_MUNICIPALITY_LIMIT,
    *,
    found: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Municipal structure of every Kreis at the level of administrative units.

    Parameters
    ----------
    units
        The unit table of a Gemeindeverzeichnis (:data:`UNIT_COLUMNS`).
    limit
        Units under this population are small.
    found
        :func:`national_units` of ``units`` when already computed (saves computing it again).

    Returns
    -------
    pandas.DataFrame
        One row per Kreis key with inhabited Gemeinden: ``kreis_key``, ``kreis_name``,
        ``kreis_type``, ``n_units``, ``population``, ``median_population`` (median unit
        population), ``share_pop_small`` (share of the Kreis population living in units
        under ``limit``), ``share_units_small``, ``n_units_small`` and ``n_municipalities``;
        sorted by Kreis key. Units as in :func:`national_units`.
    """
    found = national_units(units) if found is None else found
    table = _kreis_sizes(found, units, limit, "units")
    members = found.groupby("kreis_key", sort=True)["n_municipalities"].sum()
    table["n_municipalities"] = table["kreis_key"].map(members).astype("int64")
    return table


def district_position(
    comparison: pd.DataFrame, kreis_key: str, measures: Sequence[str] = POSITION_MEASURES
) -> pd.DataFrame:
    """Where one Kreis stands among all Kreise of :func:`kreis_comparison`.

    ``measures`` are columns of ``comparison``; for :func:`kreis_unit_comparison` use
    :data:`UNIT_POSITION_MEASURES`.

    Returns
    -------
    pandas.DataFrame
        One row per measure (default :data:`POSITION_MEASURES`) with the district's
        ``value``, the national ``median`` over Kreise, its ``rank`` (1 = largest value)
        among ``n_kreise`` and ``percentile`` (share of Kreise with a smaller value).

    Raises
    ------
    KeyError
        When the Kreis is not in the comparison.
    """
    if kreis_key not in set(comparison["kreis_key"]):
        raise KeyError(f"Kreis {kreis_key} is not in the national comparison")
    row = comparison.set_index("kreis_key").loc[kreis_key]
    records = []
    for measure in measures:
        values = comparison[measure].astype("float64")
        value = float(row[measure])
        records.append(
            {
                "measure": measure,
                "value": value,
                "median": float(values.median()),
                "rank": int((values > value).sum()) + 1,
                "n_kreise": len(values),
                "percentile": float((values < value).mean()),
            }
        )
    return pd.DataFrame(records)


def national_small_municipality_share(
    units: pd.DataFrame, limit: int = SMALL_MUNICIPALITY_LIMIT
) -> dict[str, float | int]:
    """Nationwide share of municipalities with fewer than ``limit`` inhabitants.

    Only inhabited Gemeinde records are municipalities: uninhabited gemeindefreie Gebiete
    (forests, lakes, military areas, coastal waters, condominium areas) are counted apart.

    Returns
    -------
    dict
        ``n_municipalities`` (inhabited Gemeinde records; ``n_inhabited`` is the same number),
        ``n_uninhabited`` (uninhabited gemeindefreie Gebiete) and ``n_records`` (all Gemeinde
        records), ``n_small`` (municipalities under ``limit``), ``share_small``
        (``n_small / n_municipalities``), ``share_pop_small`` (population share living in
        them), ``n_kreise`` (Kreis keys with at least one municipality) and ``n_kreis_keys``
        (distinct Kreis keys among all Gemeinde records, incl. the pseudo-Kreise of
        uninhabited areas).
    """
    gemeinden = units[units["level"].eq("Gemeinde")]
    inhabited = inhabited_municipalities(units)
    population = inhabited["population"].astype("float64")
    small = population < limit
    return {
        "n_municipalities": len(inhabited),
        "n_inhabited": len(inhabited),
        "n_uninhabited": len(gemeinden) - len(inhabited),
        "n_records": len(gemeinden),
        "n_small": int(small.sum()),
        "share_small": float(small.mean()),
        "share_pop_small": float(population[small].sum() / population.sum()),
        "n_kreise": int(inhabited["kreis_key"].nunique()),
        "n_kreis_keys": int(gemeinden["kreis_key"].nunique()),
    }


def national_small_unit_share(
    units: pd.DataFrame,
    limit: int = SMALL_MUNICIPALITY_LIMIT,
    *,
    found: pd.DataFrame | None = None,
) -> dict[str, float | int]:
    """Nationwide share of administrative units (:func:`national_units`) under ``limit``.

    ``found``: :func:`national_units` of ``units`` when already computed.

    Returns
    -------
    dict
        ``n_units``, ``n_joint`` (units of more than one Gemeinde), ``n_municipalities``
        (inhabited Gemeinden in them), ``n_small`` (units under ``limit``), ``share_small``
        (``n_small / n_units``), ``share_pop_small`` (population share living in them) and
        ``n_kreise``.
    """
    found = national_units(units) if found is None else found
    population = found["population"].astype("float64")
    small = population < limit
    return {
        "n_units": len(found),
        "n_joint": int(found["n_municipalities"].gt(1).sum()),
        "n_municipalities": int(found["n_municipalities"].sum()),
        "n_small": int(small.sum()),
        "share_small": float(small.mean()),
        "share_pop_small": float(population[small].sum() / population.sum()),
        "n_kreise": int(found["kreis_key"].nunique()),
    }


def land_comparison(
    units: pd.DataFrame,
    limit: int = SMALL_MUNICIPALITY_LIMIT,
    *,
    found: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Small Gemeinden and small administrative units per Land, side by side.

    ``found``: :func:`national_units` of ``units`` when already computed.

    Returns
    -------
    pandas.DataFrame
        One row per Land key with inhabited Gemeinden, sorted: ``land_key``, ``land_name``,
        ``n_municipalities``, ``n_units``, ``n_joint`` (units of several Gemeinden),
        ``joint_types`` (each Gemeindeverband type counted as one unit, named as in that Land
        by :data:`ikzlib.gemeindeverband.LEGAL_FORMS`, with its number, e.g.
        ``"Verwaltungsgemeinschaft (311)"``; empty without joint administrations),
        ``share_municipalities_small``, ``share_units_small``, ``share_pop_small_municipalities``
        and ``share_pop_small_units`` (population shares living in them).
    """
    gemeinden = _size_summary(inhabited_municipalities(units), "land_key", limit)
    found = national_units(units) if found is None else found
    by_unit = _size_summary(found, "land_key", limit)
    joint = found[found["n_municipalities"].gt(1)]
    counts = joint.groupby(["land_key", joint["text_code"].fillna("")]).size()
    forms = {
        land: "; ".join(f"{_form_name(land, code)} ({n})" for (_, code), n in group.items())
        for land, group in counts.groupby(level=0)
    }
    lands = units[units["level"].eq("Land")].set_index("land_key")["name"]
    keys = gemeinden.index.to_series()
    return pd.DataFrame(
        {
            "land_key": keys.to_numpy(),
            "land_name": keys.map(lands).to_numpy(),
            "n_municipalities": gemeinden["n"].to_numpy(),
            "n_units": by_unit["n"].reindex(keys).to_numpy(),
            "n_joint": keys.map(joint["land_key"].value_counts()).fillna(0).astype(int).to_numpy(),
            "joint_types": keys.map(forms).fillna("").to_numpy(),
            "share_municipalities_small": gemeinden["share_small"].to_numpy(),
            "share_units_small": by_unit["share_small"].reindex(keys).to_numpy(),
            "share_pop_small_municipalities": gemeinden["share_pop_small"].to_numpy(),
            "share_pop_small_units": by_unit["share_pop_small"].reindex(keys).to_numpy(),
        }
    )


def _form_name(land_key: str, code: str) -> str:
    """The name of a Gemeindeverband type in a Land (:mod:`ikzlib.gemeindeverband`)."""
    from ikzlib.gemeindeverband import legal_form  # local: gemeindeverband imports this module

    found = legal_form(land_key, code or None)
    return found.form if found is not None else TEXT_CODES.get(code, "type unknown")


# --- the embedded nationwide extract ---------------------------------------------------------


def extract_units(directory: str | Path | None = None) -> pd.DataFrame:
    """The unit table of the embedded nationwide extract (:mod:`ikzlib.germany`).

    The extract is derived from an Auszug GV (``data/raw/germany``, see its README); this
    puts its Land, Kreis, Gemeindeverband and Gemeinde records back into the shape of
    :func:`read_auszug_gv`, so :func:`kreis_comparison`,
    :func:`national_small_municipality_share` and :func:`municipalities_from_units` work on
    it unchanged. ``line`` is the row in ``municipalities.parquet`` (Gemeinde records).
    """
    from ikzlib import germany  # local import: germany builds its extract with this module

    return units_from_extract(
        germany.municipalities(directory),
        germany.kreise(directory),
        germany.gemeindeverbaende(directory),
    )


def units_from_extract(
    municipalities: pd.DataFrame,
    kreise: pd.DataFrame,
    gemeindeverbaende: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Unit table (:data:`UNIT_COLUMNS`) from the tables of :mod:`ikzlib.germany`.

    Types are the official labels of the Textkennzeichen (:data:`TEXT_CODES`), as
    :func:`read_auszug_gv` gives them; records are sorted by ARS, parents first.
    """
    lands = municipalities.drop_duplicates("land_key")
    parents = {
        "Land": pd.DataFrame(
            {"ars": lands["land_key"], "land_key": lands["land_key"], "name": lands["land_name"]}
        ),
        "Kreis": kreise[["kreis_key", "land_key", "name", "text_code"]].assign(
            ars=kreise["kreis_key"]
        ),
    }
    if gemeindeverbaende is not None:
        parents["Gemeindeverband"] = gemeindeverbaende[
            ["ars", "land_key", "kreis_key", "gemeindeverband_key", "name", "text_code"]
        ]
    shared = {
        column: _one(municipalities[column])
        for column in ("territorial_date", "population_date", "source")
    }
    records = [
        table.assign(level=level, satzart=_SATZART[level], **shared)
        for level, table in parents.items()
    ]
    records.append(
        municipalities.assign(
            level="Gemeinde", satzart="60", line=range(1, len(municipalities) + 1)
        )
    )
    frame = pd.concat([r.reindex(columns=UNIT_COLUMNS) for r in records], ignore_index=True)
    frame["type"] = frame["text_code"].map(TEXT_CODES)
    frame["_level"] = frame["level"].map(LEVEL_ORDER.index)
    frame = frame.sort_values(["ars", "_level"], kind="stable").drop(columns="_level")
    return _finish(frame.reset_index(drop=True))


def _one(values: pd.Series) -> str | None:
    """The single distinct value of a column, ``"; "``-joined when there are several."""
    distinct = sorted(set(values.dropna()))
    return "; ".join(distinct) if distinct else None


def level_counts(units: pd.DataFrame) -> pd.Series:
    """Number of records per level, in hierarchical order."""
    return units["level"].value_counts().reindex(LEVEL_ORDER, fill_value=0)
