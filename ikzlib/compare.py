"""Cross-district comparison of the key figures each district report declares.

Every per-district study records its key figures with :func:`ikzlib.summary.record`; the
report runner merges them into ``reports/<district>/summary.json`` (schema
:data:`ikzlib.keyfigures.SCHEMA_VERSION`: per section a title, an order and the figures with
value, label, unit, decimals, kind, source and headline flag). This module reads those
declarations back as :class:`~ikzlib.keyfigures.KeyFigures` (:func:`key_figures_of`), so a
figure is rounded, labelled and classified exactly as its study declared it, and turns them
into one long table, one wide table per section and a choice of small-multiple panels.

Only *evidence* (official, derived, published, model) goes into the section tables and the
panels; illustrative and synthetic figures are listed apart by name and kind
(:func:`not_evidence_list`), never next to data. Sections follow their declared order,
figures their declaration (headline figures first in the panels).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from ikzlib import paths, summary
from ikzlib.errors import DataValidationError
from ikzlib.i18n import check_language, tr
from ikzlib.keyfigures import Figure, KeyFigure, KeyFigures, Kind, Section

LONG_COLUMNS = [
    "district",
    "section",
    "section_title",
    "section_order",
    "figure",
    "label",
    "unit",
    "decimals",
    "percent",
    "value",
    "number",
    "text",
    "short",
    "kind",
    "evidence",
    "headline",
    "source",
]
NOT_EVIDENCE_COLUMNS = ["section", "section_title", "figure", "label", "kind", "districts"]


class PanelChoice(NamedTuple):
    """Which evidence figures get a small-multiple panel.

    Attributes
    ----------
    panels
        ``(section, figure)`` pairs to draw, in drawing order.
    constant
        Numeric evidence figures reported by at least two districts with the same value
        everywhere.
    omitted
        Differing figures left out because of the panel limit, in the order they would follow.
    """

    panels: list[tuple[str, str]]
    constant: list[tuple[str, str]]
    omitted: list[tuple[str, str]]


# --- reading the declarations back -------------------------------------------------------------


def figure_text(figure: Figure, *, unit: bool = True, lang: str = "en") -> str:
    """``figure``'s value formatted as declared (lists item by item, joined by commas).

    Parameters
    ----------
    figure
        A key figure (its :class:`~ikzlib.keyfigures.KeyFigure` decides decimals and unit).
    unit
        Append the unit (``False``: the number alone, e.g. for bar labels; a percent keeps
        its ``%``).
    lang
        Language of separators, words and units.
    """
    spec = figure.spec if unit else _without_unit(figure.spec)
    return spec.format(figure.value, lang=lang)


def _without_unit(spec: KeyFigure) -> KeyFigure:
    return KeyFigure(spec.name, spec.label, "", spec.decimals, spec.kind, percent=spec.percent)


def declared_sections() -> dict[str, Section]:
    """``{name: Section}`` of the studies' current declarations (:func:`ikzlib.studies.sections`).

    ``summary.json`` is written with sorted keys, so the order of a section's figures comes
    from here; sections and figures the studies no longer declare follow by name.
    """
    from ikzlib import studies  # imported late: ikzlib.studies.compare imports this module

    return {section.name: section for section in studies.sections()}


def key_figures_of(
    document: Mapping[str, Any],
    source: str | Path = "summary.json",
    declared: Mapping[str, Section] | None = None,
) -> list[KeyFigures]:
    """The sections of a ``summary.json`` document as :class:`KeyFigures`, in declared order.

    Parameters
    ----------
    document
        A document as returned by :func:`ikzlib.summary.load_report_summary`.
    source
        File named in errors.
    declared
        The declarations giving the order of sections and figures (default
        :func:`declared_sections`).

    Returns
    -------
    list of KeyFigures
        One per section, sorted by the declared order (the recorded ``order`` for sections
        not declared any more), then name; figures in declaration order, undeclared ones
        after them by name. Each figure keeps the label, unit, decimals, kind, source and
        headline flag it was recorded with.

    Raises
    ------
    DataValidationError
        A section or figure entry that is not an object, or a figure without a valid kind.
    """
    sections = document.get("sections")
    if not isinstance(sections, Mapping):
        raise DataValidationError(source, "expected an object with a 'sections' object")
    declared = declared_sections() if declared is None else declared
    out = [_section_of(name, entry, source, declared.get(name)) for name, entry in sections.items()]
    return sorted(out, key=lambda k: (k.section.order, k.section.name))


def _section_of(name: str, entry: Any, source: str | Path, declared: Section | None) -> KeyFigures:
    where = f"sections.{name}"
    if not isinstance(entry, Mapping) or not isinstance(entry.get("figures"), Mapping):
        raise DataValidationError(source, "a section must hold a 'figures' object", element=where)
    figures = [
        _figure_of(figure, item, source, f"{where}.figures.{figure}")
        for figure, item in entry["figures"].items()
    ]
    names = [f.name for f in declared.figures] if declared is not None else []
    figures.sort(key=lambda f: (names.index(f.name) if f.name in names else len(names), f.name))
    order = declared.order if declared is not None else entry.get("order", 100)
    section = Section(
        name,
        str(entry.get("title") or name),
        tuple(f.spec for f in figures),
        order=order if isinstance(order, int) else 100,
    )
    return KeyFigures(section, tuple(figures))


def _figure_of(name: str, item: Any, source: str | Path, where: str) -> Figure:
    if not isinstance(item, Mapping):
        raise DataValidationError(source, "a figure must be an object", element=where)
    try:
        kind = Kind(item.get("kind"))
    except ValueError:
        known = ", ".join(Kind)
        raise DataValidationError(
            source, f"kind {item.get('kind')!r} is not one of {known}", element=where
        ) from None
    decimals = item.get("decimals", 0)
    spec = KeyFigure(
        name,
        str(item.get("label") or name),
        str(item.get("unit") or ""),
        decimals if isinstance(decimals, int) or decimals is None else 0,
        kind,
        str(item.get("source") or ""),
        percent=bool(item.get("percent", False)),
        headline=bool(item.get("headline", False)),
    )
    return Figure(spec, item.get("value"), kind, spec.source)


def load_summaries(
    keys: Sequence[str],
    root: str | Path | None = None,
    declared: Mapping[str, Section] | None = None,
) -> dict[str, list[KeyFigures]]:
    """The published key figures of each district that has a current ``summary.json``.

    Parameters
    ----------
    keys
        District keys, in the order the comparison should show them.
    root
        Output root holding ``reports/`` (see :mod:`ikzlib.paths`).
    declared
        Declarations giving the order (default :func:`declared_sections`).

    Returns
    -------
    dict
        ``{key: [KeyFigures, ...]}`` in the order of ``keys``; districts without a report, or
        with a summary of an older schema, are absent (never guessed).

    Raises
    ------
    DataValidationError
        A summary that is not valid JSON or does not hold sections of figures.
    """
    declared = declared_sections() if declared is None else declared
    loaded = {}
    for key in keys:
        path = paths.reports_dir(key, root) / "summary.json"
        try:
            document = summary.load_report_summary(key, root)
        except (ValueError, AttributeError) as exc:  # bad JSON, or JSON that is not an object
            raise DataValidationError(path, f"not a valid summary.json: {exc}") from exc
        if document is not None:
            loaded[key] = key_figures_of(document, path, declared)
    return loaded


# --- tables ------------------------------------------------------------------------------------


def merged_order(sequences: Iterable[Sequence[str]]) -> list[str]:
    """One order holding every name, consistent with each sequence (their declaration).

    Each district records a subsequence of the same declaration (figures it lacks are left
    out); a name is placed right after its predecessor in the first sequence that holds it.
    """
    order: list[str] = []
    for sequence in sequences:
        previous = None
        for name in sequence:
            if name not in order:
                order.insert(order.index(previous) + 1 if previous is not None else 0, name)
            previous = name
    return order


def key_figures_long(summaries: Mapping[str, Sequence[KeyFigures]]) -> pd.DataFrame:
    """One row per district, section and recorded figure, evidence or not.

    Parameters
    ----------
    summaries
        ``{district: [KeyFigures, ...]}`` as returned by :func:`load_summaries`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LONG_COLUMNS`: the declaration (label, unit, decimals, percent, kind,
        headline, source), the recorded ``value`` (object), ``number`` (the value as shown,
        percent shares times 100; NaN when not a finite number), ``text`` (formatted as
        declared) and ``short`` (without the unit). Sorted by section order, declared figure
        order, then district in the order of ``summaries``.
    """
    districts = list(summaries)
    records = [
        _record(district, figures, figure)
        for district, sections in summaries.items()
        for figures in sections
        for figure in figures.figures
    ]
    long = pd.DataFrame(records, columns=LONG_COLUMNS)
    if long.empty:
        return long.astype({"value": object})
    position = {
        section: {name: i for i, name in enumerate(merged_order(_sequences(long, section)))}
        for section in long["section"].unique()
    }
    ranks = long.assign(
        _position=[position[s][f] for s, f in zip(long["section"], long["figure"], strict=True)],
        _district=long["district"].map(districts.index),
    )
    by = ["section_order", "section", "_position", "_district"]
    long = ranks.sort_values(by, kind="stable").drop(columns=["_position", "_district"])
    return long.reset_index(drop=True).astype({"value": object})


def _sequences(long: pd.DataFrame, section: str) -> list[list[str]]:
    part = long[long["section"] == section]
    return [list(group["figure"]) for _, group in part.groupby("district", sort=False)]


def _record(district: str, figures: KeyFigures, figure: Figure) -> tuple[Any, ...]:
    spec = figure.spec
    return (
        district,
        figures.section.name,
        figures.section.title,
        figures.section.order,
        figure.name,
        spec.label,
        "%" if spec.percent else spec.unit,
        spec.decimals,
        spec.percent,
        figure.value,
        _number(figure),
        figure_text(figure),
        figure_text(figure, unit=False),
        str(figure.kind),
        figure.evidence,
        spec.headline,
        figure.source,
    )


def _number(figure: Figure) -> float:
    """The value as drawn (a percent share times 100), NaN when it is no finite number."""
    value = figure.value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return math.nan
    return float(value) * (100 if figure.spec.percent else 1)


def localized(long: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``long`` (:func:`key_figures_long`) with labels, titles and values in ``lang``.

    ``label`` and ``section_title`` are translated (:func:`ikzlib.i18n.tr`: the German each
    study registers), ``text`` and ``short`` formatted again as declared with the language's
    separators; everything else is unchanged. ``"en"`` returns ``long`` itself.
    """
    if check_language(lang) == "en" or long.empty:
        return long
    specs = [
        KeyFigure(
            row.figure,
            row.label,
            "" if row.percent else str(row.unit or ""),
            None if pd.isna(row.decimals) else int(row.decimals),
            Kind(row.kind),
            percent=bool(row.percent),
        )
        for row in long.itertuples()
    ]
    german = long.copy()
    german["text"] = [s.format(v, lang="de") for s, v in zip(specs, long["value"], strict=True)]
    german["short"] = [
        _without_unit(s).format(v, lang="de") for s, v in zip(specs, long["value"], strict=True)
    ]
    german["label"] = [tr(label, lang) for label in long["label"]]
    german["section_title"] = [tr(title, lang) for title in long["section_title"]]
    return german


def section_titles(long: pd.DataFrame) -> dict[str, str]:
    """``{section: title}`` in section order."""
    return dict(zip(long["section"], long["section_title"], strict=True))


def section_tables(
    long: pd.DataFrame, districts: Sequence[str] | None = None
) -> dict[str, pd.DataFrame]:
    """One wide table of evidence per section: a row per figure, a column per district.

    Parameters
    ----------
    long
        Output of :func:`key_figures_long` (its section and figure order is kept).
    districts
        District columns in this order; default: the districts of ``long`` in order of
        appearance. A district with no figure in a section still gets its (blank) column.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keyed by section name; index ``figure``, columns ``label``, ``kind`` (the kinds of the
        values shown) and one per district holding the value formatted as declared. ``""``
        where a district did not record the figure (not zero: its data lack it); where it
        recorded an illustrative or synthetic value, the cell names the kind, not the value.
        Sections without evidence figures are left out.
    """
    columns = list(districts) if districts is not None else list(dict.fromkeys(long["district"]))
    tables = {}
    for section in dict.fromkeys(long["section"]):
        part = long[long["section"] == section]
        evidence = part[part["evidence"]]
        if evidence.empty:
            continue
        names = list(dict.fromkeys(evidence["figure"]))
        shown = part.assign(text=part["text"].where(part["evidence"], "(" + part["kind"] + ")"))
        cells = shown.pivot(index="figure", columns="district", values="text")
        table = cells.reindex(index=names, columns=columns).astype(object).fillna("")
        table.columns.name = None
        first = evidence.drop_duplicates("figure").set_index("figure")
        kinds = evidence.groupby("figure", sort=False)["kind"].agg(
            lambda k: ", ".join(dict.fromkeys(k))
        )
        table.insert(0, "kind", kinds.reindex(names))
        table.insert(0, "label", first["label"].reindex(names))
        tables[section] = table.astype(object)
    return tables


def not_evidence_list(long: pd.DataFrame) -> pd.DataFrame:
    """The illustrative and synthetic figures, by name and kind (their values are not shown).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`NOT_EVIDENCE_COLUMNS`: one row per section, figure and kind, with the
        districts that recorded it (joined by commas), in section and declaration order.
    """
    part = long[~long["evidence"].astype(bool)]
    if part.empty:
        return pd.DataFrame(columns=NOT_EVIDENCE_COLUMNS)
    keys = ["section", "section_title", "figure", "label", "kind"]
    grouped = part.groupby(keys, sort=False)["district"]
    listing = grouped.agg(lambda d: ", ".join(d)).reset_index()
    return listing.rename(columns={"district": "districts"})[NOT_EVIDENCE_COLUMNS]


# --- small multiples ---------------------------------------------------------------------------


def choose_panels(
    long: pd.DataFrame, max_panels: int, exclude: Collection[tuple[str, str]] = ()
) -> PanelChoice:
    """Choose the numeric evidence figures that differ between districts for small multiples.

    A figure earns a panel when at least two districts report it as an evidence number and
    the values differ (illustrative and synthetic values never count). Panels are taken
    round robin over the sections (in their declared order), so every section gets a panel
    before any section gets a second one. Within a section the declared headline figures
    come first, then the others, each in declaration order.

    Parameters
    ----------
    long
        Output of :func:`key_figures_long`.
    max_panels
        Largest number of panels.
    exclude
        ``(section, figure)`` pairs that get no panel (e.g. the size figures of the level not
        compared); they stay in the tables.

    Returns
    -------
    PanelChoice
        Panels to draw, figures equal in every reporting district, and differing figures
        beyond ``max_panels``.
    """
    excluded = pd.Series(list(zip(long["section"], long["figure"], strict=True))).isin(set(exclude))
    numeric = long[
        long["evidence"].astype(bool) & long["number"].notna() & ~excluded.to_numpy(dtype=bool)
    ]
    keys = list(dict.fromkeys(zip(numeric["section"], numeric["figure"], strict=True)))
    spread = numeric.groupby(["section", "figure"], sort=False)["number"].agg(["nunique", "count"])
    headline = long.groupby(["section", "figure"], sort=False)["headline"].any()
    sections = list(dict.fromkeys(long["section"]))

    def rank(key: tuple[str, str]) -> tuple[int, bool, int]:
        return (sections.index(key[0]), not headline[key], keys.index(key))

    shared = sorted((k for k in keys if spread.loc[k, "count"] >= 2), key=rank)
    constant = [k for k in shared if spread.loc[k, "nunique"] == 1]
    varying = [k for k in shared if spread.loc[k, "nunique"] > 1]
    within: dict[str, int] = {}
    turn = {}
    for key in varying:  # the i-th differing figure of its section is drawn in round i
        turn[key] = within.get(key[0], 0)
        within[key[0]] = turn[key] + 1
    ordered = sorted(varying, key=lambda k: (turn[k], *rank(k)))
    return PanelChoice(ordered[:max_panels], constant, ordered[max_panels:])


def panel_source(long: pd.DataFrame, panels: Sequence[tuple[str, str]]) -> str:
    """Source line of the small multiples, naming the kinds of the figures drawn."""
    drawn = long.set_index(["section", "figure"]).loc[list(panels)] if panels else long.iloc[:0]
    kinds = ", ".join(str(k) for k in Kind if str(k) in set(drawn["kind"]))
    text = (
        "summary.json of each district report (definitions and sources in each district's "
        f"notebooks); evidence only, kinds drawn: {kinds or 'none'}"
    )
    if Kind.MODEL in set(drawn["kind"]):
        text += "; model figures rest on the assumptions stated in their notebook"
    return text + "."
