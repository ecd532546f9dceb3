"""Counting, cross-tabulating and retrieving codings of a :class:`CodedProject`.

All functions are pure: they take a project (and options) and return new tables. Document
counts ask "in how many documents does a code occur at least once"; segment counts ask "how
many codings carry the code". A coding of the whole document (empty ``start``/``end``) is one
segment, so document-level data (e.g. the Harz reconstruction) can be counted the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ikzlib.errors import DataValidationError
from ikzlib.qda.model import CodedProject

UNKNOWN = "unknown"  # category label for a document variable without a value


def descendants(project: CodedProject, code_id: str) -> list[str]:
    """``code_id`` and every code below it in the code tree (sorted, code itself first)."""
    children: dict[str, list[str]] = {}
    for child, parent in zip(project.codes["code_id"], project.codes["parent_id"], strict=True):
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found, stack = [], [code_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return [code_id, *sorted(found[1:])]


def code_label(project: CodedProject, code_id: str) -> str:
    """Short label: top-level family and the code's own name, e.g. ``Obstacles: Legal risk``."""
    path = project.code_path(code_id, separator="\0").split("\0")
    return path[0] if len(path) == 1 else f"{path[0]}: {path[-1]}"


def select_codes(project: CodedProject, codes: Iterable[str] | None) -> list[str]:
    """The requested codes (default: all in codebook order); unknown ids are an error."""
    known = list(project.codes["code_id"])
    if codes is None:
        return known
    codes = list(codes)
    unknown = [c for c in codes if c not in set(known)]
    if unknown:
        raise DataValidationError(
            project.source, f"unknown code(s) {unknown}", element="codes.code_id"
        )
    return codes


def _rolled_up(project: CodedProject, include_subcodes: bool) -> pd.DataFrame:
    """Codings, with each coding repeated for every ancestor code when rolling up."""
    codings = project.codings
    if not include_subcodes:
        return codings
    parent = dict(zip(project.codes["code_id"], project.codes["parent_id"], strict=True))
    rows = []
    for index, code in codings["code_id"].items():
        current = code
        while current is not None:
            rows.append((index, current))
            current = parent.get(current)
    index, code_ids = zip(*rows, strict=True) if rows else ((), ())
    rolled = codings.loc[list(index)].copy()
    rolled["code_id"] = list(code_ids)
    # A coding counted once per ancestor: drop repeats when two subcodes share a span.
    return rolled.drop_duplicates(["coding_id", "code_id"]).reset_index(drop=True)


def code_frequencies(
    project: CodedProject,
    codes: Iterable[str] | None = None,
    *,
    include_subcodes: bool = False,
) -> pd.DataFrame:
    """How often each code occurs.

    Parameters
    ----------
    project
        The coded project.
    codes
        Codes to report (default: all, in codebook order).
    include_subcodes
        Count a coding of a subcode for its parent codes too.

    Returns
    -------
    pandas.DataFrame
        ``code_id``, ``path`` (full code path), ``n_documents`` (documents with at least one
        coding), ``n_segments`` (codings), ``share_documents`` (``n_documents`` divided by
        the number of documents in the project).
    """
    selected = select_codes(project, codes)
    codings = _rolled_up(project, include_subcodes)
    n_docs = len(project.documents)
    by_code = codings.groupby("code_id")
    documents = by_code["doc_id"].nunique()
    segments = by_code.size()
    frame = pd.DataFrame(
        {
            "code_id": selected,
            "path": [project.code_path(c) for c in selected],
            "n_documents": [int(documents.get(c, 0)) for c in selected],
            "n_segments": [int(segments.get(c, 0)) for c in selected],
        }
    )
    frame["share_documents"] = frame["n_documents"] / n_docs if n_docs else np.nan
    return frame


def document_code_matrix(
    project: CodedProject,
    codes: Iterable[str] | None = None,
    *,
    value: str = "segments",
    include_subcodes: bool = False,
) -> pd.DataFrame:
    """Documents (rows, sorted by ``doc_id``) by codes (columns, in the given order).

    ``value="segments"`` counts codings per cell, ``value="presence"`` gives 1/0.
    """
    if value not in ("segments", "presence"):
        raise ValueError(f"value must be 'segments' or 'presence', not {value!r}")
    selected = select_codes(project, codes)
    codings = _rolled_up(project, include_subcodes)
    counts = pd.crosstab(codings["doc_id"], codings["code_id"])
    matrix = counts.reindex(
        index=sorted(project.documents["doc_id"]), columns=selected, fill_value=0
    ).astype(int)
    matrix.index.name, matrix.columns.name = "doc_id", "code_id"
    return (matrix > 0).astype(int) if value == "presence" else matrix


def variable_categories(project: CodedProject, variable: str) -> pd.Series:
    """Value of a document variable per document (index ``doc_id``), ``unknown`` when empty."""
    wide = project.variables_wide()
    if variable not in wide.columns:
        raise DataValidationError(
            project.source,
            f"no document variable {variable!r}; known: {sorted(wide.columns)}",
            element="doc_variables.variable",
        )
    values = wide[variable].astype(object)
    return values.where(values.notna(), UNKNOWN).rename(variable)


def code_crosstab(
    project: CodedProject,
    variable: str,
    codes: Iterable[str] | None = None,
    *,
    include_subcodes: bool = False,
    categories: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Number of documents with each code, by category of a document variable.

    Returns
    -------
    pandas.DataFrame
        One row per code (index ``code_id``) and a first row ``documents`` (documents per
        category); one column per category (``categories`` order, else sorted, ``unknown``
        last) plus ``total``. Every row adds up across the categories to its ``total``
        (each document falls in exactly one category); columns do not add up, because a
        document can carry several codes.
    """
    selected = select_codes(project, codes)
    category = variable_categories(project, variable)
    presence = document_code_matrix(
        project, selected, value="presence", include_subcodes=include_subcodes
    )
    if categories is None:
        found = sorted(set(category) - {UNKNOWN})
        categories = found + ([UNKNOWN] if UNKNOWN in set(category) else [])
    categories = list(categories)
    table = presence.groupby(category.reindex(presence.index)).sum().T
    table = table.reindex(columns=categories, fill_value=0)
    documents = category.value_counts().reindex(categories, fill_value=0)
    table = pd.concat([documents.to_frame("documents").T, table]).astype(int)
    table["total"] = table.sum(axis=1)
    table.index.name, table.columns.name = "code_id", variable
    return table


def suppress_small_cells(
    table: pd.DataFrame,
    min_cell: int,
    *,
    total_column: str | None = "total",
    total_row: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hide counts below ``min_cell`` and enough further cells that none can be recomputed.

    Primary suppression hides every inner count ``0 < n < min_cell`` (zeros stay visible:
    they are not small groups of people). Complementary suppression then repeats, until
    nothing changes: any published additive line (a row summing to its ``total_column``
    cell, or a column summing to its ``total_row`` cell) with exactly one hidden cell gets
    a second one hidden: the smallest visible non-zero inner cell of that line, else the
    line's total. So does a line whose hidden cells are all primary and add
    up to the smallest or largest possible sum (e.g. three cells ``<3`` summing to 6 must
    all be 2). This stops recovery within one line; it is a heuristic, not an optimal
    audit against attacks that combine several lines.

    Parameters
    ----------
    table
        Counts, including the margin column/row named by ``total_column``/``total_row``.
    min_cell
        Smallest count that may be shown; ``0`` or ``1`` disables suppression.
    total_column, total_row
        Names of the additive margins (``None`` when the table has none in that direction).

    Returns
    -------
    (display, hidden)
        ``display``: the table as strings, primary cells shown as ``<min_cell``,
        complementary ones as ``x``. ``hidden``: ``"primary"``, ``"complementary"`` or ``""``
        per cell.
    """
    values = table.to_numpy(dtype=float)
    hidden = np.full(values.shape, "", dtype=object)
    rows, cols = list(table.index), list(table.columns)
    inner_r = [i for i, r in enumerate(rows) if r != total_row]
    inner_c = [j for j, c in enumerate(cols) if c != total_column]
    if min_cell > 1:
        for i in inner_r:
            for j in inner_c:
                if 0 < values[i, j] < min_cell:
                    hidden[i, j] = "primary"
        lines = []
        if total_column in cols:
            tc = cols.index(total_column)
            lines += [[(i, j) for j in inner_c] + [(i, tc)] for i in range(len(rows))]
        if total_row in rows:
            tr = rows.index(total_row)
            lines += [[(i, j) for i in inner_r] + [(tr, j)] for j in range(len(cols))]
        changed = True
        while changed:
            changed = False
            for line in lines:
                if not _line_disclosive(line, hidden, values, min_cell):
                    continue
                # Zeros are no cover: a hidden zero beside a small total is solved too.
                pool = [c for c in line[:-1] if not hidden[c] and values[c] > 0] or [line[-1]]
                pick = min(pool, key=lambda c: (values[c], c))
                hidden[pick] = "complementary"
                changed = True
    display = np.empty(values.shape, dtype=object)
    for (i, j), value in np.ndenumerate(values):
        marker = hidden[i, j]
        display[i, j] = f"<{min_cell}" if marker == "primary" else "x" if marker else f"{value:g}"
    return (
        pd.DataFrame(display, index=table.index, columns=table.columns),
        pd.DataFrame(hidden, index=table.index, columns=table.columns),
    )


def _line_disclosive(line: list, hidden: np.ndarray, values: np.ndarray, min_cell: int) -> bool:
    """Whether the hidden cells of one additive line (inner cells + total last) can be solved.

    One hidden cell equals total minus the visible cells. Several hidden cells that are all
    primary (each known to lie in 1..min_cell-1) are solved when their sum, which the visible
    total gives away, is the smallest or largest such a sum can be.
    """
    hidden_cells = [c for c in line if hidden[c]]
    if len(hidden_cells) != 1 and (hidden[line[-1]] or not hidden_cells):
        return False
    if len(hidden_cells) == 1:
        return True
    if any(hidden[c] != "primary" for c in hidden_cells):
        return False
    k = len(hidden_cells)
    hidden_sum = sum(values[c] for c in hidden_cells)
    return hidden_sum in (k, k * (min_cell - 1))


def retrieve_segments(
    project: CodedProject,
    *,
    codes: Iterable[str] | None = None,
    documents: Iterable[str] | None = None,
    variables: Mapping[str, str | Iterable[str]] | None = None,
    include_subcodes: bool = True,
) -> pd.DataFrame:
    """Coded segments matching all given filters, as one table.

    Parameters
    ----------
    codes
        Codes to retrieve (with their subcodes when ``include_subcodes``); default all.
    documents
        ``doc_id`` values to keep; default all.
    variables
        Document variable filters, e.g. ``{"size_class": ["< 5,000", "5,000-10,000"]}``;
        a document without a value matches ``"unknown"``.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``document``, ``code_id``, ``code``, ``start``, ``end``, ``text``,
        ``coder``, ``memo``, ``section``, ``evidence``, sorted by document, position, code.
    """
    codings = project.codings
    if codes is not None:
        wanted = set()
        for code in select_codes(project, codes):
            wanted.update(descendants(project, code) if include_subcodes else [code])
        codings = codings[codings["code_id"].isin(wanted)]
    if documents is not None:
        codings = codings[codings["doc_id"].isin(set(documents))]
    for variable, accepted in (variables or {}).items():
        accepted = {accepted} if isinstance(accepted, str) else set(accepted)
        category = variable_categories(project, variable)
        keep = set(category.index[category.isin(accepted)])
        codings = codings[codings["doc_id"].isin(keep)]
    names = dict(zip(project.documents["doc_id"], project.documents["name"], strict=True))
    result = codings.assign(
        document=codings["doc_id"].map(names),
        code=[project.code_path(c) for c in codings["code_id"]],
    )
    columns = [
        "doc_id",
        "document",
        "code_id",
        "code",
        "start",
        "end",
        "text",
        "coder",
        "memo",
        "section",
        "evidence",
    ]
    return (
        result[columns]
        .sort_values(["doc_id", "start", "end", "code_id"], na_position="first")
        .reset_index(drop=True)
    )
