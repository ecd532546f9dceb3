"""Study ``compare`` (notebook ``90_compare_districts``): the district reports side by side.

Unlike the per-district studies it reads no raw data: it reads every district's published
``summary.json`` (the key figures as their studies declared them) and lines them up. Evidence
figures (official, derived, published, model) go into one table per section and into the
small multiples; illustrative and synthetic figures are listed apart by name and kind.

Size figures exist at two levels (:data:`LEVELS`): administrative units, where the case
studies count (a Samtgemeinde or Verbandsgemeinde is one unit), and Gemeinden. The
comparison draws the unit level by default; the figures of the other level stay in the
tables, labelled by their level, but get no panel.

Examples
--------
>>> study = run(["harz"], root="/nonexistent")
>>> study.reported, study.notes[0]
((), '0 of 1 districts have a report: none.')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ikzlib import catalog, compare
from ikzlib.display import Table, table
from ikzlib.errors import ParameterError
from ikzlib.i18n import Message, register
from ikzlib.studies.base import check_number

# Which size figures each level draws: "both" draws every figure.
LEVELS = ("units", "gemeinden", "both")

register(
    {
        "{n} of {total} districts have a report: {names}.": (
            "{n} von {total} Kreisen haben einen Bericht: {names}."
        ),
        "No current report (run `ikz batch --all`): {names}.": (
            "Kein aktueller Bericht (`ikz batch --all` ausführen): {names}."
        ),
        "No key figures to compare yet.": "Noch keine Kennzahlen zum Vergleichen.",
        "Small multiples need at least two district reports with an evidence figure "
        "that differs.": (
            "Kleine Vielfache brauchen mindestens zwei Kreisberichte mit einer abweichenden "
            "Evidenz-Kennzahl."
        ),
        "Same value in every reporting district (no panel): {names}.": (
            "Gleicher Wert in jedem berichtenden Kreis (kein Diagramm): {names}."
        ),
        "Not drawn (limit of {limit} panels): {names}.": (
            "Nicht gezeichnet (Grenze von {limit} Diagrammen): {names}."
        ),
        # column labels of notebook 90
        "Key figure": "Kennzahl",
        "Kind": "Art",
        "Section": "Abschnitt",
        "Districts": "Kreise",
        "Size figures are compared at the level of administrative units (a Samtgemeinde, "
        "Verbandsgemeinde or Amt is one unit); the Gemeinde-level figures are in the tables "
        "but not drawn: {names}.": (
            "Größenkennzahlen werden auf der Ebene der Verwaltungseinheiten verglichen (eine "
            "Samtgemeinde, Verbandsgemeinde oder ein Amt ist eine Einheit); die Kennzahlen je "
            "Gemeinde stehen in den Tabellen, werden aber nicht gezeichnet: {names}."
        ),
        "Size figures are compared at the level of Gemeinden; the figures of administrative "
        "units are in the tables but not drawn: {names}.": (
            "Größenkennzahlen werden auf der Ebene der Gemeinden verglichen; die Kennzahlen der "
            "Verwaltungseinheiten stehen in den Tabellen, werden aber nicht gezeichnet: {names}."
        ),
    }
)


@dataclass(frozen=True, kw_only=True)
class CompareStudy:
    """The key figures of several district reports, side by side.

    Attributes
    ----------
    districts
        Districts asked for, in display order.
    reported
        Those with a current ``summary.json``, in the same order.
    missing
        Those without one (no report yet, or one of an older schema).
    figures
        Every recorded figure, evidence or not (:func:`ikzlib.compare.key_figures_long`).
    section_titles
        ``{section: title}`` in declared section order.
    tables
        Evidence only: one wide table per section (:func:`ikzlib.compare.section_tables`).
    not_evidence
        Illustrative and synthetic figures by name, kind and districts, without values.
    panels
        Which evidence figures the small multiples draw, which are equal everywhere and
        which exceed ``max_panels``.
    max_panels
        The panel limit used.
    level
        Which size figures get panels (:data:`LEVELS`).
    panel_source
        Source line for the small multiples, naming the kinds drawn.
    notes
        Sentences about this comparison: coverage, missing reports, what is not drawn.
    """

    districts: tuple[str, ...]
    reported: tuple[str, ...]
    missing: tuple[str, ...]
    figures: pd.DataFrame
    section_titles: dict[str, str]
    tables: dict[str, pd.DataFrame]
    not_evidence: pd.DataFrame
    panels: compare.PanelChoice
    max_panels: int
    panel_source: str
    level: str = "units"
    notes: tuple[str, ...] = ()

    def tables_in(self, lang: str = "en") -> dict[str, pd.DataFrame]:
        """:attr:`tables` with labels and values in ``lang`` (:func:`ikzlib.compare.localized`)."""
        return compare.section_tables(compare.localized(self.figures, lang), self.reported)

    def table(self, section: str, lang: str = "en") -> Table:
        """The evidence table of ``section`` for reading (:func:`ikzlib.display.table`).

        Key figure, kind and one column per reporting district; the section title as caption.
        """
        frame = self.tables_in(lang)[section]
        columns = {"label": "Key figure", "kind": "Kind", **{k: k for k in self.reported}}
        return table(
            frame,
            columns,
            lang=lang,
            translate=["kind"],
            caption=self.section_titles[section],
        )

    def not_evidence_table(self, lang: str = "en") -> Table:
        """:attr:`not_evidence` for reading: section, key figure, kind and districts."""
        return table(
            self.not_evidence,
            {
                "section_title": "Section",
                "label": "Key figure",
                "kind": "Kind",
                "districts": "Districts",
            },
            lang=lang,
            translate=["section_title", "label", "kind"],
        )


def run(
    districts: Sequence[str] | str | None = None,
    *,
    max_panels: int = 12,
    root: str | Path | None = None,
    level: str = "units",
) -> CompareStudy:
    """Compare the published key figures of ``districts``.

    Parameters
    ----------
    districts
        Catalog keys in display order (a single key is accepted); ``None`` or empty: every
        configured district.
    max_panels
        Most small-multiple panels (a whole number >= 1); further differing figures are
        listed by name in the notes.
    root
        Output root holding ``reports/<district>/summary.json`` (see :mod:`ikzlib.paths`).
    level
        ``"units"`` (default): size figures are drawn at the level of administrative units;
        ``"gemeinden"``: at the level of Gemeinden; ``"both"``: every figure may get a panel.

    Returns
    -------
    CompareStudy
        Tables, panel choice and notes; nothing is drawn or written.

    Raises
    ------
    ParameterError
        An unknown district key, a bad ``max_panels`` or ``level``.
    """
    keys = _district_keys(districts)
    max_panels = int(check_number("max_panels", max_panels, minimum=1, integer=True))
    if level not in LEVELS:
        raise ParameterError(f"parameter level={level!r}: choose one of {', '.join(LEVELS)}")
    summaries = compare.load_summaries(keys, root)
    long = compare.key_figures_long(summaries)
    reported = tuple(summaries)
    hidden = _other_level(long, level)
    choice = compare.choose_panels(long, max_panels, exclude=hidden)
    return CompareStudy(
        districts=tuple(keys),
        reported=reported,
        missing=tuple(k for k in keys if k not in summaries),
        figures=long,
        section_titles=compare.section_titles(long),
        tables=compare.section_tables(long, reported),
        not_evidence=compare.not_evidence_list(long),
        panels=choice,
        max_panels=max_panels,
        panel_source=compare.panel_source(long, choice.panels),
        level=level,
        notes=(
            *_notes(keys, reported, long, choice, max_panels),
            *_level_note(long, hidden, level),
        ),
    )


def _other_level(long: pd.DataFrame, level: str) -> list[tuple[str, str]]:
    """The recorded size figures of the level not compared (none for ``"both"``)."""
    from ikzlib.studies import structure  # late: the declarations live with the study

    if level == "both":
        return []
    names = structure.GEMEINDE_FIGURES if level == "units" else structure.UNIT_FIGURES
    recorded = set(zip(long["section"], long["figure"], strict=True))
    return [
        (structure.SECTION.name, name)
        for name in names
        if (structure.SECTION.name, name) in recorded
    ]


def _level_note(
    long: pd.DataFrame, hidden: Sequence[tuple[str, str]], level: str
) -> tuple[Message, ...]:
    """Which level is drawn and which recorded figures of the other level are not."""
    if not hidden:
        return ()
    labels = _labels(long)
    names = ", ".join(labels[key] for key in hidden)
    if level == "units":
        template = (
            "Size figures are compared at the level of administrative units (a Samtgemeinde, "
            "Verbandsgemeinde or Amt is one unit); the Gemeinde-level figures are in the tables "
            "but not drawn: {names}."
        )
    else:
        template = (
            "Size figures are compared at the level of Gemeinden; the figures of administrative "
            "units are in the tables but not drawn: {names}."
        )
    return (Message(template, names=names),)


def _district_keys(districts: Sequence[str] | str | None) -> list[str]:
    """The asked-for keys, validated against the catalog (duplicates dropped)."""
    configured = catalog.district_keys()
    if not districts:
        return configured
    keys = list(dict.fromkeys([districts] if isinstance(districts, str) else districts))
    unknown = [k for k in keys if k not in configured]
    if unknown:
        raise ParameterError(
            f"parameter districts: unknown district(s) {', '.join(map(repr, unknown))}; "
            f"configured districts: {', '.join(configured)}"
        )
    return keys


def _notes(
    keys: Sequence[str],
    reported: Sequence[str],
    long: pd.DataFrame,
    choice: compare.PanelChoice,
    max_panels: int,
) -> tuple[str, ...]:
    """Coverage and panel sentences, generated from what was found."""
    notes = [
        Message(
            "{n} of {total} districts have a report: {names}.",
            n=len(reported),
            total=len(keys),
            names=", ".join(reported) or "none",
        )
    ]
    missing = [k for k in keys if k not in reported]
    if missing:
        notes.append(
            Message("No current report (run `ikz batch --all`): {names}.", names=", ".join(missing))
        )
    if long.empty:
        notes.append(Message("No key figures to compare yet."))
    elif not choice.panels:
        notes.append(
            Message(
                "Small multiples need at least two district reports with an evidence figure "
                "that differs."
            )
        )
    labels = _labels(long)
    if choice.constant:
        names = ", ".join(labels[k] for k in choice.constant)
        notes.append(
            Message("Same value in every reporting district (no panel): {names}.", names=names)
        )
    if choice.omitted:
        names = ", ".join(labels[k] for k in choice.omitted)
        notes.append(
            Message("Not drawn (limit of {limit} panels): {names}.", limit=max_panels, names=names)
        )
    return tuple(notes)


def _labels(long: pd.DataFrame) -> dict[tuple[str, str], str]:
    """``{(section, figure): "label (section title)"}``."""
    return {
        (r.section, r.figure): f"{r.label} ({r.section_title})"
        for r in long.drop_duplicates(["section", "figure"]).itertuples()
    }
