"""Intercoder agreement: two coders or more, nominal to ratio data, with missing ratings.

Ratings are given as a coders x units table (one row per coder, as in the ``krippendorff``
package); ``None``/NaN/``pd.NA`` mark a unit a coder did not rate.

Statistics:

* percent agreement ``p_o`` (several coders: the mean share of agreeing coder pairs per unit);
* Cohen's kappa ``(p_o - p_e) / (1 - p_e)`` (two coders, Cohen 1960), ``p_e`` from each
  coder's marginals; :func:`weighted_kappa` with linear or quadratic disagreement weights
  (Cohen 1968);
* Brennan-Prediger kappa ``(p_o - 1/q) / (1 - 1/q)`` with ``q`` possible categories (chance
  as if every category were equally likely; robust when one category dominates);
* Fleiss' kappa (Fleiss 1971) and Gwet's AC1 (Gwet 2008) for any number of coders;
* Krippendorff's alpha ``1 - D_o / D_e`` from the coincidence matrix (Krippendorff 2011,
  "Computing Krippendorff's alpha-reliability") at the nominal, ordinal, interval or ratio level;
* :func:`bootstrap_ci`: percentile confidence interval of any of them, resampling units.

Missing ratings, as in the literature:

* two-coder statistics (percent agreement, Cohen's, weighted and Brennan-Prediger kappa) use
  the units both coders rated (pairwise available cases). Cohen's kappa can instead take each
  coder's marginals from everything that coder rated (``marginals="each_rater"``, Gwet 2014);
* Fleiss' kappa and AC1 follow Gwet's (2014) extension to unequal numbers of raters per unit
  (as in the irrCAC package): ``p_o`` averages the units with at least two ratings, the
  category shares ``pi_k`` average ``r_ik / r_i`` over the units with at least one rating;
  without missing ratings this is exactly Fleiss (1971);
* Krippendorff's alpha pairs the values within each unit, so units with one value drop out by
  definition.

Kappa/alpha are ``NaN`` where they are undefined (e.g. every rating in one category).

Units of coded projects:

* **document level**: each document x code; the category is "code present / absent" in
  that coder's codings of the document.
* **segment level**: per document, the distinct spans of the coders are linked to other
  coders' spans that overlap them by at least ``min_overlap`` percent (characters coded by
  both divided by characters coded by either of the two spans); each connected group of
  spans is one unit, and the category per code is whether the coder gave that code to a span
  of the unit. A span another coder has no counterpart for is a unit on its own, which
  counts as disagreement for its codes. Whole-document codings take no part here.

"Overall" rows pool all (unit, code) pairs of the selected codes. With more than two coders,
:func:`multi_coder_agreement` gives Fleiss' kappa, Krippendorff's alpha and AC1 per code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.qda.analysis import select_codes
from ikzlib.qda.model import CodedProject

STAT_COLUMNS = ["percent_agreement", "cohen_kappa", "brennan_prediger", "krippendorff_alpha"]
TABLE_COLUMNS = ["code_id", "n_units", "both", "only_a", "only_b", "neither", *STAT_COLUMNS]
MULTI_STAT_COLUMNS = ["percent_agreement", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1"]
MULTI_COLUMNS = ["code_id", "n_units", "n_coders", "n_ratings", *MULTI_STAT_COLUMNS]
LEVELS = ("nominal", "ordinal", "interval", "ratio")
PRESENCE = (0, 1)  # the two categories of code presence


# --- ratings -----------------------------------------------------------------------------------


def is_missing(value: object) -> bool:
    """Whether a rating is missing (``None``, NaN or ``pd.NA``)."""
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def reliability_data(data: Sequence[Sequence] | np.ndarray | pd.DataFrame) -> np.ndarray:
    """A coders x units table as an object array with ``None`` for every missing rating."""
    rows = [list(row) for row in (data.to_numpy() if isinstance(data, pd.DataFrame) else data)]
    if len({len(row) for row in rows}) > 1:
        raise ParameterError("every coder must have one entry per unit (None = not rated)")
    table = np.empty((len(rows), len(rows[0]) if rows else 0), dtype=object)
    for i, row in enumerate(rows):
        table[i] = [None if is_missing(v) else v for v in row]
    return table


def _sorted_categories(values: Iterable) -> list:
    values = set(values)
    numeric = all(isinstance(v, (int, float, np.number)) for v in values)
    return sorted(values) if numeric else sorted(values, key=str)


def _unit_counts(table: np.ndarray, categories: Sequence | None) -> tuple[np.ndarray, list]:
    """Units x categories matrix of how many coders put each unit into each category."""
    present = [v for v in table.ravel() if v is not None]
    categories = _sorted_categories(present) if categories is None else list(categories)
    index = {c: k for k, c in enumerate(categories)}
    unknown = {v for v in present if v not in index}
    if unknown:
        raise ParameterError(f"ratings {sorted(unknown, key=str)} are not among the categories")
    counts = np.zeros((table.shape[1], len(categories)))
    for coder in table:
        for unit, value in enumerate(coder):
            if value is not None:
                counts[unit, index[value]] += 1
    return counts, categories


def _pairs(a: Sequence, b: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """The ratings of the units both coders rated."""
    table = reliability_data([a, b])
    both = np.array([x is not None and y is not None for x, y in table.T], dtype=bool)
    return table[0, both], table[1, both]


def _chance_corrected(observed: float, expected: float) -> float:
    return (observed - expected) / (1 - expected) if expected < 1 else np.nan


# --- two coders --------------------------------------------------------------------------------


def percent_agreement(a: Sequence, b: Sequence) -> float:
    """Share of the units both coders rated on which they agree (NaN if there are none)."""
    a, b = _pairs(a, b)
    return float(np.mean(a == b)) if len(a) else np.nan


def cohen_kappa(a: Sequence, b: Sequence, *, marginals: str = "paired") -> float:
    """Cohen's kappa of two label sequences over the units both coders rated.

    ``marginals="paired"`` takes the chance agreement from the same units (complete cases,
    Cohen 1960); ``"each_rater"`` from everything each coder rated (Gwet 2014), which uses
    the ratings of units the other coder left out.
    """
    if marginals not in ("paired", "each_rater"):
        raise ParameterError(f"parameter marginals={marginals!r}: choose 'paired' or 'each_rater'")
    pa, pb = _pairs(a, b)
    if not len(pa):
        return np.nan
    if marginals == "paired":
        ma, mb = pa, pb
    else:
        table = reliability_data([a, b])
        ma, mb = (np.array([v for v in row if v is not None], dtype=object) for row in table)
    categories = _sorted_categories([*ma, *mb])
    expected = sum(float(np.mean(ma == c)) * float(np.mean(mb == c)) for c in categories)
    return _chance_corrected(float(np.mean(pa == pb)), expected)


def brennan_prediger_kappa(a: Sequence, b: Sequence, n_categories: int) -> float:
    """Brennan-Prediger (free-marginal) kappa with ``n_categories`` possible categories."""
    if n_categories < 2:
        raise ValueError("n_categories must be at least 2")
    chance = 1 / n_categories
    return (percent_agreement(a, b) - chance) / (1 - chance)


def weighted_kappa(
    a: Sequence, b: Sequence, *, weights: str = "linear", categories: Sequence | None = None
) -> float:
    """Cohen's (1968) weighted kappa of two ordinal ratings over the units both coders rated.

    ``kappa_w = 1 - sum(v * p_observed) / sum(v * p_expected)`` with disagreement weights
    ``v = |i - j|`` (``"linear"``) or ``(i - j)**2`` (``"quadratic"``), ``i``, ``j`` the
    positions of the categories in ``categories`` (default: the sorted values seen).
    """
    if weights not in ("linear", "quadratic"):
        raise ParameterError(f"parameter weights={weights!r}: choose 'linear' or 'quadratic'")
    pa, pb = _pairs(a, b)
    if not len(pa):
        return np.nan
    _, categories = _unit_counts(np.vstack([pa, pb]), categories)
    index = {c: k for k, c in enumerate(categories)}
    q = len(categories)
    observed = np.zeros((q, q))
    for x, y in zip(pa, pb, strict=True):
        observed[index[x], index[y]] += 1
    observed /= len(pa)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    distance = np.abs(np.subtract.outer(np.arange(q), np.arange(q))).astype(float)
    v = distance if weights == "linear" else distance**2
    disagreement = float((v * expected).sum())
    return 1 - float((v * observed).sum()) / disagreement if disagreement > 0 else np.nan


# --- any number of coders ----------------------------------------------------------------------


def _observed_and_shares(counts: np.ndarray) -> tuple[float, np.ndarray]:
    """Gwet's ``p_o`` (units with >= 2 ratings) and category shares ``pi_k`` (>= 1 rating)."""
    raters = counts.sum(axis=1)
    paired = raters >= 2
    if not paired.any():
        return np.nan, np.full(counts.shape[1], np.nan)
    agree = (counts[paired] * (counts[paired] - 1)).sum(axis=1)
    observed = float(np.mean(agree / (raters[paired] * (raters[paired] - 1))))
    rated = raters >= 1
    shares = (counts[rated] / raters[rated, None]).mean(axis=0)
    return observed, shares


def fleiss_kappa(data: Sequence[Sequence], *, categories: Sequence | None = None) -> float:
    """Fleiss' kappa for a coders x units table, missing ratings allowed (module docstring)."""
    counts, _ = _unit_counts(reliability_data(data), categories)
    observed, shares = _observed_and_shares(counts)
    return _chance_corrected(observed, float(np.sum(shares**2)))


def gwet_ac1(data: Sequence[Sequence], *, categories: Sequence | None = None) -> float:
    """Gwet's AC1 for a coders x units table, missing ratings allowed.

    ``p_e = sum_k pi_k (1 - pi_k) / (q - 1)`` with ``q`` the number of ``categories``
    (default: the categories used); NaN for fewer than two categories.
    """
    counts, categories = _unit_counts(reliability_data(data), categories)
    q = len(categories)
    if q < 2:
        return np.nan
    observed, shares = _observed_and_shares(counts)
    return _chance_corrected(observed, float(np.sum(shares * (1 - shares)) / (q - 1)))


def _squared_differences(values: list, totals: np.ndarray, level: str) -> np.ndarray:
    """Krippendorff's difference function delta^2 between every pair of values.

    ``totals`` are the values' marginal counts ``n_c``, which the ordinal metric ranks by.
    """
    if level == "nominal":
        return 1 - np.eye(len(values))
    if level == "ordinal":
        cumulative = np.concatenate([[0.0], np.cumsum(totals)])
        low = np.minimum.outer(np.arange(len(values)), np.arange(len(values)))
        high = np.maximum.outer(np.arange(len(values)), np.arange(len(values)))
        between = cumulative[high + 1] - cumulative[low]
        return (between - (totals[low] + totals[high]) / 2) ** 2
    x = np.array(values, dtype=float)
    if level == "interval":
        return np.subtract.outer(x, x) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.subtract.outer(x, x) / np.add.outer(x, x)
    return np.nan_to_num(ratio) ** 2


def krippendorff_alpha(
    data: Sequence[Sequence], level: str = "nominal", *, categories: Sequence | None = None
) -> float:
    """Krippendorff's alpha for a coders x units table with missing values.

    ``level`` is ``"nominal"``, ``"ordinal"`` (the order of ``categories``, default the sorted
    values), ``"interval"`` or ``"ratio"`` (numeric values). Units with fewer than two values
    are not pairable and drop out.
    """
    if level not in LEVELS:
        raise ParameterError(f"parameter level={level!r}: choose one of {', '.join(LEVELS)}")
    counts, values = _unit_counts(reliability_data(data), categories)
    counts = counts[counts.sum(axis=1) >= 2]
    if not len(counts):
        return np.nan
    pairable = counts.sum(axis=1)
    coincidence = np.einsum("uc,uk->ck", counts / (pairable - 1)[:, None], counts)
    coincidence -= np.diag((counts / (pairable - 1)[:, None]).sum(axis=0))
    totals = coincidence.sum(axis=1)
    n = totals.sum()
    delta = _squared_differences(values, totals, level)
    expected = float((np.outer(totals, totals) * delta).sum())
    if expected <= 0:
        return np.nan
    return 1 - (n - 1) * float((coincidence * delta).sum()) / expected


def krippendorff_alpha_nominal(data: Sequence[Sequence]) -> float:
    """Krippendorff's alpha at the nominal level (see :func:`krippendorff_alpha`)."""
    return krippendorff_alpha(data, "nominal")


@dataclass(frozen=True)
class ConfidenceInterval:
    """A statistic with its bootstrap percentile interval."""

    estimate: float
    low: float
    high: float
    level: float
    n_boot: int
    n_valid: int  # replicates where the statistic was defined (not NaN)


def bootstrap_ci(
    statistic: Callable[[np.ndarray], float],
    data: Sequence[Sequence],
    *,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> ConfidenceInterval:
    """Percentile bootstrap interval of ``statistic`` over units.

    Each replicate draws as many units as ``data`` (coders x units) has, with replacement,
    and keeps every coder's ratings of a drawn unit together (units are resampled, not
    single ratings). ``statistic`` gets the resampled coders x units object array, e.g.
    ``lambda d: cohen_kappa(*d)`` or :func:`krippendorff_alpha`. Replicates where it is
    undefined (NaN) are left out and counted in ``n_valid``.
    """
    if n_boot < 1 or not 0 < level < 1:
        raise ParameterError("n_boot must be positive and level in (0, 1)")
    table = reliability_data(data)
    rng = np.random.default_rng(seed)
    n_units = table.shape[1]
    draws = np.array(
        [statistic(table[:, rng.integers(0, n_units, n_units)]) for _ in range(n_boot)],
        dtype=float,
    )
    valid = draws[~np.isnan(draws)]
    tail = (1 - level) / 2
    low, high = np.quantile(valid, [tail, 1 - tail]) if len(valid) else (np.nan, np.nan)
    return ConfidenceInterval(
        float(statistic(table)), float(low), float(high), level, n_boot, len(valid)
    )


def cluster_bootstrap_kappa(
    a: np.ndarray,
    b: np.ndarray,
    *,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> ConfidenceInterval:
    """Cohen's kappa pooled over the items of clustered units, with a unit bootstrap interval.

    ``a`` and ``b`` are units x items arrays of two coders' labels (no missing ratings), e.g.
    code presence per document and code. Each replicate draws whole units with replacement,
    as :func:`bootstrap_ci` does with the same ``seed`` (same draws, same result), but counts
    the agreement tables of all replicates at once: a unit's contribution is its own K x K
    table, a replicate's table the sum weighted by how often it drew each unit.
    """
    if n_boot < 1 or not 0 < level < 1:
        raise ParameterError("n_boot must be positive and level in (0, 1)")
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError("a and b must be units x items arrays of the same shape")
    categories = _sorted_categories([*a.ravel(), *b.ravel()])
    code = {c: i for i, c in enumerate(categories)}
    k, n_units = len(categories), a.shape[0]
    cells = np.vectorize(code.get)(a) * k + np.vectorize(code.get)(b)
    per_unit = np.stack([np.bincount(row, minlength=k * k) for row in cells])
    rng = np.random.default_rng(seed)
    drawn = np.stack([rng.integers(0, n_units, n_units) for _ in range(n_boot)])
    offsets = (np.arange(n_boot)[:, None] * n_units + drawn).ravel()
    weights = np.bincount(offsets, minlength=n_boot * n_units).reshape(n_boot, n_units)
    tables = np.vstack([per_unit.sum(axis=0), weights @ per_unit]).reshape(-1, k, k)
    total = tables.sum(axis=(1, 2)).astype(float)
    observed = np.trace(tables, axis1=1, axis2=2) / total
    expected = (tables.sum(axis=2) * tables.sum(axis=1)).sum(axis=1) / total**2
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(expected < 1, (observed - expected) / (1 - expected), np.nan)
    valid = kappa[1:][~np.isnan(kappa[1:])]
    tail = (1 - level) / 2
    low, high = np.quantile(valid, [tail, 1 - tail]) if len(valid) else (np.nan, np.nan)
    return ConfidenceInterval(float(kappa[0]), float(low), float(high), level, n_boot, len(valid))


def agreement_statistics(a: Sequence, b: Sequence, *, n_categories: int = 2) -> dict[str, float]:
    """The four two-coder statistics (see the module docstring)."""
    if len(a) != len(b):
        raise ValueError("both coders must rate the same units")
    if not len(a):
        return dict.fromkeys(STAT_COLUMNS, np.nan)
    return {
        "percent_agreement": percent_agreement(a, b),
        "cohen_kappa": cohen_kappa(a, b),
        "brennan_prediger": brennan_prediger_kappa(a, b, n_categories),
        "krippendorff_alpha": krippendorff_alpha([list(a), list(b)]),
    }


def multi_coder_statistics(data: Sequence[Sequence]) -> dict[str, float]:
    """Percent agreement, Fleiss' kappa, Krippendorff's alpha (nominal) and AC1 of
    code-presence ratings (0/1, ``None`` = not rated) by any number of coders."""
    counts, _ = _unit_counts(reliability_data(data), PRESENCE)
    observed, _ = _observed_and_shares(counts)
    return {
        "percent_agreement": observed,
        "fleiss_kappa": fleiss_kappa(data, categories=PRESENCE),
        "krippendorff_alpha": krippendorff_alpha(data, "nominal", categories=PRESENCE),
        "gwet_ac1": gwet_ac1(data, categories=PRESENCE),
    }


# --- coded projects ----------------------------------------------------------------------------


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


def _span_units(
    project: CodedProject, coders: Sequence[str], min_overlap: float
) -> list[tuple[str, int, int, dict[str, frozenset]]]:
    """Comparison units of several coders: ``(doc_id, start, end, {coder: codes})``."""
    if not 0 < min_overlap <= 100:
        raise ValueError("min_overlap must be a percentage in (0, 100]")
    spans = project.codings.dropna(subset=["start", "end"])
    spans = spans[spans["coder"].isin(coders)]
    units = []
    for doc, group in spans.groupby("doc_id", sort=True):
        graph = nx.Graph()
        for (coder, start, end), codes in group.groupby(["coder", "start", "end"])["code_id"]:
            graph.add_node((coder, int(start), int(end)), codes=frozenset(codes))
        nodes = list(graph.nodes)
        for i, first in enumerate(nodes):
            for second in nodes[i + 1 :]:
                if first[0] != second[0] and (
                    overlap_percent(first[1], first[2], second[1], second[2]) >= min_overlap
                ):
                    graph.add_edge(first, second)
        for component in nx.connected_components(graph):
            members = sorted(component, key=lambda n: (n[1], n[2], n[0]))
            codes = {
                coder: frozenset().union(
                    *(graph.nodes[n]["codes"] for n in members if n[0] == coder)
                )
                for coder in coders
            }
            units.append((doc, min(n[1] for n in members), max(n[2] for n in members), codes))
    return sorted(units, key=lambda u: (u[0], u[1], u[2]))


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
    rows = [
        (doc, start, end, codes[coder_a], codes[coder_b])
        for doc, start, end, codes in _span_units(project, [coder_a, coder_b], min_overlap)
    ]
    units = pd.DataFrame(rows, columns=["doc_id", "start", "end", "codes_a", "codes_b"])
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


def multi_coder_agreement(
    project: CodedProject,
    coders: Sequence[str] | None = None,
    codes: Iterable[str] | None = None,
    *,
    level: str = "document",
    min_overlap: float = 50,
) -> pd.DataFrame:
    """Agreement of any number of coders on code presence, per code and overall.

    Parameters
    ----------
    project
        Coded project.
    coders
        The coders to compare (default: every coder of the project; at least two).
    codes
        Codes to compare (default: all, in codebook order).
    level
        ``"document"`` (unit = document) or ``"segment"`` (unit = group of overlapping spans,
        see the module docstring).
    min_overlap
        Segment level only: overlap percentage for spans to be the same passage.

    Returns
    -------
    pandas.DataFrame
        ``code_id`` (last row ``overall``), ``n_units``, ``n_coders``, ``n_ratings`` (coder x
        unit ratings that are not missing), ``percent_agreement`` (mean share of agreeing
        coder pairs), ``fleiss_kappa``, ``krippendorff_alpha`` (nominal) and ``gwet_ac1``.
        A coder who coded nothing in a document has not rated its units (missing, not
        "absent"): multi-coder projects often split the documents between coders.
    """
    coders = sorted(set(project.codings["coder"].dropna())) if coders is None else list(coders)
    if len(coders) < 2:
        raise DataValidationError(
            project.source, f"agreement needs at least two coders, got {coders}", element="coder"
        )
    _check_coders(project, coders)
    selected = select_codes(project, codes)
    if level == "document":
        ratings = _document_ratings(project, coders, selected)
    elif level == "segment":
        ratings = _segment_ratings(project, coders, selected, min_overlap)
    else:
        raise ParameterError(f"parameter level={level!r}: choose 'document' or 'segment'")
    rows = [_multi_row(code, ratings[code], len(coders)) for code in selected]
    pooled = np.hstack([ratings[code] for code in selected]) if selected else np.empty((0, 0))
    rows.append(_multi_row("overall", pooled, len(coders)))
    return pd.DataFrame(rows, columns=MULTI_COLUMNS)


def _multi_row(code_id: str, table: np.ndarray, n_coders: int) -> dict:
    n_units = table.shape[1] if table.ndim == 2 else 0
    stats = multi_coder_statistics(table) if n_units else dict.fromkeys(MULTI_STAT_COLUMNS, np.nan)
    return {
        "code_id": code_id,
        "n_units": n_units,
        "n_coders": n_coders,
        "n_ratings": int(sum(v is not None for v in table.ravel())),
        **stats,
    }


def _coded_documents(project: CodedProject, coder: str) -> set[str]:
    return set(project.codings.loc[project.codings["coder"] == coder, "doc_id"])


def _document_ratings(
    project: CodedProject, coders: Sequence[str], codes: Sequence[str]
) -> dict[str, np.ndarray]:
    """Per code, a coders x documents table of 0/1 presence (``None``: document not coded)."""
    docs = sorted(project.documents["doc_id"])
    tables = {code: np.empty((len(coders), len(docs)), dtype=object) for code in codes}
    for i, coder in enumerate(coders):
        codings = project.codings[project.codings["coder"] == coder]
        coded = _coded_documents(project, coder)
        present = set(zip(codings["doc_id"], codings["code_id"], strict=True))
        for code in codes:
            tables[code][i] = [int((d, code) in present) if d in coded else None for d in docs]
    return tables


def _segment_ratings(
    project: CodedProject, coders: Sequence[str], codes: Sequence[str], min_overlap: float
) -> dict[str, np.ndarray]:
    """Per code, a coders x segment-units table of 0/1 presence (``None``: document not
    coded by that coder)."""
    units = _span_units(project, coders, min_overlap)
    coded = {coder: _coded_documents(project, coder) for coder in coders}
    tables = {code: np.empty((len(coders), len(units)), dtype=object) for code in codes}
    for i, coder in enumerate(coders):
        for code in codes:
            tables[code][i] = [
                int(code in unit_codes[coder]) if doc in coded[coder] else None
                for doc, _, _, unit_codes in units
            ]
    return tables
