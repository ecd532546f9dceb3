"""A district's coded interviews: where they live, their extra tables, and the findings tables.

:mod:`ikzlib.qda` is about formats; this module knows the project layout. The Harz data is a
reconstruction of the case study's footnotes; other districts add their own coded data here.

``data/raw/<district>/interviews/`` holds the tidy coded-data layout (documents, codes,
document-level codings, variables) plus three tables of its own:

``unattributed_findings.csv``
    ``finding_id``, ``code_id``, ``count_word`` (the quantifier as printed, e.g. ``einige``,
    ``mehrere``, ``viele``; ``unspecified`` when the text gives none), ``section``,
    ``statement`` (own words), ``source``. Findings the study reports without naming the
    interviews; they are never attributed to a document.
``footnotes.csv``
    ``footnote``, ``interviews`` (``;``-separated numbers), ``section``, ``topic``,
    ``source``: the footnotes that attribute statements to interviews.
``study_facts.csv``
    ``fact``, ``value``, ``unit``, ``meaning``, ``source``: study-level facts (number of
    interviews, persons, period ...).

See the README in that folder for provenance.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ikzlib.catalog import District, resolve
from ikzlib.qda.analysis import code_frequencies, descendants
from ikzlib.qda.model import CodedProject
from ikzlib.qda.tidy import read_tidy
from ikzlib.tables import (
    LINE,
    check_pattern,
    check_references,
    check_unique,
    read_csv_strict,
    require_values,
)

AMBIGUOUS = "ambiguous"
# "footnote 107"; "footnote 102 (ambiguous)" when the footnote admits more than one reading
# and each reading is coded (the memo says which).
FOOTNOTE_EVIDENCE = re.compile(rf"footnote (\d+)(?: \(({AMBIGUOUS})\))?")
ALL_EVIDENCE = re.compile(r"text: .*\ball\b.*\(no footnote\)")
TASK_FIELD_PARENT = "potential.field"
UNATTRIBUTED_FILE = "unattributed_findings.csv"
FOOTNOTES_FILE = "footnotes.csv"
FACTS_FILE = "study_facts.csv"
FINDINGS_COLUMNS = ["code_id", "code", "n_interviews", "interviews", "evidence", "unattributed"]


def interviews_dir(district: str | District) -> Path:
    """Folder of a district's coded interviews (may not exist)."""
    return resolve(district).inputs.path("interviews")


def has_interviews(district: str | District) -> bool:
    """Whether the district has coded interview data."""
    return (interviews_dir(district) / "documents.csv").is_file()


def has_table(district: str | District, file_name: str) -> bool:
    """Whether the district's interview folder holds the optional table ``file_name``.

    The extra tables (:data:`UNATTRIBUTED_FILE`, :data:`FOOTNOTES_FILE`, :data:`FACTS_FILE`)
    belong to reconstructions of a published study; coded data exported from a QDA program
    usually has none of them.
    """
    return (interviews_dir(district) / file_name).is_file()


def load_interviews(district: str | District) -> CodedProject:
    """The district's coded interviews as a validated :class:`CodedProject`."""
    return read_tidy(interviews_dir(district))


def load_unattributed_findings(
    district: str | District, project: CodedProject | None = None
) -> pd.DataFrame:
    """``unattributed_findings.csv`` checked (unique ids, filled cells, known codes)."""
    path = interviews_dir(district) / UNATTRIBUTED_FILE
    columns = ["finding_id", "code_id", "count_word", "section", "statement", "source"]
    frame = read_csv_strict(path, columns)
    require_values(frame, columns, path)
    check_unique(frame, "finding_id", path)
    check_pattern(frame, "section", r"\d+(\.\d+)*", path, "a section number like 3.5.4")
    if project is not None:
        check_references(frame, "code_id", set(project.codes["code_id"]), path, "codes.csv")
    return frame.drop(columns=LINE)


def load_footnotes(district: str | District) -> pd.DataFrame:
    """``footnotes.csv`` with ``interviews`` parsed into tuples of interview numbers."""
    path = interviews_dir(district) / FOOTNOTES_FILE
    frame = read_csv_strict(path, ["footnote", "interviews", "section", "topic", "source"])
    require_values(frame, ["footnote", "interviews", "section", "source"], path)
    check_unique(frame, "footnote", path)
    check_pattern(frame, "footnote", r"\d+", path, "a footnote number")
    check_pattern(frame, "interviews", r"\d+(;\d+)*", path, "interview numbers like 1;2;7")
    frame["footnote"] = frame["footnote"].astype(int)
    frame["interviews"] = [tuple(int(n) for n in v.split(";")) for v in frame["interviews"]]
    return frame.drop(columns=LINE)


def load_study_facts(district: str | District) -> pd.DataFrame:
    """``study_facts.csv`` (study-level facts, each with its source)."""
    path = interviews_dir(district) / FACTS_FILE
    columns = ["fact", "value", "unit", "meaning", "source"]
    frame = read_csv_strict(path, columns)
    require_values(frame, ["fact", "value", "meaning", "source"], path)
    check_unique(frame, "fact", path)
    return frame.drop(columns=LINE)


def documents_by_code(project: CodedProject, code_id: str) -> list[str]:
    """Documents with a coding of ``code_id`` or one of its subcodes (sorted)."""
    codes = set(descendants(project, code_id))
    codings = project.codings[project.codings["code_id"].isin(codes)]
    return sorted(set(codings["doc_id"]))


def interview_numbers(project: CodedProject, doc_ids: list[str]) -> list[int]:
    """Interview numbers of the given documents, sorted.

    The number is the document variable ``interview_number`` where the data has one, else
    the document's 1-based position in ``doc_id`` order: a pseudonymous number either way,
    never a name.
    """
    wide = project.variables_wide()
    if "interview_number" in wide.columns and wide["interview_number"].notna().all():
        numbers = wide["interview_number"].astype(int).to_dict()
    else:
        numbers = {d: i for i, d in enumerate(sorted(project.documents["doc_id"]), start=1)}
    return sorted(int(numbers[d]) for d in doc_ids)


def attribution_counts(project: CodedProject) -> dict[str, int]:
    """How the codings are attributed: ``footnote``, ``all`` (said by all) and ``other``.

    ``footnote`` counts codings whose ``evidence`` is a footnote naming the interview
    (including each reading of an ambiguous footnote, see :func:`ambiguous_footnotes`),
    ``all`` those a statement made for all interviewees carries (:data:`ALL_EVIDENCE`),
    ``other`` every other coding (e.g. a coded segment of a transcript).
    """
    evidence = [e or "" for e in project.codings["evidence"]]
    footnote = sum(bool(FOOTNOTE_EVIDENCE.fullmatch(e)) for e in evidence)
    said_by_all = sum(bool(ALL_EVIDENCE.fullmatch(e)) for e in evidence)
    return {
        "footnote": footnote,
        "all": said_by_all,
        "other": len(evidence) - footnote - said_by_all,
    }


def ambiguous_footnotes(project: CodedProject) -> dict[int, list[str]]:
    """Footnotes coded under more than one reading: ``{footnote: [code_id, ...]}`` (sorted).

    Each reading of such a footnote is a coding with evidence ``footnote N (ambiguous)``, so
    counts built on either code show the footnote and readers can see that it is contested.
    """
    readings: dict[int, set[str]] = {}
    codings = project.codings
    for evidence, code_id in zip(codings["evidence"], codings["code_id"], strict=True):
        match = FOOTNOTE_EVIDENCE.fullmatch(evidence or "")
        if match and match.group(2):
            readings.setdefault(int(match.group(1)), set()).add(code_id)
    return {note: sorted(codes) for note, codes in sorted(readings.items())}


def _evidence(project: CodedProject, code_ids: list[str]) -> str:
    codings = project.codings[project.codings["code_id"].isin(code_ids)]
    cited = sorted(
        {f"{s}, {e}" for s, e in zip(codings["section"], codings["evidence"], strict=True)}
    )
    return "; ".join(cited)


def findings_table(
    project: CodedProject, code_ids: list[str], unattributed: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Which interviews carry each code, with the evidence and any unattributed mentions.

    Returns
    -------
    pandas.DataFrame
        ``code_id``, ``code`` (path), ``n_interviews``, ``interviews`` (numbers, e.g.
        ``1, 2, 3, 6``), ``evidence`` (section and footnote of every attribution) and
        ``unattributed`` (count words of findings without named interviews).
    """
    rows = []
    for code in code_ids:
        docs = documents_by_code(project, code)
        mentions = ""
        if unattributed is not None:
            words = unattributed.loc[unattributed["code_id"] == code, "count_word"]
            mentions = ", ".join(dict.fromkeys(words))
        rows.append(
            {
                "code_id": code,
                "code": project.code_path(code),
                "n_interviews": len(docs),
                "interviews": ", ".join(str(n) for n in interview_numbers(project, docs)),
                "evidence": _evidence(project, descendants(project, code)),
                "unattributed": mentions,
            }
        )
    return pd.DataFrame(rows, columns=FINDINGS_COLUMNS)


def potential_field_counts(
    project: CodedProject, unattributed: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Number of interviews naming each potential task field (children of ``potential.field``).

    ``n_interviews`` counts only interviews a footnote (or an "all interviewees" statement)
    names; a reading of an ambiguous footnote counts and says so in ``evidence``
    (``footnote 102 (ambiguous)``). Fields the study lists without naming interviews have
    ``n_interviews`` 0 and their count word (e.g. ``viele``, ``unspecified``) in
    ``unattributed``. Columns: ``code_id``,
    ``name``, ``n_interviews``, ``evidence``, ``unattributed``.
    """
    fields = project.codes.loc[project.codes["parent_id"] == TASK_FIELD_PARENT, "code_id"]
    table = findings_table(project, list(fields), unattributed)
    names = dict(zip(project.codes["code_id"], project.codes["name"], strict=True))
    table.insert(1, "name", table["code_id"].map(names))
    return table[["code_id", "name", "n_interviews", "evidence", "unattributed"]]


def coded_code_ids(project: CodedProject) -> list[str]:
    """Codes with at least one coding, in codebook order."""
    frequencies = code_frequencies(project)
    return list(frequencies.loc[frequencies["n_segments"] > 0, "code_id"])
