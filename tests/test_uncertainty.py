"""Tests of scenarios, Monte Carlo payoffs, feasibility and sensitivity (ikzlib.uncertainty)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from ikzlib import costs, games, uncertainty
from ikzlib.errors import DataValidationError

SCENARIOS = ["audit_office", "it_shared_service", "payroll", "procurement_office"]


@pytest.fixture(scope="module")
def scenarios():
    return uncertainty.load_scenarios()


def test_committed_scenarios_load_with_provenance(scenarios):
    assert sorted(scenarios) == SCENARIOS
    for scenario in scenarios.values():
        table = scenario.provenance
        assert set(table["status"]) <= {"sourced", "illustrative"}
        illustrative = table[table["status"] == "illustrative"]
        assert illustrative["source"].str.contains("illustrative").all()
        assert scenario.task
        for name, (low, high) in scenario.ranges.items():
            value = uncertainty.numeric_parameters(scenario)[name]
            assert low <= value <= high
    procurement = scenarios["procurement_office"]
    assert procurement.initial_partners[:2] == ("Halberstadt", "Ilsenburg")
    sourced = procurement.provenance.set_index("parameter").loc["initial_partners"]
    assert sourced["status"] == "sourced"
    assert "3.5.2" in sourced["source"]


def _write(tmp_path, rows):
    path = tmp_path / "scenarios.csv"
    header = "scenario,parameter,value,low,high,unit,status,source\n"
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _valid_rows():
    values = {name: "1" for name in costs.CostParams.names() + uncertainty.ResourceParams.names()}
    values["scale_elasticity"] = "0.2"
    values["initiator_share"] = "0.5"
    values["capacity"] = "inf"
    return [f"s,{k},{v},,,x,illustrative,illustrative guess" for k, v in values.items()]


def test_a_valid_minimal_table_loads(tmp_path):
    scenario = uncertainty.load_scenarios(_write(tmp_path, _valid_rows()))["s"]
    assert np.isinf(scenario.cost.capacity)
    assert scenario.ranges == {}
    assert scenario.initial_partners == ()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r: r[:-1], "lacks parameter"),
        (lambda r: r + [r[0]], r"duplicate parameter '\w+' \(scenario '\w+'; first on line 2\)"),
        (lambda r: [r[0].replace("illustrative,", "guessed,")] + r[1:], "is not one of"),
        (lambda r: [r[0].replace(",1,,,", ",5,1,2,")] + r[1:], "outside its range"),
        (lambda r: [r[0].replace(",1,,,", ",abc,,,")] + r[1:], "not a number"),
        (lambda r: [r[0].replace(",1,,,", ",1,0,,")] + r[1:], "both low and high"),
        (lambda r: [r[0].replace(",1,,,", ",1,0,inf,")] + r[1:], "must be finite"),
    ],
)
def test_bad_scenario_tables_name_the_line(tmp_path, edit, message):
    with pytest.raises(DataValidationError, match=message) as info:
        uncertainty.load_scenarios(_write(tmp_path, edit(_valid_rows())))
    assert "scenarios.csv" in str(info.value)


def test_overrides_replace_values_and_mark_provenance(scenarios):
    base = scenarios["payroll"]
    changed = base.with_overrides({"fixed_cost": 99_000.0, "unit_cost": None})
    assert changed.cost.fixed_cost == 99_000.0
    assert changed.cost.unit_cost == base.cost.unit_cost
    row = changed.provenance.set_index("parameter").loc["fixed_cost"]
    assert row["status"] == "override"
    assert changed.ranges["fixed_cost"][1] == 99_000.0  # range widened to include it
    with pytest.raises(ValueError, match="unknown"):
        base.with_overrides({"nonsense": 1.0})
    unlimited = scenarios["procurement_office"].with_overrides({"capacity": float("inf")})
    assert "capacity" not in unlimited.ranges
    draws = uncertainty.draw_parameters(unlimited, 5, seed=0)
    assert np.isinf(draws["capacity"]).all()


def test_match_partners():
    names = ["Halberstadt, Stadt", "Ilsenburg (Harz), Stadt", "Thale, Stadt"]
    found, missing = uncertainty.match_partners(names, ["Ilsenburg", "halberstadt", "Goslar"])
    assert found == [1, 0]
    assert missing == ["Goslar"]


def test_draws_are_seeded_and_within_range(scenarios):
    scenario = scenarios["procurement_office"]
    first = uncertainty.draw_parameters(scenario, 200, seed=3)
    again = uncertainty.draw_parameters(scenario, 200, seed=3)
    pd.testing.assert_frame_equal(first, again)
    for name, (low, high) in scenario.ranges.items():
        assert first[name].between(low, high).all()
    assert (first["reference_volume"] == scenario.cost.reference_volume).all()
    uniform = uncertainty.draw_parameters(scenario, 200, seed=3, distribution="uniform")
    assert not uniform.equals(first)
    for name, (low, high) in scenario.ranges.items():
        assert uniform[name].between(low, high).all()
    with pytest.raises(ValueError, match="distribution"):
        uncertainty.draw_parameters(scenario, 5, seed=3, distribution="normal")


def test_member_savings_add_up_to_the_net_gain(scenarios):
    scenario = scenarios["procurement_office"]
    population = np.array([40_000.0, 9_000.0, 5_000.0, 20_000.0])
    volumes = costs.case_volumes(population, scenario.cost)
    draws = uncertainty.draw_parameters(scenario, 30, seed=1)
    for rule in uncertainty.RULES:
        savings = uncertainty.simulate_payoffs(population, [0, 1, 3], draws, rule)
        assert savings[[0, 1, 3]].sum(axis=1).to_numpy() == pytest.approx(
            savings["net_gain"].to_numpy()
        )
    table = uncertainty.payoff_probabilities(savings, ["a", "b", "c", "d"])
    assert table["name"].tolist() == ["a", "b", "d"]
    assert table["p_pays_off"].between(0, 1).all()
    with pytest.raises(ValueError, match="unknown rule"):
        uncertainty.allocate(volumes, population, scenario.cost, "fair")


def test_each_draw_uses_its_own_case_volumes(scenarios):
    """Two draws that differ only in cases_per_capita give different pay-offs, each equal to
    G(S) = sum of c({i}) - c(S) at that draw's volumes (the base volumes were reused before)."""
    scenario = scenarios["procurement_office"]
    population = np.array([40_000.0, 9_000.0, 5_000.0, 20_000.0])
    members = [0, 1, 3]
    base = uncertainty.numeric_parameters(scenario)
    draws = pd.DataFrame([base, {**base, "cases_per_capita": 2 * base["cases_per_capita"]}])
    expected = []
    for row in draws.to_dict("records"):
        params, _ = uncertainty.split_parameters(row)
        q = costs.case_volumes(population[members], params)
        alone = costs.standalone_costs(q, params).sum()
        expected.append(alone - float(costs.coalition_cost(q.sum(), len(q), params)))
    assert expected[1] > expected[0]  # more cases: more to gain from pooling
    for rule in uncertainty.RULES:
        savings = uncertainty.simulate_payoffs(population, members, draws, rule)
        assert savings["net_gain"].to_numpy() == pytest.approx(expected, rel=1e-12)
        assert (savings.loc[0, members] != savings.loc[1, members]).all()


def test_allocate_scales_beyond_the_exact_limit(scenarios):
    """SCRB from leave-one-out costs and sampled Shapley for a coalition of 40 partners."""
    scenario = scenarios["payroll"]
    population = np.random.default_rng(0).lognormal(np.log(3_000), 0.8, size=40)
    volumes = costs.case_volumes(population, scenario.cost)
    total = float(costs.coalition_cost(volumes.sum(), 40, scenario.cost))
    for rule in uncertainty.RULES:
        shares = uncertainty.allocate(volumes, population, scenario.cost, rule, 300, 1)
        assert shares.sum() == pytest.approx(total)
    small = volumes[:6]
    game = costs.cost_game(small, scenario.cost)
    assert uncertainty.allocate(small, population[:6], scenario.cost, "scrb") == pytest.approx(
        games.scrb_game(game)
    )


def test_feasibility_applies_the_capacity_rule():
    params = costs.CostParams(
        fixed_cost=1_000.0, unit_cost=1.0, reference_volume=10.0, exante_fixed=10_000.0
    )
    resource = uncertainty.ResourceParams(
        capacity_kappa=1.0, capacity_beta=1.0, initiator_share=0.5
    )
    population = np.array([1_000.0, 9_000.0])
    table = uncertainty.feasibility(
        population / 100, population, [0, 1], params, resource, "population", ["s", "l"]
    )
    # lump 10,000 split by population: 1,000 and 9,000; capacity = population
    assert table["exante_share"].tolist() == pytest.approx([1_000.0, 9_000.0])
    assert table["can_carry"].tolist() == [True, True]
    # initiation needs 5,000 up front: only the large one can
    assert table["can_initiate"].tolist() == [False, True]
    assert table["saving"].sum() == pytest.approx(
        table["standalone"].sum() - table["allocation"].sum()
    )


def test_tornado_ranks_by_swing():
    def metric(values):
        return 3.0 * values["a"] - values["b"]

    table = uncertainty.tornado(metric, {"a": 1.0, "b": 1.0}, {"a": (0.0, 2.0), "b": (0.0, 10.0)})
    assert table["parameter"].tolist() == ["b", "a"]
    assert table["swing"].tolist() == [10.0, 6.0]
    assert (table["base"] == 2.0).all()


def test_corners_cover_every_combination(scenarios):
    scenario = scenarios["payroll"]
    corners = uncertainty.corner_parameters(scenario)
    assert len(corners) == 2 ** len(scenario.ranges)
    assert len(corners.drop_duplicates()) == len(corners)


def test_conclusions_reproduce_the_case_study_pattern(scenarios):
    """Small partners gain most but cannot initiate; the largest saves little when the
    cost is shared by population."""
    scenario = scenarios["procurement_office"]
    population = np.array([38_682, 32_027, 23_341, 19_248, 9_497, 7_084, 5_166], dtype=float)
    volumes = costs.case_volumes(population, scenario.cost)
    order = costs.size_order(population)
    flags = uncertainty.conclusion_flags(
        volumes, population, order, scenario.cost, scenario.resource, 10_000, 0.05
    )
    assert set(flags) == set(uncertainty.CONCLUSIONS)
    assert flags["small_cost_more"] and flags["cooperation_pays"]
    assert flags["small_cannot_initiate"] and flags["large_needs_compensation"]
    # without transaction and set-up costs nothing blocks and the optimum is everybody
    free = scenario.cost.replace(
        transaction_per_partner=0, transaction_per_pair=0, exante_fixed=0, exante_per_partner=0
    )
    flags = uncertainty.conclusion_flags(
        volumes, population, order, free, scenario.resource, 10_000, 0.05
    )
    assert not flags["interior_optimum"]
    assert not flags["small_cannot_initiate"]


def test_conclusion_table_verdicts():
    flags = pd.DataFrame({key: [True, True] for key in uncertainty.CONCLUSIONS})
    flags["cooperation_pays"] = [True, False]
    flags["interior_optimum"] = [False, False]
    corners = flags.copy()
    table = uncertainty.conclusion_table(flags, corners).set_index("conclusion")
    assert table.loc["small_cost_more", "verdict"] == "holds over the whole range"
    assert table.loc["cooperation_pays", "verdict"] == "depends on assumptions"
    assert table.loc["interior_optimum", "verdict"] == "fails over the whole range"


def test_core_along_path(scenarios):
    scenario = scenarios["procurement_office"]
    population = np.array([38_682, 9_497, 5_166, 32_027], dtype=float)
    volumes = costs.case_volumes(population, scenario.cost)
    table = uncertainty.core_along_path(volumes, [0, 1, 2, 3], scenario.cost, 4)
    assert table["size"].tolist() == [2, 3, 4]
    # two partners: the core is the set of individually rational splits, never empty
    # when pooling pays
    assert bool(table.loc[0, "core_nonempty"])


# ---------------------------------------------------------------------------------------------
# the vectorised evaluations equal the loops they replace, bit for bit


def _flags_by_loop(table, population, order, small, gain):
    """Reference: :func:`uncertainty.conclusion_flags` row by row (the former implementation)."""
    population = np.asarray(population, dtype=float)
    rows = []
    for row in table.to_dict("records"):
        cost, resource = uncertainty.split_parameters(row)
        volumes = costs.case_volumes(population, cost)
        rows.append(
            uncertainty.conclusion_flags(volumes, population, order, cost, resource, small, gain)
        )
    return pd.DataFrame(rows, columns=list(uncertainty.CONCLUSIONS))


def _savings_by_loop(population, members, draws, rule):
    """Reference: :func:`uncertainty.allocate` draw by draw, each with its own volumes."""
    pop = population[members]
    savings = np.empty((len(draws), len(members)))
    for d, row in enumerate(draws.to_dict("records")):
        params, _ = uncertainty.split_parameters(row)
        q = costs.case_volumes(pop, params)
        alone = costs.standalone_costs(q, params)
        savings[d] = alone - uncertainty.allocate(q, pop, params, rule, seed=d)
    out = pd.DataFrame(savings, columns=list(members))
    out["net_gain"] = savings.sum(axis=1)
    return out


def _district_case(key, scenario):
    """A district's unit populations and the study's growth order (named partners first)."""
    from ikzlib.municipalities import administrative_units, load_municipalities

    units = administrative_units(load_municipalities(key))
    population = units["population"].to_numpy(dtype=float)
    initial, _ = uncertainty.match_partners(list(units["unit_name"]), scenario.initial_partners)
    return population, costs.growth_order(population, initial)


@pytest.mark.parametrize("key", ["harz", "helmstedt", "wolfenbuettel"])
def test_conclusions_equal_the_loop_on_the_curated_districts(scenarios, key):
    scenario = scenarios["procurement_office"]
    population, order = _district_case(key, scenario)
    draws = uncertainty.draw_parameters(scenario, 500, seed=20230419)
    corners = uncertainty.corner_parameters(scenario)
    for table in (draws, corners):
        fast = uncertainty.evaluate_conclusions(table, population, order, 10_000, 0.05)
        pd.testing.assert_frame_equal(
            fast, _flags_by_loop(table, population, order, 10_000, 0.05), check_exact=True
        )
    # the flags vary over the corners, so equality is not trivially all-True
    assert 0 < fast["interior_optimum"].mean() < 1


def _random_parameters(rng, m, scenario):
    """Parameter sets spread widely around a scenario, with the allowed edge values."""
    table = uncertainty.draw_parameters(scenario, m, int(rng.integers(2**31)), "uniform")
    for name in list(table.columns):
        table[name] = table[name] * rng.uniform(0.2, 3.0, m)
    table["scale_elasticity"] = rng.choice([0.0, 0.1, 0.3, 0.6, 0.95], m)
    table["capacity"] = rng.choice([np.inf, 80.0, 500.0], m)
    table["capacity_beta"] = rng.choice([0.5, 1.0, 0.7, 0.0, 2.0], m)
    table["initiator_share"] = rng.choice([0.0, 0.3, 1.0], m)
    table["discount_rate"] = rng.choice([0.0, 0.03], m)
    free = rng.random(m) < 0.2  # no coordination costs: the grand coalition wins
    table.loc[free, ["transaction_per_partner", "transaction_per_pair", "exante_fixed"]] = 0.0
    return table


@pytest.mark.parametrize("seed", range(6))
def test_conclusions_equal_the_loop_on_random_parameter_sets(scenarios, seed):
    rng = np.random.default_rng(seed)
    scenario = scenarios[sorted(scenarios)[seed % len(scenarios)]]
    n = int(rng.integers(1, 40))
    population = rng.lognormal(np.log(8_000), 1.0, n).round() + 1
    first = rng.choice(n, size=min(n, int(rng.integers(0, 3))), replace=False)
    order = costs.growth_order(population, first, descending=bool(rng.integers(2)))
    if seed == 5:
        order = order[: max(1, n // 2)]  # a growth order over part of the units
    table = _random_parameters(rng, 300, scenario)
    small, gain = float(rng.choice([5_000.0, 10_000.0, 1e9])), float(rng.uniform(0, 0.3))
    fast = uncertainty.evaluate_conclusions(table, population, order, small, gain, max_cells=997)
    pd.testing.assert_frame_equal(
        fast, _flags_by_loop(table, population, order, small, gain), check_exact=True
    )


def test_conclusions_refuse_bad_rows_like_the_loop(scenarios):
    population = np.array([30_000.0, 8_000.0, 3_000.0])
    table = uncertainty.draw_parameters(scenarios["payroll"], 10, seed=1)
    empty = uncertainty.evaluate_conclusions(table.iloc[:0], population, [0, 1, 2], 1e4, 0.05)
    assert list(empty.columns) == list(uncertainty.CONCLUSIONS) and empty.empty
    for column, value, message in [
        ("initiator_share", 1.5, "initiator_share must be at most 1"),
        ("capacity_kappa", -1.0, "capacity_kappa must be >= 0"),
        ("scale_elasticity", 1.0, "scale_elasticity must be < 1"),
    ]:
        bad = table.copy()
        bad.loc[4, column] = value
        with pytest.raises(ValueError, match=message):
            uncertainty.evaluate_conclusions(bad, population, [0, 1, 2], 1e4, 0.05)
        with pytest.raises(ValueError, match=message):
            _flags_by_loop(bad, population, [0, 1, 2], 1e4, 0.05)


@pytest.mark.parametrize("n", [1, 2, 5, 9, 13, 16])
def test_payoffs_equal_the_loop_for_every_rule(scenarios, n):
    rng = np.random.default_rng(n)
    scenario = scenarios["procurement_office"]
    population = rng.lognormal(np.log(8_000), 1.0, n + 2).round() + 1
    members = [int(i) for i in rng.permutation(n + 2)[:n]]
    draws = _random_parameters(rng, 40 if n > 12 else 150, scenario)
    for rule in uncertainty.RULES:
        fast = uncertainty.simulate_payoffs(population, members, draws, rule)
        slow = _savings_by_loop(population, members, draws, rule)
        pd.testing.assert_frame_equal(fast, slow, check_exact=True)


def test_payoffs_beyond_the_exact_shapley_limit_keep_the_sampled_value(scenarios):
    scenario = scenarios["payroll"]
    population = np.random.default_rng(0).lognormal(np.log(3_000), 0.8, size=18)
    volumes = costs.case_volumes(population, scenario.cost)
    draws = uncertainty.draw_parameters(scenario, 3, seed=2)
    members = list(range(18))
    for rule in ("shapley", "scrb"):
        pd.testing.assert_frame_equal(
            uncertainty.simulate_payoffs(population, members, draws, rule),
            _savings_by_loop(population, members, draws, rule),
            check_exact=True,
        )
    with pytest.raises(ValueError, match="at most"):
        uncertainty.allocate_rows(
            volumes, population, costs.CostParamRows.from_table(draws), "shapley"
        )


def test_corners_follow_itertools_order(scenarios):
    import itertools

    scenario = scenarios["procurement_office"]
    names = sorted(scenario.ranges)
    base = uncertainty.numeric_parameters(scenario)
    rows = []
    for corner in itertools.product((0, 1), repeat=len(names)):
        values = dict(base)
        values.update({n: scenario.ranges[n][side] for n, side in zip(names, corner, strict=True)})
        rows.append(values)
    pd.testing.assert_frame_equal(
        uncertainty.corner_parameters(scenario), pd.DataFrame(rows), check_exact=True
    )
    fixed = uncertainty.corner_parameters(dataclasses.replace(scenario, ranges={}))
    assert fixed.to_dict("records") == [base]


def test_scenarios_are_read_once_and_handed_out_as_copies(tmp_path):
    path = _write(tmp_path, _valid_rows())
    first = uncertainty.load_scenarios(path)["s"]
    first.ranges["fixed_cost"] = (0.0, 1.0)
    first.provenance.loc[0, "status"] = "changed"
    again = uncertainty.load_scenarios(path)["s"]
    assert again.ranges == {}
    assert "changed" not in set(again.provenance["status"])
    # a changed file (another size) is read again
    path.write_text(path.read_text(encoding="utf-8").replace(",1,,,", ",20,,,", 1))
    assert uncertainty.load_scenarios(path)["s"].cost.fixed_cost == 20.0
