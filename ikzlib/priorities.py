"""Task-field prioritisation: weighted scoring, rank stability and AHP weights.

The scheme follows the Landkreis Helmstedt IKZ project (2012): every candidate task field
gets 1-3 points per criterion, each criterion carries a factor 3, 2 or 1, and the weighted
sum orders the fields. The criteria are the ones the project description names in section
2.4 ("Prioritäten festlegen") and section 3 (questions for the working groups):

==========================  =======  ==========================================================
criterion                   effect   text basis
==========================  =======  ==========================================================
``monetary_gain``           benefit  expected monetary success ("monetärer Erfolg")
``success_likelihood``      benefit  likelihood of success ("Erfolgswahrscheinlichkeit")
``effort``                  cost     effort of the project ("Aufwand")
``staff_capacity``          benefit  staff capacity available for the project
``legal_constraints``       cost     legal requirements/obstacles ("rechtliche Vorgaben",
                                     "rechtliche Hindernisse")
``political_resistance``    cost     low chance of implementation because of expected
                                     political resistance
==========================  =======  ==========================================================

Points are entered as the magnitude of the criterion as named (3 = much effort, 3 = strong
resistance); for *cost* criteria the favourability used in the sum is ``4 - points``, so a
higher total always means a higher priority. The document does not say which criterion had
which factor, so every weight set in the suite is a parameter and the defaults are
illustrative.

:func:`rank_stability` perturbs the weights (Monte Carlo, seeded) and reports how often each
field is in the top *k* and its rank interval; :func:`ahp_weights` derives weights from a
pairwise comparison matrix (Saaty's principal eigenvector) with consistency index and ratio.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from ikzlib import paths
from ikzlib.catalog import District, resolve
from ikzlib.errors import DataValidationError
from ikzlib.tables import (
    LINE,
    check_pattern,
    check_unique,
    check_vocabulary,
    read_csv_strict,
    require_values,
    to_number,
)

BENEFIT = "benefit"
COST = "cost"
MIN_POINTS, MAX_POINTS = 1, 3
ILLUSTRATIVE = "illustrative"
USER = "user"


@dataclass(frozen=True)
class Criterion:
    """One scoring criterion: key, English label and whether more of it raises priority."""

    key: str
    label: str
    effect: str  # BENEFIT or COST


CRITERIA: tuple[Criterion, ...] = (
    Criterion("monetary_gain", "Expected monetary gain", BENEFIT),
    Criterion("success_likelihood", "Likelihood of success", BENEFIT),
    Criterion("effort", "Effort", COST),
    Criterion("staff_capacity", "Available staff", BENEFIT),
    Criterion("legal_constraints", "Legal constraints", COST),
    Criterion("political_resistance", "Expected political resistance", COST),
)
CRITERION_KEYS = tuple(c.key for c in CRITERIA)

# Illustrative factors in the Helmstedt range 3/2/1 (the document leaves the assignment open).
ILLUSTRATIVE_WEIGHTS: dict[str, float] = {
    "monetary_gain": 3,
    "success_likelihood": 3,
    "effort": 2,
    "staff_capacity": 2,
    "legal_constraints": 1,
    "political_resistance": 2,
}

# Illustrative AHP judgements (Saaty 1-9 scale, row criterion vs column criterion): they only
# demonstrate the method.
ILLUSTRATIVE_AHP_JUDGEMENTS: dict[str, dict[str, float]] = {
    "monetary_gain": {
        "success_likelihood": 1,
        "effort": 2,
        "staff_capacity": 2,
        "legal_constraints": 3,
        "political_resistance": 2,
    },
    "success_likelihood": {
        "effort": 2,
        "staff_capacity": 2,
        "legal_constraints": 3,
        "political_resistance": 1,
    },
    "effort": {"staff_capacity": 1, "legal_constraints": 2, "political_resistance": 0.5},
    "staff_capacity": {"legal_constraints": 2, "political_resistance": 0.5},
    "legal_constraints": {"political_resistance": 1 / 3},
}

# Saaty's random consistency index RI(n) (Saaty 1980), n = 1 ... 10.
RANDOM_INDEX: dict[int, float] = {
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
}
CR_ACCEPTABLE = 0.10  # Saaty's rule of thumb for an acceptable consistency ratio

_TASK_FIELD_COLUMNS = [
    "field_id",
    "origin",
    "task_group_no",
    "task_group",
    "field",
    "label_en",
    "participants",
    "mode",
    "mode_ocr",
    "matrix_priority_ocr",
    "top_priority",
    "top_priority_field",
    "legibility",
    "unknown_cells",
    "note",
    "source",
]
# Cells of the matrix that must either hold a value or be declared unknown.
_TRANSCRIBED_CELLS = ["task_group_no", "task_group", "field", "participants", "mode"]
MODES = {"Z": "centralise", "D": "decentralise", "O": "outsource"}
LEGIBILITY = ["legible", "partial", "illegible"]
_MOTION_COLUMNS = ["field_id", "field", "label_en", "area", "emphasis", "detail_en", "source"]

CANDIDATE_COLUMNS = [
    "field_id",
    "label",
    "field",
    "group",
    "origin",
    "top_priority",
    "mentions",
    "mentions_unattributed",
    "source",
]


def criteria_by_key(keys: Sequence[str] | None = None) -> list[Criterion]:
    """The criteria with the given keys, in the given order (default: all)."""
    if keys is None:
        return list(CRITERIA)
    known = {c.key: c for c in CRITERIA}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise ValueError(f"unknown criteria {unknown}; known: {list(known)}")
    if len(set(keys)) != len(keys):
        raise ValueError(f"criteria repeat: {list(keys)}")
    return [known[k] for k in keys]


# --- candidate task fields -------------------------------------------------------------------


def read_task_field_matrix(path: str | Path) -> pd.DataFrame:
    """Read the transcription of the Helmstedt Anlage 1 matrix (``task_fields.csv``).

    Every transcribed cell (group number and name, field, participants, mode) is either
    filled or named in ``unknown_cells``; ``legibility`` must agree (``legible`` when nothing
    is unknown, ``illegible`` when the field itself is unknown, ``partial`` otherwise).

    Raises
    ------
    DataValidationError
        Naming file, line and column of the first violation.
    """
    frame = read_csv_strict(path, _TASK_FIELD_COLUMNS)
    require_values(
        frame, ["field_id", "origin", "label_en", "top_priority", "legibility", "source"], path
    )
    check_pattern(frame, "field_id", r"[A-Z]{2}\d{2}", path, "an id like HE01")
    check_unique(frame, "field_id", path)
    check_vocabulary(frame, "origin", ["anlage1_sheet1", "anlage1_sheet2", "text"], path)
    check_vocabulary(frame, "top_priority", ["yes", "no"], path)
    check_vocabulary(frame, "legibility", LEGIBILITY, path)
    mode = f"[{''.join(MODES)}]"
    what = f"a mode code {', '.join(MODES)} or a combination"
    check_pattern(frame, "mode", rf"{mode}(/{mode})*", path, what)
    for _, row in frame.iterrows():
        line = int(row[LINE])
        unknown = [c for c in (row["unknown_cells"] or "").split(";") if c]
        bad = [c for c in unknown if c not in _TRANSCRIBED_CELLS]
        if bad:
            raise DataValidationError(
                path,
                f"unknown_cells names {bad}, allowed: {_TRANSCRIBED_CELLS}",
                row=line,
                element="unknown_cells",
            )
        for column in _TRANSCRIBED_CELLS:
            if column in unknown and row[column] is not None:
                raise DataValidationError(
                    path,
                    f"cell is declared unknown but holds {row[column]!r}",
                    row=line,
                    element=column,
                )
            if column not in unknown and row[column] is None:
                raise DataValidationError(
                    path,
                    "cell is empty but not declared unknown in unknown_cells",
                    row=line,
                    element=column,
                )
        expected = "illegible" if "field" in unknown else "partial" if unknown else "legible"
        if row["legibility"] != expected:
            raise DataValidationError(
                path,
                f"legibility {row['legibility']!r} contradicts "
                f"unknown_cells (expected {expected!r})",
                row=line,
                element="legibility",
            )
        if (row["top_priority"] == "yes") != (row["top_priority_field"] is not None):
            raise DataValidationError(
                path,
                "top_priority_field must be given exactly when top_priority is 'yes'",
                row=line,
                element="top_priority_field",
            )
    return frame.sort_values("field_id").reset_index(drop=True)


def read_motion_fields(path: str | Path) -> pd.DataFrame:
    """Read candidate fields named in a council motion (``candidate_fields.csv``)."""
    frame = read_csv_strict(path, _MOTION_COLUMNS)
    require_values(frame, ["field_id", "field", "label_en", "emphasis", "source"], path)
    check_pattern(frame, "field_id", r"[A-Z]{2}\d{2}", path, "an id like WF01")
    check_unique(frame, "field_id", path)
    check_vocabulary(frame, "emphasis", ["primary", "secondary"], path)
    return frame.sort_values("field_id").reset_index(drop=True)


def candidate_fields(
    district: str | District, *, interview_fields: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The candidate task fields known for ``district``, from every source it has, in one layout.

    Sources: a transcribed priority matrix (input ``task_fields``; illegible rows are left
    out), fields named in a motion (input ``candidate_fields``) and fields named in coded
    interviews (``interview_fields``: the output of
    :func:`ikzlib.interview_data.potential_field_counts`, columns ``code_id``, ``name``,
    ``n_interviews`` and optionally ``unattributed``). A district without any of these gets an
    empty frame.

    Returns
    -------
    pandas.DataFrame
        ``field_id``, ``label`` (English), ``field`` (as in the source), ``group``,
        ``origin`` (``matrix``, ``motion``, ``interviews``), ``top_priority`` (bool: a
        steering group's top field or a motion's ``primary`` field), ``mentions``
        (interviews a footnote attributes the field to; ``<NA>`` for other sources),
        ``mentions_unattributed`` (the study's own quantifier for mentions it does not
        attribute, e.g. ``viele``) and ``source``.
    """
    district = resolve(district)
    parts = []
    if district.inputs.has("task_fields"):
        parts.append(_matrix_fields(read_task_field_matrix(district.inputs.path("task_fields"))))
    if district.inputs.has("candidate_fields"):
        parts.append(_motion_fields(read_motion_fields(district.inputs.path("candidate_fields"))))
    if interview_fields is not None and len(interview_fields):
        folder = project_relative(district.inputs.path("interviews"))
        parts.append(_interview_candidates(interview_fields, folder))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    frame = frame.reindex(columns=CANDIDATE_COLUMNS)
    frame["mentions"] = frame["mentions"].astype("Int64")
    frame["mentions_unattributed"] = frame["mentions_unattributed"].astype("str")
    frame["top_priority"] = frame["top_priority"].fillna(False).astype(bool)
    return frame


def project_relative(path: Path) -> Path:
    """``path`` relative to the project root when it lies inside it, else unchanged."""
    try:
        return path.relative_to(paths.PROJECT_ROOT)
    except ValueError:
        return path


def _matrix_fields(matrix: pd.DataFrame) -> pd.DataFrame:
    """Legible rows of a priority matrix in the candidate layout."""
    matrix = matrix[matrix["legibility"] != "illegible"]
    return pd.DataFrame(
        {
            "field_id": matrix["field_id"],
            "label": matrix["label_en"],
            "field": matrix["field"],
            "group": matrix["task_group"],
            "origin": "matrix",
            "top_priority": matrix["top_priority"].eq("yes"),
            "source": matrix["source"],
        }
    )


def _motion_fields(motion: pd.DataFrame) -> pd.DataFrame:
    """Fields of a motion in the candidate layout (``primary`` fields are top priority)."""
    return pd.DataFrame(
        {
            "field_id": motion["field_id"],
            "label": motion["label_en"],
            "field": motion["field"],
            "group": motion["area"],
            "origin": "motion",
            "top_priority": motion["emphasis"].eq("primary"),
            "source": motion["source"],
        }
    )


def _interview_candidates(counts: pd.DataFrame, folder: Path) -> pd.DataFrame:
    """Interview task-field counts in the candidate layout, most mentioned first."""
    counts = counts.sort_values(["n_interviews", "name"], ascending=[False, True])
    counts = counts.reset_index(drop=True)
    return pd.DataFrame(
        {
            "field_id": counts["code_id"],
            "label": counts["name"],
            "field": counts["name"],
            "group": None,
            "origin": "interviews",
            "top_priority": False,
            "mentions": counts["n_interviews"],
            "mentions_unattributed": counts.get("unattributed"),
            "source": [f"coded interviews in {folder}, code {code}" for code in counts["code_id"]],
        }
    )


def fields_to_score(fields: pd.DataFrame, only_top_priority: bool) -> pd.DataFrame:
    """The candidate fields to score: the top-priority ones when asked and there are any."""
    if only_top_priority and fields["top_priority"].any():
        return fields[fields["top_priority"]]
    return fields


def matrix_legibility(matrix: pd.DataFrame) -> pd.DataFrame:
    """Rows of a transcribed matrix by sheet (``origin``) and ``legibility``."""
    return matrix.groupby(["origin", "legibility"]).size().rename("rows").to_frame()


def matrix_modes(matrix: pd.DataFrame) -> pd.DataFrame:
    """Rows of a transcribed matrix per cooperation mode (``unknown`` where illegible)."""
    modes = matrix["mode"].fillna("unknown").value_counts().rename("rows").to_frame()
    modes.index.name = "mode (" + ", ".join(f"{k} = {v}" for k, v in MODES.items()) + ")"
    return modes


def criteria_table(criteria: Sequence[str], weights: Mapping[str, float]) -> pd.DataFrame:
    """The chosen criteria with their effect on the priority and their weight."""
    chosen = criteria_by_key(criteria)
    return pd.DataFrame(
        {
            "criterion": [c.label for c in chosen],
            "effect on priority": ["raises" if c.effect == BENEFIT else "lowers" for c in chosen],
            "weight": [weights[c.key] for c in chosen],
        }
    )


# --- scores ----------------------------------------------------------------------------------


def read_scores_csv(path: str | Path, criteria: Sequence[str] | None = None) -> pd.DataFrame:
    """Read user scores: one row per field, 1-3 points per criterion.

    Columns: ``field_id``, optional ``label``, one column per criterion key (points 1-3 of
    the criterion *as named*: 3 = much effort) and an optional ``note``.

    Returns
    -------
    pandas.DataFrame
        ``field_id``, ``label`` (``field_id`` when not given), integer points per criterion
        and ``score_origin`` = ``"user"``, sorted by ``field_id``.

    Raises
    ------
    DataValidationError
        For a missing column, a duplicate field, or points that are not whole numbers 1-3,
        naming file, line and column.
    """
    keys = [c.key for c in criteria_by_key(criteria)]
    frame = read_csv_strict(path, ["field_id", *keys], optional=["label", "note"])
    require_values(frame, ["field_id"], path)
    check_unique(frame, "field_id", path)
    if frame.empty:
        raise DataValidationError(path, "no scored fields (the file has only a header)")
    out = pd.DataFrame(
        {
            "field_id": frame["field_id"],
            "label": frame["label"].where(frame["label"].notna(), frame["field_id"]),
        }
    )
    for key in keys:
        out[key] = to_number(
            frame, key, path, integer=True, minimum=MIN_POINTS, maximum=MAX_POINTS
        ).astype("int64")
    out["score_origin"] = USER
    return out.sort_values("field_id").reset_index(drop=True)


def illustrative_scores(
    fields: pd.DataFrame, seed: int, criteria: Sequence[str] | None = None
) -> pd.DataFrame:
    """Random 1-3 points per field and criterion, labelled ``score_origin = "illustrative"``.

    They only demonstrate the method; replace them by a scores CSV (:func:`read_scores_csv`).
    """
    keys = [c.key for c in criteria_by_key(criteria)]
    rng = np.random.default_rng(seed)
    points = rng.integers(MIN_POINTS, MAX_POINTS + 1, size=(len(fields), len(keys)))
    out = pd.DataFrame(points, columns=keys)
    out.insert(0, "label", list(fields["label"]))
    out.insert(0, "field_id", list(fields["field_id"]))
    out["score_origin"] = ILLUSTRATIVE
    return out


def _check_weights(weights: Mapping[str, float], keys: Sequence[str]) -> np.ndarray:
    missing = [k for k in keys if k not in weights]
    if missing:
        raise ValueError(f"no weight for criteria {missing}")
    values = np.array([float(weights[k]) for k in keys])
    if not np.all(np.isfinite(values)) or np.any(values < 0) or values.sum() <= 0:
        raise ValueError(f"weights must be non-negative with a positive sum: {dict(weights)}")
    return values


def favourability(scores: pd.DataFrame, criteria: Sequence[str]) -> np.ndarray:
    """Points turned into favourability (cost criteria reversed: ``4 - points``)."""
    columns = []
    for criterion in criteria_by_key(criteria):
        points = scores[criterion.key].to_numpy(dtype=float)
        if np.any((points < MIN_POINTS) | (points > MAX_POINTS)):
            raise ValueError(f"points of {criterion.key} outside {MIN_POINTS}-{MAX_POINTS}")
        reverse = criterion.effect == COST
        columns.append(MIN_POINTS + MAX_POINTS - points if reverse else points)
    return np.column_stack(columns)


def weighted_scores(
    scores: pd.DataFrame, weights: Mapping[str, float], criteria: Sequence[str] | None = None
) -> pd.DataFrame:
    """Weighted totals, normalised totals and ranks of the scored fields.

    ``total`` = sum of weight x favourability; ``normalised`` rescales it to 0 (every
    criterion at its least favourable point) ... 1 (every criterion at its best point), so
    totals under different weight sets are comparable. Rank 1 is the highest total; ties
    share the better rank. Sorted by rank, then ``field_id``.
    """
    keys = [c.key for c in criteria_by_key(criteria)]
    w = _check_weights(weights, keys)
    total = favourability(scores, keys) @ w
    lowest, highest = MIN_POINTS * w.sum(), MAX_POINTS * w.sum()
    out = scores[["field_id", "label"]].copy()
    out["total"] = total
    out["normalised"] = (total - lowest) / (highest - lowest)
    out["rank"] = rankdata(-total, method="min").astype(int)
    return out.sort_values(["rank", "field_id"]).reset_index(drop=True)


def rank_stability(
    scores: pd.DataFrame,
    weights: Mapping[str, float],
    *,
    criteria: Sequence[str] | None = None,
    n_draws: int = 2000,
    spread: float = 0.5,
    top_k: int = 3,
    seed: int = 0,
) -> pd.DataFrame:
    """How stable the ranking is when the weights are uncertain (Monte Carlo).

    Each draw multiplies every weight by an independent factor uniform in
    ``[1 - spread, 1 + spread]`` and ranks the fields again (ties share the better rank).

    Returns
    -------
    pandas.DataFrame
        Per field: ``rank`` under the given weights, ``p_top_k`` (share of draws with rank
        <= ``top_k``), ``rank_median``, ``rank_p05``/``rank_p95`` (5 % and 95 % quantiles)
        and ``rank_min``/``rank_max``; sorted like :func:`weighted_scores`.
    """
    if not 0 <= spread < 1:
        raise ValueError(f"spread must be in [0, 1), got {spread}")
    if n_draws < 1 or top_k < 1:
        raise ValueError("n_draws and top_k must be positive")
    keys = [c.key for c in criteria_by_key(criteria)]
    base = weighted_scores(scores, weights, keys)
    w = _check_weights(weights, keys)
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1 - spread, 1 + spread, size=(n_draws, len(keys)))
    totals = favourability(scores, keys) @ (factors * w).T  # fields x draws
    ranks = rankdata(-totals, method="min", axis=0)
    stats = pd.DataFrame(
        {
            "field_id": list(scores["field_id"]),
            "p_top_k": (ranks <= top_k).mean(axis=1),
            "rank_median": np.median(ranks, axis=1),
            "rank_p05": np.quantile(ranks, 0.05, axis=1),
            "rank_p95": np.quantile(ranks, 0.95, axis=1),
            "rank_min": ranks.min(axis=1).astype(int),
            "rank_max": ranks.max(axis=1).astype(int),
        }
    )
    return base.merge(stats, on="field_id", how="left")


# --- AHP -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AhpResult:
    """Weights and consistency of a pairwise comparison matrix."""

    weights: pd.Series  # sums to 1, indexed by criterion
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float

    @property
    def acceptable(self) -> bool:
        """Whether CR is below Saaty's 0.10 threshold."""
        return self.consistency_ratio < CR_ACCEPTABLE


def validate_pairwise(
    matrix: pd.DataFrame, source: str | Path = "<pairwise matrix>", tolerance: float = 1e-3
) -> pd.DataFrame:
    """Check that ``matrix`` is a square, positive, reciprocal comparison matrix.

    Row and column labels must be the same criteria in the same order, the diagonal 1 and
    ``a[j, i] = 1 / a[i, j]`` within a relative ``tolerance`` (judgements like 1/3 are often
    typed as 0.333). Returns the matrix as floats.
    """
    if list(matrix.index) != list(matrix.columns):
        raise DataValidationError(
            source,
            f"row labels {list(matrix.index)} differ from column labels {list(matrix.columns)}",
        )
    values = matrix.to_numpy(dtype=float)
    n = len(values)
    if n not in RANDOM_INDEX:
        raise DataValidationError(
            source, f"{n} criteria; the random index is tabulated for 1-{max(RANDOM_INDEX)}"
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


def read_pairwise_csv(path: str | Path) -> pd.DataFrame:
    """Read a pairwise comparison matrix: first column ``criterion``, then one column per
    criterion; judgements as numbers or fractions like ``1/3``."""
    frame = read_csv_strict(path, ["criterion"], optional=list(CRITERION_KEYS))
    header = [c for c in pd.read_csv(path, nrows=0).columns if c != "criterion"]
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


def _fraction(text: str | None) -> float:
    if text is None:
        raise ValueError("missing")
    numerator, _, denominator = text.partition("/")
    return float(numerator) / float(denominator) if denominator else float(numerator)


def ahp_weights(matrix: pd.DataFrame, source: str | Path = "<pairwise matrix>") -> AhpResult:
    """AHP weights (principal right eigenvector) with Saaty's consistency index and ratio.

    ``CI = (lambda_max - n) / (n - 1)``, ``CR = CI / RI(n)``; for n <= 2 every reciprocal
    matrix is consistent and CR is 0.
    """
    checked = validate_pairwise(matrix, source)
    values = checked.to_numpy()
    n = len(values)
    eigenvalues, eigenvectors = np.linalg.eig(values)
    principal = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[principal].real)
    vector = np.abs(eigenvectors[:, principal].real)
    weights = pd.Series(vector / vector.sum(), index=checked.index, name="weight")
    ci = max((lambda_max - n) / (n - 1), 0.0) if n > 2 else 0.0
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0
    return AhpResult(weights, lambda_max, ci, ri, cr)


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
    weights: Mapping[str, float], ahp: AhpResult, criteria: Sequence[str]
) -> pd.DataFrame:
    """Direct weights (normalised to sum 1) beside the AHP weights, one row per criterion."""
    chosen = criteria_by_key(criteria)
    total = sum(float(weights[c.key]) for c in chosen)
    return pd.DataFrame(
        {
            "criterion": [c.label for c in chosen],
            "direct weights (normalised)": [float(weights[c.key]) / total for c in chosen],
            "AHP weights": [float(ahp.weights[c.key]) for c in chosen],
        }
    )


def compare_rankings(direct: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Ranks of two :func:`weighted_scores` results side by side (``rank_direct``, ``rank_ahp``).

    Rows follow ``direct``.
    """
    return direct[["field_id", "label", "rank"]].merge(
        other[["field_id", "rank"]], on="field_id", suffixes=("_direct", "_ahp")
    )
