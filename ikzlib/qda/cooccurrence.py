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


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of intervals as sorted, disjoint intervals."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _intersection(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """Characters covered by both lists of disjoint sorted intervals."""
    total = i = j = 0
    while i < len(a) and j < len(b):
        total += max(0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _segment_cooccurrence(project: CodedProject, selected: list[str]) -> pd.DataFrame:
    spans = project.codings.dropna(subset=["start", "end"])
    spans = spans[spans["code_id"].isin(set(selected))]
    n_segments = spans["code_id"].value_counts()
    covered = dict.fromkeys(selected, 0)
    n12: dict[tuple[str, str], int] = {}
    both: dict[tuple[str, str], int] = {}
    rank = {c: i for i, c in enumerate(selected)}
    # Segments of different coders never co-occur: the unit is (document, coder).
    units = spans.assign(coder=spans["coder"].fillna("")).groupby(["doc_id", "coder"])
    for _, unit in units:
        by_code: dict[str, list[tuple[int, int]]] = {}
        for code, start, end in zip(unit["code_id"], unit["start"], unit["end"], strict=True):
            by_code.setdefault(code, []).append((int(start), int(end)))
        merged = {c: _merge(v) for c, v in by_code.items()}
        for code, intervals in merged.items():
            covered[code] += sum(e - s for s, e in intervals)
        for a, b in combinations(sorted(by_code, key=rank.get), 2):
            pairs = sum(1 for s1, e1 in by_code[a] for s2, e2 in by_code[b] if s2 < e1 and s1 < e2)
            n12[(a, b)] = n12.get((a, b), 0) + pairs
            both[(a, b)] = both.get((a, b), 0) + _intersection(merged[a], merged[b])
    rows = []
    for a, b in combinations(selected, 2):
        n_a, n_b = int(n_segments.get(a, 0)), int(n_segments.get(b, 0))
        pair_n12, pair_both = n12.get((a, b), 0), both.get((a, b), 0)
        either = covered[a] + covered[b] - pair_both
        rows.append(
            (
                a,
                b,
                n_a,
                n_b,
                pair_n12,
                pair_both / either if either else np.nan,
                _ratio(pair_n12, n_a, n_b),
            )
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
