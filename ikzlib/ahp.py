"""Analytic Hierarchy Process: weights and consistency of a pairwise comparison matrix.

A comparison matrix holds ``a[i, j]`` = how much more important criterion ``i`` is than ``j``
(Saaty's 1-9 scale), with ``a[j, i] = 1 / a[i, j]``. Two ways to turn it into weights:

* ``method="eigenvector"`` (Saaty 1977, 1980): the principal right eigenvector;
* ``method="geometric_mean"`` (row geometric mean, Crawford & Williams 1985): ``w_i``
  proportional to ``(prod_j a[i, j]) ** (1 / n)``, the least-squares solution in logarithms.
  For n <= 3 both methods give the same weights.

Consistency is a property of the matrix, not of the method: ``CI = (lambda_max - n) / (n - 1)``
with ``lambda_max`` the principal eigenvalue, ``CR = CI / RI(n)``. For the geometric-mean method
the geometric consistency index of Aguarón & Moreno-Jiménez (2003) is also reported,
``GCI = 2 / ((n - 1)(n - 2)) * sum_{i<j} ln(a[i, j] * w_j / w_i) ** 2``.

The random index ``RI(n)`` is the mean CI of random reciprocal matrices; published tables differ
by the simulation behind them, which moves CR by about 10 % at n = 3, right at the 0.10 rule.
``random_index`` chooses the table:

=======================  ======  ==============================================================
name                     n       source
=======================  ======  ==============================================================
``"saaty1980"``          1-10    Saaty (1980), *The Analytic Hierarchy Process*, McGraw-Hill
                                 (the default; 500 matrices per n)
``"alonso_lamata2006"``  1-15    Alonso & Lamata (2006), Int. J. Uncertainty, Fuzziness and
                                 Knowledge-Based Systems 14(4), 445-459 (100,000 matrices)
``"donegan_dodd1991"``   1-15    Donegan & Dodd (1991), Math. Comput. Modelling 15(10),
                                 135-137, as tabulated in the AHPy package (Griffith)
=======================  ======  ==============================================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ikzlib import i18n
from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.i18n import tr
from ikzlib.tables import LINE, check_unique, read_csv_strict, require_values

i18n.register(
    {
        "criterion": "Kriterium",
        "direct weights (normalised)": "direkte Gewichte (normiert)",
        "AHP weights": "AHP-Gewichte",
    }
)

SAATY_1980 = "saaty1980"
ALONSO_LAMATA_2006 = "alonso_lamata2006"
DONEGAN_DODD_1991 = "donegan_dodd1991"

# RI(n) per table; n = 1, 2 are 0 by definition (every 1x1 and 2x2 reciprocal matrix is
# consistent).
RANDOM_INDEX_TABLES: dict[str, dict[int, float]] = {
    SAATY_1980: {
        1: 0.0,
        2: 0.0,
        3: 0.58,
        4: 0.90,
        5: 1.12,
        6: 1.24,
        7: 1.32,
        8: 1.41,
        9: 1.45,
        10: 1.49,
    },
    ALONSO_LAMATA_2006: {
        1: 0.0,
        2: 0.0,
        3: 0.5245,
        4: 0.8815,
        5: 1.1086,
        6: 1.2479,
        7: 1.3417,
        8: 1.4056,
        9: 1.4499,
        10: 1.4854,
        11: 1.5141,
        12: 1.5365,
        13: 1.5551,
        14: 1.5713,
        15: 1.5838,
    },
    DONEGAN_DODD_1991: {
        1: 0.0,
        2: 0.0,
        3: 0.4914,
        4: 0.8286,
        5: 1.0591,
        6: 1.1797,
        7: 1.2519,
        8: 1.3171,
        9: 1.3733,
        10: 1.4055,
        11: 1.4213,
        12: 1.4497,
        13: 1.4643,
        14: 1.4822,
        15: 1.4969,
    },
}
RANDOM_INDEX: dict[int, float] = RANDOM_INDEX_TABLES[SAATY_1980]  # the default table
CR_ACCEPTABLE = 0.10  # Saaty's rule of thumb for an acceptable consistency ratio

EIGENVECTOR = "eigenvector"
GEOMETRIC_MEAN = "geometric_mean"
METHODS = (EIGENVECTOR, GEOMETRIC_MEAN)


@dataclass(frozen=True)
class AhpResult:
    """Weights and consistency of a pairwise comparison matrix.

    ``geometric_consistency_index`` is set for ``method="geometric_mean"`` only.
    """

    weights: pd.Series  # sums to 1, indexed by criterion
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    method: str = EIGENVECTOR
    random_index_table: str = SAATY_1980
    geometric_consistency_index: float | None = None

    @property
    def acceptable(self) -> bool:
        """Whether CR is below Saaty's 0.10 threshold."""
        return self.consistency_ratio < CR_ACCEPTABLE


def random_index_table(name: str = SAATY_1980) -> dict[int, float]:
    """The random-index table ``name`` (see the module docstring), ``{n: RI(n)}``."""
    if name not in RANDOM_INDEX_TABLES:
        raise ParameterError(
            f"parameter random_index={name!r}: choose one of {', '.join(RANDOM_INDEX_TABLES)}"
        )
    return RANDOM_INDEX_TABLES[name]


def validate_pairwise(
    matrix: pd.DataFrame,
    source: str | Path = "<pairwise matrix>",
    tolerance: float = 1e-3,
    random_index: str = SAATY_1980,
) -> pd.DataFrame:
    """Check that ``matrix`` is a square, positive, reciprocal comparison matrix.

    Row and column labels must be the same criteria in the same order, the diagonal 1 and
    ``a[j, i] = 1 / a[i, j]`` within a relative ``tolerance`` (judgements like 1/3 are often
    typed as 0.333), and the size must be covered by the ``random_index`` table. Returns the
    matrix as floats.
    """
    table = random_index_table(random_index)
    if list(matrix.index) != list(matrix.columns):
        raise DataValidationError(
            source,
            f"row labels {list(matrix.index)} differ from column labels {list(matrix.columns)}",
        )
    values = matrix.to_numpy(dtype=float)
    n = len(values)
    if n not in table:
        raise DataValidationError(
            source,
            f"{n} criteria; the random index {random_index!r} is tabulated for 1-{max(table)}",
        )
    labels = list(matrix.index)
    for i in range(n):
        for j in range(n):
            where = f"{labels[i]} vs {labels[j]}"
            if not np.isfinite(values[i, j]) or values[i, j] <= 0:
                raise DataValidationError(
                    source, f"judgement {values[i, j]} must be positive", element=where
                )
            if i == j and abs(values[i, j] - 1) > tolerance:
                raise DataValidationError(source, "diagonal must be 1", element=where)
            if abs(values[i, j] * values[j, i] - 1) > tolerance:
                raise DataValidationError(
                    source,
                    f"not reciprocal: {values[i, j]:g} x {values[j, i]:g} != 1",
                    element=where,
                )
    return pd.DataFrame(values, index=labels, columns=labels)


def read_pairwise_csv(path: str | Path, criteria: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a pairwise comparison matrix from a CSV file.

    First column ``criterion``, then one column per criterion; judgements as numbers or
    fractions like ``1/3``. ``criteria`` lists the column names allowed (default: any).
    """
    header = [c for c in _csv_columns(path) if c != "criterion"]
    frame = read_csv_strict(path, ["criterion"], optional=header if criteria is None else criteria)
    require_values(frame, ["criterion"], path)
    check_unique(frame, "criterion", path)
    values = {}
    for _, row in frame.iterrows():
        parsed = []
        for column in header:
            text = row[column]
            try:
                number = _fraction(text)
            except (ValueError, ZeroDivisionError):
                raise DataValidationError(
                    path,
                    f"{text!r} is not a number or fraction",
                    row=int(row[LINE]),
                    element=column,
                ) from None
            parsed.append(number)
        values[row["criterion"]] = parsed
    matrix = pd.DataFrame.from_dict(values, orient="index", columns=header)
    return validate_pairwise(matrix, path)


def _csv_columns(path: str | Path) -> list[str]:
    """Header of a CSV file; empty when it cannot be read (``read_csv_strict`` says why)."""
    try:
        return list(pd.read_csv(path, nrows=0).columns)
    except (OSError, ValueError):
        return []


def _fraction(text: str | None) -> float:
    if text is None:
        raise ValueError("missing")
    numerator, _, denominator = text.partition("/")
    return float(numerator) / float(denominator) if denominator else float(numerator)


def ahp_weights(
    matrix: pd.DataFrame,
    source: str | Path = "<pairwise matrix>",
    *,
    method: str = EIGENVECTOR,
    random_index: str = SAATY_1980,
) -> AhpResult:
    """AHP weights with Saaty's consistency index and ratio (see the module docstring).

    Parameters
    ----------
    matrix
        Reciprocal comparison matrix, rows and columns labelled by criterion.
    source
        Name of the matrix in error messages (e.g. its file).
    method
        ``"eigenvector"`` (principal right eigenvector) or ``"geometric_mean"`` (row
        geometric mean; also reports the GCI).
    random_index
        Name of the random-index table for CR: ``"saaty1980"``, ``"alonso_lamata2006"`` or
        ``"donegan_dodd1991"``.

    Returns
    -------
    AhpResult
        For n <= 2 every reciprocal matrix is consistent and CI, CR (and GCI) are 0.
    """
    if method not in METHODS:
        raise ParameterError(f"parameter method={method!r}: choose one of {', '.join(METHODS)}")
    checked = validate_pairwise(matrix, source, random_index=random_index)
    values = checked.to_numpy()
    n = len(values)
    lambda_max, eigenvector = _principal_eigenpair(values)
    vector = eigenvector if method == EIGENVECTOR else _row_geometric_mean(values)
    weights = pd.Series(vector / vector.sum(), index=checked.index, name="weight")
    ci = max((lambda_max - n) / (n - 1), 0.0) if n > 2 else 0.0
    ri = RANDOM_INDEX_TABLES[random_index][n]
    cr = ci / ri if ri > 0 else 0.0
    gci = geometric_consistency_index(checked) if method == GEOMETRIC_MEAN else None
    return AhpResult(weights, lambda_max, ci, ri, cr, method, random_index, gci)


def _principal_eigenpair(values: np.ndarray) -> tuple[float, np.ndarray]:
    """Perron eigenvalue and its (positive) eigenvector of a positive matrix."""
    eigenvalues, eigenvectors = np.linalg.eig(values)
    principal = int(np.argmax(eigenvalues.real))
    return float(eigenvalues[principal].real), np.abs(eigenvectors[:, principal].real)


def _row_geometric_mean(values: np.ndarray) -> np.ndarray:
    return np.exp(np.log(values).mean(axis=1))


def geometric_consistency_index(matrix: pd.DataFrame) -> float:
    """Geometric consistency index (Aguarón & Moreno-Jiménez 2003) of a comparison matrix.

    ``GCI = 2 / ((n - 1)(n - 2)) * sum_{i<j} ln(a[i, j] * w_j / w_i) ** 2`` with ``w`` the
    row geometric means; 0 for a consistent matrix and for n <= 2.
    """
    values = matrix.to_numpy(dtype=float)
    n = len(values)
    if n <= 2:
        return 0.0
    log_w = np.log(_row_geometric_mean(values))
    errors = np.log(values) + log_w[None, :] - log_w[:, None]
    upper = errors[np.triu_indices(n, k=1)]
    return float(2 / ((n - 1) * (n - 2)) * np.sum(upper**2))


def pairwise_from_weights(weights: Mapping[str, float]) -> pd.DataFrame:
    """The perfectly consistent comparison matrix ``a[i, j] = w[i] / w[j]`` of a weight set."""
    labels = list(weights)
    w = np.array([float(weights[k]) for k in labels])
    if np.any(w <= 0):
        raise ValueError("weights must be positive for a comparison matrix")
    return pd.DataFrame(np.outer(w, 1 / w), index=labels, columns=labels)


def pairwise_from_judgements(
    criteria: Sequence[str], judgements: Mapping[str, Mapping[str, float]]
) -> pd.DataFrame:
    """Build the full reciprocal matrix from the upper-triangle judgements.

    ``judgements[a][b]`` says how much more important ``a`` is than ``b`` on Saaty's 1-9
    scale (values below 1 mean ``b`` is more important); every pair of ``criteria`` must be
    judged exactly once, in either order.
    """
    keys = list(criteria)
    values = np.ones((len(keys), len(keys)))
    seen = set()
    for a, row in judgements.items():
        for b, value in row.items():
            if a not in keys or b not in keys or a == b:
                raise ValueError(f"judgement {a!r} vs {b!r} is not a pair of {keys}")
            pair = frozenset((a, b))
            if pair in seen:
                raise ValueError(f"pair {a!r}/{b!r} is judged twice")
            seen.add(pair)
            i, j = keys.index(a), keys.index(b)
            values[i, j], values[j, i] = float(value), 1 / float(value)
    missing = [
        (a, b) for i, a in enumerate(keys) for b in keys[i + 1 :] if frozenset((a, b)) not in seen
    ]
    if missing:
        raise ValueError(f"pairs without a judgement: {missing}")
    return pd.DataFrame(values, index=keys, columns=keys)


def restrict_judgements(
    judgements: Mapping[str, Mapping[str, float]], criteria: Sequence[str]
) -> dict[str, dict[str, float]]:
    """The judgements between pairs of ``criteria`` only (others are dropped)."""
    keep = set(criteria)
    return {
        a: {b: value for b, value in row.items() if b in keep}
        for a, row in judgements.items()
        if a in keep
    }


def compare_weights(
    weights: Mapping[str, float],
    ahp: AhpResult,
    criteria: Sequence[str],
    labels: Mapping[str, str] | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """Direct weights (normalised to sum 1) beside the AHP weights, one row per criterion.

    ``labels`` maps criterion keys to the names shown (default: the keys).
    """
    labels = labels or {}
    total = sum(float(weights[key]) for key in criteria)
    return pd.DataFrame(
        {
            tr("criterion", lang): [tr(labels.get(key, key), lang) for key in criteria],
            tr("direct weights (normalised)", lang): [
                float(weights[key]) / total for key in criteria
            ],
            tr("AHP weights", lang): [float(ahp.weights[key]) for key in criteria],
        }
    )
