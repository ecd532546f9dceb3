"""Saturation after Guest, Namey & Chen (2020) on hand-computed sequences."""

from __future__ import annotations

import pytest

from ikzlib.qda import saturation

SETS = {
    "d1": frozenset("abc"),
    "d2": frozenset("ad"),
    "d3": frozenset("e"),
    "d4": frozenset("b"),
    "d5": frozenset("f"),
    "d6": frozenset("a"),
    "d7": frozenset("b"),
    "d8": frozenset(),
}


def test_reached_in_first_run_at_generous_threshold():
    # base d1-d2 = {a,b,c,d} (4 codes); run d3-d4 adds {e}: 1/4 = 25 %
    result = saturation.assess_saturation(SETS, base=2, run=2, threshold=0.25)
    assert result.base_codes == 4
    assert result.reached and result.interviews_before == 2
    assert result.runs["new_codes"].tolist() == [1]
    assert saturation.saturation_verdict(result, base=2) == "reached at b+r = 2+2"


def test_run_moves_on_until_nothing_new():
    result = saturation.assess_saturation(SETS, base=2, run=2, threshold=0.2)
    # runs after 2, 3, 4 interviews each add one code (25 %); after 5: d6-d7 add nothing
    assert result.runs["n_before"].tolist() == [2, 3, 4, 5]
    assert result.runs["new_share"].tolist() == pytest.approx([0.25, 0.25, 0.25, 0.0])
    assert result.interviews_before == 5


def test_not_reached_and_too_few():
    order = ["d1", "d2", "d3", "d5"]
    result = saturation.assess_saturation(SETS, order, base=2, run=2, threshold=0.0)
    assert result.status == "not reached"
    assert saturation.saturation_verdict(result, base=2) == "not reached"
    few = saturation.assess_saturation(SETS, ["d1", "d2", "d3"], base=2, run=2)
    assert few.status == "too few interviews" and few.runs.empty
    assert saturation.saturation_verdict(few, base=2) == (
        "cannot be confirmed: too few interviews (3 < base + run = 2 + 2)"
    )


def test_bootstrap_identical_interviews_always_reach_at_base():
    same = {f"d{i}": frozenset("a") for i in range(6)}
    boot = saturation.bootstrap_saturation(same, base=4, run=2, n_bootstrap=20, seed=1)
    assert (boot["status"] == "reached").all()
    assert set(boot["interviews_needed"]) == {6}
    result = saturation.assess_saturation(same)
    assert saturation.saturation_verdict(result, boot) == (
        "reached at b+r = 4+2 (in the given order; 20 of 20 random orders reach it, "
        "median b+r = 4+2)"
    )


def test_bootstrap_is_seeded():
    first = saturation.bootstrap_saturation(
        SETS, base=2, run=2, threshold=0.2, n_bootstrap=50, seed=3
    )
    again = saturation.bootstrap_saturation(
        SETS, base=2, run=2, threshold=0.2, n_bootstrap=50, seed=3
    )
    assert first.equals(again)
    reached = first[first["status"] == "reached"]
    assert (reached["interviews_needed"] == reached["interviews_before"] + 2).all()
    assert 0 < len(reached) <= 50


def test_invalid_settings():
    with pytest.raises(ValueError):
        saturation.assess_saturation(SETS, base=0)
    with pytest.raises(ValueError):
        saturation.assess_saturation(SETS, threshold=1.5)


def test_all_runs_keeps_the_result_and_extends_the_curve():
    short = saturation.assess_saturation(SETS, base=2, run=2, threshold=0.25)
    full = saturation.assess_saturation(SETS, base=2, run=2, threshold=0.25, all_runs=True)
    assert full.interviews_before == short.interviews_before == 2
    assert full.runs["n_before"].tolist() == [2, 3, 4, 5, 6]
    assert full.runs["new_codes"].tolist() == [1, 1, 1, 0, 0]
