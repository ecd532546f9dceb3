"""Which codes occur together: per document, or where coded segments overlap.

Two measures are reported for every pair of codes ``a``/``b``:

* ``c_coefficient`` as in ATLAS.ti, ``n12 / (n1 + n2 - n12)``, with ``n1``/``n2`` the number
  of units carrying each code and ``n12`` the number of co-occurrences;
* ``jaccard``, the overlap of what the two codes cover divided by what either covers.

At document level the unit is the document, so both are the same number (the Jaccard index
of the two document sets). At segment level ``n1``/``n2`` count segments, ``n12`` counts
overlapping segment pairs (as ATLAS.ti does; one long segment overlapping two others counts
twice, so ``c`` can exceed what a set overlap would give), and ``jaccard`` is measured in
characters: characters coded with both codes divided by characters coded with either.
Segments co-occur only within one coder's coding of a document (two coders' segments of the
same passage are not a co-occurrence); whole-document codings take no part at segment level.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

import networkx as nx
import numpy as np
import pandas as pd

from ikzlib.qda.analysis import document_code_matrix, select_codes
from ikzlib.qda.model import CodedProject

COLUMNS = ["code_a", "code_b", "n_a", "n_b", "n12", "jaccard", "c_coefficient"]


def _ratio(n12: float, n_a: float, n_b: float) -> float:
    union = n_a + n_b - n12
    return n12 / union if union > 0 else np.nan


def cooccurrence(
    project: CodedProject,
    codes: Iterable[str] | None = None,
    *,
    level: str = "document",
) -> pd.DataFrame:
    """Co-occurrence of every pair of the selected codes (codebook order, ``a`` before ``b``).

    Parameters
    ----------
    project
        The coded project.
    codes
        Codes to pair (default all).
    level
        ``"document"`` or ``"segment"`` (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        ``code_a``, ``code_b``, ``n_a``, ``n_b``, ``n12``, ``jaccard``, ``c_coefficient``.
    """
    selected = select_codes(project, codes)
    if level == "document":
        presence = document_code_matrix(project, selected, value="presence")
        rows = []
        for a, b in combinations(selected, 2):
            n_a, n_b = int(presence[a].sum()), int(presence[b].sum())
            n12 = int((presence[a] & presence[b]).sum())
            value = _ratio(n12, n_a, n_b)
            rows.append((a, b, n_a, n_b, n12, value, value))
        return pd.DataFrame(rows, columns=COLUMNS)
    if level == "segment":
        return _segment_cooccurrence(project, selected)
    raise ValueError(f"level must be 'document' or 'segment', not {level!r}")


def _segment_cooccurrence(project: CodedProject, selected: list[str]) -> pd.DataFrame:
    spans = project.codings.dropna(subset=["start", "end"])
    spans = spans[spans["code_id"].isin(set(selected))]
    # Segments of different coders never co-occur: the unit is (document, coder).
    spans = spans.assign(unit=list(zip(spans["doc_id"], spans["coder"].fillna(""), strict=True)))
    by_code = {c: spans[spans["code_id"] == c] for c in selected}
    chars: dict[str, dict[tuple[str, str], set[int]]] = {}
    for code, frame in by_code.items():
        covered: dict[tuple[str, str], set[int]] = {}
        for unit, start, end in zip(frame["unit"], frame["start"], frame["end"], strict=True):
            covered.setdefault(unit, set()).update(range(int(start), int(end)))
        chars[code] = covered
    rows = []
    for a, b in combinations(selected, 2):
        seg_a, seg_b = by_code[a], by_code[b]
        n12 = 0
        for unit, group_a in seg_a.groupby("unit"):
            group_b = seg_b[seg_b["unit"] == unit]
            for s1, e1 in zip(group_a["start"], group_a["end"], strict=True):
                n12 += int(((group_b["start"] < e1) & (s1 < group_b["end"])).sum())
        both = either = 0
        for unit in set(chars[a]) | set(chars[b]):
            ca, cb = chars[a].get(unit, set()), chars[b].get(unit, set())
            both += len(ca & cb)
            either += len(ca | cb)
        jaccard = both / either if either else np.nan
        rows.append(
            (a, b, len(seg_a), len(seg_b), n12, jaccard, _ratio(n12, len(seg_a), len(seg_b)))
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def cooccurrence_matrix(pairs: pd.DataFrame, value: str = "n12") -> pd.DataFrame:
    """Square symmetric matrix of one measure from :func:`cooccurrence` (diagonal empty)."""
    codes = list(dict.fromkeys([*pairs["code_a"], *pairs["code_b"]]))
    matrix = pd.DataFrame(np.nan, index=codes, columns=codes)
    for a, b, v in zip(pairs["code_a"], pairs["code_b"], pairs[value], strict=True):
        matrix.loc[a, b] = matrix.loc[b, a] = v
    return matrix


def cooccurrence_graph(
    pairs: pd.DataFrame,
    frequencies: pd.DataFrame | None = None,
    *,
    min_n12: int = 1,
) -> nx.Graph:
    """Graph with one edge per code pair co-occurring at least ``min_n12`` times.

    Edges carry ``n12``, ``jaccard`` and ``c_coefficient``; nodes carry ``n`` (documents or
    segments of the code, from ``pairs``) and, when ``frequencies`` from
    :func:`~ikzlib.qda.analysis.code_frequencies` is given, the code ``path``.
    """
    graph = nx.Graph()
    for a, b, n_a, n_b in pairs[["code_a", "code_b", "n_a", "n_b"]].itertuples(index=False):
        graph.add_node(a, n=int(n_a))
        graph.add_node(b, n=int(n_b))
    for row in pairs[pairs["n12"] >= min_n12].itertuples(index=False):
        graph.add_edge(
            row.code_a,
            row.code_b,
            n12=int(row.n12),
            jaccard=float(row.jaccard),
            c_coefficient=float(row.c_coefficient),
        )
    if frequencies is not None:
        paths = dict(zip(frequencies["code_id"], frequencies["path"], strict=True))
        nx.set_node_attributes(graph, {n: paths.get(n, n) for n in graph.nodes}, "path")
    return graph
