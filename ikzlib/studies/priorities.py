"""Study ``task_fields`` (notebook ``05_task_field_priorities``): which task fields first?

The study answers from what the district's documents say. It collects the candidate task
fields (a transcribed priority matrix, a motion, coded interviews) and ranks them by their
documented evidence (:func:`ikzlib.priorities.rank_by_evidence`): a steering group's or a
motion's priority decision first, then interview mentions with the study's count words, then
fields a document only lists. Ties stay ties. Every key figure of the study comes from this
ranking or from the documents' counts (``published``/``derived``).

A district that scores its fields (1-3 points per criterion, the Helmstedt scheme of
:mod:`ikzlib.priorities`) saves the filled template (:func:`ikzlib.priorities
.write_scores_template`) at :func:`ikzlib.priorities.scores_path`; the study then ranks the
fields with the weighted sum, checks the rank stability under uncertain weights and, with
the user's pairwise judgements, derives AHP weights. Those key figures are ``derived`` (the
ranking) or ``model`` (rank stability, AHP consistency), with the file as source.

Without the district's scores the study runs a **method demo** on invented fields with random
scores and illustrative weights and judgements (:attr:`PrioritiesStudy.demo`). It reports no
key figure and every title and note calls it illustrative.

Examples
--------
>>> from ikzlib.studies import priorities
>>> study = priorities.run("wolfenbuettel", n_draws=200)
>>> study.key_figures["n_top_rank_fields"].value, study.scoring is None
(4, True)
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
from ikzlib.ahp import (
    CR_ACCEPTABLE,
    AhpResult,
    ahp_weights,
    pairwise_from_judgements,
    restrict_judgements,
)
from ikzlib.catalog import District, resolve
from ikzlib.display import Table, TableSpec
from ikzlib.errors import ParameterError
from ikzlib.i18n import Message, Number, register, tr
from ikzlib.keyfigures import KeyFigure, KeyFigures, Kind, Reported, Section
from ikzlib.studies.base import Study, check_choice, check_number

METHOD = "Helmstedt IKZ project 2012 scheme (points 1-3 x criterion weights)"
RANKING_RULE = (
    "ranked by documented evidence: priority decision, then interview mentions (count word "
    "or named interviews), then listing; equal evidence shares a rank"
)
DEMO_FIELDS = 6  # invented fields of the method demo
_ORIGIN_INPUTS = {"matrix": "task_fields", "motion": "candidate_fields", "interviews": "interviews"}
_ORIGIN_NOTES = {
    "matrix": "{n} of them from a transcribed priority matrix ({path}).",
    "motion": "{n} of them from a motion or plan ({path}).",
    "interviews": "{n} of them from coded interviews ({path}).",
}

_FIELD = {"label": "Task field"}
_CRITERIA = {"label": "Criterion", "effect": "Effect on priority", "weight": "Weight"}
_SCORED = {"rank": "Rank", **_FIELD, "total": "Weighted total", "normalised": "Normalised total"}
_SCORED_DECIMALS = {"total": 1, "normalised": 3}
_WEIGHTS = {
    "criterion": "Criterion",
    "direct weights (normalised)": "Direct weights (normalised)",
    "AHP weights": "AHP weights",
}
# What :meth:`PrioritiesStudy.table` shows of each table: the keywords of
# :func:`ikzlib.display.table` (``columns``: raw name -> English label, in display order;
# ``None``: the criteria of the scoring, :attr:`Scoring.score_columns`). Parts starting with
# ``demo_`` are the method demo's, captioned as illustrative; the others the district's.
_TABLE_SPECS: dict[str, dict[str, Any]] = {
    "legibility": {
        "columns": {"origin": "Sheet", "legibility": "Legibility", "rows": "Rows"},
        "translate": ("legibility",),
    },
    "modes": {
        "columns": {"mode": "Mode", "meaning": "Meaning", "rows": "Rows"},
        "translate": ("meaning",),
    },
    "fields": {
        "columns": {
            "field_id": "Id",
            **_FIELD,
            "group": "Group",
            "origin": "Origin",
            "top_priority": "Top priority",
        },
        "translate": ("origin",),
    },
    "ranking": {
        "columns": {
            "rank": "Rank",
            "tied": "Fields at this rank",
            **_FIELD,
            "type_label": "Strongest evidence",
            "evidence": "Evidence",
            "n_documented": "Pieces documented",
            "n_inferred": "Pieces inferred",
            "source": "Source (file, row)",
        },
        "translate": ("type_label",),
    },
    "evidence": {
        "columns": {
            **_FIELD,
            "type_label": "Evidence type",
            "status_label": "Status",
            "count": "Count",
            "count_word": "Count word as printed",
            "detail": "Evidence",
            "source": "Source (file, row)",
        },
        "translate": ("type_label", "status_label"),
    },
    "documents": {"columns": {"document": "Document", "pieces": "Pieces of evidence"}},
    "template": {"columns": {"field_id": "Id", **_FIELD, "evidence_rank": "Evidence rank"}},
    "criteria": {"columns": _CRITERIA, "translate": ("label", "effect")},
    "scores": {"columns": None},
    "scored": {"columns": _SCORED, "decimals": _SCORED_DECIMALS},
    "weights": {"columns": _WEIGHTS, "decimals": 3, "translate": ("criterion",)},
    "demo_criteria": {
        "columns": _CRITERIA,
        "decimals": 0,
        "translate": ("label", "effect"),
        "caption": "Method demo (illustrative): criteria and weights",
    },
    "demo_scores": {
        "columns": None,
        "caption": "Method demo (illustrative): random scores of invented fields",
    },
    "demo_scored": {
        "columns": _SCORED,
        "decimals": _SCORED_DECIMALS,
        "caption": "Method demo (illustrative): weighted scoring",
    },
    "demo_stability": {
        "columns": {
            "rank": "Rank",
            **_FIELD,
            "p_top_k": "Share in the top k",
            "rank_median": "Median rank",
            "rank_p05": "Rank, 5 % quantile",
            "rank_p95": "Rank, 95 % quantile",
        },
        "caption": "Method demo (illustrative): rank stability",
    },
    "demo_weights": {
        "columns": _WEIGHTS,
        "decimals": 3,
        "translate": ("criterion",),
        "caption": "Method demo (illustrative): direct and AHP weights",
    },
    "demo_ranks": {
        "columns": {
            **_FIELD,
            "rank_direct": "Rank with direct weights",
            "rank_ahp": "Rank with AHP weights",
        },
        "caption": "Method demo (illustrative): ranks under both weight sets",
    },
}
TABLES = {name: TableSpec(**spec) for name, spec in _TABLE_SPECS.items()}
TEXTS = ("notes", "ahp", "demo_ahp", "demo_rank_change")
TEMPLATE_NAME = "priority_scores_template.csv"  # written to the district's processed folder

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
            "n_evidence_fields",
            "Fields with documented evidence",
            kind=Kind.DERIVED,
            source="evidence rows of the district's documents",
        ),
        KeyFigure(
            "n_top_rank_fields",
            "Fields sharing the top evidence rank",
            kind=Kind.DERIVED,
            source=RANKING_RULE,
            headline=True,
        ),
        KeyFigure(
            "top_evidence_field",
            "Top field by documented evidence (only when no other field ties)",
            decimals=None,
            kind=Kind.DERIVED,
            source=RANKING_RULE,
            headline=True,
        ),
        KeyFigure(
            "top_evidence",
            "Evidence of the top rank",
            decimals=None,
            kind=Kind.PUBLISHED,
            source="the strongest documented evidence of the fields ranked first",
        ),
        KeyFigure(
            "n_scored_fields",
            "Fields scored by the district",
            kind=Kind.DERIVED,
            source="the district's scores file",
        ),
        KeyFigure(
            "top_field",
            "Top field by the district's scores",
            decimals=None,
            kind=Kind.DERIVED,
            source="weighted sum of the district's scores",
        ),
        KeyFigure(
            "top_field_p_top_k",
            "Share of weight draws with the top scored field in the top k",
            decimals=1,
            percent=True,
            kind=Kind.MODEL,
            source="Monte Carlo weight perturbation of the district's scores",
        ),
        KeyFigure(
            "ahp_consistency_ratio",
            "AHP consistency ratio (CR) of the district's judgements",
            decimals=4,
            kind=Kind.MODEL,
            source="Saaty AHP (principal eigenvector) of the judgements passed by the user",
        ),
    ),
    order=50,
    notebook="05_task_field_priorities",
)


@dataclass(frozen=True)
class Parameters:
    """The checked parameters of one run (see :func:`run`)."""

    weights: dict[str, float] | None
    criteria: tuple[str, ...]
    scores_file: Path | None
    n_draws: int
    spread: float
    seed: int
    top_k: int
    ahp_judgements: dict[str, dict[str, float]] | None


@dataclass(frozen=True)
class Scoring:
    """Weighted scoring of one set of scores: the district's own, or the method demo.

    Attributes
    ----------
    district_name
        Name of the district (for titles).
    illustrative
        ``True`` for the method demo (invented fields, random scores, illustrative weights).
    criteria
        :func:`ikzlib.priorities.criteria_table` of the criteria and weights used.
    scores
        Points per field and criterion.
    ranking, stability
        Weighted totals and ranks, and rank stability under perturbed weights; ``None`` with
        fewer than two fields.
    ahp, weight_comparison, rank_comparison
        AHP weights of the judgements, direct vs AHP weights, direct vs AHP ranks; ``None``
        without judgements (and the ranks also with fewer than two fields).
    weights_note
        Which weights were used (a sentence part).
    scores_note
        Where the scores come from (a sentence part).
    n_draws, spread, top_k, seed
        The rank-stability settings.
    """

    district_name: str
    illustrative: bool
    criteria: pd.DataFrame
    scores: pd.DataFrame
    ranking: pd.DataFrame | None
    stability: pd.DataFrame | None
    ahp: AhpResult | None
    weight_comparison: pd.DataFrame | None
    rank_comparison: pd.DataFrame | None
    weights_note: Message
    scores_note: Message
    n_draws: int
    spread: float
    top_k: int
    seed: int

    @property
    def has_ranking(self) -> bool:
        """Whether at least two fields were scored and ranked."""
        return self.ranking is not None

    @property
    def score_columns(self) -> dict[str, str]:
        """Column labels of :attr:`scores` for display: field, then one per criterion."""
        return {
            "label": "Task field",
            **dict(zip(self.criteria["criterion"], self.criteria["label"], strict=True)),
        }

    @property
    def scoring_source(self) -> Message:
        """Source line of the weighted-score chart."""
        return Message(
            "Method: {method}; {scores}; {weights}.",
            method=METHOD,
            scores=self.scores_note,
            weights=self.weights_note,
        )

    @property
    def stability_source(self) -> Message:
        """Source line of the rank-stability chart."""
        return Message(
            "Monte Carlo weight perturbation, seed {seed}; {scores}.",
            seed=str(self.seed),
            scores=self.scores_note,
        )

    @property
    def ahp_summary(self) -> Message | None:
        """One sentence with lambda_max, CI, RI and CR of the judgements (``None`` without)."""
        if self.ahp is None:
            return None
        ahp = self.ahp
        template = _AHP_ACCEPTABLE if ahp.acceptable else _AHP_NOT_ACCEPTABLE
        return Message(
            template,
            lambda_max=Number(ahp.lambda_max, 3),
            ci=Number(ahp.consistency_index, 3),
            ri=Number(ahp.random_index, 2),
            cr=Number(ahp.consistency_ratio, 3),
            threshold=Number(CR_ACCEPTABLE, 2),
        )

    @property
    def rank_change_summary(self) -> Message | None:
        """How many fields change rank between direct and AHP weights (``None`` without)."""
        if self.rank_comparison is None:
            return None
        both = self.rank_comparison
        changed = int((both["rank_direct"] != both["rank_ahp"]).sum())
        return Message(
            "{changed} of {n} fields change rank between the two weight sets.",
            changed=changed,
            n=len(both),
        )


@dataclass(frozen=True, kw_only=True)
class PrioritiesStudy(Study):
    """Candidate task fields, their evidence ranking, and scoring of entered scores.

    Attributes
    ----------
    parameters
        The checked parameters.
    fields
        Candidate fields (:func:`ikzlib.priorities.candidate_fields`); empty when the
        district has none.
    matrix_legibility, matrix_modes
        Rows of the transcribed priority matrix by sheet and legibility, and per cooperation
        mode; ``None`` when the district has no matrix.
    evidence
        Every piece of evidence (:func:`ikzlib.priorities.field_evidence`).
    evidence_ranking
        Fields ranked by documented evidence (:func:`ikzlib.priorities.rank_by_evidence`).
    documents
        The documents the evidence cites (``document``, ``pieces``).
    evidence_data
        Kinds of district data the evidence comes from (e.g. ``coded interviews``).
    scores_path
        Where the district's own scores are read from (relative to the project).
    template
        The scores template of the district (fields in evidence order, points empty).
    scoring
        Weighted scoring of the district's own scores; ``None`` without them.
    demo
        The method demo on invented fields (illustrative); ``None`` when the district has
        scores of its own.
    """

    parameters: Parameters
    fields: pd.DataFrame
    matrix_legibility: pd.DataFrame | None
    matrix_modes: pd.DataFrame | None
    evidence: pd.DataFrame
    evidence_ranking: pd.DataFrame
    documents: pd.DataFrame
    evidence_data: tuple[str, ...]
    scores_path: Path
    template: pd.DataFrame
    scoring: Scoring | None
    demo: Scoring | None

    @property
    def has_evidence(self) -> bool:
        """Whether at least one field has documented evidence."""
        return not self.evidence_ranking.empty

    @property
    def evidence_source(self) -> Message:
        """Source line of the evidence chart: the files and the ranking rule."""
        files = "; ".join(sorted({s.split(",")[0] for s in self.evidence["source"]}))
        return Message(
            "Evidence from {files}; {rule}. Hatched: inferred, never changes a rank.",
            files=files,
            rule=Message(RANKING_RULE),
        )

    def frame(self, part: str) -> pd.DataFrame | None:
        """The table of ``part`` (a key of :data:`TABLES`) before display; ``None`` when the
        district has no such table (no matrix, no scores of its own, no judgements...)."""
        check_choice("table", part, TABLES)
        return _frames(self)[part]

    def table(self, part: str, lang: str = "en") -> Table | None:
        """``part`` as :func:`ikzlib.display.table` with the labels, decimals and caption of
        :data:`TABLES`, or ``None`` when the district has no such table."""
        frame = self.frame(part)
        if frame is None:
            return None
        spec = TABLES[part]
        # scores have one column per criterion of the scoring
        columns = self._scoring(part).score_columns if spec.columns is None else None
        return spec.show(frame, lang, columns=columns)

    def text(self, part: str, lang: str = "en") -> str:
        """The sentences of ``part`` (one of :data:`TEXTS`) in ``lang``, one per line; ``""``
        when there are none (e.g. no AHP judgements)."""
        check_choice("text", part, TEXTS)
        own, demo = self.scoring, self.demo
        sentences = {
            "notes": self.notes,
            "ahp": () if own is None else (own.ahp_summary,),
            "demo_ahp": () if demo is None else (demo.ahp_summary,),
            "demo_rank_change": () if demo is None else (demo.rank_change_summary,),
        }[part]
        return "\n".join(tr(s, lang) for s in sentences if s is not None)

    def write_template(self, root: str | Path | None = None) -> Path:
        """Write the scores template (:func:`ikzlib.priorities.write_scores_template`, the
        criteria of this run) to the district's processed folder, replacing an earlier one.

        Returns
        -------
        pathlib.Path
            The file, relative to the output root (stable for printing in notebooks).
        """
        target = paths.processed_dir(self.district, root=root) / TEMPLATE_NAME
        written = prio.write_scores_template(
            self.district, target, criteria=self.parameters.criteria, overwrite=True
        )
        return written.relative_to(paths.output_root(root))

    def _scoring(self, part: str) -> Scoring | None:
        """The scoring a table part belongs to: the demo's (``demo_...``) or the district's."""
        return self.demo if part.startswith("demo_") else self.scoring


def _frames(study: PrioritiesStudy) -> dict[str, pd.DataFrame | None]:
    """The raw tables behind :data:`TABLES` (``None`` where the study has no such part)."""
    frames: dict[str, pd.DataFrame | None] = {
        "legibility": study.matrix_legibility,
        "modes": study.matrix_modes,
        "fields": study.fields,
        "ranking": study.evidence_ranking,
        "evidence": study.evidence,
        "documents": study.documents,
        "template": study.template,
    }
    for part in TABLES.keys() - frames.keys():
        scoring = study._scoring(part)
        attribute = _SCORING_TABLES[part.removeprefix("demo_")]
        frames[part] = None if scoring is None else getattr(scoring, attribute)
    return frames


# Table parts of a scoring (without ``demo_``) -> the attribute of :class:`Scoring` shown.
_SCORING_TABLES = {
    "criteria": "criteria",
    "scores": "scores",
    "scored": "ranking",
    "stability": "stability",
    "weights": "weight_comparison",
    "ranks": "rank_comparison",
}


def run(
    district: str | District,
    *,
    weights: Mapping[str, float] | None = None,
    criteria: Sequence[str] | None = None,
    scores_file: str | Path | None = None,
    n_draws: int = 2000,
    spread: float = 0.5,
    seed: int = 42,
    top_k: int = 3,
    ahp_judgements: Mapping[str, Mapping[str, float]] | None = None,
) -> PrioritiesStudy:
    """Rank the task fields of ``district`` by evidence; score them with the district's scores.

    Parameters
    ----------
    district
        Catalog key or :class:`~ikzlib.catalog.District`.
    weights
        Weight per criterion for the district's scores, positive (default: equal weights).
    criteria
        Criteria to score, a subset of :data:`ikzlib.priorities.CRITERION_KEYS` (default:
        the keys of ``weights``, else all).
    scores_file
        CSV with the district's scores (:func:`ikzlib.priorities.read_scores_csv`); a
        relative path is taken from the project root. ``None``: the file at
        :func:`ikzlib.priorities.scores_path` when it exists, else no scores (and the demo).
    n_draws, spread, seed, top_k
        Monte Carlo draws, relative weight spread in [0, 1), random seed (also of the demo
        scores) and the *k* of the top-*k* share.
    ahp_judgements
        Saaty judgements ``{a: {b: value}}`` for every pair of criteria, to compare the
        district's weights with AHP weights (default: no AHP for the district's scores).

    Raises
    ------
    ikzlib.errors.ParameterError
        For a bad parameter, naming it.
    ikzlib.errors.DataValidationError
        For a scores file that is not filled in correctly (file, line, column).
    """
    district = resolve(district)
    params = check_parameters(
        weights=weights,
        criteria=criteria,
        scores_file=scores_file,
        n_draws=n_draws,
        spread=spread,
        seed=seed,
        top_k=top_k,
        ahp_judgements=ahp_judgements,
    )
    project, unattributed = prio.interview_inputs(district)
    counts = (
        None if project is None else interview_data.potential_field_counts(project, unattributed)
    )
    fields = prio.candidate_fields(district, interview_fields=counts)
    matrix = _matrix(district)
    evidence = prio.field_evidence(district, project, unattributed)
    ranking = prio.rank_by_evidence(evidence)
    scores_path = params.scores_file or prio.scores_path(district)
    scoring = _own_scoring(district, scores_path, params) if scores_path.is_file() else None
    demo = None if scoring is not None else _demo(district, params)
    notes = _notes(district, fields, matrix, evidence, ranking, unattributed, scoring, demo)
    return PrioritiesStudy(
        district=district,
        key_figures=_key_figures(district, fields, ranking, scoring),
        notes=notes,
        parameters=params,
        fields=fields,
        matrix_legibility=None if matrix is None else prio.matrix_legibility(matrix),
        matrix_modes=None if matrix is None else prio.matrix_modes(matrix),
        evidence=evidence,
        evidence_ranking=ranking,
        documents=_documents(evidence),
        evidence_data=tuple(prio.evidence_data(evidence)),
        scores_path=prio.project_relative(scores_path),
        template=prio.scores_template(ranking, params.criteria),
        scoring=scoring,
        demo=demo,
    )


# --- parameters ------------------------------------------------------------------------------


def check_parameters(
    *,
    weights: Mapping[str, float] | None,
    criteria: Sequence[str] | None,
    scores_file: str | Path | None,
    n_draws: int,
    spread: float,
    seed: int,
    top_k: int,
    ahp_judgements: Mapping[str, Mapping[str, float]] | None,
) -> Parameters:
    """Check every parameter of :func:`run`; :class:`ParameterError` names the first bad one."""
    if weights is not None and not isinstance(weights, Mapping):
        raise ParameterError(f"parameter weights={weights!r}: a mapping criterion -> weight")
    if criteria is None:
        criteria = list(weights) if weights is not None else prio.CRITERION_KEYS
    keys = _check_criteria(criteria)
    return Parameters(
        weights=None if weights is None else _check_weights(weights, keys),
        criteria=keys,
        scores_file=_check_scores_file(scores_file),
        n_draws=int(check_number("n_draws", n_draws, minimum=1, integer=True)),
        spread=_check_spread(spread),
        seed=int(check_number("seed", seed, minimum=0, integer=True)),
        top_k=int(check_number("top_k", top_k, minimum=1, integer=True)),
        ahp_judgements=None if ahp_judgements is None else _check_judgements(ahp_judgements, keys),
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
        pairwise_from_judgements(criteria, restrict_judgements(checked, criteria))
    except ValueError as error:
        raise ParameterError(f"parameter ahp_judgements: {error}") from None
    return checked


# --- pipeline --------------------------------------------------------------------------------


def _matrix(district: District) -> pd.DataFrame | None:
    """The transcribed priority matrix, or ``None`` when the district has none."""
    if not district.inputs.has("task_fields"):
        return None
    return prio.read_task_field_matrix(district.inputs.path("task_fields"))


def _documents(evidence: pd.DataFrame) -> pd.DataFrame:
    """The documents the evidence cites, with the number of pieces of evidence from each."""
    cited = evidence.dropna(subset=["document"])
    counts = cited.groupby("document", sort=True).size().rename("pieces").reset_index()
    return counts[["document", "pieces"]]


def _scoring(
    district: District,
    scores: pd.DataFrame,
    weights: Mapping[str, float],
    judgements: Mapping[str, Mapping[str, float]] | None,
    params: Parameters,
    *,
    criteria: Sequence[str],
    illustrative: bool,
    notes: tuple[Message, Message],
) -> Scoring:
    """Weighted totals, rank stability and (with judgements) AHP weights of ``scores``."""
    ranking = stability = ahp = weight_comparison = rank_comparison = None
    if judgements is not None:
        judged = restrict_judgements(judgements, criteria)
        ahp = ahp_weights(pairwise_from_judgements(criteria, judged))
        weight_comparison = prio.compare_weights(weights, ahp, criteria)
    if len(scores) >= 2:
        ranking = prio.weighted_scores(scores, weights, criteria)
        stability = prio.rank_stability(
            scores,
            weights,
            criteria=criteria,
            n_draws=params.n_draws,
            spread=params.spread,
            top_k=params.top_k,
            seed=params.seed,
        ).drop(columns=["total", "normalised"])
        if ahp is not None:
            ahp_ranking = prio.weighted_scores(scores, ahp.weights.to_dict(), criteria)
            rank_comparison = prio.compare_rankings(ranking, ahp_ranking)
    return Scoring(
        district_name=district.name,
        illustrative=illustrative,
        criteria=prio.criteria_table(criteria, weights),
        scores=scores,
        ranking=ranking,
        stability=stability,
        ahp=ahp,
        weight_comparison=weight_comparison,
        rank_comparison=rank_comparison,
        scores_note=notes[0],
        weights_note=notes[1],
        n_draws=params.n_draws,
        spread=params.spread,
        top_k=params.top_k,
        seed=params.seed,
    )


def _own_scoring(district: District, path: Path, params: Parameters) -> Scoring:
    """Scoring of the district's own scores file."""
    weights = params.weights or {key: 1.0 for key in params.criteria}
    weights_note = Message(
        "equal weights" if params.weights is None else "weights passed as a parameter"
    )
    scores = prio.read_scores_csv(path, params.criteria)
    file = str(prio.project_relative(path))
    return _scoring(
        district,
        scores,
        weights,
        params.ahp_judgements,
        params,
        criteria=params.criteria,
        illustrative=False,
        notes=(Message("scores from {file}", file=file), weights_note),
    )


def _demo(district: District, params: Parameters) -> Scoring:
    """The method demo: invented fields, random scores, illustrative weights and judgements."""
    scores = prio.illustrative_scores(prio.demo_fields(DEMO_FIELDS), params.seed)
    return _scoring(
        district,
        scores,
        prio.ILLUSTRATIVE_WEIGHTS,
        prio.ILLUSTRATIVE_AHP_JUDGEMENTS,
        params,
        criteria=prio.CRITERION_KEYS,
        illustrative=True,
        notes=(
            Message(
                "ILLUSTRATIVE: invented fields with random scores (seed {seed})",
                seed=str(params.seed),
            ),
            Message("illustrative weights and AHP judgements"),
        ),
    )


# --- notes -----------------------------------------------------------------------------------


def _notes(
    district: District,
    fields: pd.DataFrame,
    matrix: pd.DataFrame | None,
    evidence: pd.DataFrame,
    ranking: pd.DataFrame,
    unattributed: pd.DataFrame | None,
    scoring: Scoring | None,
    demo: Scoring | None,
) -> tuple[str, ...]:
    """Sentences about this run: sources, evidence ranking, what is missing, scores, demo."""
    notes = _source_notes(district, fields)
    if matrix is not None:
        notes.append(_matrix_note(district, matrix))
    if fields.empty:
        notes += [
            Message(
                "No candidate task fields are recorded for {district}.", district=district.name
            ),
            *(
                district.inputs.missing_note(name)
                for name in ("task_fields", "candidate_fields", "interviews")
            ),
        ]
    notes += _evidence_notes(evidence, ranking, unattributed)
    notes.append(_scores_note(district, scoring))
    if demo is not None:
        notes.append(
            Message(
                "Method demo (ILLUSTRATIVE): {n} invented fields with random scores (seed {seed}), "
                "illustrative weights and AHP judgements; it describes no field of {district} "
                "and gives no key figure.",
                n=len(demo.scores),
                seed=str(demo.seed),
                district=district.name,
            )
        )
    return tuple(notes)


def _relative(district: District, origin: str) -> str:
    """The input file or folder of a candidate-field origin, relative to the project."""
    return str(prio.project_relative(district.inputs.path(_ORIGIN_INPUTS[origin])))


def _source_notes(district: District, fields: pd.DataFrame) -> list[Message]:
    """How many candidate fields the district has, and from which documents."""
    if fields.empty:
        return []
    counts = fields["origin"].value_counts()
    notes = [
        Message("{n} candidate task fields for {district}.", n=len(fields), district=district.name)
    ]
    notes += [
        Message(_ORIGIN_NOTES[origin], n=int(counts[origin]), path=_relative(district, origin))
        for origin in _ORIGIN_NOTES
        if origin in counts
    ]
    return notes


def _matrix_note(district: District, matrix: pd.DataFrame) -> Message:
    """What the transcribed matrix holds: legibility, points, top-priority rows."""
    legibility = matrix["legibility"].value_counts()
    top = matrix.loc[matrix["top_priority"].eq("yes"), "top_priority_field"]
    return Message(
        "The transcribed priority matrix ({path}) has {n} rows ({legible} legible, "
        "{partial} partial, {illegible} illegible). Every unreadable cell is listed in "
        "unknown_cells and never filled by guessing; illegible rows are not candidate fields. "
        "The transcription holds no points per criterion, so no original scores exist (the "
        "printed priority column is kept as an OCR token in matrix_priority_ocr, {printed} "
        "rows). {top} rows ({top_fields} fields) are marked top priority.",
        path=_relative(district, "matrix"),
        n=len(matrix),
        legible=int(legibility.get("legible", 0)),
        partial=int(legibility.get("partial", 0)),
        illegible=int(legibility.get("illegible", 0)),
        printed=int(matrix["matrix_priority_ocr"].notna().sum()),
        top=len(top),
        top_fields=top.nunique(),
    )


def _evidence_notes(
    evidence: pd.DataFrame, ranking: pd.DataFrame, unattributed: pd.DataFrame | None
) -> list[Message]:
    """The ranking in one sentence, inferred evidence, unscaled count words, general findings."""
    if ranking.empty:
        return [Message("No field has documented evidence, so nothing is ranked.")]
    top = ranking[ranking["rank"] == 1]
    leader = top.iloc[0]
    notes = [
        Message(
            "{n} fields ranked by documented evidence; rank 1: {fields} ({evidence}).",
            n=len(ranking),
            fields="; ".join(map(str, top["label"])),
            evidence=_evidence_phrase(leader),
        )
        if len(top) == 1
        else Message(
            "{n} fields ranked by documented evidence; {tied} fields share rank 1 "
            "({evidence}): the documents do not order them further.",
            n=len(ranking),
            tied=len(top),
            evidence=_evidence_phrase(leader),
        )
    ]
    inferred = evidence[evidence["status"] == prio.INFERRED]
    if len(inferred):
        notes.append(
            Message(
                "{n} pieces of evidence are inferred ({what}): shown beside the documented "
                "evidence, they change no rank.",
                n=len(inferred),
                what=Message(prio.EVIDENCE_TYPES[inferred["evidence_type"].iloc[0]].label),
            )
        )
    words = evidence[evidence["evidence_type"].eq("count_word")]["count_word"]
    unscaled = sorted({w for w in words if prio.count_word_strength(w) is None})
    if unscaled:
        notes.append(
            Message(
                "Count words not on the scale, ranked like a mention without a count: {words}.",
                words=", ".join(unscaled),
            )
        )
    if unattributed is not None:
        general = unattributed[unattributed["code_id"] == interview_data.TASK_FIELD_PARENT]
        notes += [
            Message(
                "Finding {id} ('{word}', section {section}) concerns the named fields as a "
                "whole and counts for none of them: {statement}",
                id=row["finding_id"],
                word=row["count_word"],
                section=row["section"],
                statement=row["statement"],
            )
            for _, row in general.iterrows()
        ]
    return notes


def _evidence_phrase(row: pd.Series) -> Message:
    """The strongest evidence of a ranking row in words (type and, for interviews, strength)."""
    label = Message(prio.EVIDENCE_TYPES[row["evidence_type"]].label)
    if row["tier"] != prio.INTERVIEWS:
        return label
    return Message("{type}: {scale}", type=label, scale=Message(prio.COUNT_SCALE[row["strength"]]))


def _scores_note(district: District, scoring: Scoring | None) -> Message:
    """Whether the district scored its fields, and how to do it."""
    if scoring is not None:
        return Message(
            "{n} fields scored by the district ({scores}; {weights}).",
            n=len(scoring.scores),
            scores=scoring.scores_note,
            weights=scoring.weights_note,
        )
    return Message(
        "{district} has no scores of its own yet (expected at {path}). To score the candidate "
        "fields: write the template with ikzlib.priorities.write_scores_template, enter 1-3 "
        "points per criterion and save the file there.",
        district=district.name,
        path=str(prio.project_relative(prio.scores_path(district))),
    )


# --- key figures -----------------------------------------------------------------------------


def _documents_source(district: District, origins: Sequence[str]) -> str:
    """Source of a field count: the district's documents of the given origins."""
    present = [o for o in _ORIGIN_NOTES if o in set(origins)]
    if not present:
        return (
            f"no priority matrix ({_relative(district, 'matrix')}) or motion "
            f"({_relative(district, 'motion')}) for this district: no field is marked first"
        )
    return "counted in " + "; ".join(_relative(district, o) for o in present)


def _key_figures(
    district: District,
    fields: pd.DataFrame,
    ranking: pd.DataFrame,
    scoring: Scoring | None,
) -> KeyFigures:
    """The declared key figures: documents' counts, evidence ranking, the district's scores."""
    values: dict[str, Any] = {}
    if len(fields):
        values.update(_field_figures(district, fields))
    if len(ranking):
        values.update(_evidence_figures(ranking))
    if scoring is not None:
        values.update(_scoring_figures(scoring))
    return KeyFigures(SECTION, SECTION.figures_from(values))


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


def _evidence_figures(ranking: pd.DataFrame) -> dict[str, Reported]:
    """Fields with evidence, fields at rank 1, the top field when it is alone, its evidence."""
    top = ranking[ranking["rank"] == 1]
    files = "; ".join(sorted({s.split(",")[0] for s in top["source"]}))
    values = {
        "n_evidence_fields": Reported(len(ranking), source=f"{RANKING_RULE}; {files}"),
        "n_top_rank_fields": Reported(len(top), source=f"{RANKING_RULE}; {files}"),
        "top_evidence": Reported(
            str(_evidence_phrase(top.iloc[0])),
            source="; ".join(top["source"]) if len(top) <= 3 else f"{len(top)} rows of {files}",
        ),
    }
    if len(top) == 1:
        values["top_evidence_field"] = Reported(
            str(top.iloc[0]["label"]), source=f"{RANKING_RULE}; {top.iloc[0]['source']}"
        )
    return values


def _scoring_figures(scoring: Scoring) -> dict[str, Reported]:
    """``n_scored_fields``, ``top_field`` (ties named), ``top_field_p_top_k``, AHP CR."""
    source = f"{scoring.scores_note}, {scoring.weights_note}"
    values = {"n_scored_fields": Reported(len(scoring.scores), source=str(scoring.scores_note))}
    if scoring.ranking is not None:
        first = scoring.ranking[scoring.ranking["rank"] == 1]
        values["top_field"] = Reported(
            "; ".join(map(str, first["label"])),
            source=f"{METHOD}: {source}" + (f"; {len(first)} fields tie" if len(first) > 1 else ""),
        )
        leader = scoring.stability.iloc[0]
        values["top_field_p_top_k"] = Reported(
            float(leader["p_top_k"]),
            source=f"top {scoring.top_k}: weights ±{scoring.spread:.0%} in {scoring.n_draws} "
            f"draws (seed {scoring.seed}); {source}",
        )
    if scoring.ahp is not None:
        values["ahp_consistency_ratio"] = Reported(scoring.ahp.consistency_ratio)
    return values


_AHP_ACCEPTABLE = (
    "lambda_max = {lambda_max}, CI = {ci}, RI = {ri}, CR = {cr} (acceptable: threshold {threshold})"
)
_AHP_NOT_ACCEPTABLE = (
    "lambda_max = {lambda_max}, CI = {ci}, RI = {ri}, CR = {cr} (NOT acceptable: threshold "
    "{threshold})"
)

# Key-figure labels and the column labels notebook 05 shows.
register(
    {
        **{
            figure.label: german
            for figure, german in zip(
                SECTION.figures,
                (
                    "Mögliche Aufgabenfelder",
                    "In Interviews genannte mögliche Aufgabenfelder",
                    "Von einer Lenkungsgruppe oder einem Antrag vorangestellte Felder",
                    "Aufgabenfelder mit belegter Evidenz",
                    "Aufgabenfelder auf dem ersten Evidenzrang",
                    "Bestes Aufgabenfeld nach belegter Evidenz (nur ohne Gleichstand)",
                    "Evidenz des ersten Rangs",
                    "Vom Kreis bewertete Aufgabenfelder",
                    "Bestes Aufgabenfeld nach den eigenen Bewertungen",
                    "Anteil der Gewichtsziehungen mit dem besten Feld unter den besten k",
                    "AHP-Konsistenzverhältnis (CR) der eigenen Urteile",
                ),
                strict=True,
            )
        },
        "Task field": "Aufgabenfeld",
        "Id": "Kennung",
        "Template written:": "Vorlage geschrieben:",
        "Method demo (illustrative): criteria and weights": (
            "Methodendemonstration (illustrativ): Kriterien und Gewichte"
        ),
        "Method demo (illustrative): random scores of invented fields": (
            "Methodendemonstration (illustrativ): Zufallsbewertungen erfundener Felder"
        ),
        "Method demo (illustrative): weighted scoring": (
            "Methodendemonstration (illustrativ): gewichtete Bewertung"
        ),
        "Method demo (illustrative): rank stability": (
            "Methodendemonstration (illustrativ): Rangstabilität"
        ),
        "Method demo (illustrative): direct and AHP weights": (
            "Methodendemonstration (illustrativ): direkte und AHP-Gewichte"
        ),
        "Method demo (illustrative): ranks under both weight sets": (
            "Methodendemonstration (illustrativ): Ränge unter beiden Gewichtungen"
        ),
        "Rank": "Rang",
        "Fields at this rank": "Felder auf diesem Rang",
        "Strongest evidence": "Stärkste Evidenz",
        "Evidence type": "Art der Evidenz",
        "Status": "Status",
        "Pieces documented": "Belege (belegt)",
        "Pieces inferred": "Belege (abgeleitet)",
        "Evidence": "Evidenz",
        "Source (file, row)": "Quelle (Datei, Zeile)",
        "Document": "Dokument",
        "Pieces of evidence": "Anzahl der Belege",
        "Count word as printed": "Mengenangabe im Original",
        "Count": "Anzahl",
        "Group": "Gruppe",
        "Origin": "Herkunft",
        "Top priority": "Top-Priorität",
        "Interviews named": "Benannte Interviews",
        "Count words": "Mengenangaben",
        "Sheet": "Blatt",
        "Legibility": "Lesbarkeit",
        "Rows": "Zeilen",
        "Mode": "Modus",
        "Meaning": "Bedeutung",
        "Criterion": "Kriterium",
        "Effect on priority": "Wirkung auf die Priorität",
        "Weight": "Gewicht",
        "Evidence rank": "Evidenzrang",
        "Note": "Anmerkung",
        "Weighted total": "Gewichtete Summe",
        "Normalised total": "Normierte Summe",
        "Share in the top k": "Anteil unter den besten k",
        "Median rank": "Median-Rang",
        "Rank, 5 % quantile": "Rang, 5-%-Quantil",
        "Rank, 95 % quantile": "Rang, 95-%-Quantil",
        "Direct weights (normalised)": "Direkte Gewichte (normiert)",
        "AHP weights": "AHP-Gewichte",
        "Rank with direct weights": "Rang mit direkten Gewichten",
        "Rank with AHP weights": "Rang mit AHP-Gewichten",
        "matrix": "Matrix",
        "interviews": "Interviews",
    }
)

register(
    {
        RANKING_RULE: (
            "nach belegter Evidenz geordnet: Prioritätenbeschluss, dann Nennungen in Interviews "
            "(Mengenangabe oder benannte Interviews), dann Aufführung; gleiche Evidenz teilt "
            "sich einen Rang"
        ),
        "Method: {method}; {scores}; {weights}.": "Methode: {method}; {scores}; {weights}.",
        "Monte Carlo weight perturbation, seed {seed}; {scores}.": (
            "Monte-Carlo-Variation der Gewichte, Startwert {seed}; {scores}."
        ),
        _AHP_ACCEPTABLE: (
            "λ_max = {lambda_max}, CI = {ci}, RI = {ri}, CR = {cr} (akzeptabel: Schwelle "
            "{threshold})"
        ),
        _AHP_NOT_ACCEPTABLE: (
            "λ_max = {lambda_max}, CI = {ci}, RI = {ri}, CR = {cr} (NICHT akzeptabel: Schwelle "
            "{threshold})"
        ),
        "{changed} of {n} fields change rank between the two weight sets.": (
            "{changed} von {n} Feldern wechseln zwischen den beiden Gewichtungen den Rang."
        ),
        "Evidence from {files}; {rule}. Hatched: inferred, never changes a rank.": (
            "Evidenz aus {files}; {rule}. Schraffiert: abgeleitet, ändert keinen Rang."
        ),
        "equal weights": "gleiche Gewichte",
        "weights passed as a parameter": "als Parameter übergebene Gewichte",
        "scores from {file}": "Bewertungen aus {file}",
        "ILLUSTRATIVE: invented fields with random scores (seed {seed})": (
            "ILLUSTRATIV: erfundene Felder mit Zufallsbewertungen (Startwert {seed})"
        ),
        "illustrative weights and AHP judgements": "illustrative Gewichte und AHP-Urteile",
        "No candidate task fields are recorded for {district}.": (
            "Für {district} sind keine möglichen Aufgabenfelder erfasst."
        ),
        "Method demo (ILLUSTRATIVE): {n} invented fields with random scores (seed {seed}), "
        "illustrative weights and AHP judgements; it describes no field of {district} "
        "and gives no key figure.": (
            "Methodendemonstration (ILLUSTRATIV): {n} erfundene Felder mit Zufallsbewertungen "
            "(Startwert {seed}), illustrative Gewichte und AHP-Urteile; sie beschreibt kein "
            "Aufgabenfeld von {district} und liefert keine Kennzahl."
        ),
        "{n} candidate task fields for {district}.": (
            "{n} mögliche Aufgabenfelder für {district}."
        ),
        _ORIGIN_NOTES["matrix"]: "Davon {n} aus einer transkribierten Prioritätenmatrix ({path}).",
        _ORIGIN_NOTES["motion"]: "Davon {n} aus einem Antrag oder Plan ({path}).",
        _ORIGIN_NOTES["interviews"]: "Davon {n} aus codierten Interviews ({path}).",
        "The transcribed priority matrix ({path}) has {n} rows ({legible} legible, "
        "{partial} partial, {illegible} illegible). Every unreadable cell is listed in "
        "unknown_cells and never filled by guessing; illegible rows are not candidate fields. "
        "The transcription holds no points per criterion, so no original scores exist (the "
        "printed priority column is kept as an OCR token in matrix_priority_ocr, {printed} "
        "rows). {top} rows ({top_fields} fields) are marked top priority.": (
            "Die transkribierte Prioritätenmatrix ({path}) hat {n} Zeilen ({legible} lesbar, "
            "{partial} teilweise lesbar, {illegible} unlesbar). Jede unlesbare Zelle steht in "
            "unknown_cells und wird nie durch Raten gefüllt; unlesbare Zeilen sind keine "
            "möglichen Aufgabenfelder. Die Transkription enthält keine Punkte je Kriterium, "
            "es gibt also keine ursprünglichen Bewertungen (die gedruckte Prioritätsspalte "
            "bleibt als OCR-Zeichen in matrix_priority_ocr erhalten, {printed} Zeilen). "
            "{top} Zeilen ({top_fields} Felder) sind als Top-Priorität markiert."
        ),
        "No field has documented evidence, so nothing is ranked.": (
            "Kein Aufgabenfeld ist durch eine Quelle belegt; es wird nichts gereiht."
        ),
        "{n} fields ranked by documented evidence; rank 1: {fields} ({evidence}).": (
            "{n} Aufgabenfelder nach belegter Evidenz gereiht; Rang 1: {fields} ({evidence})."
        ),
        "{n} fields ranked by documented evidence; {tied} fields share rank 1 "
        "({evidence}): the documents do not order them further.": (
            "{n} Aufgabenfelder nach belegter Evidenz gereiht; {tied} Felder teilen sich "
            "Rang 1 ({evidence}): die Dokumente ordnen sie nicht weiter."
        ),
        "{n} pieces of evidence are inferred ({what}): shown beside the documented "
        "evidence, they change no rank.": (
            "{n} Belege sind abgeleitet ({what}): Sie stehen neben der belegten Evidenz und "
            "ändern keinen Rang."
        ),
        "Count words not on the scale, ranked like a mention without a count: {words}.": (
            "Mengenangaben außerhalb der Skala, gereiht wie eine Nennung ohne Mengenangabe: "
            "{words}."
        ),
        "Finding {id} ('{word}', section {section}) concerns the named fields as a "
        "whole and counts for none of them: {statement}": (
            "Befund {id} („{word}“, Abschnitt {section}) betrifft die genannten Felder "
            "insgesamt und zählt für keines von ihnen: {statement}"
        ),
        "{type}: {scale}": "{type}: {scale}",
        "{n} fields scored by the district ({scores}; {weights}).": (
            "{n} Aufgabenfelder mit eigenen Bewertungen ({scores}; {weights})."
        ),
        "{district} has no scores of its own yet (expected at {path}). To score the candidate "
        "fields: write the template with ikzlib.priorities.write_scores_template, enter 1-3 "
        "points per criterion and save the file there.": (
            "{district} hat noch keine eigenen Bewertungen (erwartet unter {path}). Um die "
            "möglichen Aufgabenfelder zu bewerten: die Vorlage mit "
            "ikzlib.priorities.write_scores_template schreiben, je Kriterium 1-3 Punkte "
            "eintragen und die Datei dort speichern."
        ),
    }
)
