"""Intercoder agreement between two coders of the same documents.

Statistics (for two coders who each assign one category per unit):

* percent agreement ``p_o``;
* Cohen's kappa ``(p_o - p_e) / (1 - p_e)``, ``p_e`` from each coder's own marginals;
* Brennan-Prediger kappa ``(p_o - 1/q) / (1 - 1/q)`` with ``q`` possible categories (chance
  as if every category were equally likely; robust when one category dominates);
* Krippendorff's alpha for nominal data, ``1 - D_o / D_e`` from the coincidence matrix.

Kappa/alpha are ``NaN`` where they are undefined (e.g. both coders use one category only).

Units:

* **document level**: each document x code; the category is "code present / absent" in
  that coder's codings of the document.
* **segment level**: per document, the distinct spans of each coder are linked to the other
  coder's spans that overlap them by at least ``min_overlap`` percent (characters coded by
  both divided by characters coded by either of the two spans); each connected group of
  spans is one unit, and the category per code is whether the coder gave that code to a span
  of the unit. A span the other coder has no counterpart for is a unit on its own, which
  counts as disagreement for its codes. Whole-document codings take no part here.

"Overall" rows pool all (unit, code) pairs of the selected codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import networkx as nx
import numpy as np
import pandas as pd

from ikzlib.errors import DataValidationError
from ikzlib.qda.analysis import select_codes
from ikzlib.qda.model import CodedProject

STAT_COLUMNS = ["percent_agreement", "cohen_kappa", "brennan_prediger", "krippendorff_alpha"]
TABLE_COLUMNS = ["code_id", "n_units", "both", "only_a", "only_b", "neither", *STAT_COLUMNS]


def cohen_kappa(a: Sequence, b: Sequence) -> float:
    """Cohen's kappa of two equally long label sequences."""
    a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    categories = sorted(set(a) | set(b), key=str)
    observed = float(np.mean(a == b))
    expected = sum(float(np.mean(a == c)) * float(np.mean(b == c)) for c in categories)
    return (observed - expected) / (1 - expected) if expected < 1 else np.nan


def brennan_prediger_kappa(a: Sequence, b: Sequence, n_categories: int) -> float:
    """Brennan-Prediger (free-marginal) kappa with ``n_categories`` possible categories."""
    if n_categories < 2:
        raise ValueError("n_categories must be at least 2")
    observed = float(np.mean(np.asarray(a, dtype=object) == np.asarray(b, dtype=object)))
    chance = 1 / n_categories
    return (observed - chance) / (1 - chance)


def krippendorff_alpha_nominal(data: Sequence[Sequence]) -> float:
    """Krippendorff's alpha (nominal) for a coders x units table; ``None``/NaN = missing.

    Units with fewer than two values are not pairable and are left out.
    """
    units = []
    for values in zip(*data, strict=True):
        present = [
            v for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))
        ]
        if len(present) >= 2:
            units.append(present)
    categories = sorted({v for unit in units for v in unit}, key=str)
    index = {c: i for i, c in enumerate(categories)}
    coincidence = np.zeros((len(categories), len(categories)))
    for unit in units:
        m = len(unit)
        for i, u in enumerate(unit):
            for j, v in enumerate(unit):
                if i != j:
                    coincidence[index[u], index[v]] += 1 / (m - 1)
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    if n <= 1:
        return np.nan
    disagree_observed = coincidence.sum() - np.trace(coincidence)
    disagree_expected = (n * n - (n_c**2).sum()) / (n - 1)
    return 1 - disagree_observed / disagree_expected if disagree_expected > 0 else np.nan


def agreement_statistics(a: Sequence, b: Sequence, *, n_categories: int = 2) -> dict[str, float]:
    """All four statistics for two label sequences (see the module docstring)."""
    if len(a) != len(b):
        raise ValueError("both coders must rate the same units")
    if not len(a):
        return dict.fromkeys(STAT_COLUMNS, np.nan)
    return {
        "percent_agreement": float(
            np.mean(np.asarray(a, dtype=object) == np.asarray(b, dtype=object))
        ),
        "cohen_kappa": cohen_kappa(a, b),
        "brennan_prediger": brennan_prediger_kappa(a, b, n_categories),
        "krippendorff_alpha": krippendorff_alpha_nominal([list(a), list(b)]),
    }


def _presence_table(code_id: str, a: np.ndarray, b: np.ndarray) -> dict:
    a, b = a.astype(bool), b.astype(bool)
    return {
        "code_id": code_id,
        "n_units": len(a),
        "both": int((a & b).sum()),
        "only_a": int((a & ~b).sum()),
        "only_b": int((~a & b).sum()),
        "neither": int((~a & ~b).sum()),
        **agreement_statistics(a.astype(int), b.astype(int)),
    }


def _agreement_table(
    presence_a: pd.DataFrame, presence_b: pd.DataFrame, codes: list[str]
) -> pd.DataFrame:
    rows = [_presence_table(c, presence_a[c].to_numpy(), presence_b[c].to_numpy()) for c in codes]
    pooled_a = presence_a[codes].to_numpy().ravel()
    pooled_b = presence_b[codes].to_numpy().ravel()
    rows.append(_presence_table("overall", pooled_a, pooled_b))
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def _check_coders(project: CodedProject, coders: Iterable[str]) -> None:
    known = set(project.codings["coder"].dropna())
    missing = [c for c in coders if c not in known]
    if missing:
        raise DataValidationError(
            project.source,
            f"no codings by coder(s) {missing}; coders in the project: {sorted(known)}",
            element="codings.coder",
        )


def document_agreement(
    project: CodedProject,
    coder_a: str,
    coder_b: str,
    codes: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Agreement on code presence per document, per code and overall.

    Returns
    -------
    pandas.DataFrame
        ``code_id`` (last row ``overall``), ``n_units``, the 2x2 counts ``both``,
        ``only_a``, ``only_b``, ``neither`` and the four statistics.
    """
    _check_coders(project, [coder_a, coder_b])
    selected = select_codes(project, codes)
    docs = sorted(project.documents["doc_id"])

    def presence(coder: str) -> pd.DataFrame:
        codings = project.codings[project.codings["coder"] == coder]
        table = pd.crosstab(codings["doc_id"], codings["code_id"]) > 0
        return table.reindex(index=docs, columns=selected, fill_value=False).astype(int)

    return _agreement_table(presence(coder_a), presence(coder_b), selected)


def overlap_percent(start_a: int, end_a: int, start_b: int, end_b: int) -> float:
    """Characters in both spans as a percentage of characters in either (0 when disjoint)."""
    both = max(0, min(end_a, end_b) - max(start_a, start_b))
    either = max(end_a, end_b) - min(start_a, start_b)
    if both == 0 or either <= 0:
        return 0.0
    return 100 * both / either


def segment_units(
    project: CodedProject,
    coder_a: str,
    coder_b: str,
    *,
    min_overlap: float = 50,
) -> pd.DataFrame:
    """Group both coders' spans into comparison units (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        ``unit``, ``doc_id``, ``start``/``end`` (extent of the unit), ``codes_a``,
        ``codes_b`` (frozensets of code ids), sorted by document and position.
    """
    _check_coders(project, [coder_a, coder_b])
    if not 0 < min_overlap <= 100:
        raise ValueError("min_overlap must be a percentage in (0, 100]")
    spans = project.codings.dropna(subset=["start", "end"])
    spans = spans[spans["coder"].isin([coder_a, coder_b])]
    rows = []
    for doc, group in spans.groupby("doc_id", sort=True):
        graph = nx.Graph()
        for (coder, start, end), codes in group.groupby(["coder", "start", "end"])["code_id"]:
            graph.add_node((coder, int(start), int(end)), codes=frozenset(codes))
        nodes_a = [n for n in graph.nodes if n[0] == coder_a]
        nodes_b = [n for n in graph.nodes if n[0] == coder_b]
        for na in nodes_a:
            for nb in nodes_b:
                if overlap_percent(na[1], na[2], nb[1], nb[2]) >= min_overlap:
                    graph.add_edge(na, nb)
        for component in nx.connected_components(graph):
            members = sorted(component, key=lambda n: (n[1], n[2], n[0]))
            codes_a = frozenset().union(
                *(graph.nodes[n]["codes"] for n in members if n[0] == coder_a)
            )
            codes_b = frozenset().union(
                *(graph.nodes[n]["codes"] for n in members if n[0] == coder_b)
            )
            rows.append(
                (doc, min(n[1] for n in members), max(n[2] for n in members), codes_a, codes_b)
            )
    units = pd.DataFrame(rows, columns=["doc_id", "start", "end", "codes_a", "codes_b"])
    units = units.sort_values(["doc_id", "start", "end"]).reset_index(drop=True)
    units.insert(0, "unit", range(1, len(units) + 1))
    return units


def segment_agreement(
    project: CodedProject,
    coder_a: str,
    coder_b: str,
    codes: Iterable[str] | None = None,
    *,
    min_overlap: float = 50,
) -> pd.DataFrame:
    """Agreement on coded segments, per code and overall (columns as :func:`document_agreement`)."""
    selected = select_codes(project, codes)
    units = segment_units(project, coder_a, coder_b, min_overlap=min_overlap)
    presence_a = pd.DataFrame({c: [int(c in s) for s in units["codes_a"]] for c in selected})
    presence_b = pd.DataFrame({c: [int(c in s) for s in units["codes_b"]] for c in selected})
    return _agreement_table(presence_a, presence_b, selected)
