"""A tidy CSV folder layout for coded data, e.g. hand-coded interviews.

One folder holds plain UTF-8 CSV files (header line, ``,`` separator, empty cell = unknown)::

    documents.csv   doc_id,name,group
    codes.csv       code_id,parent_id,name,description,color
    codings.csv     coding_id,doc_id,code_id,start,end,text,coder,weight,memo,section,evidence
    variables.csv   doc_id,variable,value,type          (optional)
    sets.csv        set_id,set_name,member_type,member_id   (optional)
    texts/<doc_id>.txt                                   (optional UTF-8 transcripts)

``doc_id``/``name`` (documents), ``code_id``/``name`` (codes) and ``coding_id``/``doc_id``/
``code_id`` (codings) are required; every other column may be left out or empty. Positions are
Unicode code points into the transcript, end exclusive; empty ``start``/``end`` mark a coding of
the whole document. Other CSV files in the folder are ignored, so a dataset may carry extra
tables (e.g. unattributed findings) beside the layout.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ikzlib import io as ikz_io
from ikzlib.errors import DataValidationError
from ikzlib.qda.model import (
    CODE_COLUMNS,
    CODING_COLUMNS,
    DOCUMENT_COLUMNS,
    SET_COLUMNS,
    VARIABLE_COLUMNS,
    VARIABLE_TYPES,
    CodedProject,
)
from ikzlib.tables import (
    LINE,
    check_pattern,
    check_references,
    check_unique,
    check_vocabulary,
    decode_strict,
    read_csv_strict,
    require_values,
    to_number,
)

TEXTS_DIR = "texts"
# Ids that are safe as file names (texts/<doc_id>.txt) on every platform.
SAFE_ID = r"[A-Za-z0-9][A-Za-z0-9_.\-]*"
# Longest doc_id usable in texts/<doc_id>.txt: most file systems allow 255 bytes per name.
MAX_ID_LENGTH = 255 - len(".txt")
VALUE_PATTERNS = {
    "integer": (r"[+-]?\d+", "a whole number"),
    "float": (r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", "a decimal number (use '.')"),
    "boolean": (r"true|false", "'true' or 'false'"),
    "date": (r"\d{4}-\d{2}-\d{2}", "a date YYYY-MM-DD"),
}
DOCUMENT_FILE_COLUMNS = [c for c in DOCUMENT_COLUMNS if c != "text"]


def read_tidy(folder: str | Path, *, position_unit: str = "codepoint") -> CodedProject:
    """Read a tidy coded-data folder (see the module docstring) into a :class:`CodedProject`.

    Parameters
    ----------
    folder
        The folder with ``documents.csv``, ``codes.csv``, ``codings.csv`` and optional files.
    position_unit
        What ``start``/``end`` count (``"codepoint"``, or ``"paragraph"`` for data that came
        from a MAXQDA export); the layout itself does not record it.

    Returns
    -------
    CodedProject
        Tables in file order; ``documents.text`` is filled from ``texts/<doc_id>.txt``.

    Raises
    ------
    DataValidationError
        Naming the file, line and column of the first problem: missing files or columns,
        duplicate ids, unknown ``doc_id``/``code_id`` references, bad numbers or types, spans
        outside the transcript, coded text that differs from the transcript.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataValidationError(folder, "not a folder (expected a tidy coded-data folder)")
    documents = _read_documents(folder / "documents.csv")
    doc_ids = set(documents["doc_id"])
    transcripts = _read_texts(folder / TEXTS_DIR, documents, folder / "documents.csv")
    documents["text"] = transcripts
    codes = _read_codes(folder / "codes.csv")
    code_ids = set(codes["code_id"])
    # From the list, not the column: pandas may turn None into NaN in a mixed column.
    texts = dict(zip(documents["doc_id"], transcripts, strict=True))
    codings = _read_codings(
        folder / "codings.csv", doc_ids, code_ids, texts, check_text=position_unit == "codepoint"
    )
    variables = _read_variables(folder / "variables.csv", doc_ids)
    sets = _read_sets(folder / "sets.csv", doc_ids, code_ids)
    project = CodedProject(
        documents=documents.drop(columns=LINE),
        codes=codes.drop(columns=LINE),
        codings=codings,
        doc_variables=variables,
        sets=sets,
        name=folder.name,
        source=str(folder),
        position_unit=position_unit,
    )
    return project.validate()


def write_tidy(project: CodedProject, folder: str | Path) -> Path:
    """Write ``project`` as a tidy folder: sorted, deterministic, each file written atomically.

    All five CSV files are written (header only when a table is empty) so that no stale file
    of an earlier write survives; ``texts/`` receives one file per document with a transcript
    and loses ``.txt`` files of documents that no longer have one. ``position_unit`` is not
    stored: pass it again to :func:`read_tidy`.

    Raises
    ------
    DataValidationError
        If the project does not validate, or a document with a transcript has an id that is
        not usable as a file name.
    """
    project = project.validate().sorted()
    folder = Path(folder)
    docs = project.documents
    for i, (doc_id, text) in enumerate(zip(docs["doc_id"], docs["text"], strict=True)):
        if text is not None and not _usable_file_name(doc_id):
            raise DataValidationError(
                project.source,
                f"document id {_clip(doc_id)!r} cannot name a transcript file (use letters, "
                f"digits, '_', '.', '-'; at most {MAX_ID_LENGTH} characters)",
                row=i,
                element="documents.doc_id",
            )
    ikz_io.write_csv(folder / "documents.csv", docs[DOCUMENT_FILE_COLUMNS])
    ikz_io.write_csv(folder / "codes.csv", project.codes[CODE_COLUMNS])
    ikz_io.write_csv(folder / "codings.csv", project.codings[CODING_COLUMNS])
    ikz_io.write_csv(folder / "variables.csv", project.doc_variables[VARIABLE_COLUMNS])
    ikz_io.write_csv(folder / "sets.csv", project.sets[SET_COLUMNS])
    texts_dir = folder / TEXTS_DIR
    wanted = {f"{d}.txt": t for d, t in zip(docs["doc_id"], docs["text"], strict=True) if t}
    for file_name, text in sorted(wanted.items()):
        with ikz_io.atomic_path(texts_dir / file_name) as tmp:
            tmp.write_bytes(text.encode("utf-8"))  # bytes: keep line endings exactly
    if texts_dir.is_dir():
        for stale in sorted(texts_dir.glob("*.txt")):
            if stale.name not in wanted:
                stale.unlink()
    return folder


def _read_documents(path: Path) -> pd.DataFrame:
    frame = read_csv_strict(path, ["doc_id", "name"], optional=["group"])
    require_values(frame, ["doc_id", "name"], path)
    check_unique(frame, "doc_id", path)
    return frame


def _usable_file_name(doc_id: str) -> bool:
    """Whether ``texts/<doc_id>.txt`` is a safe, portable file name."""
    return len(doc_id) <= MAX_ID_LENGTH and re.fullmatch(SAFE_ID, doc_id) is not None


def _read_texts(texts_dir: Path, documents: pd.DataFrame, source: Path) -> list[str | None]:
    """Transcripts by document; a ``.txt`` file that matches no document is an error.

    Documents whose id cannot be a file name (spaces, other characters) have no transcript;
    an id of safe characters that is too long for a file name is an error naming its line.
    """
    doc_ids = list(documents["doc_id"])
    if not texts_dir.is_dir():
        return [None] * len(doc_ids)
    for doc_id, line in zip(doc_ids, documents[LINE], strict=True):
        if len(doc_id) > MAX_ID_LENGTH and re.fullmatch(SAFE_ID, doc_id):
            raise DataValidationError(
                source,
                f"doc_id {_clip(doc_id)!r} has {len(doc_id)} characters; as a transcript file "
                f"name ({TEXTS_DIR}/<doc_id>.txt) it may have at most {MAX_ID_LENGTH}",
                row=int(line),
                element="doc_id",
            )
    known = set(doc_ids)
    for file in sorted(texts_dir.glob("*.txt")):
        if file.stem not in known:
            raise DataValidationError(
                file, f"no document with doc_id {file.stem!r} in documents.csv"
            )
    texts = []
    for doc_id in doc_ids:
        file = texts_dir / f"{doc_id}.txt"
        if not _usable_file_name(doc_id) or not file.is_file():
            texts.append(None)
            continue
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise DataValidationError(file, f"cannot read ({exc.strerror or exc})") from None
        texts.append(decode_strict(raw, file))
    return texts


def _read_codes(path: Path) -> pd.DataFrame:
    frame = read_csv_strict(
        path, ["code_id", "name"], optional=["parent_id", "description", "color"]
    )
    require_values(frame, ["code_id", "name"], path)
    check_unique(frame, "code_id", path)
    check_pattern(frame, "color", r"#[0-9A-Fa-f]{6}", path, "a colour #rrggbb")
    known = set(frame["code_id"])
    for index, parent in frame["parent_id"].items():
        if parent is not None and parent not in known:
            raise DataValidationError(
                path,
                f"parent_id {parent!r} is not a code_id in this file",
                row=int(frame.at[index, LINE]),
                element="parent_id",
            )
    _check_code_tree(frame, path)
    return frame


def _check_code_tree(frame: pd.DataFrame, path: Path) -> None:
    """Refuse a cycle of ``parent_id``; linear time (each code is walked once)."""
    parent = dict(zip(frame["code_id"], frame["parent_id"], strict=True))
    lines = dict(zip(frame["code_id"], frame[LINE], strict=True))
    done: set[str] = set()
    for start in parent:
        trail: dict[str, None] = {}  # insertion-ordered set of the codes on this walk
        current = start
        while current is not None and current not in done:
            if current in trail:
                cycle = [*list(trail)[list(trail).index(current) :], current]
                shown = " -> ".join(map(repr, cycle[:6])) + (" -> ..." if len(cycle) > 6 else "")
                raise DataValidationError(
                    path,
                    f"code tree has a cycle ({shown})",
                    row=int(lines[current]),
                    element="parent_id",
                )
            trail[current] = None
            current = parent[current]
        done.update(trail)


def _read_codings(
    path: Path,
    doc_ids: set[str],
    code_ids: set[str],
    texts: dict[str, str | None],
    *,
    check_text: bool,
) -> pd.DataFrame:
    optional = [c for c in CODING_COLUMNS if c not in ("coding_id", "doc_id", "code_id")]
    frame = read_csv_strict(path, ["coding_id", "doc_id", "code_id"], optional=optional)
    require_values(frame, ["coding_id", "doc_id", "code_id"], path)
    check_unique(frame, "coding_id", path)
    check_references(frame, "doc_id", doc_ids, path, "documents.csv")
    check_references(frame, "code_id", code_ids, path, "codes.csv")
    start = to_number(frame, "start", path, integer=True, minimum=0, allow_missing=True)
    end = to_number(frame, "end", path, integer=True, minimum=0, allow_missing=True)
    weight = to_number(frame, "weight", path, integer=True, allow_missing=True)
    texts_out = []
    has_transcripts = any(t is not None for t in texts.values())
    for index in frame.index:
        line = int(frame.at[index, LINE])
        s, e, text = start[index], end[index], frame.at[index, "text"]
        if pd.isna(s) != pd.isna(e):
            raise DataValidationError(
                path,
                "give both start and end, or neither (whole document)",
                row=line,
                element="start",
            )
        transcript = texts.get(frame.at[index, "doc_id"])
        if not pd.isna(s) and check_text:
            if s > e:
                raise DataValidationError(
                    path, f"start {s} is after end {e}", row=line, element="start"
                )
            if transcript is None and has_transcripts:
                raise DataValidationError(
                    path,
                    f"positions {s}-{e} on document {_clip(str(frame.at[index, 'doc_id']))!r}, "
                    f"which has no transcript ({TEXTS_DIR}/<doc_id>.txt) while others have one; "
                    "add its transcript or leave start and end empty",
                    row=line,
                    element="start",
                )
            if transcript is not None:
                if e > len(transcript):
                    raise DataValidationError(
                        path,
                        f"end {e} is beyond the transcript ({len(transcript)} characters)",
                        row=line,
                        element="end",
                    )
                exact = transcript[s:e]
                # Cells are stripped when read, so compare stripped and keep the exact slice.
                if text is not None and text != exact.strip():
                    raise DataValidationError(
                        path,
                        f"text {_clip(text)!r} differs from the transcript at {s}-{e} "
                        f"({_clip(exact)!r})",
                        row=line,
                        element="text",
                    )
                text = exact
        texts_out.append(text)
    frame["start"], frame["end"], frame["weight"] = start, end, weight
    frame["text"] = texts_out
    return frame.drop(columns=LINE)


def _read_variables(path: Path, doc_ids: set[str]) -> pd.DataFrame | None:
    if not path.exists():
        return None
    frame = read_csv_strict(path, ["doc_id", "variable"], optional=["value", "type"])
    require_values(frame, ["doc_id", "variable"], path)
    frame["type"] = frame["type"].where(frame["type"].notna(), "text")
    check_vocabulary(frame, "type", VARIABLE_TYPES, path)
    check_references(frame, "doc_id", doc_ids, path, "documents.csv")
    check_unique(frame, "variable", path, within=["doc_id"])
    for _, row in frame.iterrows():
        line = int(row[LINE])
        pattern = VALUE_PATTERNS.get(row["type"])
        if pattern and row["value"] is not None and not re.fullmatch(pattern[0], row["value"]):
            raise DataValidationError(
                path,
                f"{row['value']!r} is not {pattern[1]} (type {row['type']})",
                row=line,
                element="value",
            )
    return frame.drop(columns=LINE)


def _read_sets(path: Path, doc_ids: set[str], code_ids: set[str]) -> pd.DataFrame | None:
    if not path.exists():
        return None
    frame = read_csv_strict(path, ["set_id", "set_name", "member_type", "member_id"])
    require_values(frame, ["set_id", "set_name", "member_type", "member_id"], path)
    check_vocabulary(frame, "member_type", ["document", "code"], path)
    names: dict[str, str] = {}
    for index, row in frame.iterrows():
        line = int(frame.at[index, LINE])
        if names.setdefault(row["set_id"], row["set_name"]) != row["set_name"]:
            raise DataValidationError(
                path,
                f"set {row['set_id']!r} has two names "
                f"({names[row['set_id']]!r}, {row['set_name']!r})",
                row=line,
                element="set_name",
            )
        known, what = (
            (doc_ids, "documents.csv")
            if row["member_type"] == "document"
            else (code_ids, "codes.csv")
        )
        if row["member_id"] not in known:
            raise DataValidationError(
                path,
                f"member_id {row['member_id']!r} is not in {what}",
                row=line,
                element="member_id",
            )
    check_unique(frame, "member_id", path, within=["set_id", "member_type"])
    return frame.drop(columns=LINE)


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
