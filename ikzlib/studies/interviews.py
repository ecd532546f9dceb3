"""Study ``interviews`` (notebook ``03_interviews``): a district's coded interviews and a demo.

The result has two parts:

* :class:`DistrictInterviews`, the district's own coded interviews (``data/raw/<district>/
  interviews/``): counts of the key codes, findings the data reports without naming
  interviews, task fields named as potentials, the document x code matrix, code
  co-occurrence and a thematic-saturation check. ``None`` when the district has no coded
  interviews (the study then carries a note saying how to add them).
* :class:`DemoInterviews`, segment-level methods (intercoder agreement, a crosstab by size
  class with confidentiality suppression, segment co-occurrence, a saturation curve) shown on
  the synthetic project of :mod:`ikzlib.qda.demo`, identical for every district. Its figures
  are of kind ``synthetic``: they describe nobody.

Every sentence about the district's data (where it comes from, what it can show) is built
from the data, so a district with its own coded interviews gets its own text. No interview is
linked to a municipality: the study never joins interview data with municipal data.

Examples
--------
>>> study = run("harz", n_bootstrap=50)
>>> study.key_figures["n_interviews_legal_risk"].value
4
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import networkx as nx
import pandas as pd

from ikzlib import interview_data, paths
from ikzlib.catalog import District, resolve
from ikzlib.errors import ParameterError
from ikzlib.keyfigures import KeyFigure, KeyFigures, Kind, Reported, Section
from ikzlib.municipalities import SIZE_CLASS_LABELS
from ikzlib.qda import agreement, analysis, cooccurrence, demo, saturation
from ikzlib.qda.model import CodedProject
from ikzlib.studies.base import Study, check_number

NO_DATA_VERDICT = "no interview data"
SATURATION_METHOD = "Guest, Namey & Chen (2020)"
OWN_SOURCE = "coded interviews of the district (data/raw/<district>/interviews/)"
DEMO_SOURCE = "ikzlib.qda.demo: synthetic demo project (invented interviews, two coders)"

# Codes whose counts the findings table shows (pipeline configuration: the codebook of a
# reconstruction of a published study). Codes a district's codebook lacks are skipped.
KEY_CODES: tuple[str, ...] = (
    "obstacles.resources",
    "obstacles.legal_risk",
    "obstacles.funding_bureaucracy",
    "obstacles.it_incompatibility",
    "digital.for",
    "digital.against",
    "informal.exchange.hvb_contact",
    "informal.exchange.working_groups",
    "district.frame",
    "district.rejected",
    "size.takeover_open",
    "size.uncompensated_effort",
    "size.fair_division_doubts",
    "blurred",
)
# Key codes summarised in one sentence each (the study's headline findings).
HIGHLIGHT_CODES: tuple[str, ...] = (
    "obstacles.resources",
    "obstacles.legal_risk",
    "digital.for",
    "digital.against",
)
# Key figures counting the interviews with a code: figure name -> code.
CODE_FIGURES = {
    "n_interviews_lacking_resources": "obstacles.resources",
    "n_interviews_legal_risk": "obstacles.legal_risk",
}
DEMO_SEGMENT_CODE = "obstacles.legal_risk"  # code of the segment-retrieval example


def _own(name: str, label: str, *, headline: bool = False) -> KeyFigure:
    """A count from the district's coded interviews (published when they reconstruct a study)."""
    return KeyFigure(
        name,
        label,
        kind=Kind.PUBLISHED,
        kinds=(Kind.DERIVED,),
        source=OWN_SOURCE,
        headline=headline,
    )


def _synthetic(name: str, label: str, decimals: int) -> KeyFigure:
    """A figure computed on the synthetic demo project."""
    return KeyFigure(name, label, decimals=decimals, kind=Kind.SYNTHETIC, source=DEMO_SOURCE)


SECTION = Section(
    "interviews",
    "Coded interviews",
    (
        KeyFigure(
            "has_interview_data",
            "Coded interviews available",
            decimals=None,
            kind=Kind.DERIVED,
            source="district inputs (ikzlib.catalog): data/raw/<district>/interviews/",
        ),
        _own("n_interviews", "Interviews", headline=True),
        _own("n_codes", "Codes in the codebook"),
        _own("n_codings", "Codings", headline=True),
        _own("n_unattributed", "Findings without named interviews"),
        _own(
            "n_interviews_lacking_resources", "Interviews naming lacking resources", headline=True
        ),
        _own("n_interviews_legal_risk", "Interviews naming legal risks"),
        KeyFigure(
            "saturation_verdict",
            "Thematic saturation",
            decimals=None,
            kind=Kind.DERIVED,
            source=f"{SATURATION_METHOD} applied to the coded interviews",
        ),
        _synthetic("demo_segment_kappa", "Cohen's kappa, segment level (synthetic demo)", 3),
        _synthetic("demo_segment_alpha", "Krippendorff's alpha, segment level (synthetic demo)", 3),
        _synthetic("demo_suppressed_cells", "Cells hidden in the crosstab (synthetic demo)", 0),
    ),
    order=30,
    notebook="03_interviews",
)


@dataclass(frozen=True)
class InterviewParameters:
    """The study's settings, validated (see :func:`parameters`)."""

    min_cell_size: int = 3
    saturation_base: int = 4
    saturation_run: int = 2
    saturation_threshold: float = 0.05
    n_bootstrap: int = 1000
    seed: int = 2023
    min_overlap: float = 50


def parameters(**values: Any) -> InterviewParameters:
    """:class:`InterviewParameters` from keyword values, each checked (:class:`ParameterError`).

    ``min_cell_size`` >= 1 (1 shows every count), ``saturation_base`` and ``saturation_run``
    >= 1 interviews, ``saturation_threshold`` a share in [0, 1), ``n_bootstrap`` >= 0 random
    orders, ``seed`` >= 0, ``min_overlap`` a percentage in (0, 100].
    """
    p = InterviewParameters(**values)
    return InterviewParameters(
        min_cell_size=check_number("min_cell_size", p.min_cell_size, minimum=1, integer=True),
        saturation_base=check_number("saturation_base", p.saturation_base, minimum=1, integer=True),
        saturation_run=check_number("saturation_run", p.saturation_run, minimum=1, integer=True),
        saturation_threshold=_share("saturation_threshold", p.saturation_threshold),
        n_bootstrap=check_number("n_bootstrap", p.n_bootstrap, minimum=0, integer=True),
        seed=check_number("seed", p.seed, minimum=0, integer=True),
        min_overlap=check_number(
            "min_overlap", p.min_overlap, minimum=0, maximum=100, exclusive_minimum=True
        ),
    )


def _share(name: str, value: Any) -> float:
    """A share in [0, 1): the saturation threshold."""
    share = float(check_number(name, value, minimum=0))
    if share >= 1:
        raise ParameterError(
            f"parameter {name}={value!r}: a share below 1 is required (0.05 = 5 %)"
        )
    return share


@dataclass(frozen=True)
class SaturationCheck:
    """Thematic saturation of one project (Guest, Namey & Chen 2020).

    Attributes
    ----------
    result
        Assessment in the given (numbered) order.
    bootstrap
        One row per random order (:func:`ikzlib.qda.saturation.bootstrap_saturation`).
    curve
        Every run in the given order, also after saturation (for the curve).
    verdict
        One sentence (:func:`ikzlib.qda.saturation.saturation_verdict`).
    runs_percent
        ``result.runs`` with ``new_share`` in percent, rounded to 0.1.
    """

    result: saturation.SaturationResult
    bootstrap: pd.DataFrame
    curve: saturation.SaturationResult
    verdict: str
    runs_percent: pd.DataFrame


@dataclass(frozen=True)
class DistrictInterviews:
    """The district's own coded interviews and everything computed from them.

    Attributes
    ----------
    project
        The coded project as read from ``data/raw/<district>/interviews/``.
    overview
        One line: documents, codes, codings (and unattributed findings).
    provenance
        Sentences on where the codings come from and what they can show, from the data.
    facts
        Study-level facts with their source (``study_facts.csv``), or ``None``.
    unknown_variables
        Per-interview variables without any value.
    findings
        :func:`ikzlib.interview_data.findings_table` of the key codes the codebook has.
    highlights
        One sentence per highlighted key code: how many and which interviews.
    unattributed
        Findings reported without naming interviews, with their code path, or ``None``.
    unattributed_by_word
        Number of unattributed findings per quantifier as printed, or ``None``.
    potential_fields
        :func:`ikzlib.interview_data.potential_field_counts` (empty without such codes).
    field_note
        What the task-field counts can be used for, from the data (may be empty).
    matrix
        Documents x coded codes, number of codings (:func:`analysis.document_code_matrix`).
    value_label, what
        What a matrix cell counts (``attributions`` or ``codings``) and what the figures
        show (e.g. ``attributed findings``), from the data.
    pairs, top_pairs
        Document-level co-occurrence of the codes found in some but not all interviews;
        the strongest pairs (c-coefficient, then code ids), at most 12.
    graph
        Co-occurrence graph of ``pairs`` (nodes carry the code path and frequency).
    cooccurrence_note
        What the pairs describe, from the data.
    saturation
        The saturation check in the documents' numbered order and bootstrapped.
    saturation_notes
        Caveats of the saturation check that follow from the data.
    source
        Provenance line for figures and key figures.
    reconstruction
        Whether the codings reconstruct a published study's attributions (footnotes).
    """

    project: CodedProject
    overview: str
    provenance: tuple[str, ...]
    facts: pd.DataFrame | None
    unknown_variables: tuple[str, ...]
    findings: pd.DataFrame
    highlights: tuple[str, ...]
    unattributed: pd.DataFrame | None
    unattributed_by_word: pd.DataFrame | None
    potential_fields: pd.DataFrame
    field_note: str
    matrix: pd.DataFrame
    value_label: str
    what: str
    pairs: pd.DataFrame
    top_pairs: pd.DataFrame
    graph: nx.Graph
    cooccurrence_note: str
    saturation: SaturationCheck
    saturation_notes: tuple[str, ...]
    source: str
    reconstruction: bool


@dataclass(frozen=True)
class DemoInterviews:
    """Segment-level methods on the synthetic demo project (describes nobody).

    Attributes
    ----------
    project
        :func:`ikzlib.qda.demo.demo_project` with the study's ``seed``.
    overview
        One line: documents, codings and coders.
    codes
        The leaf codes used (codes with codings, codebook order).
    segments
        Example retrieval: segments of :data:`DEMO_SEGMENT_CODE` in the smallest size class.
    document_agreement, segment_agreement
        Agreement per code and ``overall`` (:mod:`ikzlib.qda.agreement`).
    crosstab
        Documents with each code by size class (rows labelled ``family: code``).
    crosstab_shown, crosstab_hidden
        :func:`analysis.suppress_small_cells` of ``crosstab``: display strings and markers.
    n_primary, n_complementary
        Cells suppressed as small, and further cells hidden to protect them.
    pairs
        Segment-level co-occurrence of the pairs that co-occur at least once.
    saturation
        The saturation check on the demo interviews.
    source
        Provenance line for the demo figures.
    """

    project: CodedProject
    overview: str
    codes: tuple[str, ...]
    segments: pd.DataFrame
    document_agreement: pd.DataFrame
    segment_agreement: pd.DataFrame
    crosstab: pd.DataFrame
    crosstab_shown: pd.DataFrame
    crosstab_hidden: pd.DataFrame
    n_primary: int
    n_complementary: int
    pairs: pd.DataFrame
    saturation: SaturationCheck
    source: str

    @property
    def overall(self) -> pd.Series:
        """Pooled segment-level agreement (the ``overall`` row)."""
        return self.segment_agreement.set_index("code_id").loc["overall"]

    @property
    def n_hidden(self) -> int:
        """Every hidden cell of the crosstab (primary and complementary)."""
        return self.n_primary + self.n_complementary


@dataclass(frozen=True, kw_only=True)
class InterviewsStudy(Study):
    """Result of :func:`run`: the district's coded interviews (or ``None``) and the demo."""

    parameters: InterviewParameters
    interviews: DistrictInterviews | None
    demo: DemoInterviews


def run(
    district: str | District,
    *,
    min_cell_size: int = 3,
    saturation_base: int = 4,
    saturation_run: int = 2,
    saturation_threshold: float = 0.05,
    n_bootstrap: int = 1000,
    seed: int = 2023,
    min_overlap: float = 50,
) -> InterviewsStudy:
    """Analyse the district's coded interviews and run the demonstration on synthetic data.

    Parameters
    ----------
    district
        Catalog key or :class:`~ikzlib.catalog.District`.
    min_cell_size
        Smallest count shown in the demo crosstab; smaller counts are suppressed.
    saturation_base, saturation_run, saturation_threshold
        Base size b, run length r and new-information threshold (share of the base) of
        the saturation check.
    n_bootstrap
        Random interview orders for the saturation bootstrap.
    seed
        Seed of the bootstrap and of the demo project.
    min_overlap
        Overlap (% of the combined extent) for two coders' segments to be the same passage.

    Raises
    ------
    ParameterError
        A parameter out of range.
    """
    resolved = resolve(district)
    params = parameters(
        min_cell_size=min_cell_size,
        saturation_base=saturation_base,
        saturation_run=saturation_run,
        saturation_threshold=saturation_threshold,
        n_bootstrap=n_bootstrap,
        seed=seed,
        min_overlap=min_overlap,
    )
    own = district_interviews(resolved, params) if interview_data.has_interviews(resolved) else None
    notes = () if own is not None else (resolved.inputs.missing_note("interviews"),)
    shown = demo_interviews(params)
    return InterviewsStudy(
        district=resolved,
        key_figures=KeyFigures(SECTION, SECTION.figures_from(_key_values(own, shown))),
        notes=notes,
        parameters=params,
        interviews=own,
        demo=shown,
    )


# --- the district's own coded interviews ------------------------------------------------------


def district_interviews(district: District, params: InterviewParameters) -> DistrictInterviews:
    """Load and analyse the district's coded interviews (the district must have them)."""
    project = interview_data.load_interviews(district)
    unattributed = _optional_unattributed(district, project)
    facts = _optional(district, interview_data.FACTS_FILE, interview_data.load_study_facts)
    footnotes = _optional(district, interview_data.FOOTNOTES_FILE, interview_data.load_footnotes)
    reconstruction = footnotes is not None
    key_codes = [c for c in KEY_CODES if c in set(project.codes["code_id"])]
    findings = interview_data.findings_table(project, key_codes, unattributed)
    coded = interview_data.coded_code_ids(project)
    pairs, graph = _document_cooccurrence(project, coded)
    fields = interview_data.potential_field_counts(project, unattributed)
    return DistrictInterviews(
        project=project,
        overview=_overview(project, unattributed),
        provenance=_provenance(district, project, unattributed, footnotes, facts),
        facts=facts,
        unknown_variables=_unknown_variables(project),
        findings=findings,
        highlights=_highlights(project, findings),
        unattributed=_with_code_path(project, unattributed),
        unattributed_by_word=_by_word(unattributed),
        potential_fields=fields,
        field_note=_field_note(fields),
        matrix=analysis.document_code_matrix(project, coded),
        value_label="attributions" if reconstruction else "codings",
        what="attributed findings" if reconstruction else "codings",
        pairs=pairs,
        top_pairs=_top_pairs(pairs),
        graph=graph,
        cooccurrence_note=_cooccurrence_note(project, pairs),
        saturation=saturation_check(project, params),
        saturation_notes=_saturation_notes(project, params, reconstruction, facts),
        source=_source(district, project, footnotes, facts),
        reconstruction=reconstruction,
    )


def _optional(district: District, file_name: str, load: Any) -> pd.DataFrame | None:
    """``load(district)`` when the optional table exists, else ``None``."""
    return load(district) if interview_data.has_table(district, file_name) else None


def _optional_unattributed(district: District, project: CodedProject) -> pd.DataFrame | None:
    """The unattributed findings checked against the codebook, or ``None``."""
    if not interview_data.has_table(district, interview_data.UNATTRIBUTED_FILE):
        return None
    return interview_data.load_unattributed_findings(district, project)


def _overview(project: CodedProject, unattributed: pd.DataFrame | None) -> str:
    text = (
        f"{len(project.documents)} documents, {len(project.codes)} codes, "
        f"{len(project.codings)} codings"
    )
    return text if unattributed is None else f"{text}, {len(unattributed)} unattributed findings"


def _unknown_variables(project: CodedProject) -> tuple[str, ...]:
    """Document variables without a value in any document."""
    variables = project.doc_variables
    known = set(variables.loc[variables["value"].notna(), "variable"])
    return tuple(sorted(set(variables["variable"]) - known))


def _document_level(project: CodedProject) -> bool:
    """Whether every coding covers a whole document (no positions)."""
    return bool(len(project.codings)) and bool(project.codings["start"].isna().all())


def _provenance(
    district: District,
    project: CodedProject,
    unattributed: pd.DataFrame | None,
    footnotes: pd.DataFrame | None,
    facts: pd.DataFrame | None,
) -> tuple[str, ...]:
    """Sentences on where the codings come from and what they can show."""
    sentences = []
    if project.documents["text"].isna().all():
        sentences.append("No transcripts are included (no document carries a text).")
    if _document_level(project):
        sentences.append(
            f"All {len(project.codings)} codings are at document level: they say whether a "
            "statement is attributed to an interview, not how much was said or where."
        )
    if footnotes is not None:
        sentences.append(_footnote_sentence(project, footnotes))
        sentences.append(
            "Counts are lower bounds: an interview without a coding may have raised a topic "
            "the study did not attribute to it."
        )
    if unattributed is not None:
        sentences.append(
            f"{len(unattributed)} findings are reported without naming interviews; they are "
            "kept with their quantifier as printed and never counted for an interview."
        )
    unknown = _unknown_variables(project)
    if unknown:
        sentences.append(f"Per-interview variables left unknown: {', '.join(unknown)}.")
    if facts is not None:
        sentences.append(f"Study-level facts from {_study_name(facts)}.")
    readme = interview_data.interviews_dir(district) / "README.md"
    if readme.is_file():
        sentences.append(f"Details: {_relative(readme)}.")
    return tuple(sentences)


def _footnote_sentence(project: CodedProject, footnotes: pd.DataFrame) -> str:
    """How the codings follow the footnotes of a published study."""
    counts = interview_data.attribution_counts(project)
    text = (
        f"The codings reconstruct a published study's attributions: {counts['footnote']} "
        f"follow one of {len(footnotes)} footnotes ({_footnote_range(footnotes)}) that name "
        f"interviews, {counts['all']} a statement the text makes for all interviewees"
    )
    if counts["other"]:
        return f"{text}, and {counts['other']} other evidence."
    return f"{text}; nothing else is attributed to an interview."


def _footnote_range(footnotes: pd.DataFrame) -> str:
    numbers = footnotes["footnote"]
    low, high = int(numbers.min()), int(numbers.max())
    return f"footnote {low}" if low == high else f"footnotes {low}-{high}"


def _study_name(facts: pd.DataFrame) -> str:
    """The publication the facts cite, e.g. ``X case study (2023)`` (before the first comma)."""
    names = dict.fromkeys(str(s).split(",")[0].strip() for s in facts["source"])
    return "; ".join(names)


def _relative(path: Any) -> str:
    try:
        return str(path.relative_to(paths.PROJECT_ROOT))
    except ValueError:
        return str(path)


def _source(
    district: District,
    project: CodedProject,
    footnotes: pd.DataFrame | None,
    facts: pd.DataFrame | None,
) -> str:
    """Provenance of the codings, e.g. ``<study>, sections 3.5-3.6, footnotes 91-113; ...``."""
    if footnotes is None:
        return f"coded interviews, {_relative(interview_data.interviews_dir(district))}"
    study = _study_name(facts) if facts is not None else "published study"
    return (
        f"{study}, {_section_range(project)}, {_footnote_range(footnotes)}; "
        "document-level reconstruction"
    )


def _section_range(project: CodedProject) -> str:
    """Sections (two levels) the codings cite, e.g. ``sections 3.5-3.6``."""
    cited = {".".join(str(s).split(".")[:2]) for s in project.codings["section"].dropna()}
    ordered = sorted(cited, key=lambda s: tuple(int(p) for p in s.split(".") if p.isdigit()))
    if not ordered:
        return "sections not cited"
    return f"section {ordered[0]}" if len(ordered) == 1 else f"sections {ordered[0]}-{ordered[-1]}"


def _highlights(project: CodedProject, findings: pd.DataFrame) -> tuple[str, ...]:
    """``<code path>: n of N interviews (numbers)`` for each highlighted key code present."""
    n_docs = len(project.documents)
    rows = findings.set_index("code_id")
    return tuple(
        f"{rows.at[code, 'code']}: {rows.at[code, 'n_interviews']} of {n_docs} interviews"
        + (f" ({rows.at[code, 'interviews']})" if rows.at[code, "interviews"] else "")
        for code in HIGHLIGHT_CODES
        if code in rows.index
    )


def _with_code_path(
    project: CodedProject, unattributed: pd.DataFrame | None
) -> pd.DataFrame | None:
    """Unattributed findings with the code path, in display order."""
    if unattributed is None:
        return None
    shown = unattributed.assign(code=[project.code_path(c) for c in unattributed["code_id"]])
    return shown[["finding_id", "code", "count_word", "section", "statement"]]


def _by_word(unattributed: pd.DataFrame | None) -> pd.DataFrame | None:
    if unattributed is None:
        return None
    return unattributed.groupby("count_word").size().rename("findings").to_frame()


def _field_note(fields: pd.DataFrame) -> str:
    """What the task-field counts can show: empty when the interviews name fields."""
    if fields.empty:
        return "The codebook has no task fields named as potentials."
    if (fields["n_interviews"] > 0).any():
        return ""
    quantified = fields[~fields["unattributed"].isin(["", "unspecified"])]
    text = (
        f"No interview is named for any of the {len(fields)} task fields; only the "
        "quantifiers of the unattributed mentions can be used"
    )
    if quantified.empty:
        return f"{text}."
    example = quantified.iloc[0]
    return f"{text} (e.g. {example['name']}: {example['unattributed']})."


def _document_cooccurrence(
    project: CodedProject, coded: list[str]
) -> tuple[pd.DataFrame, nx.Graph]:
    """Co-occurrence pairs and graph of the codes found in some but not every interview."""
    frequencies = analysis.code_frequencies(project, coded)
    partial = frequencies.loc[frequencies["n_documents"] < len(project.documents), "code_id"]
    pairs = cooccurrence.cooccurrence(project, list(partial))
    return pairs, cooccurrence.cooccurrence_graph(pairs, frequencies)


def _top_pairs(pairs: pd.DataFrame, n: int = 12) -> pd.DataFrame:
    top = pairs[pairs["n12"] > 0].sort_values(
        ["c_coefficient", "code_a", "code_b"], ascending=[False, True, True]
    )
    return top.head(n)


def _cooccurrence_note(project: CodedProject, pairs: pd.DataFrame) -> str:
    """What the co-occurrence of sparse document-level data describes."""
    counts = (
        pd.concat([pairs.set_index("code_a")["n_a"], pairs.set_index("code_b")["n_b"]])
        .groupby(level=0)
        .first()
    )
    single = int((counts == 1).sum())
    text = (
        f"{len(counts)} codes occur in some but not all of the {len(project.documents)} "
        f"interviews, {single} of them in a single interview"
    )
    if _document_level(project):
        return (
            f"{text}; the pairs describe which interviews the codings name together, not "
            "patterns of thought."
        )
    return f"{text}."


def saturation_check(project: CodedProject, params: InterviewParameters) -> SaturationCheck:
    """Saturation in the documents' order, bootstrapped over random orders, and its curve."""
    sets = saturation.code_sets(project)
    settings = {
        "base": params.saturation_base,
        "run": params.saturation_run,
        "threshold": params.saturation_threshold,
    }
    result = saturation.assess_saturation(sets, **settings)
    boot = saturation.bootstrap_saturation(
        sets, **settings, n_bootstrap=params.n_bootstrap, seed=params.seed
    )
    return SaturationCheck(
        result=result,
        bootstrap=boot,
        curve=saturation.assess_saturation(sets, **settings, all_runs=True),
        verdict=saturation.saturation_verdict(result, boot, base=params.saturation_base),
        runs_percent=result.runs.assign(new_share=(100 * result.runs["new_share"]).round(1)),
    )


def _saturation_notes(
    project: CodedProject,
    params: InterviewParameters,
    reconstruction: bool,
    facts: pd.DataFrame | None,
) -> tuple[str, ...]:
    """Caveats of the saturation check that follow from the data."""
    n = len(project.documents)
    base, run_length = params.saturation_base, params.saturation_run
    n_runs = max(0, n - base - run_length + 1)
    notes = [
        f"With {n} interviews and a base of {base}, at most {n_runs} run(s) of {run_length} fit."
    ]
    if reconstruction:
        notes.append(
            "The codings hold only the findings the authors chose to attribute: a new code in "
            "a later interview reflects that attribution, not new content, and an absent code "
            "does not mean it was not said."
        )
        withheld = _fact(facts, "attribution_withheld")
        if withheld is not None and withheld["value"] == "yes":
            notes.append(f"Moreover, {withheld['meaning']}.")
        notes.append(
            "Saturation of the original interviews can neither be confirmed nor refuted "
            "from this data, whatever the numbers show."
        )
    return tuple(notes)


def _fact(facts: pd.DataFrame | None, name: str) -> pd.Series | None:
    if facts is None or name not in set(facts["fact"]):
        return None
    return facts.set_index("fact").loc[name]


# --- the demonstration on synthetic data ----------------------------------------------------


@lru_cache(maxsize=8)
def demo_interviews(params: InterviewParameters) -> DemoInterviews:
    """Agreement, suppression, segment co-occurrence and saturation on the demo project.

    The same for every district, so computed once per parameter set and process; the
    tables are shared and must be treated as read-only.
    """
    project = demo.demo_project(seed=params.seed)
    used = set(project.codings["code_id"])
    codes = [c for c in project.codes["code_id"] if c in used]
    crosstab = _labelled_crosstab(project, codes)
    shown, hidden = analysis.suppress_small_cells(crosstab, params.min_cell_size)
    pairs = cooccurrence.cooccurrence(project, codes, level="segment")
    return DemoInterviews(
        project=project,
        overview=(
            f"{project.name}: {len(project.documents)} documents, {len(project.codings)} "
            f"codings by {', '.join(demo.CODERS)}"
        ),
        codes=tuple(codes),
        segments=_example_segments(project),
        document_agreement=agreement.document_agreement(project, *demo.CODERS, codes),
        segment_agreement=agreement.segment_agreement(
            project, *demo.CODERS, codes, min_overlap=params.min_overlap
        ),
        crosstab=crosstab,
        crosstab_shown=shown,
        crosstab_hidden=hidden,
        n_primary=int((hidden == "primary").to_numpy().sum()),
        n_complementary=int((hidden == "complementary").to_numpy().sum()),
        pairs=pairs[pairs["n12"] > 0],
        saturation=saturation_check(project, params),
        source=f"{demo.DEMO_LABEL} (ikzlib.qda.demo, seed {params.seed}); not real interviews",
    )


def _labelled_crosstab(project: CodedProject, codes: list[str]) -> pd.DataFrame:
    """Documents with each code by size class; rows labelled ``family: code``."""
    table = analysis.code_crosstab(project, "size_class", codes, categories=SIZE_CLASS_LABELS)
    table.index = ["documents", *[analysis.code_label(project, c) for c in table.index[1:]]]
    return table


def _example_segments(project: CodedProject) -> pd.DataFrame:
    """Segments of :data:`DEMO_SEGMENT_CODE` in the smallest size class (first six)."""
    segments = analysis.retrieve_segments(
        project, codes=[DEMO_SEGMENT_CODE], variables={"size_class": SIZE_CLASS_LABELS[:1]}
    )
    return segments[["doc_id", "code", "start", "end", "coder", "text"]].head(6)


# --- key figures --------------------------------------------------------------------------


def _key_values(own: DistrictInterviews | None, shown: DemoInterviews) -> dict[str, Any]:
    """``{figure name: value or Reported}`` for :meth:`Section.figures_from`."""
    overall = shown.overall
    values: dict[str, Any] = {
        "has_interview_data": own is not None,
        "saturation_verdict": NO_DATA_VERDICT if own is None else own.saturation.verdict,
        "demo_segment_kappa": float(overall["cohen_kappa"]),
        "demo_segment_alpha": float(overall["krippendorff_alpha"]),
        "demo_suppressed_cells": shown.n_hidden,
    }
    if own is not None:
        values.update(_own_counts(own))
    return values


def _own_counts(own: DistrictInterviews) -> dict[str, Reported]:
    """Counts of the district's coded interviews, published when they reconstruct a study."""
    kind = Kind.PUBLISHED if own.reconstruction else Kind.DERIVED
    project = own.project
    counts = {
        "n_interviews": len(project.documents),
        "n_codes": len(project.codes),
        "n_codings": len(project.codings),
    }
    if own.unattributed is not None:
        counts["n_unattributed"] = len(own.unattributed)
    codes = set(project.codes["code_id"])
    for name, code in CODE_FIGURES.items():
        if code in codes:
            counts[name] = len(interview_data.documents_by_code(project, code))
    return {name: Reported(n, kind=kind, source=own.source) for name, n in counts.items()}
