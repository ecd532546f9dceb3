"""MAXQDA "coded segments" exports (Liste der Codings / Retrieved Segments) as CSV or XLSX.

MAXQDA writes one row per coded segment, with German or English headers depending on the
interface language. Recognised columns (case-insensitive; other columns are ignored):

=====================  =============================  ==========================
model column           German header                  English header
=====================  =============================  ==========================
``documents.group``    Dokumentgruppe                 Document group
``documents.name``     Dokumentname (required)        Document name (required)
code path              Code (required)                Code (required)
``start``              Anfang                         Begin / Start
``end``                Ende                           End
``weight``             Gewicht                        Weight
``text``               Segment                        Segment
``memo``               Kommentar                      Comment
``coder``              Bearbeitet von / Autor         Modified by / Author
=====================  =============================  ==========================

Codes are paths with backslash separators (``Obstacles\\Resources``); the code tree is built
from them and a code's id is its full path. ``Anfang``/``Ende`` of text documents are
**paragraph numbers**, not characters, so the project gets ``position_unit="paragraph"``:
``start`` is the first paragraph and ``end`` the last paragraph + 1 (end exclusive, like
character spans). Document ids are ``group\\name`` (or ``name`` without a group).
CSV files may be UTF-8 (with or without BOM) or Windows-1252 and use ``;`` (MAXQDA's
default), ``,`` or tabs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ikzlib.errors import DataValidationError
from ikzlib.qda.model import CodedProject
from ikzlib.qda.safezip import SafeZip
from ikzlib.tables import decode_strict

HEADERS = {
    "group": ("dokumentgruppe", "document group"),
    "name": ("dokumentname", "document name", "dokument", "document"),
    "code": ("code",),
    "start": ("anfang", "begin", "start"),
    "end": ("ende", "end"),
    "weight": ("gewicht", "weight", "gewichtungsfaktor", "weight score"),
    "text": ("segment", "coded segment"),
    "memo": ("kommentar", "comment"),
    "coder": ("bearbeitet von", "modified by", "autor", "author", "erstellt von", "created by"),
}
REQUIRED = ("name", "code")
_WHOLE = re.compile(r"[+-]?\d+(\.0*)?")


def read_maxqda(
    path: str | Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    sep: str | None = None,
) -> CodedProject:
    """Read a MAXQDA coded-segments export (``.csv``, ``.txt`` or ``.xlsx``).

    Parameters
    ----------
    path
        The export file.
    sheet
        XLSX worksheet (default: the first).
    encoding
        CSV encoding; default: UTF-8 (BOM optional), falling back to Windows-1252.
    sep
        CSV separator; default: detected from the header line (``;``, ``,`` or tab).

    Returns
    -------
    CodedProject
        With ``position_unit="paragraph"`` and documents without transcripts.

    Raises
    ------
    DataValidationError
        Naming file, line/row and column: missing required columns, empty document or code,
        non-numeric or negative positions, an end before its begin, bad weights.
    """
    path = Path(path)
    if not path.is_file():
        raise DataValidationError(path, "file not found")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, rows = _xlsx_rows(path, sheet)
    elif suffix in (".csv", ".txt", ".tsv"):
        header, rows = _csv_rows(path, encoding, sep)
    else:
        raise DataValidationError(path, "not a MAXQDA export (expected .csv, .txt or .xlsx)")
    columns = _map_columns(header, path)
    return _build(path, columns, header, rows)


def _map_columns(header: list[str], path: Path) -> dict[str, int]:
    normalised = [" ".join(str(h or "").lower().split()) for h in header]
    columns: dict[str, int] = {}
    for key, names in HEADERS.items():
        for name in names:
            if name in normalised:
                columns[key] = normalised.index(name)
                break
    missing = [
        HEADERS[k][0].capitalize() + "/" + HEADERS[k][1].capitalize()
        for k in REQUIRED
        if k not in columns
    ]
    if missing:
        raise DataValidationError(path, f"missing column(s) {missing}; found {header}", row=1)
    return columns


def _build(
    path: Path, columns: dict[str, int], header: list[str], rows: Iterator[tuple[int, list[Any]]]
) -> CodedProject:
    documents: dict[str, dict[str, Any]] = {}
    codes: dict[str, dict[str, Any]] = {}
    codings = []
    for line, values in rows:

        def cell(key: str, values: list[Any] = values) -> str | None:
            index = columns.get(key)
            if index is None or index >= len(values) or values[index] is None:
                return None
            text = str(values[index]).strip()
            return text or None

        def fail(key: str, problem: str, line: int = line) -> DataValidationError:
            return DataValidationError(path, problem, row=line, element=header[columns[key]])

        if not any(str(v).strip() for v in values if v is not None):
            continue  # blank row
        name, code_path = cell("name"), cell("code")
        if name is None:
            raise fail("name", "document name is missing")
        if code_path is None:
            raise fail("code", "code is missing")
        group = cell("group")
        doc_id = f"{group}\\{name}" if group else name
        documents.setdefault(doc_id, {"doc_id": doc_id, "name": name, "group": group})
        code_id = _ensure_code(codes, code_path, lambda p: fail("code", p))
        start = _integer(cell("start"), lambda p: fail("start", p))
        end = _integer(cell("end"), lambda p: fail("end", p))
        if (start is None) != (end is None):
            raise fail("start", "give both begin and end paragraph, or neither")
        if start is not None and end < start:
            raise fail("end", f"end paragraph {end} is before begin paragraph {start}")
        weight_raw = cell("weight")
        weight = _integer(weight_raw, lambda p: fail("weight", p), allow_negative=True)
        codings.append(
            {
                "coding_id": f"row-{line}",
                "doc_id": doc_id,
                "code_id": code_id,
                "start": start,
                "end": None if end is None else end + 1,
                "text": _segment_text(values, columns),
                "coder": cell("coder"),
                "weight": weight,
                "memo": cell("memo"),
            }
        )
    if not codings:
        raise DataValidationError(path, "no coded segments (only a header)")
    project = CodedProject(
        documents=pd.DataFrame(list(documents.values()), dtype=object),
        codes=pd.DataFrame(list(codes.values()), dtype=object),
        codings=pd.DataFrame(codings, dtype=object),
        name=path.stem,
        source=str(path),
        position_unit="paragraph",
    )
    return project.validate()


def _ensure_code(codes: dict[str, dict[str, Any]], code_path: str, fail: Any) -> str:
    parts = [p.strip() for p in code_path.split("\\")]
    if not all(parts):
        raise fail(f"code path {code_path!r} has an empty part")
    parent = None
    for depth in range(1, len(parts) + 1):
        code_id = "\\".join(parts[:depth])
        codes.setdefault(
            code_id, {"code_id": code_id, "parent_id": parent, "name": parts[depth - 1]}
        )
        parent = code_id
    return parent


def _integer(raw: str | None, fail: Any, *, allow_negative: bool = False) -> int | None:
    if raw is None:
        return None
    if not _WHOLE.fullmatch(raw):
        raise fail(f"{raw!r} is not a whole number")
    value = int(float(raw))
    if value < 0 and not allow_negative:
        raise fail(f"{raw!r} is negative")
    return value


def _segment_text(values: list[Any], columns: dict[str, int]) -> str | None:
    """The coded text, kept as exported (inner line breaks included), ``None`` when empty."""
    index = columns.get("text")
    if index is None or index >= len(values) or values[index] is None:
        return None
    text = str(values[index])
    return text if text.strip() else None


def _csv_rows(
    path: Path, encoding: str | None, sep: str | None
) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    raw = path.read_bytes()
    text = _decode(raw, path, encoding)
    first_line = text.split("\n", 1)[0]
    if sep is None:
        sep = max((";", "\t", ","), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader)
    except StopIteration:
        raise DataValidationError(path, "file is empty (a header line is required)") from None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        line = reader.line_num + 1
        try:
            for values in reader:
                yield line, values
                line = reader.line_num + 1
        except csv.Error as exc:
            raise DataValidationError(path, f"malformed CSV ({exc})", row=line) from None

    return header, rows()


def _decode(raw: bytes, path: Path, encoding: str | None) -> str:
    """The given encoding, else UTF-8 (BOM optional), else Windows-1252 (MAXQDA on Windows)."""
    if encoding:
        return decode_strict(raw, path, encoding, what=f"{encoding} text", hint=None)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return decode_strict(raw, path, "cp1252", what="UTF-8 or Windows-1252 text", hint=None)


def _xlsx_rows(path: Path, sheet: str | None) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    import openpyxl  # openpyxl parses its XML with defusedxml when that is installed

    with SafeZip(path) as archive:  # refuse zip slips and bombs before openpyxl opens it
        for name in archive.names:
            archive.read(name)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise DataValidationError(path, f"cannot open workbook ({exc})") from None
    if sheet is not None and sheet not in book.sheetnames:
        raise DataValidationError(path, f"no worksheet {sheet!r}; sheets: {book.sheetnames}")
    worksheet = book[sheet] if sheet is not None else book.worksheets[0]
    all_rows = [[_cell_value(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
    book.close()
    if not all_rows:
        raise DataValidationError(path, "worksheet is empty (a header row is required)")
    header = [str(h) if h is not None else "" for h in all_rows[0]]
    return header, iter([(i + 2, row) for i, row in enumerate(all_rows[1:])])


def _cell_value(value: Any) -> Any:
    """Whole floats as integers (Excel stores every number as a float)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
