"""Strict reading and checking of the project's CSV tables.

Every committed table is UTF-8 CSV with a header line. These helpers read it as strings
(so keys like AGS keep their leading zeros) and check columns one rule at a time; the first
violation raises :class:`~ikzlib.errors.DataValidationError` naming file, line and column.
Line numbers count the header as line 1, as a text editor shows them.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Container, Iterable, Sequence
from pathlib import Path

import pandas as pd

from ikzlib.errors import DataValidationError

LINE = "_line"  # column that carries the 1-based file line of every record
MAX_EXACT_INTEGER = 2**53  # largest magnitude that to_number(integer=True) reads exactly


def decode_strict(
    raw: bytes,
    source: str | Path,
    encoding: str = "utf-8-sig",
    *,
    what: str = "UTF-8",
    hint: str | None = "save the file as UTF-8 (it may be ISO-8859-1/Windows-1252)",
) -> str:
    """Decode ``raw`` strictly; a bad byte raises an error naming its line and offset.

    Parameters
    ----------
    raw
        File content.
    source
        File named in the error.
    encoding
        Python codec; the default accepts UTF-8 with or without BOM.
    what
        How the error names the expected encoding.
    hint
        Advice appended to the error, if any.
    """
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = f"not valid {what} (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        raise DataValidationError(
            source, f"{problem}; {hint}" if hint else problem, row=line
        ) from None
    except LookupError:
        raise DataValidationError(source, f"unknown encoding {encoding!r}") from None


def read_csv_strict(
    path: str | Path,
    required: Iterable[str],
    *,
    optional: Iterable[str] = (),
    sep: str = ",",
) -> pd.DataFrame:
    """Read a UTF-8 CSV as strings, check its header, add the file line in ``_line``.

    Parameters
    ----------
    path
        CSV file.
    required
        Columns that must be present.
    optional
        Columns that may be present; they are added empty when missing. Columns that are
        neither required nor optional are refused, so a typo in a header never goes unseen.
    sep
        Field separator.

    Returns
    -------
    pandas.DataFrame
        All columns as ``object`` strings with ``None`` for empty cells, plus ``_line``.
    """
    path = Path(path)
    if not path.exists():
        raise DataValidationError(path, "file not found")
    if not path.is_file():
        raise DataValidationError(path, "not a file (it is a folder or a special file)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataValidationError(path, f"cannot read the file ({exc.strerror or exc})") from None
    text = decode_strict(raw, path)
    if not text.strip():
        raise DataValidationError(path, "file is empty (a header line is required)")
    _check_field_counts(text, path, sep)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
            comment=None,
            index_col=False,  # never take a first field as the index (rows one field too long)
        )
    except (pd.errors.ParserError, ValueError) as exc:  # backstop: counts were checked above
        raise DataValidationError(path, f"malformed CSV ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    required = list(required)
    optional = list(optional)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataValidationError(path, f"missing column(s) {missing}", row=1)
    unknown = [c for c in frame.columns if c not in required and c not in optional]
    if unknown:
        raise DataValidationError(
            path, f"unknown column(s) {unknown}; allowed: {required + optional}", row=1
        )
    for column in optional:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
    frame = frame.replace({"": None})
    frame[LINE] = _line_numbers(text, len(frame))
    return frame[[*required, *optional, LINE]]


def _check_field_counts(text: str, path: Path, sep: str) -> None:
    """Every record must have exactly as many fields as the header (blank lines are skipped).

    pandas would otherwise take the first field of rows one field longer than the header as
    the index (shifting every value one column left) and pad short rows with empty values.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    width = None
    line = 1
    try:
        for record in reader:
            if len(record) <= 1 and not "".join(record).strip():
                line = reader.line_num + 1
                continue  # blank line, skipped like pandas does
            if width is None:
                width = len(record)
            elif len(record) != width:
                raise DataValidationError(
                    path,
                    f"{len(record)} fields, but the header has {width} "
                    f"(check separators {sep!r} and quotes)",
                    row=line,
                )
            line = reader.line_num + 1
    except csv.Error as exc:
        raise DataValidationError(path, f"malformed CSV ({exc})", row=line) from None


def _line_numbers(text: str, n_records: int) -> list[int]:
    """File line of each record, assuming one record per non-blank line (no embedded newlines)."""
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line.strip()]
    body = lines[1:]
    if len(body) != n_records:  # quoted newlines: fall back to record order
        return list(range(2, n_records + 2))
    return body


def _fail(frame: pd.DataFrame, index, source, column: str, problem: str) -> None:
    line = int(frame.at[index, LINE]) if LINE in frame.columns else None
    raise DataValidationError(source, problem, row=line, element=column)


def require_values(frame: pd.DataFrame, columns: Iterable[str], source: str | Path) -> None:
    """Every listed column must be filled in every row."""
    for column in columns:
        empty = frame[column].isna()
        if empty.any():
            _fail(frame, frame.index[empty][0], source, column, "value is missing")


def check_pattern(
    frame: pd.DataFrame, column: str, pattern: str, source: str | Path, what: str
) -> None:
    """Non-empty values of ``column`` must fully match ``pattern``."""
    regex = re.compile(pattern)
    for index, value in frame[column].items():
        if value is not None and not regex.fullmatch(str(value)):
            _fail(frame, index, source, column, f"{value!r} is not {what}")


def check_unique(
    frame: pd.DataFrame, column: str, source: str | Path, *, within: Sequence[str] = ()
) -> None:
    """Non-empty values of ``column`` must not repeat; names both lines of the first repeat.

    With ``within``, a value may repeat across combinations of those columns, but not within
    one (e.g. a variable name once per document).
    """
    seen: dict[tuple, int] = {}
    keys = frame[[*within, column]].itertuples(index=False, name=None)
    # Plain lists, not frame.at per row (~50 us each: seconds for big tables).
    lines = [int(v) for v in frame[LINE]] if LINE in frame.columns else list(frame.index)
    for index, line, key in zip(frame.index, lines, keys, strict=True):
        value = key[-1]
        if value is None:
            continue
        if key in seen:
            first = f"first on line {seen[key]}"
            scope = ", ".join(f"{c} {v!r}" for c, v in zip(within, key, strict=False))
            where = f"{scope}; {first}" if within else first
            _fail(frame, index, source, column, f"duplicate {column} {value!r} ({where})")
        seen[key] = line


def check_vocabulary(
    frame: pd.DataFrame, column: str, allowed: Iterable[str], source: str | Path
) -> None:
    """Non-empty values of ``column`` must come from ``allowed``."""
    allowed = sorted(set(allowed))
    for index, value in frame[column].items():
        if value is not None and value not in allowed:
            _fail(frame, index, source, column, f"{value!r} is not one of {allowed}")


def check_references(
    frame: pd.DataFrame, column: str, known: Container[str], source: str | Path, defined_in: str
) -> None:
    """Non-empty values of ``column`` must be keys of another table (``defined_in`` names it)."""
    for index, value in frame[column].items():
        if value is not None and value not in known:
            _fail(frame, index, source, column, f"{column} {value!r} is not in {defined_in}")


def to_number(
    frame: pd.DataFrame,
    column: str,
    source: str | Path,
    *,
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    allow_missing: bool = False,
) -> pd.Series:
    """Convert a string column to numbers, refusing text, missing values and out-of-range values.

    Returns a float Series, or a nullable ``Int64`` Series when ``integer`` is true.
    """
    values = []
    for index, raw in frame[column].items():
        if raw is None:
            if not allow_missing:
                _fail(frame, index, source, column, "value is missing")
            values.append(None)
            continue
        try:
            number = float(str(raw).replace("_", "x"))
        except ValueError:
            _fail(frame, index, source, column, f"{raw!r} is not a number")
        if not math.isfinite(number):  # float() accepts "nan" and "inf"
            _fail(frame, index, source, column, f"{raw!r} is not a finite number")
        if integer and not number.is_integer():
            _fail(frame, index, source, column, f"{raw!r} is not a whole number")
        if integer and abs(number) > MAX_EXACT_INTEGER:  # beyond this floats lose digits
            _fail(frame, index, source, column, f"{raw} is too large for a whole number")
        if minimum is not None and number < minimum:
            _fail(frame, index, source, column, f"{raw} is below the minimum {minimum:g}")
        if maximum is not None and number > maximum:
            _fail(frame, index, source, column, f"{raw} is above the maximum {maximum:g}")
        values.append(number)
    series = pd.Series(values, index=frame.index, dtype="float64")
    return series.astype("Int64") if integer else series
