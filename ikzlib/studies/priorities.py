"""Study ``task_fields`` (notebook ``05_task_field_priorities``): which task fields first?

The study collects a district's candidate task fields from every document it has (a
transcribed priority matrix, a motion, coded interviews), scores them with the Helmstedt
scheme of :mod:`ikzlib.priorities` (1-3 points per criterion, weighted), checks how stable
the ranking is under uncertain weights and derives alternative weights with the Analytic
Hierarchy Process (AHP).

Without a ``scores_file`` the scores are random and *illustrative*: they demonstrate the
method and assess nothing, so every figure computed from them is declared
:attr:`~ikzlib.keyfigures.Kind.ILLUSTRATIVE`. With the user's scores they are ``model``
output. The AHP consistency ratio of the default (illustrative) judgements is illustrative
too.

Examples
--------
>>> from ikzlib.studies import priorities
>>> study = priorities.run("wolfenbuettel", n_draws=200)
>>> study.score_origin, len(study.scores)
('illustrative', 4)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ikzlib import interview_data, paths
from ikzlib import priorities as prio
from ikzlib.catalog import District, resolve
from ikzlib.errors import ParameterError
from ikzlib.keyfigures import KeyFigure, KeyFigures, Kind, Reported, Section
from ikzlib.studies.base import Study, check_number

METHOD = "Helmstedt IKZ project 2012 scheme (points 1-3 x criterion weights)"
NO_SCORES = "none"
_RUN_KINDS = (Kind.MODEL,)  # figures that are model output when the user supplies the input
_ORIGIN_WORDS = {
    "matrix": "a transcribed priority matrix",
    "motion": "a motion or plan",
    "interviews": "coded interviews",
}
_ORIGIN_INPUTS = {"matrix": "task_fields", "motion": "candidate_fields", "interviews": "interviews"}

SECTION = Section(
    "task_fields",
    "Task-field priorities",
    (
        KeyFigure(
            "n_candidate_fields",
            "Candidate task fields",
            kind=Kind.PUBLISHED,
            source="the district's documents (priority matrix, motion, case-study interviews)",
            headline=True,
        ),
        KeyFigure(
            "n_interview_fields",
            "Candidate fields named in interviews",
            kind=Kind.PUBLISHED,
            source="coded case-study interviews (potential.field codes)",
        ),
        KeyFigure(
            "n_top_priority_fields",
            "Fields a steering group or motion put first",
            kind=Kind.PUBLISHED,
            source="the district's priority matrix or motion",
        ),
        KeyFigure(
            "n_scored_fields",
            "Fields scored",
            kind=Kind.PUBLISHED,
            kinds=_RUN_KINDS,
            source="candidate fields chosen for scoring; model: the user's scores file",
            headline=True,
        ),
        KeyFigure(
            "score_origin",
            "Origin of the scores",
            decimals=None,
            kind=Kind.ILLUSTRATIVE,
            kinds=_RUN_KINDS,
            source="illustrative random scores, or the user's scores file (model)",
        ),
        KeyFigure(
            "ahp_consistency_ratio",
            "AHP consistency ratio (CR)",
            decimals=4,
            kind=Kind.ILLUSTRATIVE,
            kinds=_RUN_KINDS,
            source="Saaty AHP of the illustrative default judgements (model: own judgements)",
        ),
        KeyFigure(
            "top_field",
            "Top-ranked field",
            decimals=None,
            kind=Kind.ILLUSTRATIVE,
            kinds=_RUN_KINDS,
            source="weighted scoring and rank stability of illustrative random scores",
            headline=True,
        ),
        KeyFigure(
            "top_field_p_top_k",
            "Share of weight draws with the top field in the top k",
            decimals=1,
            percent=True,
            kind=Kind.ILLUSTRATIVE,
            kinds=_RUN_KINDS,
            source="Monte Carlo weight perturbation of illustrative random scores",
            headline=True,
        ),
        KeyFigure(
            "top_k",
            "k of the top-k share",
            kind=Kind.ILLUSTRATIVE,
            kinds=_RUN_KINDS,
            source="study parameter top_k",
        ),
    ),
    order=50,
    notebook="05_task_field_priorities",
)


@dataclass(frozen=True)
class Parameters:
    """The checked parameters of one run (see :func:`run`)."""

    weights: dict[str, float]
    criteria: tuple[str, ...]
    scores_file: Path | None
    only_top_priority: bool
    n_draws: int
    spread: float
    seed: int
    top_k: int
    ahp_judgements: dict[str, dict[str, float]]

    @property
    def illustrative_weights(self) -> bool:
        """Whether the weights are the illustrative defaults (on the chosen criteria)."""
        return all(self.weights[c] == prio.ILLUSTRATIVE_WEIGHTS[c] for c in self.criteria)

    @property
    def illustrative_judgements(self) -> bool:
        """Whether the AHP judgements are the illustrative defaults."""
        return self.ahp_judgements == prio.ILLUSTRATIVE_AHP_JUDGEMENTS


@dataclass(frozen=True, kw_only=True)
class PrioritiesStudy(Study):
    """Candidate task fields, their scores, ranking, rank stability and AHP weights.

    Attributes
    ----------
    parameters
        The checked parameters.
    criteria
        Criteria used: ``criterion``, ``effect on priority`` (raises/lowers), ``weight``.
    fields
        Candidate fields (:func:`ikzlib.priorities.candidate_fields`); empty when the
        district has none.
    matrix_legibility, matrix_modes
        Rows of the transcribed priority matrix by sheet and legibility, and per cooperation
        mode; ``None`` when the district has no matrix.
    scores
        Points per field and criterion (may be empty); ``score_origin`` says whose.
    score_origin
        :data:`ikzlib.priorities.ILLUSTRATIVE`, :data:`ikzlib.priorities.USER` or
        ``"none"`` (nothing to score).
    ranking, stability, rank_comparison
        Weighted totals and ranks, rank stability under perturbed weights, and direct vs
        AHP ranks; ``None`` with fewer than two scored fields.
    ahp
        AHP weights and consistency of the judgements.
    weight_comparison
        Direct (normalised) and AHP weights per criterion.
    """

    parameters: Parameters
    criteria: pd.DataFrame
    fields: pd.DataFrame
    matrix_legibility: pd.DataFrame | None
    matrix_modes: pd.DataFrame | None
    scores: pd.DataFrame
    score_origin: str
    ranking: pd.DataFrame | None
    stability: pd.DataFrame | None
    ahp: prio.AhpResult
    weight_comparison: pd.DataFrame
    rank_comparison: pd.DataFrame | None

    @property
    def illustrative(self) -> bool:
        """Whether the scores are the random illustrative ones."""
        return self.score_origin == prio.ILLUSTRATIVE

    @property
    def has_ranking(self) -> bool:
        """Whether at least two fields were scored and ranked."""
        return self.ranking is not None

    @property
    def score_note(self) -> str:
        """Where the scores come from, for figure source lines."""
        if self.score_origin == prio.USER:
            return f"scores from {self.parameters.scores_file}"
        return f"ILLUSTRATIVE random scores (seed {self.parameters.seed}), not an assessment"

    @property
    def scoring_source(self) -> str:
        """Source line of the weighted-score chart."""
        weights = "weights illustrative" if self.parameters.illustrative_weights else "own weights"
        return f"Method: {METHOD}; {self.score_note}; {weights}."

    @property
    def stability_source(self) -> str:
        """Source line of the rank-stability chart."""
        return f"Monte Carlo weight perturbation, seed {self.parameters.seed}; {self.score_note}."

    @property
    def ahp_summary(self) -> str:
        """One line with lambda_max, CI, RI and CR of the AHP judgements."""
        ahp = self.ahp
        verdict = "acceptable" if ahp.acceptable else "NOT acceptable"
        return (
            f"lambda_max = {ahp.lambda_max:.3f}, CI = {ahp.consistency_index:.3f}, "
            f"RI = {ahp.random_index:.2f}, CR = {ahp.consistency_ratio:.3f} "
            f"({verdict}: threshold {prio.CR_ACCEPTABLE:.2f})"
        )

    @property
    def rank_change_summary(self) -> str:
        """How many fields change rank between direct and AHP weights."""
        if self.rank_comparison is None:
            return "No ranking to compare (fewer than two scored fields)."
        both = self.rank_comparison
        changed = int((both["rank_direct"] != both["rank_ahp"]).sum())
        return f"{changed} of {len(both)} fields change rank between the two weight sets."


def run(
    district: str | District,
    *,
    weights: Mapping[str, float] | None = None,
    criteria: Sequence[str] | None = None,
    scores_file: str | Path | None = None,
    only_top_priority: bool = True,
    n_draws: int = 2000,
    spread: float = 0.5,
    seed: int = 42,
    top_k: int = 3,
    ahp_judgements: Mapping[str, Mapping[str, float]] | None = None,
) -> PrioritiesStudy:
    """Collect, score and rank the task fields of ``district``; compare with AHP weights.

    Parameters
    ----------
    district
        Catalog key or :class:`~ikzlib.catalog.District`.
    weights
        Weight per criterion, positive (default: the illustrative
        :data:`ikzlib.priorities.ILLUSTRATIVE_WEIGHTS`).
    criteria
        Criteria to use, a subset of :data:`ikzlib.priorities.CRITERION_KEYS` (default: the
        keys of ``weights``).
    scores_file
        CSV with the user's scores (:func:`ikzlib.priorities.read_scores_csv`); a relative
        path is taken from the project root. ``None``: illustrative random scores.
    only_top_priority
        Score only the fields a steering group or motion put first (when there are any).
    n_draws, spread, seed, top_k
        Monte Carlo draws, relative weight spread in [0, 1), random seed (also of the
        illustrative scores) and the *k* of the top-*k* share.
    ahp_judgements
        Saaty judgements ``{a: {b: value}}`` for every pair of criteria (default: the
        illustrative :data:`ikzlib.priorities.ILLUSTRATIVE_AHP_JUDGEMENTS`).

    Raises
    ------
    ikzlib.errors.ParameterError
        For a bad parameter, naming it.
    """
    district = resolve(district)
    params = check_parameters(
        weights=prio.ILLUSTRATIVE_WEIGHTS if weights is None else weights,
        criteria=criteria,
        scores_file=scores_file,
        only_top_priority=only_top_priority,
        n_draws=n_draws,
        spread=spread,
        seed=seed,
        top_k=top_k,
        ahp_judgements=prio.ILLUSTRATIVE_AHP_JUDGEMENTS
        if ahp_judgements is None
        else ahp_judgements,
    )
    fields = prio.candidate_fields(district, interview_fields=_interview_fields(district))
    matrix = _matrix(district)
    scores = _scores(fields, params)
    origin = _origin(scores)
    ahp = _ahp(params)
    ranking, stability, rank_comparison = _rankings(scores, ahp, params)
    notes = _notes(district, fields, matrix, scores, origin, params)
    return PrioritiesStudy(
        district=district,
        key_figures=_key_figures(district, fields, scores, stability, ahp, params),
        notes=notes,
        parameters=params,
        criteria=prio.criteria_table(params.criteria, params.weights),
        fields=fields,
        matrix_legibility=None if matrix is None else prio.matrix_legibility(matrix),
        matrix_modes=None if matrix is None else prio.matrix_modes(matrix),
        scores=scores,
        score_origin=origin,
        ranking=ranking,
        stability=stability,
        ahp=ahp,
        weight_comparison=prio.compare_weights(params.weights, ahp, params.criteria),
        rank_comparison=rank_comparison,
    )


# --- parameters ------------------------------------------------------------------------------


def check_parameters(
    *,
    weights: Mapping[str, float],
    criteria: Sequence[str] | None,
    scores_file: str | Path | None,
    only_top_priority: bool,
    n_draws: int,
    spread: float,
    seed: int,
    top_k: int,
    ahp_judgements: Mapping[str, Mapping[str, float]],
) -> Parameters:
    """Check every parameter of :func:`run`; :class:`ParameterError` names the first bad one."""
    if not isinstance(weights, Mapping):
        raise ParameterError(f"parameter weights={weights!r}: a mapping criterion -> weight")
    keys = _check_criteria(list(weights) if criteria is None else criteria)
    if not isinstance(only_top_priority, bool):
        raise ParameterError(f"parameter only_top_priority={only_top_priority!r}: True or False")
    return Parameters(
        weights=_check_weights(weights, keys),
        criteria=keys,
        scores_file=_check_scores_file(scores_file),
        only_top_priority=only_top_priority,
        n_draws=int(check_number("n_draws", n_draws, minimum=1, integer=True)),
        spread=_check_spread(spread),
        seed=int(check_number("seed", seed, minimum=0, integer=True)),
        top_k=int(check_number("top_k", top_k, minimum=1, integer=True)),
        ahp_judgements=_check_judgements(ahp_judgements, keys),
    )


def _check_spread(spread: float) -> float:
    """The relative weight spread, in [0, 1)."""
    value = float(check_number("spread", spread, minimum=0))
    if value >= 1:
        raise ParameterError(f"parameter spread={spread!r}: must be < 1 (weights stay positive)")
    return value


def _check_criteria(criteria: Sequence[str]) -> tuple[str, ...]:
    """Criteria as a tuple: known keys, none repeated, at least one."""
    if isinstance(criteria, str) or not isinstance(criteria, Sequence):
        raise ParameterError(f"parameter criteria={criteria!r}: a list of criterion keys")
    keys = tuple(criteria)
    unknown = [k for k in keys if k not in prio.CRITERION_KEYS]
    if unknown or not keys or len(set(keys)) != len(keys):
        raise ParameterError(
            f"parameter criteria={list(keys)!r}: one or more distinct keys of "
            f"{', '.join(prio.CRITERION_KEYS)}"
        )
    return keys


def _check_weights(weights: Mapping[str, float], criteria: Sequence[str]) -> dict[str, float]:
    """A positive weight for every criterion (others are kept unchecked)."""
    missing = [k for k in criteria if k not in weights]
    if missing:
        raise ParameterError(f"parameter weights: no weight for criteria {missing}")
    checked = dict(weights)
    for key in criteria:
        name = f"weights[{key!r}]"
        checked[key] = check_number(name, weights[key], minimum=0, exclusive_minimum=True)
        if not math.isfinite(checked[key]):
            raise ParameterError(f"parameter {name}={weights[key]!r}: a finite number is required")
    return checked


def _check_scores_file(scores_file: str | Path | None) -> Path | None:
    """The scores file as a path (relative to the project root); it must exist."""
    if scores_file is None:
        return None
    if not isinstance(scores_file, str | Path) or not str(scores_file):
        raise ParameterError(f"parameter scores_file={scores_file!r}: a CSV path or None")
    path = paths.PROJECT_ROOT / scores_file
    if not path.is_file():
        raise ParameterError(f"parameter scores_file={str(scores_file)!r}: no such file {path}")
    return path


def _check_judgements(
    judgements: Mapping[str, Mapping[str, float]], criteria: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Positive judgements, one for every pair of criteria."""
    if not isinstance(judgements, Mapping) or not all(
        isinstance(row, Mapping) for row in judgements.values()
    ):
        raise ParameterError("parameter ahp_judgements: a mapping {criterion: {criterion: value}}")
    checked = {
        a: {
            b: check_number(f"ahp_judgements[{a!r}][{b!r}]", v, minimum=0, exclusive_minimum=True)
            for b, v in row.items()
        }
        for a, row in judgements.items()
    }
    try:
        prio.pairwise_from_judgements(criteria, prio.restrict_judgements(checked, criteria))
    except ValueError as error:
        raise ParameterError(f"parameter ahp_judgements: {error}") from None
    return checked


# --- pipeline --------------------------------------------------------------------------------


def _interview_fields(district: District) -> pd.DataFrame | None:
    """Task fields named in the district's coded interviews, or ``None`` without interviews."""
    if not interview_data.has_interviews(district):
        return None
    project = interview_data.load_interviews(district)
    unattributed = None  # only reconstructions of a published study carry this table
    if interview_data.has_table(district, interview_data.UNATTRIBUTED_FILE):
        unattributed = interview_data.load_unattributed_findings(district, project)
    return interview_data.potential_field_counts(project, unattributed)


def _matrix(district: District) -> pd.DataFrame | None:
    """The transcribed priority matrix, or ``None`` when the district has none."""
    if not district.inputs.has("task_fields"):
        return None
    return prio.read_task_field_matrix(district.inputs.path("task_fields"))


def _scores(fields: pd.DataFrame, params: Parameters) -> pd.DataFrame:
    """The user's scores, or illustrative random scores of the fields to score."""
    if params.scores_file is not None:
        return prio.read_scores_csv(params.scores_file, params.criteria)
    chosen = prio.fields_to_score(fields, params.only_top_priority)
    return prio.illustrative_scores(chosen, params.seed, params.criteria)


def _origin(scores: pd.DataFrame) -> str:
    """Whose scores these are (``"none"`` when nothing was scored)."""
    return str(scores["score_origin"].iloc[0]) if len(scores) else NO_SCORES


def _ahp(params: Parameters) -> prio.AhpResult:
    """AHP weights of the judgements on the chosen criteria."""
    judged = prio.restrict_judgements(params.ahp_judgements, params.criteria)
    return prio.ahp_weights(prio.pairwise_from_judgements(params.criteria, judged))


def _rankings(
    scores: pd.DataFrame, ahp: prio.AhpResult, params: Parameters
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, pd.DataFrame | None]:
    """Ranking, rank stability and direct-vs-AHP ranks; ``None`` with fewer than two fields."""
    if len(scores) < 2:
        return None, None, None
    ranking = prio.weighted_scores(scores, params.weights, params.criteria)
    stability = prio.rank_stability(
        scores,
        params.weights,
        criteria=params.criteria,
        n_draws=params.n_draws,
        spread=params.spread,
        top_k=params.top_k,
        seed=params.seed,
    ).drop(columns=["total", "normalised"])
    ahp_ranking = prio.weighted_scores(scores, ahp.weights.to_dict(), params.criteria)
    return ranking, stability, prio.compare_rankings(ranking, ahp_ranking)


# --- notes and key figures -------------------------------------------------------------------


def _notes(
    district: District,
    fields: pd.DataFrame,
    matrix: pd.DataFrame | None,
    scores: pd.DataFrame,
    origin: str,
    params: Parameters,
) -> tuple[str, ...]:
    """Sentences about this run: sources, what is missing, what the scores are."""
    notes = [_sources_note(district, fields)] if len(fields) else []
    if matrix is not None:
        notes.append(_matrix_note(district, matrix))
    if fields.empty:
        notes.append(
            f"No candidate task fields are recorded for {district.name} (no priority matrix, "
            "motion or coded interview fields). "
            + district.inputs.missing_note("task_fields")
            + " "
            + district.inputs.missing_note("candidate_fields")
        )
    if origin == prio.ILLUSTRATIVE:
        notes.append(
            f"ILLUSTRATIVE scores (random, seed {params.seed}) for {len(scores)} fields; "
            "replace them with a scores_file for a real assessment."
        )
    elif origin == prio.USER:
        notes.append(f"Scores for {len(scores)} fields from {params.scores_file}.")
    if len(scores) < 2:
        notes.append(
            f"Fewer than two fields to rank ({len(scores)}): the ranking, rank stability and "
            "the comparison with AHP weights are left out for this district."
        )
    if params.illustrative_judgements:
        notes.append("The AHP judgements are the illustrative defaults, not anyone's judgement.")
    return tuple(notes)


def _sources_note(district: District, fields: pd.DataFrame) -> str:
    """Which documents the candidate fields come from, with their counts."""
    counts = fields["origin"].value_counts()
    parts = [
        f"{counts[origin]} from {_ORIGIN_WORDS[origin]} ({_relative(district, origin)})"
        for origin in _ORIGIN_WORDS
        if origin in counts
    ]
    return f"{len(fields)} candidate task fields for {district.name}: " + "; ".join(parts) + "."


def _matrix_note(district: District, matrix: pd.DataFrame) -> str:
    """What the transcribed matrix holds: legibility, points, top-priority rows."""
    legibility = matrix["legibility"].value_counts()
    counts = ", ".join(f"{legibility.get(kind, 0)} {kind}" for kind in prio.LEGIBILITY)
    printed = int(matrix["matrix_priority_ocr"].notna().sum())
    top = matrix.loc[matrix["top_priority"].eq("yes"), "top_priority_field"]
    return (
        f"The transcribed priority matrix ({_relative(district, 'matrix')}) has {len(matrix)} "
        f"rows ({counts}). Every unreadable cell is listed in unknown_cells and never filled "
        "by guessing; illegible rows are not candidate fields. The transcription holds no "
        "points per criterion, so no original scores are used (the printed priority column "
        f"is kept as an OCR token in matrix_priority_ocr, {printed} rows). {len(top)} rows "
        f"({top.nunique()} fields) are marked top priority."
    )


def _relative(district: District, origin: str) -> Path:
    """The input file or folder of a candidate-field origin, relative to the project."""
    return prio.project_relative(district.inputs.path(_ORIGIN_INPUTS[origin]))


def _documents_source(district: District, origins: Sequence[str]) -> str:
    """Source of a field count: the district's documents of the given origins."""
    present = [o for o in _ORIGIN_WORDS if o in set(origins)]
    if not present:
        return (
            f"no priority matrix ({_relative(district, 'matrix')}) or motion "
            f"({_relative(district, 'motion')}) for this district: no field is marked first"
        )
    return "counted in " + "; ".join(
        f"{_ORIGIN_WORDS[o]} ({_relative(district, o)})" for o in present
    )


def _field_figures(district: District, fields: pd.DataFrame) -> dict[str, Reported]:
    """The counts of candidate, interview and top-priority fields, each with its documents."""
    origins = list(fields["origin"])
    if interview_data.has_interviews(district):
        interviews = _documents_source(district, ["interviews"])
    else:
        interviews = f"no coded interviews for this district ({_relative(district, 'interviews')})"
    return {
        "n_candidate_fields": Reported(len(fields), source=_documents_source(district, origins)),
        "n_interview_fields": Reported(
            int(fields["origin"].eq("interviews").sum()), source=interviews
        ),
        "n_top_priority_fields": Reported(
            int(fields["top_priority"].sum()),
            source=_documents_source(district, [o for o in origins if o != "interviews"]),
        ),
    }


def _key_figures(
    district: District,
    fields: pd.DataFrame,
    scores: pd.DataFrame,
    stability: pd.DataFrame | None,
    ahp: prio.AhpResult,
    params: Parameters,
) -> KeyFigures:
    """The declared key figures; kinds follow the origin of scores and judgements."""
    origin = _origin(scores)
    values: dict[str, Any] = {}
    if len(fields):
        values.update(_field_figures(district, fields))
    if len(scores):
        values.update(_score_figures(district, fields, scores, origin, params))
    values["ahp_consistency_ratio"] = _ahp_figure(ahp, params)
    if stability is not None:
        values.update(_ranking_figures(stability, origin, params))
    return KeyFigures(SECTION, SECTION.figures_from(values))


def _score_figures(
    district: District,
    fields: pd.DataFrame,
    scores: pd.DataFrame,
    origin: str,
    params: Parameters,
) -> dict[str, Reported]:
    """``n_scored_fields`` and ``score_origin``."""
    if origin == prio.USER:
        source = f"the user's scores file {params.scores_file}"
        return {
            "n_scored_fields": Reported(len(scores), kind=Kind.MODEL, source=source),
            "score_origin": Reported(origin, kind=Kind.MODEL, source=source),
        }
    which = "top-priority " if len(scores) < len(fields) else ""
    return {
        "n_scored_fields": Reported(
            len(scores),
            source=f"{which}candidate fields, " + _documents_source(district, fields["origin"]),
        ),
        "score_origin": Reported(
            origin, kind=Kind.ILLUSTRATIVE, source=f"random points 1-3, seed {params.seed}"
        ),
    }


def _ahp_figure(ahp: prio.AhpResult, params: Parameters) -> Reported:
    """The consistency ratio: illustrative with the default judgements, else model."""
    if params.illustrative_judgements:
        source = "Saaty AHP (principal eigenvector) of illustrative default judgements"
        return Reported(ahp.consistency_ratio, kind=Kind.ILLUSTRATIVE, source=source)
    source = "Saaty AHP (principal eigenvector) of the judgements passed by the user"
    return Reported(ahp.consistency_ratio, kind=Kind.MODEL, source=source)


def _ranking_figures(
    stability: pd.DataFrame, origin: str, params: Parameters
) -> dict[str, Reported]:
    """``top_field``, ``top_field_p_top_k`` and ``top_k``: illustrative with random scores."""
    kind = Kind.ILLUSTRATIVE if origin == prio.ILLUSTRATIVE else Kind.MODEL
    scores = (
        f"illustrative random scores (seed {params.seed})"
        if kind == Kind.ILLUSTRATIVE
        else f"scores from {params.scores_file}"
    )
    weights = "illustrative weights" if params.illustrative_weights else "the user's weights"
    source = (
        f"{METHOD} of {scores} with {weights}; weights perturbed ±{params.spread:.0%} in "
        f"{params.n_draws} draws (seed {params.seed})"
    )
    leader = stability.iloc[0]
    return {
        "top_field": Reported(str(leader["label"]), kind=kind, source=source),
        "top_field_p_top_k": Reported(float(leader["p_top_k"]), kind=kind, source=source),
        "top_k": Reported(params.top_k, kind=kind, source=source),
    }
