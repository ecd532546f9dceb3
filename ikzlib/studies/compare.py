"""Study ``compare`` (notebook ``90_compare_districts``): the district reports side by side.

Unlike the per-district studies it reads no raw data: it reads every district's published
``summary.json`` (the key figures as their studies declared them) and lines them up. Evidence
figures (official, derived, published, model) go into one table per section and into the
small multiples; illustrative and synthetic figures are listed apart by name and kind.

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
from ikzlib.errors import ParameterError
from ikzlib.studies.base import check_number


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
    notes: tuple[str, ...] = ()


def run(
    districts: Sequence[str] | str | None = None,
    *,
    max_panels: int = 12,
    root: str | Path | None = None,
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

    Returns
    -------
    CompareStudy
        Tables, panel choice and notes; nothing is drawn or written.

    Raises
    ------
    ParameterError
        An unknown district key or a bad ``max_panels``.
    """
    keys = _district_keys(districts)
    max_panels = int(check_number("max_panels", max_panels, minimum=1, integer=True))
    summaries = compare.load_summaries(keys, root)
    long = compare.key_figures_long(summaries)
    reported = tuple(summaries)
    choice = compare.choose_panels(long, max_panels)
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
        notes=_notes(keys, reported, long, choice, max_panels),
    )


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
        f"{len(reported)} of {len(keys)} districts have a report: {', '.join(reported) or 'none'}."
    ]
    missing = [k for k in keys if k not in reported]
    if missing:
        notes.append(f"No current report (run `ikz batch --all`): {', '.join(missing)}.")
    if long.empty:
        notes.append("No key figures to compare yet.")
    elif not choice.panels:
        notes.append(
            "Small multiples need at least two district reports with an evidence figure "
            "that differs."
        )
    labels = _labels(long)
    if choice.constant:
        names = ", ".join(labels[k] for k in choice.constant)
        notes.append(f"Same value in every reporting district (no panel): {names}.")
    if choice.omitted:
        names = ", ".join(labels[k] for k in choice.omitted)
        notes.append(f"Not drawn (limit of {max_panels} panels): {names}.")
    return tuple(notes)


def _labels(long: pd.DataFrame) -> dict[tuple[str, str], str]:
    """``{(section, figure): "label (section title)"}``."""
    return {
        (r.section, r.figure): f"{r.label} ({r.section_title})"
        for r in long.drop_duplicates(["section", "figure"]).itertuples()
    }
