"""MAXQDA "coded segments" exports (Liste der Codings / Retrieved Segments) as CSV or XLSX.

MAXQDA writes one row per coded segment, with headers in the interface language. German and
English headers are recognised as in the table below (case-insensitive; other columns are
ignored); French, Spanish, Italian, Polish and Portuguese headers are recognised too (see
``HEADERS``). Accents are ignored when matching, so ``Początek`` and ``Poczatek`` both match.

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
CSV files may be UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252 (pass
``encoding`` for others, e.g. ``"cp1250"`` for Polish Windows) and use ``;`` (MAXQDA's
default), ``,`` or tabs. A header without the document name or code column is refused with a
list of the accepted header names.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ikzlib.errors import DataValidationError
from ikzlib.qda.model import CodedProject
from ikzlib.qda.safezip import SafeZip
from ikzlib.tables import decode_strict

# Header names per model column, German and English first.
# German and English are taken from MAXQDA's exports (fixtures in tests/fixtures/qda). The
# other languages are MAXQDA's interface translations of the same columns as best known, not
# checked against an export of every version: FR = French, ES = Spanish, IT = Italian,
# PL = Polish, PT = Portuguese. Names are compared case-insensitively without accents (see
# ``_normalise``), so only one spelling per language is listed. A name must never mean two
# model columns; ``test_header_names_are_unambiguous`` checks that.
HEADERS: dict[str, tuple[str, ...]] = {
    "group": (
        "dokumentgruppe",
        "document group",
        "groupe de documents",  # FR
        "grupo de documentos",  # ES, PT
        "gruppo di documenti",  # IT
        "grupa dokumentów",  # PL
    ),
    "name": (
        "dokumentname",
        "document name",
        "dokument",
        "document",
        "nom du document",  # FR
        "nombre del documento",  # ES
        "nome del documento",  # IT
        "nazwa dokumentu",  # PL
        "nome do documento",  # PT
    ),
    "code": ("code", "código", "codice", "kod"),  # DE/EN/FR, ES/PT, IT, PL
    "start": (
        "anfang",
        "begin",
        "start",
        "début",  # FR
        "inicio",  # ES; PT "Início" is the same once accents are dropped
        "inizio",  # IT
        "początek",  # PL
    ),
    "end": ("ende", "end", "fin", "fine", "koniec", "fim"),  # FR/ES, IT, PL, PT
    "weight": (
        "gewicht",
        "weight",
        "gewichtungsfaktor",
        "weight score",
        "poids",  # FR
        "peso",  # ES, IT, PT
        "waga",  # PL
    ),
    "text": ("segment", "coded segment", "segmento"),  # FR/PL, ES/IT/PT
    "memo": (
        "kommentar",
        "comment",
        "commentaire",  # FR
        "comentario",  # ES; PT "Comentário"
        "commento",  # IT
        "komentarz",  # PL
    ),
    "coder": (
        "bearbeitet von",
        "modified by",
        "autor",
        "author",
        "erstellt von",
        "created by",
        "modifié par",  # FR
        "créé par",  # FR
        "auteur",  # FR
        "modificado por",  # ES, PT
        "creado por",  # ES
        "criado por",  # PT
        "modificato da",  # IT
        "creato da",  # IT
        "autore",  # IT
        "zmodyfikowane przez",  # PL
        "utworzone przez",  # PL
    ),
}
REQUIRED = ("name", "code")
REQUIRED_LABELS = {"name": "Dokumentname/Document name", "code": "Code"}
_INT64_MAX = 2**63 - 1
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


def _normalise(name: object) -> str:
    """Lower case, single spaces, no accents (``Początek`` -> ``poczatek``)."""
    text = " ".join(str(name if name is not None else "").casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ł", "l")


def _map_columns(header: list[str], path: Path) -> dict[str, int]:
    normalised = [_normalise(h) for h in header]
    columns: dict[str, int] = {}
    for key, names in HEADERS.items():
        for name in names:
            wanted = _normalise(name)
            if wanted in normalised:
                columns[key] = normalised.index(wanted)
                break
    missing = [REQUIRED_LABELS[k] for k in REQUIRED if k not in columns]
    if missing:
        expected = "; ".join(f"{k}: {', '.join(repr(n) for n in HEADERS[k])}" for k in REQUIRED)
        shown = [_clip(str(h)) for h in header[:30]] + (["..."] if len(header) > 30 else [])
        raise DataValidationError(
            path,
            f"missing column(s) {missing}; found {shown}; expected a MAXQDA coded-segments "
            f"export with these headers (any interface language) - {expected}",
            row=1,
        )
    return columns


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


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
            index = columns.get(key)
            if index is None:  # e.g. an end column without a begin column
                index = columns.get("end" if key == "start" else "start")
            element = _clip(str(header[index])) if index is not None else key
            return DataValidationError(path, problem, row=line, element=element)

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
        raise fail(f"{_clip(raw)!r} is not a whole number")
    digits = raw.split(".", 1)[0]
    if len(digits.lstrip("+-")) > 19 or abs(value := int(digits)) > _INT64_MAX:
        raise fail(f"{_clip(raw)!r} is out of range (at most {_INT64_MAX})")
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
    if len(sep) != 1:
        raise DataValidationError(path, f"separator {sep!r} must be one character")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader)
    except StopIteration:
        raise DataValidationError(path, "file is empty (a header line is required)") from None
    except csv.Error as exc:
        raise DataValidationError(path, f"malformed CSV header ({exc})", row=1) from None

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
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 byte order mark
        return decode_strict(raw, path, "utf-16", what="UTF-16 text", hint=None)
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
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise DataValidationError(path, f"no worksheet {sheet!r}; sheets: {book.sheetnames}")
        if sheet is None and not book.worksheets:
            raise DataValidationError(path, "the workbook has no worksheet")
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        all_rows = [[_cell_value(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
    except DataValidationError:
        raise
    except Exception as exc:  # openpyxl raises many types for broken sheets and cells
        raise DataValidationError(
            path, f"cannot read worksheet ({type(exc).__name__}: {_clip(str(exc), 200)})"
        ) from None
    finally:
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
