"""The coded-data model: a project of documents, a code tree, codings and sets.

Everything is a pandas table, so counting and cross-tabulating is plain pandas. Columns:

``documents`` (one row per document, e.g. an interview)
    ``doc_id`` (str, unique), ``name`` (str), ``text`` (str or ``None`` when the transcript
    is not available), ``group`` (str or ``None``; MAXQDA document group / folder).
``doc_variables`` (long format: one row per document and variable)
    ``doc_id``, ``variable`` (str), ``value`` (str or ``None`` = unknown), ``type``
    (``text``, ``integer``, ``float``, ``boolean``, ``date``).
``codes`` (the codebook; hierarchical through ``parent_id``)
    ``code_id`` (str, unique), ``parent_id`` (str or ``None`` for top-level codes), ``name``
    (str), ``description`` (str or ``None``), ``color`` (``#rrggbb`` or ``None``).
``codings`` (one row per coded segment and code)
    ``coding_id`` (str, unique), ``doc_id``, ``code_id``, ``start`` / ``end`` (Int64
    character offsets in Unicode code points, end exclusive; ``<NA>`` for a coding of the
    whole document), ``text`` (coded text or ``None``), ``coder`` (str or ``None``),
    ``weight`` (Int64 or ``<NA>``), ``memo`` (str or ``None``), ``section`` and ``evidence``
    (str or ``None``: where a document-level coding comes from, e.g. section ``3.5.4``,
    evidence ``footnote 107``).
``sets`` (long format: one row per set member)
    ``set_id``, ``set_name``, ``member_type`` (``document`` or ``code``), ``member_id``.

``position_unit`` says what ``start``/``end`` count: ``"codepoint"`` (the default, as above)
or ``"paragraph"`` (MAXQDA coded-segment exports give 1-based paragraph numbers, not
characters; there ``start`` is the first paragraph and ``end`` the last paragraph + 1, so
spans stay end-exclusive and overlap computations work unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ikzlib.errors import DataValidationError

DOCUMENT_COLUMNS = ["doc_id", "name", "text", "group"]
VARIABLE_COLUMNS = ["doc_id", "variable", "value", "type"]
CODE_COLUMNS = ["code_id", "parent_id", "name", "description", "color"]
CODING_COLUMNS = [
    "coding_id",
    "doc_id",
    "code_id",
    "start",
    "end",
    "text",
    "coder",
    "weight",
    "memo",
    "section",
    "evidence",
]
SET_COLUMNS = ["set_id", "set_name", "member_type", "member_id"]
VARIABLE_TYPES = ("text", "integer", "float", "boolean", "date")
POSITION_UNITS = ("codepoint", "paragraph")
SORT_KEYS = {
    "documents": ["doc_id"],
    "codes": ["code_id"],
    "codings": ["coding_id"],
    "doc_variables": ["doc_id", "variable"],
    "sets": ["set_id", "member_type", "member_id"],
}


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _conform(frame: pd.DataFrame | None, columns: list[str]) -> pd.DataFrame:
    """Add missing optional columns as empty, order columns, normalise NaN to None."""
    if frame is None:
        return _empty(columns)
    frame = frame.copy()
    for column in columns:
        if column not in frame.columns:
            frame[column] = None
    frame = frame[columns].astype(object)
    return frame.where(frame.notna(), None).reset_index(drop=True)


@dataclass
class CodedProject:
    """A coded qualitative-data project (see the module docstring for the table layouts).

    Construct with any subset of the tables; missing optional columns are added empty, and
    :meth:`validate` checks keys and references. ``name`` and ``source`` say what the
    project is and where it was read from.
    """

    documents: pd.DataFrame = field(default_factory=lambda: _empty(DOCUMENT_COLUMNS))
    codes: pd.DataFrame = field(default_factory=lambda: _empty(CODE_COLUMNS))
    codings: pd.DataFrame = field(default_factory=lambda: _empty(CODING_COLUMNS))
    doc_variables: pd.DataFrame = field(default_factory=lambda: _empty(VARIABLE_COLUMNS))
    sets: pd.DataFrame = field(default_factory=lambda: _empty(SET_COLUMNS))
    name: str = ""
    source: str = "<in memory>"
    position_unit: str = "codepoint"

    def __post_init__(self) -> None:
        if self.position_unit not in POSITION_UNITS:
            raise ValueError(
                f"position_unit must be one of {POSITION_UNITS}, not {self.position_unit!r}"
            )
        self.documents = _conform(self.documents, DOCUMENT_COLUMNS)
        self.codes = _conform(self.codes, CODE_COLUMNS)
        self.doc_variables = _conform(self.doc_variables, VARIABLE_COLUMNS)
        self.sets = _conform(self.sets, SET_COLUMNS)
        codings = _conform(self.codings, CODING_COLUMNS)
        for column in ("start", "end", "weight"):
            codings[column] = pd.array(
                [None if v is None else int(v) for v in codings[column]], dtype="Int64"
            )
        self.codings = codings

    def validate(self) -> CodedProject:
        """Check unique ids and that every reference resolves; returns ``self``.

        Raises
        ------
        DataValidationError
            Naming the table, the offending row (0-based record) and the problem.
        """
        src = self.source
        _unique(self.documents, "doc_id", src, "documents")
        _unique(self.codes, "code_id", src, "codes")
        _unique(self.codings, "coding_id", src, "codings")
        code_ids = set(self.codes["code_id"])
        doc_ids = set(self.documents["doc_id"])
        for i, parent in enumerate(self.codes["parent_id"]):
            if parent is not None and parent not in code_ids:
                raise DataValidationError(
                    src, f"parent code {parent!r} does not exist", row=i, element="codes.parent_id"
                )
        _check_acyclic(self.codes, src)
        columns = ["doc_id", "code_id", "start", "end"]
        records = self.codings[columns].to_dict("records")  # fast row access for big projects
        for i, row in enumerate(records):
            if row["doc_id"] not in doc_ids:
                raise DataValidationError(
                    src, f"unknown document {row['doc_id']!r}", row=i, element="codings.doc_id"
                )
            if row["code_id"] not in code_ids:
                raise DataValidationError(
                    src, f"unknown code {row['code_id']!r}", row=i, element="codings.code_id"
                )
            start, end = row["start"], row["end"]
            if pd.isna(start) != pd.isna(end):
                raise DataValidationError(
                    src,
                    "start and end must both be given or both empty",
                    row=i,
                    element="codings.start",
                )
            if not pd.isna(start) and not 0 <= start <= end:
                raise DataValidationError(
                    src, f"bad span {start}-{end}", row=i, element="codings.start"
                )
        variables = self.doc_variables  # plain zips: iterrows costs ~100 us a row
        for i, doc_id, kind in zip(
            variables.index, variables["doc_id"], variables["type"], strict=True
        ):
            if doc_id not in doc_ids:
                raise DataValidationError(
                    src,
                    f"unknown document {doc_id!r}",
                    row=i,
                    element="doc_variables.doc_id",
                )
            if kind not in VARIABLE_TYPES:
                raise DataValidationError(
                    src,
                    f"variable type {kind!r} is not one of {list(VARIABLE_TYPES)}",
                    row=i,
                    element="doc_variables.type",
                )
        sets = self.sets
        for i, member_type, member_id in zip(
            sets.index, sets["member_type"], sets["member_id"], strict=True
        ):
            valid = doc_ids if member_type == "document" else code_ids
            if member_type not in ("document", "code") or member_id not in valid:
                raise DataValidationError(
                    src,
                    f"set member {member_type}:{member_id} does not resolve",
                    row=i,
                    element="sets.member_id",
                )
        return self

    def sorted(self) -> CodedProject:
        """A copy with every table sorted by its key columns (a canonical form for comparing)."""
        tables = {
            name: getattr(self, name).sort_values(keys, kind="stable").reset_index(drop=True)
            for name, keys in SORT_KEYS.items()
        }
        return CodedProject(
            **tables, name=self.name, source=self.source, position_unit=self.position_unit
        )

    def variables_wide(self) -> pd.DataFrame:
        """Document variables as one row per document (index ``doc_id``), one column each."""
        if self.doc_variables.empty:
            return pd.DataFrame(index=pd.Index(sorted(self.documents["doc_id"]), name="doc_id"))
        wide = self.doc_variables.pivot(index="doc_id", columns="variable", values="value")
        return wide.reindex(sorted(self.documents["doc_id"]))

    def code_path(self, code_id: str, separator: str = " > ") -> str:
        """Full path of a code in the tree, e.g. ``Obstacles > Legal risk``."""
        by_id = self.codes.set_index("code_id")
        parts = []
        current: str | None = code_id
        while current is not None:
            parts.append(by_id.at[current, "name"])
            current = by_id.at[current, "parent_id"]
        return separator.join(reversed(parts))


def _unique(frame: pd.DataFrame, column: str, source: str, table: str) -> None:
    duplicated = frame[column].duplicated()
    if duplicated.any():
        i = int(duplicated.idxmax())
        raise DataValidationError(
            source,
            f"duplicate {column} {frame.at[i, column]!r}",
            row=i,
            element=f"{table}.{column}",
        )
    if frame[column].isna().any():
        i = int(frame[column].isna().idxmax())
        raise DataValidationError(
            source, f"{column} is missing", row=i, element=f"{table}.{column}"
        )


def _check_acyclic(codes: pd.DataFrame, source: str) -> None:
    parent = dict(zip(codes["code_id"], codes["parent_id"], strict=True))
    done: set[str] = set()  # codes known to lead to the root: each chain is walked once
    for start in parent:
        seen = {start}
        current = parent[start]
        while current is not None and current not in done:
            if current in seen:
                raise DataValidationError(
                    source, f"code tree has a cycle through {start!r}", element="codes.parent_id"
                )
            seen.add(current)
            current = parent.get(current)
        done |= seen
