"""Loaders for the Germany-wide Destatis municipality directory (Gemeindeverzeichnis).

Two official formats are read into one tidy table of *regional units* (one row per Land,
Regierungsbezirk, Region, Kreis, Gemeindeverband and Gemeinde):

* the GV-ISys "Auszug GV" spreadsheet (``<DDMMYYYY>_Auszug_GV.xlsx``, sheet
  ``Onlineprodukt_Gemeinden``) with area in km², population and centre coordinates;
* the fixed-width GV100AD text file (records of 220 characters, layout of the official
  "Datensatzbeschreibung Gemeindeverzeichnis", valid from 14.06.2000) with area in hectares
  and no coordinates. Recent releases are UTF-8 with BOM, older ones ISO-8859-1.

:func:`municipalities_from_units` turns the Gemeinde rows of one Kreis into the municipality
model of :mod:`ikzlib.municipalities`; :func:`kreis_comparison` and
:func:`national_small_municipality_share` give the national context of a district.

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
lon, lat               centre of the Gemeinde, WGS84 degrees (xlsx only)
territorial_date       Gebietsstand, ISO date
population_date        Stichtag of the population figures, ISO date (``None`` if unknown)
source                 file name and dates, for the ``source`` column of derived tables
line                   row of the spreadsheet or line of the text file
=====================  ==============================================================
"""

from __future__ import annotations

import re
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

# --- Auszug GV (xlsx) ---------------------------------------------------------------------

AUSZUG_SHEET = "Onlineprodukt_Gemeinden"
_AUSZUG_HEADER_ROWS = 6  # title, blank, three header rows, blank
# Column positions (0-based) of the sheet; checked against the header labels on reading.
_AUSZUG_COLUMNS = {
    "satzart": 0,
    "text_code": 1,
    "land": 2,
    "rb": 3,
    "kreis": 4,
    "vb": 5,
    "gem": 6,
    "name": 7,
    "area_km2": 8,
    "population": 9,
    "population_male": 10,
    "postal_code": 13,
    "lon": 14,
    "lat": 15,
}
_AUSZUG_KEY_LABELS = {"land": "Land", "rb": "RB", "kreis": "Kreis", "vb": "VB", "gem": "Gem"}
_GERMAN_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")


def read_auszug_gv(path: str | Path, sheet: str = AUSZUG_SHEET) -> pd.DataFrame:
    """Read the Destatis GV-ISys "Auszug GV" spreadsheet into the tidy unit table.

    Parameters
    ----------
    path
        The ``.xlsx`` file as downloaded from Destatis.
    sheet
        Worksheet holding the directory.

    Returns
    -------
    pandas.DataFrame
        One row per regional unit, columns :data:`UNIT_COLUMNS`, in file order.

    Raises
    ------
    DataValidationError
        When the sheet or its header is not the expected layout, a record has an unknown
        Satzart or malformed key parts, or a number cell is not numeric; the message names
        the file, the spreadsheet row and the column.
    """
    import openpyxl

    path = Path(path)
    if not path.exists():
        raise DataValidationError(path, "file not found")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip/XML errors: say which file is not a workbook
        raise DataValidationError(path, f"not a readable xlsx workbook ({exc})") from None
    try:
        if sheet not in workbook.sheetnames:
            raise DataValidationError(
                path, f"worksheet {sheet!r} not found (sheets: {workbook.sheetnames})"
            )
        rows = list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()
    territorial_date, population_date = _auszug_dates(rows, path)
    source = (
        f"Destatis GV-ISys Gemeindeverzeichnis, Auszug GV ({path.name}), "
        f"Gebietsstand {_german(territorial_date)}, Bevölkerung {_german(population_date)}"
    )
    records = []
    ended_at = None
    for offset, row in enumerate(rows[_AUSZUG_HEADER_ROWS:]):
        line = offset + _AUSZUG_HEADER_ROWS + 1  # spreadsheet row number
        satzart = _cell_text(row, _AUSZUG_COLUMNS["satzart"])
        if satzart is None or not re.fullmatch(r"\d{2}", satzart):
            ended_at = ended_at or line  # notes and blank rows follow the table
            continue
        if ended_at is not None:
            raise DataValidationError(
                path, f"record after the end of the table (row {ended_at})", row=line
            )
        parts = {k: _cell_text(row, i) for k, i in _AUSZUG_COLUMNS.items()}
        record = _unit_record(
            path,
            line,
            satzart=satzart,
            text_code=parts["text_code"],
            land=parts["land"],
            rb=parts["rb"],
            kreis=parts["kreis"],
            gemeindeverband=parts["vb"],
            gemeinde=parts["gem"],
            name=parts["name"],
            seat=None,
        )
        if record["level"] == "Gemeinde":
            record["area_km2"] = _number(row, "area_km2", path, line)
            record["population"] = _number(row, "population", path, line, integer=True)
            record["population_male"] = _number(
                row, "population_male", path, line, integer=True, required=False
            )
            record["lon"] = _number(row, "lon", path, line, required=False)
            record["lat"] = _number(row, "lat", path, line, required=False)
            record["postal_code"] = parts["postal_code"]
        record.update(
            territorial_date=territorial_date, population_date=population_date, source=source
        )
        records.append(record)
    if not records:
        raise DataValidationError(path, f"worksheet {sheet!r} holds no records")
    return _finish(records)


def _auszug_dates(rows: list[tuple], path: Path) -> tuple[str, str]:
    """Check the header labels and return (Gebietsstand, population Stichtag) as ISO dates."""
    if len(rows) < _AUSZUG_HEADER_ROWS:
        raise DataValidationError(path, "the sheet is shorter than its header")
    expected = {2: {0: "Satz", 2: "Regionalschlüssel", 7: "Gemeindename", 9: "Bevölkerung"}}
    expected[3] = {_AUSZUG_COLUMNS[k]: label for k, label in _AUSZUG_KEY_LABELS.items()}
    for row_index, cells in expected.items():
        for column, label in cells.items():
            value = _cell_text(rows[row_index], column) or ""
            if label not in value:
                raise DataValidationError(
                    path,
                    f"header cell is {value!r}, expected it to contain {label!r} "
                    "(not the Auszug GV layout)",
                    row=row_index + 1,
                    element=f"column {column + 1}",
                )
    territorial = _iso_from_german(_cell_text(rows[4], _AUSZUG_COLUMNS["land"]), path, 5)
    population = _iso_from_german(_cell_text(rows[4], _AUSZUG_COLUMNS["population"]), path, 5)
    return territorial, population


def _iso_from_german(text: str | None, path: Path, row: int) -> str:
    match = _GERMAN_DATE.search(text or "")
    if match is None:
        raise DataValidationError(path, f"no date DD.MM.YYYY in header cell {text!r}", row=row)
    day, month, year = match.groups()
    return f"{year}-{month}-{day}"


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
    column: str,
    path: Path,
    line: int,
    *,
    integer: bool = False,
    required: bool = True,
) -> float | int | None:
    """A numeric cell; strings with a German decimal comma are accepted."""
    value = row[_AUSZUG_COLUMNS[column]] if _AUSZUG_COLUMNS[column] < len(row) else None
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
                path, f"{row[_AUSZUG_COLUMNS[column]]!r} is not a number", row=line, element=column
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


def _finish(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Build the unit table with stable dtypes (nullable integers, floats, strings)."""
    frame = pd.DataFrame.from_records(records).reindex(columns=UNIT_COLUMNS)
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


def kreis_comparison(units: pd.DataFrame, limit: int = SMALL_MUNICIPALITY_LIMIT) -> pd.DataFrame:
    """Municipal structure of every Kreis, for placing one district among all others.

    Only inhabited municipalities count, so the pseudo-Kreise of uninhabited areas (coastal
    waters, condominium territory) do not appear.

    Returns
    -------
    pandas.DataFrame
        One row per Kreis key: ``kreis_key``, ``kreis_name``, ``kreis_type``,
        ``n_municipalities``, ``population``, ``median_population``,
        ``share_pop_small`` (share of the Kreis population living in municipalities under
        ``limit`` inhabitants) and ``share_municipalities_small``; sorted by Kreis key.
    """
    gemeinden = inhabited_municipalities(units).copy()
    gemeinden["pop"] = gemeinden["population"].astype("float64")
    gemeinden["small_pop"] = gemeinden["pop"].where(gemeinden["pop"] < limit, 0.0)
    grouped = gemeinden.groupby("kreis_key", sort=True)
    table = grouped.agg(
        n_municipalities=("ags", "size"),
        population=("pop", "sum"),
        median_population=("pop", "median"),
        small_population=("small_pop", "sum"),
        n_small=("small_pop", lambda s: int((s > 0).sum())),
    ).reset_index()
    table["share_pop_small"] = table["small_population"] / table["population"]
    table["share_municipalities_small"] = table["n_small"] / table["n_municipalities"]
    kreise = units[units["level"].eq("Kreis")].set_index("kreis_key")
    table["kreis_name"] = table["kreis_key"].map(kreise["name"])
    table["kreis_type"] = table["kreis_key"].map(kreise["type"])
    table["population"] = table["population"].astype("int64")
    columns = [
        "kreis_key",
        "kreis_name",
        "kreis_type",
        "n_municipalities",
        "population",
        "median_population",
        "share_pop_small",
        "share_municipalities_small",
    ]
    return table[columns]


def district_position(comparison: pd.DataFrame, kreis_key: str) -> pd.DataFrame:
    """Where one Kreis stands among all Kreise of :func:`kreis_comparison`.

    Returns
    -------
    pandas.DataFrame
        One row per measure (``n_municipalities``, ``median_population``,
        ``share_pop_small``) with the district's ``value``, the national ``median`` over
        Kreise, its ``rank`` (1 = largest value) among ``n_kreise`` and ``percentile`` (share
        of Kreise with a smaller value).

    Raises
    ------
    KeyError
        When the Kreis is not in the comparison.
    """
    if kreis_key not in set(comparison["kreis_key"]):
        raise KeyError(f"Kreis {kreis_key} is not in the national comparison")
    row = comparison.set_index("kreis_key").loc[kreis_key]
    records = []
    for measure in ("n_municipalities", "median_population", "share_pop_small"):
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
    """Nationwide share of inhabited municipalities with fewer than ``limit`` inhabitants.

    Returns
    -------
    dict
        ``n_municipalities`` (all Gemeinde records, incl. gemeindefreie Gebiete),
        ``n_inhabited``, ``n_small`` (inhabited and under ``limit``), ``share_small``
        (``n_small / n_inhabited``), ``share_pop_small`` (population share living in them)
        and ``n_kreis_keys`` (distinct Kreis keys among all Gemeinde records).
    """
    gemeinden = units[units["level"].eq("Gemeinde")]
    inhabited = inhabited_municipalities(units)
    population = inhabited["population"].astype("float64")
    small = population < limit
    return {
        "n_municipalities": len(gemeinden),
        "n_inhabited": len(inhabited),
        "n_small": int(small.sum()),
        "share_small": float(small.mean()),
        "share_pop_small": float(population[small].sum() / population.sum()),
        "n_kreis_keys": int(gemeinden["kreis_key"].nunique()),
    }


def level_counts(units: pd.DataFrame) -> pd.Series:
    """Number of records per level, in hierarchical order."""
    return units["level"].value_counts().reindex(LEVEL_ORDER, fill_value=0)
