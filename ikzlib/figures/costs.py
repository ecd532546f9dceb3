"""Figures of the transaction-cost study (notebook 04): growth path, per-capita cost,
allocations, pay-off probabilities, set-up feasibility and the tornado chart.

Every function takes a :class:`~ikzlib.studies.costs.CostStudy` (and ``ax=None`` when it draws
a single panel) and ``lang`` (``"en"`` or ``"de"``) and returns the matplotlib figure;
:func:`publish` draws one by name and saves it with :func:`source_line` under it. Every title
starts with :meth:`~ikzlib.studies.costs.CostStudy.caption` ("Model with illustrative
parameters: ..."), so a reader cannot take a model curve for data; amounts are drawn in
thousand EUR and labelled no finer than the key figures (thousands). Partner figures show one
bar group per partner up to :data:`MAX_BARS` partners and switch to a scatter against
population beyond that.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from ikzlib import costs, figures
from ikzlib.errors import ParameterError
from ikzlib.figures import PALETTE
from ikzlib.i18n import Message, format_number, register, tr
from ikzlib.keyfigures import Kind
from ikzlib.studies.costs import rule_label

if TYPE_CHECKING:
    from pathlib import Path

    from IPython.display import Image

    from ikzlib.studies.costs import CostStudy

MAX_BARS = 20  # more partners: plot against population instead of one bar group each
_POPULATION_TICKS = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000)
FIGURES = (
    "growth_path",
    "per_capita_cost",
    "allocations",
    "payoff_probability",
    "feasibility",
    "tornado",
)


def _short(name: str) -> str:
    """A unit name without its qualifier (``"Thale, Stadt"`` -> ``"Thale"``)."""
    return name.split(",")[0]


def _illustrative(study: CostStudy, *, ranges: bool = False) -> bool:
    """Whether the drawn numbers rest on illustrative parameter values (or ranges)."""
    kind = study.status.range_kind if ranges else study.status.point_kind
    return kind == Kind.ILLUSTRATIVE


def _tag(study: CostStudy, *, ranges: bool = False) -> str:
    """What the parameters (or ranges) are, for source lines (English)."""
    what = "ranges" if ranges else "parameters"
    return f"illustrative {what}" if _illustrative(study, ranges=ranges) else f"model {what}"


def _title(study: CostStudy, what: str, lang: str, *, ranges: bool = False, **values) -> str:
    """``"Model with illustrative parameters: <what>"`` in ``lang`` (``what`` may hold
    ``{placeholders}`` filled from ``values``)."""
    return tr(study.caption(what, ranges=ranges, **values), lang)


def _thousands(lang: str) -> FuncFormatter:
    """Tick labels for amounts drawn in thousand EUR, in the language's separators."""
    return FuncFormatter(lambda value, _pos: format_number(value, 0, lang))


def _require(part: object, what: str) -> None:
    if part is None:
        raise ParameterError(f"the study has no {what} to draw (see its notes)")


def source_line(study: CostStudy, figure: str, lang: str = "en") -> str:
    """The source and caveat line printed under ``figure`` (one of :data:`FIGURES`)."""
    if figure not in FIGURES:
        raise ParameterError(f"unknown figure {figure!r}; choose one of {', '.join(FIGURES)}")
    values = {
        "scenario": study.settings.scenario,
        "tag": Message(_tag(study)),
        "ranges": Message(_tag(study, ranges=True)),
        "population": study.population_source,
        "seed": str(study.settings.seed),
    }
    return tr(Message(_SOURCE_LINES[figure], **values), lang)


_MODEL_SOURCE = "ikz transaction-cost model, scenario {scenario} ({tag}"
_SOURCE_LINES = {
    "growth_path": _MODEL_SOURCE + ", data/raw/scenarios.csv); {population}.",
    "per_capita_cost": _MODEL_SOURCE + "); computed, not observed; {population}.",
    "allocations": _MODEL_SOURCE + "). Negative: the partner pays more than going alone.",
    "payoff_probability": "Monte Carlo over the {ranges} of scenario {scenario}, seed {seed}; "
    "{population}.",
    "feasibility": _MODEL_SOURCE + "); capacity K = kappa · population^beta and set-up costs.",
    "tornado": _MODEL_SOURCE + "): low/high ends of the {ranges} in data/raw/scenarios.csv.",
}


def _member_figure(count: int, height: float, ax: Axes | None) -> tuple[Figure, Axes]:
    """The given axes, or a figure wide enough for one slot per partner (or a scatter)."""
    if ax is not None:
        return ax.get_figure(), ax
    width = min(max(7.5, 0.7 * count + 3), 16) if count <= MAX_BARS else 8.5
    return plt.subplots(figsize=(width, height))


def _member_axis(
    ax: Axes, member_names: Sequence[str], inhabitants: Sequence[float], lang: str
) -> tuple[np.ndarray, bool]:
    """x positions: one slot per partner (few) or population on a log scale (many).

    Returns the positions and whether bars (True) or a scatter (False) should be drawn.
    """
    if len(member_names) <= MAX_BARS:
        x = np.arange(len(member_names))
        ax.set_xticks(x, [_short(name) for name in member_names], rotation=40, ha="right")
        return x, True
    _population_axis(ax, np.asarray(inhabitants, dtype=float), lang)
    return np.asarray(inhabitants, dtype=float), False


def _population_axis(ax: Axes, population: np.ndarray, lang: str) -> None:
    """Log-scaled inhabitants axis with round ticks in the language's separators."""
    ax.set_xscale("log")
    ticks = [t for t in _POPULATION_TICKS if population.min() <= t <= population.max()]
    if ticks:
        ax.set_xticks(ticks)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: format_number(v, 0, lang)))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(tr("inhabitants (log scale)", lang))


def growth_path_figure(study: CostStudy, lang: str = "en") -> Figure:
    """Gross gain, overhead and net gain as partners join, for the two joining orders.

    Parameters
    ----------
    study
        A study with growth paths (at least two units).
    lang
        Language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels sharing the y axis (thousand EUR per year), the optimal size marked; the
        best coalition of each size (exhaustive search) dotted in the left panel.
    """
    _require(study.growth, "growth path")
    growth = study.growth
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True)
    first = "initial partners, then " if growth.initial else ""
    panels = [
        (axes[0], growth.path, f"{first}largest first"),
        (axes[1], growth.path_small, f"{first}smallest first"),
    ]
    for ax, frame, title in panels:
        _growth_panel(ax, frame, tr(title, lang), lang)
    if study.exhaustive is not None:
        best = study.exhaustive.best
        axes[0].plot(
            best["size"],
            best["net_gain"] / 1e3,
            ls=":",
            color="#4c9a2a",
            label=tr("best coalition of each size (exhaustive search)", lang),
        )
    axes[0].set_ylabel(tr("thousand EUR per year", lang))
    axes[0].yaxis.set_major_formatter(_thousands(lang))
    axes[0].legend(fontsize=8, loc="upper left")
    fig.suptitle(
        _title(study, "gains and transaction costs by coalition size", lang)
        + "\n"
        + tr(study.model.task, lang),
        fontsize=10.5,
    )
    return fig


def _growth_panel(ax: Axes, frame: pd.DataFrame, title: str, lang: str) -> None:
    """Gross gain, overhead and net gain along one growth path, the optimum marked."""
    overhead = frame["transaction"] + frame["exante_annual"]
    curves = [
        (frame["gross_gain"], "gross gain (scale, specialisation)", 1.5),
        (overhead, "transaction + annualised set-up cost", 1.5),
        (frame["net_gain"], "net gain", 2.2),
    ]
    for values, label, width in curves:
        ax.plot(frame["size"], values / 1e3, marker="o", ms=3, lw=width, label=tr(label, lang))
    k_opt = costs.optimal_size(frame)
    ax.axvline(k_opt, color="#555555", ls="--", lw=1)
    ax.text(
        k_opt - 0.15,
        0.1,
        tr(Message("optimum k = {k}", k=k_opt), lang),
        transform=ax.get_xaxis_transform(),
        fontsize=8.5,
        color="#333333",
        ha="right",
    )
    ax.axhline(0, color="black", lw=0.6)
    ax.set_title(title)
    ax.set_xlabel(tr("number of partners k", lang))


def per_capita_figure(study: CostStudy, ax: Axes | None = None, lang: str = "en") -> Figure:
    """Stand-alone cost per inhabitant against population: the model curve, units as a rug.

    The units have no observed costs: they are marked only by their population (ticks along
    the x axis), never as points on the curve, so the curve cannot be read as a fit to data.

    Parameters
    ----------
    study
        A study with units (``per_capita`` and ``cost_curve``); the model's cost per
        inhabitant in the optimal coalition is drawn as a dotted line when there is one.
    ax
        Axes to draw on (default: a new figure).
    lang
        Language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        Log-scaled population axis; the smallest and largest unit are named at their tick.
    """
    _require(study.per_capita, "per-capita cost table")
    table, curve = study.per_capita, study.cost_curve
    fig, ax = plt.subplots(figsize=(7.5, 4.6)) if ax is None else (ax.get_figure(), ax)
    ax.plot(
        curve["population"],
        curve["cost_per_capita"],
        color=PALETTE[0],
        ls="--",
        lw=1.8,
        label=tr("model: stand-alone cost per inhabitant", lang),
    )
    if study.pooled_cost_per_capita is not None and study.growth is not None:
        ax.axhline(
            study.pooled_cost_per_capita,
            color=PALETTE[2],
            ls=":",
            lw=1.6,
            label=tr(
                Message(
                    "model: cost per inhabitant in the optimal coalition (k = {k})",
                    k=study.growth.optimal_size,
                ),
                lang,
            ),
        )
    population = table["population"].to_numpy(dtype=float)
    ax.vlines(
        population,
        0,
        0.05,
        transform=ax.get_xaxis_transform(),
        color=PALETTE[1],
        lw=1.6,
        label=tr(
            Message(
                "population of the administrative units of {district} (no cost data)",
                district=study.district.name,
            ),
            lang,
        ),
    )
    for index in dict.fromkeys((int(np.argmin(population)), int(np.argmax(population)))):
        ax.annotate(
            _short(table["name"].iloc[index]),
            (population[index], 0.06),
            xycoords=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=8,
            color="#333333",
        )
    _population_axis(ax, curve["population"].to_numpy(dtype=float), lang)
    ax.set_ylabel(tr("EUR per inhabitant and year", lang))
    ax.set_ylim(0, float(curve["cost_per_capita"].max()) * 1.1)
    ax.set_title(_title(study, "cost per inhabitant when a unit goes alone", lang), fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    return fig


def figure_rules(allocation) -> list[str]:
    """The rules worth a bar: defined ones, and the prenucleolus only where it differs from
    the nucleolus (with a non-empty imputation set they often coincide); the table keeps all."""
    table = allocation.table
    rules = [r for r in allocation.rules if table[r].notna().any()]
    if {"prenucleolus", "nucleolus"} <= set(rules) and np.allclose(
        table["prenucleolus"], table["nucleolus"]
    ):
        rules.remove("prenucleolus")
    return rules


def allocation_figure(study: CostStudy, ax: Axes | None = None, lang: str = "en") -> Figure:
    """Saving of each partner (% of its stand-alone cost) under each division rule.

    Parameters
    ----------
    study
        A study with an optimal coalition (``allocation``).
    ax
        Axes to draw on (default: a new figure sized for the partners).
    lang
        Language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        One bar (or point) per partner and rule, smallest partner left; legend titled ``rule``.
    """
    _require(study.allocation, "optimal coalition")
    allocation = study.allocation
    order = np.argsort(allocation.population, kind="stable")
    shown = allocation.table.iloc[order]
    rules = figure_rules(allocation)
    savings = shown[rules].rsub(shown["standalone"], axis=0).div(shown["standalone"], axis=0) * 100
    fig, ax = _member_figure(len(shown), 4.8, ax)
    x, bars = _member_axis(ax, shown["name"].tolist(), allocation.population[order], lang)
    width = 0.8 / len(rules)
    for j, rule in enumerate(rules):
        colour = PALETTE[j % len(PALETTE)]
        label = tr(rule_label(rule), lang)
        if bars:
            offset = (j - (len(rules) - 1) / 2) * width
            ax.bar(x + offset, savings[rule], width, label=label, color=colour)
        else:
            ax.scatter(x, savings[rule], s=14, label=label, color=colour)
    ax.axhline(0, color="black", lw=0.7)
    ax.set_ylabel(tr("saving, % of stand-alone cost", lang))
    ax.set_title(
        _title(
            study,
            "who gains under which rule\n(optimal coalition, k = {k}, smallest partner left)",
            lang,
            k=allocation.size,
        ),
        fontsize=10,
        loc="center",
    )
    ax.legend(fontsize=8.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), title=tr("rule", lang))
    return fig


def payoff_probability_figure(study: CostStudy, ax: Axes | None = None, lang: str = "en") -> Figure:
    """Probability that each partner saves, under the chosen rule and under population shares.

    Parameters
    ----------
    study
        A study with a simulated optimal coalition (``simulation``).
    ax
        Axes to draw on (default: a new figure sized for the partners).
    lang
        Language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        Two bars (or points) per partner, smallest partner left, a dashed line at 0.5.
    """
    _require(study.simulation, "simulated coalition")
    shown = study.simulation.probabilities.sort_values("population").reset_index(drop=True)
    fig, ax = _member_figure(len(shown), 4.6, ax)
    x, bars = _member_axis(ax, shown["name"].tolist(), shown["population"], lang)
    columns = [
        ("p_pays_off", rule_label(study.settings.allocation_rule)),
        ("p_pays_off_population_rule", rule_label("population")),
    ]
    for j, (column, rule) in enumerate(columns):
        label = tr(Message("rule: {rule}", rule=Message(rule)), lang)
        if bars:
            ax.bar(x + (j - 0.5) * 0.4, shown[column], 0.4, label=label)
        else:
            ax.scatter(x, shown[column], s=14, label=label)
    if bars:  # name and size class under each bar group
        labels = [
            f"{_short(name)}\n({size})"
            for name, size in zip(shown["name"], shown["size_class"], strict=True)
        ]
        ax.set_xticks(x, labels, rotation=45, ha="right", fontsize=8)
    ax.axhline(0.5, color="#555555", ls="--", lw=1)
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: format_number(v, 1, lang)))
    ax.set_ylabel(tr("probability of a saving", lang))
    ax.set_title(
        _title(
            study,
            "probability of a positive saving ({n} draws), smallest partner left",
            lang,
            ranges=True,
            n=len(study.draws),
        ),
        fontsize=10,
    )
    ax.legend(fontsize=8.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def feasibility_figure(study: CostStudy, ax: Axes | None = None, lang: str = "en") -> Figure:
    """Strategic capacity of each partner against its share of the set-up cost.

    Parameters
    ----------
    study
        A study with an optimal coalition (``feasibility.table``).
    ax
        Axes to draw on (default: a new figure sized for the partners).
    lang
        Language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        Capacity bars (or line), set-up shares as points and the cost of initiating the
        coalition as a dashed line, thousand EUR, smallest partner left.
    """
    found = study.feasibility
    _require(found.table if found is not None else None, "optimal coalition")
    shown = found.table.sort_values("population").reset_index(drop=True)
    fig, ax = _member_figure(len(shown), 4.6, ax)
    x, bars = _member_axis(ax, shown["name"].tolist(), shown["population"], lang)
    capacity = tr("strategic capacity K", lang)
    if bars:
        ax.bar(x, shown["capacity"] / 1e3, 0.6, label=capacity)
    else:
        ax.plot(x, shown["capacity"] / 1e3, marker="o", ms=3, label=capacity)
    ax.scatter(
        x,
        shown["exante_share"] / 1e3,
        color=PALETTE[1],
        zorder=3,
        s=18,
        label=tr("population share of the set-up cost", lang),
    )
    ax.axhline(
        found.initiation_cost / 1e3,
        color=PALETTE[3],
        ls="--",
        label=tr("cost of initiating the coalition", lang),
    )
    ax.yaxis.set_major_formatter(_thousands(lang))
    ax.set_ylabel(tr("thousand EUR (one-off)", lang))
    ax.set_title(
        _title(study, "set-up phase of the optimal coalition (k = {k})", lang, k=len(shown)),
        fontsize=10,
    )
    ax.legend(fontsize=8.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def tornado_figure(study: CostStudy, ax: Axes | None = None, lang: str = "en") -> Figure:
    """Tornado chart: the best net gain at the low and high end of each parameter's range.

    Parameters
    ----------
    study
        A study with a sensitivity table (largest swing first, drawn at the top).
    ax
        Axes to draw on (default: a new figure, taller with more parameters).
    lang
        Language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        Two horizontal bars per parameter starting at the base value (thousand EUR).
    """
    from ikzlib.studies.costs import PARAMETER_LABELS

    _require(study.sensitivity, "sensitivity table")
    sensitivity = study.sensitivity
    if ax is None:
        fig, ax = plt.subplots(figsize=(8.5, 0.42 * len(sensitivity) + 1.8))
    else:
        fig = ax.get_figure()
    y = np.arange(len(sensitivity))[::-1]
    base_gain = sensitivity["base"].iloc[0] / 1e3
    ends = [
        ("metric_low", PALETTE[0], "parameter at the low end of its range"),
        ("metric_high", PALETTE[1], "parameter at the high end of its range"),
    ]
    for value_column, colour, label in ends:
        ax.barh(
            y,
            sensitivity[value_column] / 1e3 - base_gain,
            left=base_gain,
            color=colour,
            height=0.6,
            label=tr(label, lang),
        )
    ax.axvline(base_gain, color="black", lw=0.8)
    names = [tr(PARAMETER_LABELS.get(p, p), lang) for p in sensitivity["parameter"]]
    ax.set_yticks(y, names)
    ax.xaxis.set_major_formatter(_thousands(lang))
    ax.set_xlabel(tr("net gain of the best coalition, thousand EUR per year", lang))
    ax.set_title(
        _title(study, "which assumption moves the net gain most", lang, ranges=True),
        fontsize=10,
    )
    ax.legend(fontsize=8.5, loc="lower right")
    return fig


# --- drawing and saving in one step -------------------------------------------------------------

_DRAW = {
    "growth_path": growth_path_figure,
    "per_capita_cost": per_capita_figure,
    "allocations": allocation_figure,
    "payoff_probability": payoff_probability_figure,
    "feasibility": feasibility_figure,
    "tornado": tornado_figure,
}


def publish(
    study: CostStudy, figure: str, *, lang: str = "en", root: str | Path | None = None
) -> Image:
    """Draw ``figure`` (one of :data:`FIGURES`), save it as ``04_<figure>`` and return the PNG.

    The source line is :func:`source_line`; saving and display go through
    :func:`ikzlib.figures.publish` (each figure rendered once per format).
    """
    source = source_line(study, figure, lang)  # refuses an unknown figure before drawing
    drawn = _DRAW[figure](study, lang=lang)
    return figures.publish(drawn, study.district.key, f"04_{figure}", source=source, root=root)


register(
    {
        "initial partners, then largest first": "Startpartner, dann die größten zuerst",
        "initial partners, then smallest first": "Startpartner, dann die kleinsten zuerst",
        "largest first": "die größten zuerst",
        "smallest first": "die kleinsten zuerst",
        "best coalition of each size (exhaustive search)": (
            "beste Koalition jeder Größe (vollständige Suche)"
        ),
        "thousand EUR per year": "Tausend EUR pro Jahr",
        "gains and transaction costs by coalition size": (
            "Gewinne und Transaktionskosten nach Größe der Kooperation"
        ),
        "gross gain (scale, specialisation)": "Bruttogewinn (Größe, Spezialisierung)",
        "transaction + annualised set-up cost": "Transaktions- + annualisierte Anlaufkosten",
        "net gain": "Nettogewinn",
        "optimum k = {k}": "Optimum k = {k}",
        "number of partners k": "Anzahl der Partner k",
        "inhabitants (log scale)": "Einwohner (logarithmische Skala)",
        "model: stand-alone cost per inhabitant": (
            "Modell: Kosten je Einwohner bei Einzelerledigung"
        ),
        "model: cost per inhabitant in the optimal coalition (k = {k})": (
            "Modell: Kosten je Einwohner in der optimalen Koalition (k = {k})"
        ),
        "population of the administrative units of {district} (no cost data)": (
            "Einwohnerzahl der Verwaltungseinheiten im {district} (keine Kostendaten)"
        ),
        "EUR per inhabitant and year": "EUR je Einwohner und Jahr",
        "cost per inhabitant when a unit goes alone": "Kosten je Einwohner bei Einzelerledigung",
        "saving, % of stand-alone cost": "Ersparnis, % der Kosten bei Einzelerledigung",
        "who gains under which rule\n(optimal coalition, k = {k}, smallest partner left)": (
            "wer nach welcher Regel gewinnt\n(optimale Koalition, k = {k}, kleinster Partner links)"
        ),
        "rule": "Regel",
        "rule: {rule}": "Regel: {rule}",
        "probability of a saving": "Wahrscheinlichkeit einer Ersparnis",
        "probability of a positive saving ({n} draws), smallest partner left": (
            "Wahrscheinlichkeit einer Ersparnis ({n} Ziehungen), kleinster Partner links"
        ),
        "strategic capacity K": "strategische Kapazität K",
        "population share of the set-up cost": "Anteil an den Anlaufkosten nach Einwohnern",
        "cost of initiating the coalition": "Kosten der Initiierung der Kooperation",
        "thousand EUR (one-off)": "Tausend EUR (einmalig)",
        "set-up phase of the optimal coalition (k = {k})": (
            "Anlaufphase der optimalen Koalition (k = {k})"
        ),
        "parameter at the low end of its range": "Parameter am unteren Ende seiner Spanne",
        "parameter at the high end of its range": "Parameter am oberen Ende seiner Spanne",
        "net gain of the best coalition, thousand EUR per year": (
            "Nettogewinn der besten Koalition, Tausend EUR pro Jahr"
        ),
        "which assumption moves the net gain most": (
            "welche Annahme den Nettogewinn am stärksten bewegt"
        ),
        "illustrative parameters": "illustrative Parameter",
        "illustrative ranges": "illustrativen Spannen",
        "model parameters": "Modellparameter",
        "model ranges": "Modellspannen",
        _SOURCE_LINES["growth_path"]: (
            "ikz-Transaktionskostenmodell, Szenario {scenario} ({tag}, data/raw/scenarios.csv); "
            "{population}."
        ),
        _SOURCE_LINES["per_capita_cost"]: (
            "ikz-Transaktionskostenmodell, Szenario {scenario} ({tag}); berechnet, nicht "
            "beobachtet; {population}."
        ),
        _SOURCE_LINES["allocations"]: (
            "ikz-Transaktionskostenmodell, Szenario {scenario} ({tag}). Negativ: Der Partner "
            "zahlt mehr als bei Einzelerledigung."
        ),
        _SOURCE_LINES["payoff_probability"]: (
            "Monte-Carlo-Simulation über die {ranges} des Szenarios {scenario}, Startwert "
            "{seed}; {population}."
        ),
        _SOURCE_LINES["feasibility"]: (
            "ikz-Transaktionskostenmodell, Szenario {scenario} ({tag}); Kapazität K = kappa · "
            "Einwohner^beta und Anlaufkosten."
        ),
        _SOURCE_LINES["tornado"]: (
            "ikz-Transaktionskostenmodell, Szenario {scenario} ({tag}): unteres/oberes Ende "
            "der {ranges} in data/raw/scenarios.csv."
        ),
    }
)
