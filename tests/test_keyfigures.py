"""The key-figure contract: declaration, kinds, rounding and formatting."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ikzlib.keyfigures import (
    ContractError,
    Figure,
    KeyFigure,
    KeyFigures,
    Kind,
    Reported,
    Section,
    is_evidence,
)

SECTION = Section(
    "demo",
    "Demo section",
    (
        KeyFigure("n", "Gemeinden", kind=Kind.OFFICIAL, source="Destatis", headline=True),
        KeyFigure("share", "share small", decimals=1, percent=True, source="derived rule"),
        KeyFigure("gain", "net gain", unit="EUR/year", kind=Kind.ILLUSTRATIVE, kinds=(Kind.MODEL,)),
        KeyFigure("name", "largest", decimals=None, kind=Kind.OFFICIAL),
    ),
    order=5,
)


def test_only_four_kinds_are_evidence():
    assert {k for k in Kind if is_evidence(k)} == {"official", "derived", "published", "model"}
    assert not is_evidence("illustrative") and not is_evidence(Kind.SYNTHETIC)


def test_figures_are_rounded_as_declared_and_keep_declaration_order():
    figures = SECTION.figures_from({"gain": 1234.567, "share": 0.123456, "n": np.int64(20)})
    assert [f.name for f in figures] == ["n", "share", "gain"]
    n, share, gain = figures
    assert n.value == 20 and isinstance(n.value, int)
    assert share.value == 0.123  # one decimal of a percentage: 12.3 %
    assert gain.value == 1235
    assert share.text() == "12.3 %"
    assert gain.text(lang="de") == "1.235 EUR/Jahr"
    assert SECTION.figure("name", "Halberstadt, Stadt").text() == "Halberstadt, Stadt"


def test_negative_decimals_round_amounts_to_hundreds():
    spec = KeyFigure("gain", "net gain", unit="EUR/year", decimals=-2)
    assert spec.rounded(302_848.94) == 302_800
    assert spec.format(302_848.94) == "302,800 EUR/year"


def test_kind_decided_at_run_time_must_be_declared():
    model = SECTION.figures_from({"gain": Reported(10.0, kind=Kind.MODEL, source="own costs")})
    assert model[0].kind is Kind.MODEL and model[0].source == "own costs"
    with pytest.raises(ContractError, match="may be"):
        SECTION.figure("gain", 1.0, kind=Kind.OFFICIAL)


def test_undeclared_figures_are_refused():
    with pytest.raises(ContractError, match="declares no key figure"):
        SECTION.figures_from({"n": 1, "surprise": 2})
    with pytest.raises(ContractError, match="twice"):
        Section("x", "x", (KeyFigure("a", "a"), KeyFigure("a", "b")))


def test_missing_and_nan_stay_unknown():
    assert SECTION.figure("share", float("nan")).value is None
    assert SECTION.figure("share", None).text() == "unknown"


def test_json_entry_carries_label_unit_kind_and_source():
    figures = KeyFigures(SECTION, SECTION.figures_from({"n": 20, "gain": 5.0}))
    document = json.loads(json.dumps(figures.as_json()))
    assert document["title"] == "Demo section" and document["order"] == 5
    assert document["figures"]["n"] == {
        "value": 20,
        "label": "Gemeinden",
        "unit": "",
        "decimals": 0,
        "percent": False,
        "kind": "official",
        "source": "Destatis",
        "headline": True,
    }
    assert [f.name for f in figures.not_evidence()] == ["gain"]
    assert [f.name for f in figures.evidence()] == ["n"]
    assert figures["n"].value == 20 and "gain" in figures and "share" not in figures
    assert isinstance(figures["gain"], Figure)
