"""Task-field prioritisation: evidence ranking, weighted scoring, rank stability and AHP.

**Evidence ranking.** :func:`field_evidence` turns what a district's documents say about its
candidate task fields into one row per piece of evidence (field, evidence type, count or count
word, strength, status ``documented``/``inferred``, source file and row), and
:func:`rank_by_evidence` ranks the fields by their strongest documented evidence:

1. a priority decision (the top list of a steering group, the primary fields of a motion),
2. interview mentions: the study's count word (:data:`COUNT_WORDS`, e.g. ``viele`` = many)
   or the number of interviews a footnote names, whichever is stronger on the scale
   :data:`COUNT_SCALE`; then the number of named interviews,
3. being listed in a document without a priority.

Equal keys share a rank (ties stay ties). Inferred evidence (e.g. a field proposed for all
municipalities of a district with many small units, where economies of scale are largest) is
shown beside the documented evidence but never changes a rank.

**Weighted scoring** of points a user enters in a CSV template (:func:`write_scores_template`,
read back with :func:`read_scores_csv`). The scheme follows the Landkreis Helmstedt IKZ project
(2012): every candidate task field gets 1-3 points per criterion, each criterion carries a
factor 3, 2 or 1, and the weighted sum orders the fields. The criteria are the ones the
project description names in section 2.4 ("Prioritäten festlegen") and section 3 (questions
for the working groups):

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
which factor, so every weight set is a parameter; :data:`ILLUSTRATIVE_WEIGHTS` only serve the
method demo on invented fields (:func:`demo_fields`).

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

from ikzlib import ahp, interview_data, paths
from ikzlib.ahp import AhpResult
from ikzlib.catalog import District, resolve
from ikzlib.destatis import SMALL_MUNICIPALITY_LIMIT
from ikzlib.errors import DataValidationError
from ikzlib.i18n import Message, register
from ikzlib.io import write_text
from ikzlib.municipalities import administrative_units, load_municipalities
from ikzlib.qda.analysis import descendants
from ikzlib.qda.model import CodedProject
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
SCORES_INPUT = "priority_scores"  # the district input with the user's scores
TEMPLATE_EXTRA_COLUMNS = ["label", "evidence_rank", "note"]


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
CRITERION_LABELS = {c.key: c.label for c in CRITERIA}

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


# --- evidence ranking ------------------------------------------------------------------------

DOCUMENTED = "documented"
INFERRED = "inferred"
STATUS_LABELS = {
    DOCUMENTED: "documented in a source",
    INFERRED: "inferred from the data",
}
# Tiers of documented evidence, strongest first; inferred evidence has tier 0 and never ranks.
DECISION, INTERVIEWS, LISTING, NO_RANK = 3, 2, 1, 0
TIER_LABELS = {
    DECISION: "priority decision",
    INTERVIEWS: "interview mentions",
    LISTING: "listed in a document",
}


@dataclass(frozen=True)
class EvidenceType:
    """One kind of evidence for a task field: key, label, tier and status."""

    key: str
    label: str
    tier: int
    status: str


EVIDENCE_TYPES: dict[str, EvidenceType] = {
    t.key: t
    for t in (
        EvidenceType(
            "steering_group_priority", "Top priority of a steering group", DECISION, DOCUMENTED
        ),
        EvidenceType("motion_primary", "Primary field of a motion", DECISION, DOCUMENTED),
        EvidenceType("count_word", "Count word of the study", INTERVIEWS, DOCUMENTED),
        EvidenceType("interviews_named", "Interviews named in footnotes", INTERVIEWS, DOCUMENTED),
        EvidenceType("matrix_listed", "Listed in a priority matrix", LISTING, DOCUMENTED),
        EvidenceType("motion_further", "Further field of a motion", LISTING, DOCUMENTED),
        EvidenceType(
            "pooling_all_units", "Proposed for all municipalities (scale)", NO_RANK, INFERRED
        ),
    )
}

# Ordinal scale of how many interviews said something (index = strength).
COUNT_SCALE = (
    "named, no count given",
    "one or a few interviews",
    "some interviews",
    "several interviews",
    "many interviews",
    "most interviews",
    "all interviews",
)
# Quantifiers as printed (German studies, English data) -> strength on COUNT_SCALE.
COUNT_WORDS: dict[str, int] = {
    "unspecified": 0,
    "in einem fall": 1,
    "einzelne": 1,
    "einzelnen": 1,
    "one": 1,
    "a few": 1,
    "einige": 2,
    "einigen": 2,
    "some": 2,
    "mehrere": 3,
    "mehreren": 3,
    "several": 3,
    "viele": 4,
    "vielen": 4,
    "many": 4,
    "die meisten": 5,
    "den meisten": 5,
    "meisten": 5,
    "most": 5,
    "alle": 6,
    "allen": 6,
    "all": 6,
}
# Interviews named in footnotes, as a share of all interviews, on the same scale: all of them
# is "all", more than half "most", three or more "several" ("mehrere" = more than two).
SEVERAL_NAMED = 3

EVIDENCE_COLUMNS = [
    "field_id",
    "label",
    "evidence_type",
    "type_label",
    "status",
    "status_label",
    "tier",
    "count",
    "count_word",
    "strength",
    "detail",
    "source",
    "document",
]
RANKING_COLUMNS = [
    "rank",
    "tied",
    "field_id",
    "label",
    "evidence_type",
    "type_label",
    "tier",
    "strength",
    "volume",
    "n_documented",
    "n_inferred",
    "evidence",
    "source",
]
NOT_ON_SCALE = "not on the count scale"
DEMO_LABEL = "Invented field {letter}"
_NAMED_DETAIL = "interviews {numbers} of {n} ({evidence})"
# A participants cell of a priority matrix naming every municipality of the district.
_ALL_MUNICIPALITIES = "alle Gemeinden"
_MOTION_DETAIL = {"primary": "primary field: {field}", "secondary": "further field: {field}"}
_POOLING_DETAIL = (
    "participants '{participants}': all {n} administrative units, {small} of them under "
    "10,000 inhabitants"
)

register(
    {
        "Expected monetary gain": "Erwarteter monetärer Erfolg",
        "Likelihood of success": "Erfolgswahrscheinlichkeit",
        "Effort": "Aufwand",
        "Available staff": "Verfügbare Personalkapazität",
        "Legal constraints": "Rechtliche Vorgaben und Hindernisse",
        "Expected political resistance": "Erwarteter politischer Widerstand",
        "raises": "erhöht",
        "centralise": "zentralisieren",
        "decentralise": "dezentralisieren",
        "outsource": "auslagern",
        "unknown": "unbekannt",
        "legible": "lesbar",
        "partial": "teilweise lesbar",
        "illegible": "unlesbar",
        "lowers": "senkt",
        "documented in a source": "in einer Quelle belegt",
        "inferred from the data": "aus den Daten abgeleitet",
        "priority decision": "Prioritätenbeschluss",
        "interview mentions": "Nennungen in Interviews",
        "listed in a document": "in einem Dokument aufgeführt",
        "Top priority of a steering group": "Top-Priorität einer Lenkungsgruppe",
        "Primary field of a motion": "Schwerpunktfeld eines Antrags",
        "Count word of the study": "Mengenangabe der Studie",
        "Interviews named in footnotes": "In Fußnoten benannte Interviews",
        "Listed in a priority matrix": "In einer Prioritätenmatrix aufgeführt",
        "Further field of a motion": "Weiteres Feld eines Antrags",
        "Proposed for all municipalities (scale)": (
            "Für alle Gemeinden vorgeschlagen (Größenvorteile)"
        ),
        "named, no count given": "genannt, ohne Mengenangabe",
        "one or a few interviews": "ein oder einzelne Interviews",
        "some interviews": "einige Interviews",
        "several interviews": "mehrere Interviews",
        "many interviews": "viele Interviews",
        "most interviews": "die meisten Interviews",
        "all interviews": "alle Interviews",
        NOT_ON_SCALE: "nicht auf der Mengenskala",
        DEMO_LABEL: "Erfundenes Feld {letter}",
        "priority matrix": "Prioritätenmatrix",
        "motion": "Antrag",
        "coded interviews": "codierte Interviews",
        "matrix row: {field}": "Matrixzeile: {field}",
        "top-priority list: {field}": "Liste der Top-Prioritäten: {field}",
        "primary field: {field}": "Schwerpunktfeld: {field}",
        "further field: {field}": "weiteres Feld: {field}",
        _NAMED_DETAIL: "Interviews {numbers} von {n} ({evidence})",
        "'{word}' ({scale})": "„{word}“ ({scale})",
        _POOLING_DETAIL: (
            "Beteiligte „{participants}“: alle {n} Verwaltungseinheiten, davon {small} mit "
            "weniger als 10.000 Einwohnern"
        ),
    }
)


def count_word_strength(word: str) -> int | None:
    """Strength of a count word on :data:`COUNT_SCALE`; ``None`` when it is not on the scale."""
    return COUNT_WORDS.get(word.strip().lower())


def named_count_strength(n_named: int, n_interviews: int) -> int:
    """Strength on :data:`COUNT_SCALE` of ``n_named`` interviews out of ``n_interviews``."""
    if n_named < 0 or n_named > n_interviews:
        raise ValueError(f"{n_named} named interviews out of {n_interviews}")
    if n_named == 0:
        return 0
    if n_named == n_interviews:
        return 6
    if 2 * n_named > n_interviews:
        return 5
    if n_named >= SEVERAL_NAMED:
        return 3
    return n_named  # 1 = one, 2 = some


def _evidence_rows(rows: list[dict]) -> pd.DataFrame:
    """Rows in the layout of :data:`EVIDENCE_COLUMNS` (status and tier from the type)."""
    frame = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    frame["detail"] = texts([row["detail"] for row in rows])
    frame["status"] = [EVIDENCE_TYPES[t].status for t in frame["evidence_type"]]
    frame["tier"] = [EVIDENCE_TYPES[t].tier for t in frame["evidence_type"]]
    frame["type_label"] = [EVIDENCE_TYPES[t].label for t in frame["evidence_type"]]
    frame["status_label"] = [STATUS_LABELS[s] for s in frame["status"]]
    frame["count"] = frame["count"].astype("Int64")
    frame["strength"] = frame["strength"].astype("int64")
    return frame


def matrix_evidence(matrix: pd.DataFrame, file: str | Path) -> pd.DataFrame:
    """Evidence of a transcribed priority matrix (:func:`read_task_field_matrix`).

    Every legible matrix row is ``matrix_listed``; every row marked ``top_priority`` is also a
    ``steering_group_priority`` (rows of origin ``text`` are named only in the text, so they
    have no listing). Illegible rows are no evidence for any field.
    """
    rows = []
    for _, row in matrix[matrix["legibility"] != "illegible"].iterrows():
        where = f"{file}, {row['field_id']} (line {int(row[LINE])})"
        base = {"field_id": row["field_id"], "label": row["label_en"], "document": row["source"]}
        if row["origin"] != "text":
            detail = Message("matrix row: {field}", field=row["field"])
            rows.append(
                {
                    **base,
                    "evidence_type": "matrix_listed",
                    "count": 1,
                    "strength": 1,
                    "detail": detail,
                    "source": where,
                }
            )
        if row["top_priority"] == "yes":
            detail = Message("top-priority list: {field}", field=row["top_priority_field"])
            rows.append(
                {
                    **base,
                    "evidence_type": "steering_group_priority",
                    "count": 1,
                    "strength": 1,
                    "detail": detail,
                    "source": where,
                }
            )
    return _evidence_rows(rows)


def motion_evidence(motion: pd.DataFrame, file: str | Path) -> pd.DataFrame:
    """Evidence of a motion's fields (:func:`read_motion_fields`): primary or further field."""
    rows = [
        {
            "field_id": row["field_id"],
            "label": row["label_en"],
            "evidence_type": "motion_primary" if row["emphasis"] == "primary" else "motion_further",
            "count": 1,
            "strength": 1,
            "detail": Message(_MOTION_DETAIL[row["emphasis"]], field=row["field"]),
            "source": f"{file}, {row['field_id']} (line {int(row[LINE])})",
            "document": row["source"],
        }
        for _, row in motion.iterrows()
    ]
    return _evidence_rows(rows)


def interview_evidence(
    project: CodedProject, unattributed: pd.DataFrame | None, folder: str | Path
) -> pd.DataFrame:
    """Evidence of coded interviews for the task fields (children of ``potential.field``).

    Per field: one ``interviews_named`` row when codings attribute the field to interviews
    (count = interviews, strength from :func:`named_count_strength`), and one ``count_word``
    row per finding of ``unattributed`` (:func:`ikzlib.interview_data.load_unattributed_findings`)
    with the quantifier as printed (strength from :func:`count_word_strength`, 0 when the word
    is not on the scale). A field without codings or findings has no row.
    """
    codes = project.codes[project.codes["parent_id"] == interview_data.TASK_FIELD_PARENT]
    n_interviews = len(project.documents)
    rows = []
    for code_id, name in zip(codes["code_id"], codes["name"], strict=True):
        base = {"field_id": code_id, "label": name}
        docs = interview_data.documents_by_code(project, code_id)
        if docs:
            numbers = ", ".join(map(str, interview_data.interview_numbers(project, docs)))
            codings = _codings_of(project, code_id)
            evidence = sorted({e for e in codings["evidence"] if e})
            rows.append(
                {
                    **base,
                    "evidence_type": "interviews_named",
                    "count": len(docs),
                    "strength": named_count_strength(len(docs), n_interviews),
                    "detail": Message(
                        _NAMED_DETAIL, numbers=numbers, n=n_interviews, evidence="; ".join(evidence)
                    ),
                    "source": f"{folder}/codings.csv, " + ", ".join(codings["coding_id"]),
                    "document": None,  # codings cite footnotes, not a document
                }
            )
        if unattributed is None:
            continue
        for _, finding in unattributed[unattributed["code_id"] == code_id].iterrows():
            strength = count_word_strength(finding["count_word"])
            scale = COUNT_SCALE[strength] if strength is not None else NOT_ON_SCALE
            rows.append(
                {
                    **base,
                    "evidence_type": "count_word",
                    "count": None,
                    "count_word": finding["count_word"],
                    "strength": strength or 0,
                    "detail": Message(
                        "'{word}' ({scale})", word=finding["count_word"], scale=Message(scale)
                    ),
                    "source": f"{folder}/{interview_data.UNATTRIBUTED_FILE}, finding "
                    f"{finding['finding_id']} (section {finding['section']})",
                    "document": finding["source"],
                }
            )
    return _evidence_rows(rows)


def _codings_of(project: CodedProject, code_id: str) -> pd.DataFrame:
    """Codings of ``code_id`` and its subcodes."""
    codes = set(descendants(project, code_id))
    return project.codings[project.codings["code_id"].isin(codes)]


def pooling_evidence(
    matrix: pd.DataFrame, file: str | Path, n_units: int, n_small_units: int
) -> pd.DataFrame:
    """Inferred evidence: matrix fields proposed for every municipality of the district.

    The economies-of-scale argument says cooperation pays most where the most (and the
    smallest) administrations pool a task. A matrix row whose participants name all
    municipalities (``alle Gemeinden``) pools all ``n_units`` administrative units of the
    district, ``n_small_units`` of them under 10,000 inhabitants. Both the reading of the
    participants cell and the argument are an inference, so the rows are ``inferred`` and
    never change a rank. Without small units nothing is inferred.
    """
    if n_small_units == 0:
        return _evidence_rows([])
    legible = matrix[matrix["legibility"] != "illegible"]
    pooled = legible[legible["participants"].fillna("").str.contains(_ALL_MUNICIPALITIES)]
    rows = [
        {
            "field_id": row["field_id"],
            "label": row["label_en"],
            "evidence_type": "pooling_all_units",
            "count": n_units,
            "strength": n_small_units,
            "detail": Message(
                _POOLING_DETAIL, participants=row["participants"], n=n_units, small=n_small_units
            ),
            "source": f"{file}, {row['field_id']} (line {int(row[LINE])}); municipalities.csv",
            "document": row["source"],
        }
        for _, row in pooled.iterrows()
    ]
    return _evidence_rows(rows)


def rank_by_evidence(evidence: pd.DataFrame) -> pd.DataFrame:
    """One row per field with documented evidence, ranked by it (see the module docstring).

    The key is the field's highest tier, then the highest strength in that tier, then its
    volume in that tier (interviews named for interview mentions, rows otherwise). Fields
    with equal keys share the better rank; ``tied`` says how many fields hold that rank.

    Returns
    -------
    pandas.DataFrame
        :data:`RANKING_COLUMNS`: ``evidence_type``, ``evidence`` and ``source`` describe the
        strongest piece of evidence; ``n_documented``/``n_inferred`` count all pieces. Sorted
        by rank, then ``field_id``.
    """
    documented = evidence[evidence["status"] == DOCUMENTED]
    rows = []
    for field_id, pieces in documented.groupby("field_id", sort=True):
        tier = int(pieces["tier"].max())
        top = pieces[pieces["tier"] == tier]
        strongest = top.sort_values(["strength", "count"], ascending=False).iloc[0]
        volume = top["count"].max() if tier == INTERVIEWS else len(top)
        inferred = evidence[(evidence["field_id"] == field_id) & (evidence["status"] == INFERRED)]
        rows.append(
            {
                "field_id": field_id,
                "label": strongest["label"],
                "evidence_type": strongest["evidence_type"],
                "type_label": strongest["type_label"],
                "tier": tier,
                "strength": int(top["strength"].max()),
                "volume": 0 if pd.isna(volume) else int(volume),
                "n_documented": len(pieces),
                "n_inferred": len(inferred),
                "evidence": strongest["detail"],
                "source": strongest["source"],
            }
        )
    ranking = pd.DataFrame(rows, columns=[c for c in RANKING_COLUMNS if c not in ("rank", "tied")])
    ranking["evidence"] = texts([row["evidence"] for row in rows])
    keys = list(zip(ranking["tier"], ranking["strength"], ranking["volume"], strict=True))
    ranking.insert(0, "rank", [1 + sum(other > key for other in keys) for key in keys])
    ranking.insert(1, "tied", [sum(other == key for other in keys) for key in keys])
    return ranking.sort_values(["rank", "field_id"]).reset_index(drop=True)


def evidence_data(evidence: pd.DataFrame) -> list[str]:
    """The kinds of district data the evidence comes from (for titles), strongest first."""
    kinds = {
        "steering_group_priority": "priority matrix",
        "matrix_listed": "priority matrix",
        "motion_primary": "motion",
        "motion_further": "motion",
        "interviews_named": "coded interviews",
        "count_word": "coded interviews",
    }
    present = evidence.loc[evidence["status"] == DOCUMENTED, "evidence_type"]
    return list(dict.fromkeys(kinds[t] for t in EVIDENCE_TYPES if t in set(present)))


def field_evidence(
    district: str | District,
    project: CodedProject | None = None,
    unattributed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every piece of evidence for ``district``'s task fields, from every source it has.

    Sources: a transcribed priority matrix (input ``task_fields``, with the inferred pooling
    rows of :func:`pooling_evidence`), a motion (input ``candidate_fields``) and coded
    interviews (``project`` with its ``unattributed`` findings, as loaded by
    :mod:`ikzlib.interview_data`). A district without any of them gets an empty frame.

    Returns
    -------
    pandas.DataFrame
        :data:`EVIDENCE_COLUMNS`, sources as paths relative to the project.
    """
    district = resolve(district)
    parts = [_evidence_rows([])]
    if district.inputs.has("task_fields"):
        path = district.inputs.path("task_fields")
        matrix = read_task_field_matrix(path)
        parts.append(matrix_evidence(matrix, project_relative(path)))
        units = administrative_units(load_municipalities(district))
        small = int((units["population"] < SMALL_MUNICIPALITY_LIMIT).sum())
        parts.append(pooling_evidence(matrix, project_relative(path), len(units), small))
    if district.inputs.has("candidate_fields"):
        path = district.inputs.path("candidate_fields")
        parts.append(motion_evidence(read_motion_fields(path), project_relative(path)))
    if project is not None:
        folder = project_relative(district.inputs.path("interviews"))
        parts.append(interview_evidence(project, unattributed, folder))
    return pd.concat([p for p in parts if len(p)] or parts, ignore_index=True)


def texts(values: Sequence[str]) -> pd.Series:
    """``values`` as an object column, so that :class:`~ikzlib.i18n.Message` values survive
    (pandas would turn them into plain strings and lose their German)."""
    return pd.Series(list(values), dtype=object)


def _mode_meaning(mode: str) -> Message:
    """The meaning of a mode code or combination (``Z/O``: centralise / outsource)."""
    codes = mode.split("/")
    template = " / ".join(f"{{m{i}}}" for i in range(len(codes)))
    return Message(template, **{f"m{i}": Message(MODES.get(c, c)) for i, c in enumerate(codes)})


def matrix_legibility(matrix: pd.DataFrame) -> pd.DataFrame:
    """Rows of a transcribed matrix by sheet: columns ``origin``, ``legibility``, ``rows``."""
    return matrix.groupby(["origin", "legibility"]).size().rename("rows").reset_index()


def matrix_modes(matrix: pd.DataFrame) -> pd.DataFrame:
    """Rows of a transcribed matrix per cooperation mode: ``mode``, ``meaning``, ``rows``.

    A combination such as ``Z/O`` is its own mode; ``unknown`` where the cell is illegible.
    """
    modes = matrix["mode"].fillna("unknown").value_counts().rename("rows").reset_index()
    modes.insert(1, "meaning", texts([_mode_meaning(mode) for mode in modes["mode"]]))
    return modes


def criteria_table(criteria: Sequence[str], weights: Mapping[str, float]) -> pd.DataFrame:
    """The chosen criteria: ``criterion`` (key), ``label``, ``effect`` on the priority
    (``raises``/``lowers``) and ``weight``."""
    chosen = criteria_by_key(criteria)
    return pd.DataFrame(
        {
            "criterion": [c.key for c in chosen],
            "label": [c.label for c in chosen],
            "effect": ["raises" if c.effect == BENEFIT else "lowers" for c in chosen],
            "weight": [float(weights[c.key]) for c in chosen],
        }
    )


def interview_inputs(
    district: str | District,
) -> tuple[CodedProject | None, pd.DataFrame | None]:
    """The district's coded interviews and unattributed findings (``None`` where absent)."""
    if not interview_data.has_interviews(district):
        return None, None
    project = interview_data.load_interviews(district)
    if not interview_data.has_table(district, interview_data.UNATTRIBUTED_FILE):
        return project, None  # only reconstructions of a published study carry this table
    return project, interview_data.load_unattributed_findings(district, project)


# --- scores ----------------------------------------------------------------------------------


def scores_path(district: str | District) -> Path:
    """Where the district's own scores are read from (input :data:`SCORES_INPUT`)."""
    return resolve(district).inputs.path(SCORES_INPUT)


def write_scores_template(
    district: str | District,
    path: str | Path,
    *,
    criteria: Sequence[str] | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a scores CSV to fill in: the district's fields in evidence order, points empty.

    Columns: ``field_id``, ``label``, ``evidence_rank`` (rank by documented evidence, see
    :func:`rank_by_evidence`), one empty column per criterion and an empty ``note``. Enter
    1-3 points per criterion *as named* (3 = high expected gain, but also 3 = much effort);
    leave a row empty to skip a field, add rows for fields of your own. Save the filled file
    at :func:`scores_path` and the study ranks the fields with it.

    Parameters
    ----------
    district
        Catalog key or :class:`~ikzlib.catalog.District`.
    path
        Where to write the template.
    criteria
        Criterion columns (default: all of :data:`CRITERION_KEYS`).
    overwrite
        Replace an existing file (default: refuse, so filled scores are never lost).

    Returns
    -------
    pathlib.Path
        The written file. A district without candidate fields gets the header only.

    Raises
    ------
    FileExistsError
        When ``path`` exists and ``overwrite`` is false.
    """
    district = resolve(district)
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    ranking = rank_by_evidence(field_evidence(district, *interview_inputs(district)))
    template = scores_template(ranking, criteria)
    return write_text(path, template.to_csv(index=False, lineterminator="\n"))


def scores_template(ranking: pd.DataFrame, criteria: Sequence[str] | None = None) -> pd.DataFrame:
    """The rows of :func:`write_scores_template`: fields of an evidence ranking, points empty."""
    keys = [c.key for c in criteria_by_key(criteria)]
    template = ranking[["field_id", "label"]].assign(evidence_rank=ranking["rank"])
    return template.reindex(columns=["field_id", "label", "evidence_rank", *keys, "note"])


def read_scores_csv(path: str | Path, criteria: Sequence[str] | None = None) -> pd.DataFrame:
    """Read user scores: one row per field, 1-3 points per criterion.

    Columns: ``field_id``, one column per criterion key (points 1-3 of the criterion *as
    named*: 3 = much effort) and the optional columns of the template
    (:func:`write_scores_template`): ``label``, ``evidence_rank``, ``note`` and the columns
    of criteria not chosen (ignored). A row whose
    criterion cells are all empty is a field left unscored and is skipped; a row with some
    points must have all of them.

    Returns
    -------
    pandas.DataFrame
        ``field_id``, ``label`` (``field_id`` when not given), integer points per criterion
        and ``score_origin`` = ``"user"``, sorted by ``field_id``.

    Raises
    ------
    DataValidationError
        For a missing or unknown column, a duplicate field, a partly scored row, points that
        are not whole numbers 1-3, or a file without any scored row, naming file, line and
        column.
    """
    keys = [c.key for c in criteria_by_key(criteria)]
    unused = [k for k in CRITERION_KEYS if k not in keys]  # a full template, fewer criteria
    frame = read_csv_strict(path, ["field_id", *keys], optional=[*TEMPLATE_EXTRA_COLUMNS, *unused])
    require_values(frame, ["field_id"], path)
    check_unique(frame, "field_id", path)
    frame = frame[frame[keys].notna().any(axis=1)]  # rows left empty: fields not scored
    if frame.empty:
        raise DataValidationError(path, "no scored fields (no row has points)")
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


def demo_fields(n: int = 6) -> pd.DataFrame:
    """``n`` invented task fields (``field_id`` ``DEMO_A`` ..., label "Invented field A" ...).

    The method demo scores these instead of a district's fields, so that invented scores
    never stand beside the name of a real field.
    """
    if not 1 <= n <= 26:
        raise ValueError(f"n must be 1-26, got {n}")
    letters = [chr(ord("A") + i) for i in range(n)]
    return pd.DataFrame(
        {
            "field_id": [f"DEMO_{letter}" for letter in letters],
            "label": texts([Message(DEMO_LABEL, letter=letter) for letter in letters]),
        }
    )


def illustrative_scores(
    fields: pd.DataFrame, seed: int, criteria: Sequence[str] | None = None
) -> pd.DataFrame:
    """Random 1-3 points per field and criterion, labelled ``score_origin = "illustrative"``.

    They only demonstrate the method, on invented fields (:func:`demo_fields`); real fields
    are scored by a user in a scores CSV (:func:`read_scores_csv`).
    """
    keys = [c.key for c in criteria_by_key(criteria)]
    rng = np.random.default_rng(seed)
    points = rng.integers(MIN_POINTS, MAX_POINTS + 1, size=(len(fields), len(keys)))
    out = pd.DataFrame(points, columns=keys)
    out.insert(0, "label", texts(fields["label"]))
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


# --- AHP (ikzlib.ahp) ------------------------------------------------------------------------


def read_pairwise_csv(path: str | Path) -> pd.DataFrame:
    """:func:`ikzlib.ahp.read_pairwise_csv` restricted to this module's criteria."""
    return ahp.read_pairwise_csv(path, criteria=CRITERION_KEYS)


def compare_weights(
    weights: Mapping[str, float], result: AhpResult, criteria: Sequence[str], lang: str = "en"
) -> pd.DataFrame:
    """:func:`ikzlib.ahp.compare_weights` with the criteria's readable labels."""
    return ahp.compare_weights(weights, result, criteria, CRITERION_LABELS, lang)


def compare_rankings(direct: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Ranks of two :func:`weighted_scores` results side by side (``rank_direct``, ``rank_ahp``).

    Rows follow ``direct``.
    """
    return direct[["field_id", "label", "rank"]].merge(
        other[["field_id", "rank"]], on="field_id", suffixes=("_direct", "_ahp")
    )
