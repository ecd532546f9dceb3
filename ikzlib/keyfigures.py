"""The key-figure contract: what each study reports, in which unit, and how far to trust it.

Every study declares its key figures once, as a :class:`Section` of :class:`KeyFigure`
specifications (name, label, unit, decimals, provenance *kind* and source). A study result
turns its numbers into :class:`Figure` values against that declaration; ``summary.json``, the
``ikz summary`` command, the batch index and the cross-district comparison all read the same
declaration, so a figure is rounded, labelled and classified in exactly one place.

The kinds say where a number comes from:

===============  ==============================================================================
``official``     official statistics as published (Destatis, BKG)
``derived``      computed from official data by a documented rule (a sum, a share, a rank)
``published``    stated by a study or report (with section/table/footnote)
``model``        output of a model under stated assumptions (all parameters sourced or chosen
                 by the user)
``illustrative`` depends on invented parameters: shows a mechanism, is not evidence
``synthetic``    computed on generated demo data: shows a method, describes nobody
===============  ==============================================================================

Only the first four are *evidence*; :func:`is_evidence` tells them apart, and every page that
puts figures side by side keeps the other two separate and labelled.

Examples
--------
>>> spec = KeyFigure("n_gemeinden", "Gemeinden", kind=Kind.OFFICIAL, source="Destatis")
>>> section = Section("structure", "Municipal structure", (spec,))
>>> section.figure("n_gemeinden", 20).as_json()["value"]
20
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ikzlib.errors import IkzError
from ikzlib.i18n import format_number, register, tr

SCHEMA_VERSION = 2  # of summary.json: every figure carries label, unit, kind and source


register(
    {
        "official": "amtlich",
        "derived": "abgeleitet",
        "published": "veröffentlicht",
        "model": "Modell",
        "illustrative": "illustrativ",
        "synthetic": "synthetisch",
        "unknown": "unbekannt",
        "(none)": "(keine)",
        "Key figure": "Kennzahl",
        "Value": "Wert",
        "Kind": "Art",
        "Source": "Quelle",
        "EUR/year": "EUR/Jahr",
        "inhabitants/km²": "Einwohner/km²",
    }
)


class Kind(StrEnum):
    """Provenance kind of a number (see the module docstring)."""

    OFFICIAL = "official"
    DERIVED = "derived"
    PUBLISHED = "published"
    MODEL = "model"
    ILLUSTRATIVE = "illustrative"
    SYNTHETIC = "synthetic"


EVIDENCE_KINDS = frozenset({Kind.OFFICIAL, Kind.DERIVED, Kind.PUBLISHED, Kind.MODEL})
KIND_LABELS = {
    Kind.OFFICIAL: "official data",
    Kind.DERIVED: "derived from official data",
    Kind.PUBLISHED: "published by a study",
    Kind.MODEL: "model output under stated assumptions",
    Kind.ILLUSTRATIVE: "illustrative: invented parameters, not evidence",
    Kind.SYNTHETIC: "synthetic demo data, not evidence",
}


def is_evidence(kind: Kind | str) -> bool:
    """Whether figures of ``kind`` may stand beside data (official, derived, published, model)."""
    return Kind(kind) in EVIDENCE_KINDS


class ContractError(IkzError):
    """A study reported a figure its section does not declare, or with a kind it may not have."""


@dataclass(frozen=True)
class KeyFigure:
    """Declaration of one key figure.

    Parameters
    ----------
    name
        Identifier in ``summary.json`` (snake_case, unique within the section).
    label
        Short English label for tables and the index page.
    unit
        Unit as printed after the value (``""`` for counts and names, ``"%"`` for shares
        shown as percent, ``"EUR/year"``, ...).
    decimals
        Decimals shown; negative rounds to tens (-1), hundreds (-2), ...; ``None`` for text.
    kind
        Provenance kind the figure usually has.
    source
        Where the number comes from, in words (file, publication, model).
    kinds
        Other kinds the figure may take at run time (e.g. a priority ranking is
        ``illustrative`` with random scores and ``model`` with a user's scores).
    percent
        The value is a share in [0, 1] shown as a percentage.
    headline
        Shown on the index page and preferred in the comparison.
    """

    name: str
    label: str
    unit: str = ""
    decimals: int | None = 0
    kind: Kind = Kind.DERIVED
    source: str = ""
    kinds: tuple[Kind, ...] = ()
    percent: bool = False
    headline: bool = False

    def allowed_kinds(self) -> frozenset[Kind]:
        """The declared kind plus the alternatives."""
        return frozenset((self.kind, *self.kinds))

    def rounded(self, value: Any) -> Any:
        """``value`` rounded as declared (percent shares keep two more decimals)."""
        if value is None or isinstance(value, (str, bool)) or self.decimals is None:
            return value
        number = float(value)
        if math.isnan(number):
            return None
        decimals = self.decimals + (2 if self.percent else 0)
        if decimals <= 0:  # negative: round to tens, hundreds, ... (amounts of a rough model)
            return int(round(number, decimals))
        return round(number, decimals)

    def format(self, value: Any, *, lang: str = "en") -> str:
        """``value`` as text with thousands separators and unit (``"unknown"`` for None).

        ``lang="de"`` gives German separators and translated words and units.
        """
        if value is None:
            return tr("unknown", lang)
        if isinstance(value, list):  # e.g. interview numbers; an empty list is a recorded "none"
            return ", ".join(self.format(item, lang=lang) for item in value) or tr("(none)", lang)
        if isinstance(value, bool):
            return tr("yes" if value else "no", lang)
        if isinstance(value, str):
            return tr(value, lang)
        if self.decimals is None:
            return str(value)
        number = round(float(value) * (100 if self.percent else 1), self.decimals)
        text = format_number(number, max(self.decimals, 0), lang)
        unit = "%" if self.percent else tr(self.unit, lang)
        return f"{text} {unit}".rstrip() if unit else text


@dataclass(frozen=True)
class Figure:
    """A key figure's value together with its declaration and actual provenance."""

    spec: KeyFigure
    value: Any
    kind: Kind
    source: str

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def evidence(self) -> bool:
        return is_evidence(self.kind)

    def text(self, *, lang: str = "en") -> str:
        """The value formatted as declared."""
        return self.spec.format(self.value, lang=lang)

    def as_json(self) -> dict[str, Any]:
        """The ``summary.json`` entry of this figure."""
        return {
            "value": self.value,
            "label": self.spec.label,
            "unit": "%" if self.spec.percent else self.spec.unit,
            "decimals": self.spec.decimals,
            "percent": self.spec.percent,
            "kind": str(self.kind),
            "source": self.source,
            "headline": self.spec.headline,
        }


@dataclass(frozen=True)
class Section:
    """The declared key figures of one study, in display order.

    ``order`` places the section among the others (index page, comparison).
    """

    name: str
    title: str
    figures: tuple[KeyFigure, ...]
    order: int = 100
    notebook: str = ""

    def __post_init__(self) -> None:
        names = [f.name for f in self.figures]
        if len(names) != len(set(names)):
            raise ContractError(f"section {self.name!r} declares a key figure twice")

    def spec(self, name: str) -> KeyFigure:
        """Declaration of ``name``; :class:`ContractError` when it is not declared."""
        for spec in self.figures:
            if spec.name == name:
                return spec
        raise ContractError(f"section {self.name!r} declares no key figure {name!r}")

    def figure(
        self, name: str, value: Any, *, kind: Kind | str | None = None, source: str | None = None
    ) -> Figure:
        """Build the :class:`Figure` ``name`` = ``value``, rounded and checked as declared."""
        spec = self.spec(name)
        actual = Kind(kind) if kind is not None else spec.kind
        if actual not in spec.allowed_kinds():
            raise ContractError(
                f"{self.name}.{name} may be {sorted(map(str, spec.allowed_kinds()))}, not {actual}"
            )
        return Figure(spec, spec.rounded(_plain(value)), actual, source or spec.source)

    def figures_from(self, values: Mapping[str, Any]) -> tuple[Figure, ...]:
        """Figures from ``{name: value}`` or ``{name: Reported(...)}``, in declaration order.

        Names absent from ``values`` are left out (a district without the data has no such
        figure; it is not zero).
        """
        unknown = set(values) - {f.name for f in self.figures}
        if unknown:
            raise ContractError(f"section {self.name!r} declares no key figure {sorted(unknown)}")
        out = []
        for spec in self.figures:
            if spec.name not in values:
                continue
            item = values[spec.name]
            if isinstance(item, Reported):
                out.append(self.figure(spec.name, item.value, kind=item.kind, source=item.source))
            else:
                out.append(self.figure(spec.name, item))
        return tuple(out)


@dataclass(frozen=True)
class Reported:
    """A value whose kind or source is decided at run time (see :meth:`Section.figures_from`)."""

    value: Any
    kind: Kind | str | None = None
    source: str | None = None


@dataclass(frozen=True)
class KeyFigures:
    """The key figures one study produced for one district."""

    section: Section
    figures: tuple[Figure, ...] = field(default_factory=tuple)

    def __getitem__(self, name: str) -> Figure:
        for figure in self.figures:
            if figure.name == name:
                return figure
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(f.name == name for f in self.figures)

    def values(self) -> dict[str, Any]:
        """``{name: value}`` in declaration order."""
        return {f.name: f.value for f in self.figures}

    def evidence(self) -> tuple[Figure, ...]:
        """Figures that may stand beside data."""
        return tuple(f for f in self.figures if f.evidence)

    def not_evidence(self) -> tuple[Figure, ...]:
        """Illustrative and synthetic figures."""
        return tuple(f for f in self.figures if not f.evidence)

    def as_json(self) -> dict[str, Any]:
        """The section entry of ``summary.json``."""
        return {
            "title": self.section.title,
            "order": self.section.order,
            "figures": {f.name: f.as_json() for f in self.figures},
        }

    def table(self, lang: str = "en") -> list[dict[str, Any]]:
        """Rows (section, figure, label, value, kind, source) for display, in ``lang``."""
        return [
            {
                "section": self.section.name,
                "figure": f.name,
                "label": tr(f.spec.label, lang),
                "value": f.text(lang=lang),
                "kind": tr(str(f.kind), lang),
                "source": tr(f.source, lang),
            }
            for f in self.figures
        ]

    def as_table(self, lang: str = "en"):
        """The key figures as a readable table (:func:`ikzlib.display.table`) for a notebook."""
        import pandas as pd

        from ikzlib.display import table

        rows = pd.DataFrame(self.table(lang), columns=["label", "value", "kind", "source"])
        return table(
            rows,
            {"label": "Key figure", "value": "Value", "kind": "Kind", "source": "Source"},
            lang=lang,
            caption=self.section.title,
        )


def _plain(value: Any) -> Any:
    """numpy/pandas scalars as plain Python values (JSON-serialisable)."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return value
    try:
        import pandas as pd

        if value is pd.NA:
            return None
    except ImportError:  # pragma: no cover
        pass
    return value
