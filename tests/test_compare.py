"""Cross-district comparison: long table, section tables, panel choice, and notebook 90.

The summaries are small hand-made fixtures (three districts) covering numbers, strings,
booleans, lists, a figure only one district reports, a figure equal everywhere, a section
one district lacks and a section the suite does not know.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import papermill
import pytest

from ikzlib import compare, paths
from ikzlib.batch import SECTION_ORDER
from ikzlib.errors import DataValidationError

DISTRICTS = ["harz", "helmstedt", "wolfenbuettel"]
SUMMARIES = {
    "harz": {
        "district": "harz",
        "sections": {
            "task_fields": {"n_candidate_fields": 11, "top_fields": ["IT", "Payroll"]},
            "structure": {
                "n_municipalities": 20,
                "population": 209117,
                "largest_municipality": "Halberstadt",
                "has_table1": True,
                "national_n_kreise": 400,
            },
            "network": {"n_ties": 63, "n_components": 1, "density": 0.69},
            "interviews": {"n_interviews": 7, "codes": {"nested": 1}, "verdict": None},
            "zeta_extra": {"score": 1.5},
        },
    },
    "helmstedt": {
        "district": "helmstedt",
        "sections": {
            "structure": {
                "n_municipalities": 10,
                "population": 90000,
                "largest_municipality": "Helmstedt",
                "has_table1": False,
                "national_n_kreise": 400,
            },
            "network": {"n_ties": 10, "n_components": 1.0},
            "task_fields": {"n_candidate_fields": 14, "top_fields": []},
            "zeta_extra": {"score": 2.5},
        },
    },
    "wolfenbuettel": {
        "district": "wolfenbuettel",
        "sections": {
            "structure": {
                "n_municipalities": 33,
                "population": 119000,
                "largest_municipality": "Wolfenbüttel",
                "has_table1": False,
                "national_n_kreise": 400,
            },
            "task_fields": {"n_candidate_fields": 8},
        },
    },
}


def _long() -> pd.DataFrame:
    return compare.key_figures_long(SUMMARIES, SECTION_ORDER)


def _publish(root: Path, summaries: dict) -> None:
    for key, data in summaries.items():
        folder = root / "reports" / key
        folder.mkdir(parents=True)
        (folder / "summary.json").write_text(json.dumps(data), encoding="utf-8")


def test_key_figures_long_orders_and_flattens():
    long = _long()
    rows = list(long.itertuples(index=False, name=None))
    assert rows == [
        ("harz", "structure", "has_table1", True),
        ("helmstedt", "structure", "has_table1", False),
        ("wolfenbuettel", "structure", "has_table1", False),
        ("harz", "structure", "largest_municipality", "Halberstadt"),
        ("helmstedt", "structure", "largest_municipality", "Helmstedt"),
        ("wolfenbuettel", "structure", "largest_municipality", "Wolfenbüttel"),
        ("harz", "structure", "n_municipalities", 20),
        ("helmstedt", "structure", "n_municipalities", 10),
        ("wolfenbuettel", "structure", "n_municipalities", 33),
        ("harz", "structure", "national_n_kreise", 400),
        ("helmstedt", "structure", "national_n_kreise", 400),
        ("wolfenbuettel", "structure", "national_n_kreise", 400),
        ("harz", "structure", "population", 209117),
        ("helmstedt", "structure", "population", 90000),
        ("wolfenbuettel", "structure", "population", 119000),
        ("harz", "network", "density", 0.69),
        ("harz", "network", "n_components", 1),
        ("helmstedt", "network", "n_components", 1.0),
        ("harz", "network", "n_ties", 63),
        ("helmstedt", "network", "n_ties", 10),
        # the nested object and the null are not key figures
        ("harz", "interviews", "n_interviews", 7),
        ("harz", "task_fields", "n_candidate_fields", 11),
        ("helmstedt", "task_fields", "n_candidate_fields", 14),
        ("wolfenbuettel", "task_fields", "n_candidate_fields", 8),
        ("harz", "task_fields", "top_fields", "IT, Payroll"),
        ("helmstedt", "task_fields", "top_fields", "(none)"),  # empty, not missing
        ("harz", "zeta_extra", "score", 1.5),  # unknown sections follow the known ones
        ("helmstedt", "zeta_extra", "score", 2.5),
    ]
    # booleans stay booleans (not 1/0) next to numbers in the object column
    assert long["value"].dtype == object
    assert type(rows[0][3]) is bool


def test_key_figures_long_of_nothing_has_the_columns():
    long = compare.key_figures_long({}, SECTION_ORDER)
    assert long.empty and list(long.columns) == compare.LONG_COLUMNS


def test_section_tables_exact():
    tables = compare.section_tables(_long(), DISTRICTS)
    assert list(tables) == ["structure", "network", "interviews", "task_fields", "zeta_extra"]
    expected_network = pd.DataFrame(
        {"harz": [0.69, 1, 63], "helmstedt": ["", 1.0, 10], "wolfenbuettel": ["", "", ""]},
        index=pd.Index(["density", "n_components", "n_ties"], name="figure"),
        dtype=object,
    )
    pd.testing.assert_frame_equal(tables["network"], expected_network)
    structure = tables["structure"]
    assert list(structure.index) == [
        "has_table1",
        "largest_municipality",
        "n_municipalities",
        "national_n_kreise",
        "population",
    ]
    assert structure.loc["has_table1"].tolist() == [True, False, False]
    assert structure.loc["largest_municipality", "wolfenbuettel"] == "Wolfenbüttel"
    assert tables["interviews"].to_dict("index") == {
        "n_interviews": {"harz": 7, "helmstedt": "", "wolfenbuettel": ""}
    }
    # every district gets a column in every section, by default in the order of the long table
    assert list(compare.section_tables(_long())["zeta_extra"].columns) == DISTRICTS
    reordered = compare.section_tables(_long(), ["wolfenbuettel", "harz"])["zeta_extra"]
    assert reordered.to_dict("index") == {"score": {"wolfenbuettel": "", "harz": 1.5}}


def test_choose_panels_round_robin_constant_and_limit():
    choice = compare.choose_panels(_long(), SECTION_ORDER, max_panels=3, headline={})
    # round 1: the first differing figure of each section in section order, then round 2
    assert choice.panels == [
        ("structure", "n_municipalities"),
        ("network", "n_ties"),
        ("task_fields", "n_candidate_fields"),
    ]
    assert choice.omitted == [("zeta_extra", "score"), ("structure", "population")]
    # 1 and 1.0 are the same value; booleans, strings and one-district figures never count
    assert choice.constant == [("structure", "national_n_kreise"), ("network", "n_components")]
    everything = compare.choose_panels(_long(), SECTION_ORDER, max_panels=12, headline={})
    assert everything.panels == choice.panels + choice.omitted and everything.omitted == []


def test_choose_panels_draws_headline_figures_first():
    choice = compare.choose_panels(
        _long(), SECTION_ORDER, max_panels=3, headline={"structure": ("population",)}
    )
    assert choice.panels[0] == ("structure", "population")
    assert ("structure", "n_municipalities") in choice.omitted
    # the default headline list puts a district's population before its other figures
    assert compare.choose_panels(_long(), SECTION_ORDER, 3).panels[0] == ("structure", "population")


def test_choose_panels_needs_two_reporting_districts():
    only_one = compare.key_figures_long({"harz": SUMMARIES["harz"]}, SECTION_ORDER)
    assert compare.choose_panels(only_one, SECTION_ORDER, 12) == ([], [], [])


def test_plot_small_multiples_draws_one_panel_per_figure():
    panels = [("structure", "population"), ("network", "n_ties")]
    fig = compare.plot_small_multiples(_long(), panels, DISTRICTS)
    try:
        visible = [ax for ax in fig.axes if ax.get_visible()]
        assert [ax.get_title() for ax in visible] == ["structure: population", "network: n_ties"]
        heights = [[bar.get_height() for bar in ax.patches] for ax in visible]
        assert heights == [[209117, 90000, 119000], [63, 10]]  # no bar for a missing figure
        # every district keeps its place on the x axis, reported or not
        for ax in visible:
            assert [t.get_text() for t in ax.get_xticklabels()] == DISTRICTS
        # each bar is labelled with its value; the missing figure is marked "n/a"
        labels = [[(t.get_text(), t.get_color()) for t in ax.texts] for ax in visible]
        assert [text for text, _ in labels[0]] == ["209,117", "90,000", "119,000"]
        assert [text for text, _ in labels[1]] == ["63", "10", "n/a"]
        assert labels[1][2][1] == "grey"
        assert visible[1].texts[2].get_position()[0] == 2  # at wolfenbuettel's position
        # a district keeps its colour across panels
        assert visible[0].patches[1].get_facecolor() == visible[1].patches[1].get_facecolor()
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="at least one panel"):
        compare.plot_small_multiples(_long(), [], DISTRICTS)


def test_plot_small_multiples_tells_zero_from_missing():
    summaries = copy.deepcopy(SUMMARIES)
    summaries["helmstedt"]["sections"]["network"]["n_ties"] = 0
    long = compare.key_figures_long(summaries, SECTION_ORDER)
    fig = compare.plot_small_multiples(long, [("network", "n_ties")], DISTRICTS)
    try:
        ax = fig.axes[0]
        assert [bar.get_height() for bar in ax.patches] == [63, 0]
        assert [t.get_text() for t in ax.texts] == ["63", "0", "n/a"]
    finally:
        plt.close(fig)


def test_load_summaries_reads_published_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("IKZ_OUTPUT_ROOT", str(tmp_path))
    _publish(tmp_path, {k: SUMMARIES[k] for k in ("wolfenbuettel", "harz")})
    loaded = compare.load_summaries(DISTRICTS)
    assert list(loaded) == ["harz", "wolfenbuettel"]  # order of the keys; helmstedt absent
    assert loaded["harz"] == SUMMARIES["harz"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "not valid UTF-8 JSON"),
        ('{"district": "harz"}', "'sections' object"),
        ('{"sections": {"structure": [1, 2]}}', "sections.structure"),
    ],
)
def test_load_summaries_rejects_malformed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, problem: str
):
    monkeypatch.setenv("IKZ_OUTPUT_ROOT", str(tmp_path))
    target = paths.reports_dir("harz") / "summary.json"
    target.parent.mkdir(parents=True)
    target.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError, match=problem) as info:
        compare.load_summaries(["harz"])
    assert str(target) in str(info.value)


def _outputs(cell: nbformat.NotebookNode) -> tuple[str, list[str]]:
    """Printed text and the text/plain of displayed objects of an executed cell."""
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    shown = [
        o.data["text/plain"]
        for o in cell.outputs
        if o.output_type in ("display_data", "execute_result") and "text/plain" in o.data
    ]
    return text, shown


@pytest.mark.slow
def test_notebook_90_against_fixture_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    out = tmp_path / "out"
    _publish(out, {k: SUMMARIES[k] for k in ("harz", "helmstedt", "wolfenbuettel")})
    monkeypatch.setenv("IKZ_OUTPUT_ROOT", str(out))  # inherited by the kernel
    executed = tmp_path / "90.ipynb"
    papermill.execute_notebook(
        paths.NOTEBOOKS_DIR / "90_compare_districts.ipynb",
        executed,
        parameters={"districts": [*DISTRICTS, "nowhere"], "max_panels": 4},
        kernel_name="python3",
        cwd=str(paths.NOTEBOOKS_DIR),
        progress_bar=False,
    )
    cells = [c for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"]

    setup, _ = _outputs(cells[2])  # after the parameters and papermill's injected cell
    assert setup == "Districts compared (4): harz, helmstedt, wolfenbuettel, nowhere\n"

    tables_cell = next(c for c in cells if "section_tables" in c.source)
    text, shown = _outputs(tables_cell)
    assert text.splitlines()[:2] == [
        "3 of 4 districts have a report: harz, helmstedt, wolfenbuettel",
        "No report yet (run `ikz batch --all`): nowhere",
    ]
    assert [line for line in text.splitlines() if line.startswith("[")] == [
        "[structure]",
        "[network]",
        "[interviews]",
        "[task_fields]",
        "[zeta_extra]",
    ]
    expected = compare.section_tables(_long(), DISTRICTS)
    assert shown == [repr(table) for table in expected.values()]
    assert "Halberstadt" in shown[0] and "IT, Payroll" in shown[3]

    panels_cell = next(c for c in cells if "choose_panels" in c.source)
    text, shown = _outputs(panels_cell)
    assert text == (
        "Same value in every reporting district (no panel):\n"
        "  structure: national_n_kreise\n"
        "  network: n_components\n"
        "Not drawn (limit of 4 panels):\n"
        "  structure: n_municipalities\n"
        "Saved: figures/_compare/90_key_figures.png, figures/_compare/90_key_figures.svg\n"
    )
    png = out / "figures" / "_compare" / "90_key_figures.png"
    assert png.read_bytes().startswith(b"\x89PNG")
    assert (out / "figures" / "_compare" / "90_key_figures.svg").exists()
    assert any("image/png" in o.get("data", {}) for o in panels_cell.outputs)
