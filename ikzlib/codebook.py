"""A district's codebook for someone repeating the method: REFI-QDA ``.qdc``, tables, a guide.

The codebook is the ``codes`` table of the district's coded interviews
(:func:`ikzlib.interview_data.load_interviews`): code ids, hierarchy, names, descriptions
and colours. :func:`export_codebook` writes it as

``qdc``
    REFI-QDA Codebook 1.0 (:func:`ikzlib.qda.refi.write_qdc`), importable by MAXQDA,
    ATLAS.ti, NVivo and QualCoder; GUIDs are uuid5 of the code ids, so the file is stable.
``csv``
    One row per code in tree order (:func:`codebook_table`).
``md``
    A readable Markdown table per top-level code (:func:`codebook_markdown`).
``guide``
    An interview-guide template (:func:`interview_guide`): a neutral introduction on consent
    and pseudonymisation, then one section per top-level code with a question for each
    sub-code. Code names and descriptions stay in the language of the codebook; headings
    and the framing text follow ``lang``.

Command line (wired in :mod:`ikzlib.cli`)::

    ikz codebook --district harz --format qdc [--out PATH] [--lang de]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ikzlib import io as ikz_io
from ikzlib import paths
from ikzlib.catalog import District, resolve
from ikzlib.errors import DataValidationError
from ikzlib.i18n import DEFAULT_LANGUAGE, LANGUAGES, Message, check_language, register, tr
from ikzlib.interview_data import has_interviews, load_interviews
from ikzlib.qda.model import CodedProject
from ikzlib.qda.refi import write_qdc

FORMATS = {"qdc": "codebook.qdc", "csv": "codebook.csv", "md": "codebook.md", "guide": "guide.md"}
TABLE_COLUMNS = ["code_id", "parent_id", "level", "path", "name", "description", "color"]
PATH_SEPARATOR = " > "

register(
    {
        "Codebook: {district}": "Codebuch: {district}",
        "{n} codes in {m} top-level groups.": "{n} Codes in {m} Hauptkategorien.",
        "Code": "Code",
        "Description": "Beschreibung",
        "Colour": "Farbe",
        "Level": "Ebene",
        "(no description)": "(keine Beschreibung)",
        "Interview guide: {district}": "Interviewleitfaden: {district}",
        "Template derived from the codebook ({n} codes). Adapt the wording to the interview "
        "partner and leave out what does not apply.": "Vorlage, abgeleitet aus dem Codebuch "
        "({n} Codes). Formulierungen an die Gesprächspartner anpassen und Nichtzutreffendes "
        "weglassen.",
        "Before the interview": "Vor dem Interview",
        "Explain the purpose of the study and who conducts it.": "Zweck der Studie und "
        "durchführende Stelle erläutern.",
        "Ask for consent to the interview and, separately, to recording it; note that "
        "consent can be withdrawn at any time.": "Einwilligung in das Interview und gesondert "
        "in die Aufzeichnung einholen; darauf hinweisen, dass sie jederzeit widerrufen werden "
        "kann.",
        "Explain pseudonymisation: interviews are cited by number only; names of persons and "
        "of municipalities are not published, and statements that would allow conclusions "
        "about a municipality are not attributed.": "Pseudonymisierung erläutern: Interviews "
        "werden nur mit einer Nummer zitiert; Namen von Personen und Kommunen werden nicht "
        "veröffentlicht, und Aussagen, die Rückschlüsse auf eine Kommune zulassen, werden "
        "nicht zugeordnet.",
        "Record the interview number, date, format (in person, telephone, group) and the "
        "roles of the participants.": "Interviewnummer, Datum, Format (persönlich, telefonisch, "
        "Gruppe) und Funktionen der Teilnehmenden festhalten.",
        "Topic {number}: {name}": "Thema {number}: {name}",
        "Opening question: how do you see this topic in your municipality?": "Einstiegsfrage: "
        "Wie sehen Sie dieses Thema in Ihrer Kommune?",
        "What can you tell us about: {name}?": "Was können Sie uns sagen zu: {name}?",
        "Probes": "Nachfragen",
        "At the end": "Zum Abschluss",
        "Is there anything we have not asked that matters for cooperation between the "
        "municipalities?": "Gibt es etwas, das wir nicht gefragt haben und das für die "
        "Zusammenarbeit der Kommunen wichtig ist?",
        "Thank the participants and repeat how the interview will be used.": "Den "
        "Teilnehmenden danken und wiederholen, wie das Interview verwendet wird.",
    }
)


def load_codebook(district: str | District) -> CodedProject:
    """The district's coded-interview project, whose ``codes`` are the codebook.

    Raises
    ------
    DataValidationError
        If the district has no coded interviews (the message says how to add them).
    """
    info = resolve(district)
    if not has_interviews(info):
        raise DataValidationError(
            info.inputs.path("interviews"), info.inputs.missing_note("interviews")
        )
    return load_interviews(info)


def _tree_order(codes: pd.DataFrame) -> list[tuple[str, int]]:
    """``(code_id, level)`` depth-first in codebook order; top-level codes have level 1."""
    children: dict[str | None, list[str]] = {}
    for code_id, parent in zip(codes["code_id"], codes["parent_id"], strict=True):
        children.setdefault(parent, []).append(code_id)
    order: list[tuple[str, int]] = []
    stack = [(c, 1) for c in reversed(children.get(None, []))]
    while stack:
        code_id, level = stack.pop()
        order.append((code_id, level))
        stack.extend((c, level + 1) for c in reversed(children.get(code_id, [])))
    return order


def codebook_table(project: CodedProject) -> pd.DataFrame:
    """One row per code in tree order.

    Returns
    -------
    pandas.DataFrame
        ``code_id``, ``parent_id``, ``level`` (1 = top level), ``path`` (names joined by
        ``" > "``), ``name``, ``description``, ``color``.
    """
    codes = {row["code_id"]: row for row in project.codes.to_dict("records")}
    rows = [
        {
            **codes[code_id],
            "level": level,
            "path": project.code_path(code_id, PATH_SEPARATOR),
        }
        for code_id, level in _tree_order(project.codes)
    ]
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS, dtype=object)
    table["level"] = table["level"].astype(int)
    return table


def markdown_cell(text: object) -> str:
    """``text`` safe inside a Markdown table cell that is also rendered to HTML.

    Pipes and backslashes are escaped, HTML-significant characters become entities and line
    breaks become spaces, so no cell can break the table or inject markup.
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    value = " ".join(str(text).split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("\\", "\\\\").replace("|", "\\|")


def codebook_markdown(
    project: CodedProject, district_name: str, lang: str = DEFAULT_LANGUAGE
) -> str:
    """The codebook as Markdown: a section per top-level code with a table of its sub-codes."""
    check_language(lang)
    table = codebook_table(project)
    top = table[table["level"] == 1]
    lines = [
        f"# {tr(Message('Codebook: {district}', district=district_name), lang)}",
        "",
        tr(Message("{n} codes in {m} top-level groups.", n=len(table), m=len(top)), lang),
    ]
    header = [tr(h, lang) for h in ("Code", "Level", "Description", "Colour")]
    for position, (index, row) in enumerate(top.iterrows()):
        end = top.index[position + 1] if position + 1 < len(top) else len(table)
        lines += ["", f"## {markdown_cell(row['name'])} (`{row['code_id']}`)", ""]
        lines.append(markdown_cell(row["description"]) or tr("(no description)", lang))
        members = table.iloc[index + 1 : end]
        if members.empty:
            continue
        lines += ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for _, code in members.iterrows():
            cells = [
                f"{markdown_cell(code['name'])} (`{code['code_id']}`)",
                str(code["level"]),
                markdown_cell(code["description"]),
                markdown_cell(code["color"]),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _guide_questions(table: pd.DataFrame, top_id: str, lang: str) -> list[str]:
    """A question per direct sub-code of ``top_id``; deeper codes become its probes."""
    lines: list[str] = []
    children = table[table["parent_id"] == top_id]
    for number, (_, child) in enumerate(children.iterrows(), start=1):
        question = tr(Message("What can you tell us about: {name}?", name=child["name"]), lang)
        lines.append(f"{number}. {markdown_cell(question)}")
        if child["description"]:
            lines.append(f"   *{markdown_cell(child['description'])}*")
        probes = table[table["path"].str.startswith(child["path"] + PATH_SEPARATOR)]
        if not probes.empty:
            lines.append(f"   - {tr('Probes', lang)}:")
            lines += [f"     - {markdown_cell(p)}" for p in probes["name"]]
    return lines


def interview_guide(project: CodedProject, district_name: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """An interview-guide template in Markdown, derived from the codebook.

    A neutral introduction (purpose, consent, recording, pseudonymisation, interview
    metadata), then one section per top-level code: its description, an opening question,
    and a numbered question for each direct sub-code with the sub-code's description and its
    own sub-codes as probes; a closing section.
    """
    check_language(lang)
    table = codebook_table(project)
    top = table[table["level"] == 1]
    intro = [
        "Explain the purpose of the study and who conducts it.",
        "Ask for consent to the interview and, separately, to recording it; note that consent "
        "can be withdrawn at any time.",
        "Explain pseudonymisation: interviews are cited by number only; names of persons and "
        "of municipalities are not published, and statements that would allow conclusions "
        "about a municipality are not attributed.",
        "Record the interview number, date, format (in person, telephone, group) and the "
        "roles of the participants.",
    ]
    lines = [
        f"# {tr(Message('Interview guide: {district}', district=district_name), lang)}",
        "",
        tr(
            Message(
                "Template derived from the codebook ({n} codes). Adapt the wording to the "
                "interview partner and leave out what does not apply.",
                n=len(table),
            ),
            lang,
        ),
        "",
        f"## {tr('Before the interview', lang)}",
        "",
        *[f"- {tr(item, lang)}" for item in intro],
    ]
    for number, (_, row) in enumerate(top.iterrows(), start=1):
        title = tr(Message("Topic {number}: {name}", number=number, name=row["name"]), lang)
        lines += ["", f"## {markdown_cell(title)}", ""]
        if row["description"]:
            lines += [f"*{markdown_cell(row['description'])}*", ""]
        lines.append(
            f"- {tr('Opening question: how do you see this topic in your municipality?', lang)}"
        )
        questions = _guide_questions(table, row["code_id"], lang)
        if questions:
            lines += ["", *questions]
    closing = [
        "Is there anything we have not asked that matters for cooperation between the "
        "municipalities?",
        "Thank the participants and repeat how the interview will be used.",
    ]
    lines += ["", f"## {tr('At the end', lang)}", "", *[f"- {tr(c, lang)}" for c in closing]]
    return "\n".join(lines) + "\n"


def default_path(district: str | District, fmt: str, lang: str = DEFAULT_LANGUAGE) -> Path:
    """Where :func:`export_codebook` writes by default: ``reports/<district>/codebook/``."""
    name = FORMATS[fmt]
    if fmt in ("md", "guide") and lang != DEFAULT_LANGUAGE:
        name = name.replace(".md", f".{lang}.md")
    return paths.reports_dir(resolve(district)) / "codebook" / name


def export_codebook(
    district: str | District,
    fmt: str,
    out: str | Path | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> Path:
    """Write the district's codebook in ``fmt`` (:data:`FORMATS`) atomically; return the path.

    Raises
    ------
    ParameterError
        For an unknown format or language.
    DataValidationError
        If the district has no coded interviews.
    """
    from ikzlib.errors import ParameterError

    if fmt not in FORMATS:
        raise ParameterError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if lang not in LANGUAGES:
        raise ParameterError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    info = resolve(district)
    project = load_codebook(info)
    target = Path(out) if out is not None else default_path(info, fmt, lang)
    if fmt == "qdc":
        return write_qdc(project, target)
    if fmt == "csv":
        return ikz_io.write_csv(target, codebook_table(project))
    render = codebook_markdown if fmt == "md" else interview_guide
    return ikz_io.write_text(target, render(project, info.name, lang))
