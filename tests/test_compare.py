"""Cross-district comparison: declared key figures read back, evidence apart from illustration.

The summaries are fixture ``summary.json`` files in the current schema, written from
:mod:`ikzlib.keyfigures` objects (the test's own sections, not the studies' declarations):
official, derived, percent, text and list figures, an illustrative and a synthetic figure,
a figure whose kind differs between districts (model in one, illustrative in another), a
figure equal everywhere, a section one district lacks and a section declared out of order.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import papermill
import pytest

from ikzlib import compare, paths, summary
from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.figures import compare as compare_figures
from ikzlib.i18n import tr
from ikzlib.io import write_json
from ikzlib.keyfigures import KeyFigure, KeyFigures, Kind, Reported, Section
from ikzlib.studies import compare as compare_study

DISTRICTS = ["harz", "helmstedt", "wolfenbuettel"]
OFFICIAL, DERIVED, MODEL = Kind.OFFICIAL, Kind.DERIVED, Kind.MODEL
ILLUSTRATIVE, SYNTHETIC = Kind.ILLUSTRATIVE, Kind.SYNTHETIC

STRUCTURE = Section(
    "structure",
    "Municipal structure",
    (
        KeyFigure("n_municipalities", "Municipalities", kind=OFFICIAL, source="Destatis"),
        KeyFigure("largest", "Largest municipality", decimals=None, kind=OFFICIAL, source="D"),
        KeyFigure("national_n_kreise", "Kreise in Germany", kind=OFFICIAL, source="Destatis"),
        KeyFigure("population", "Population", kind=OFFICIAL, source="Destatis", headline=True),
        KeyFigure("density", "Density", "inhabitants/km²", 1, DERIVED, "area", headline=True),
        KeyFigure("share_small", "Share under 10k", "", 1, DERIVED, "sizes", percent=True),
    ),
    order=10,
)
PRIORITIES = Section(
    "task_fields",
    "Task-field priorities",
    (
        KeyFigure("n_fields", "Candidate fields", kind=OFFICIAL, source="field list"),
        KeyFigure(
            "top_score", "Top score", "", 2, ILLUSTRATIVE, "random", kinds=(MODEL,), headline=True
        ),
        KeyFigure("legal_risk", "Legal risk ranks", "", None, DERIVED, "ranking"),
        KeyFigure("demo_kappa", "Demo kappa", "", 3, SYNTHETIC, "demo", headline=True),
    ),
    order=50,
)
NETWORK = Section(  # declared before task_fields although its name sorts after
    "zeta_network",
    "Cooperation network",
    (KeyFigure("n_ties", "Ties", kind=DERIVED, source="register", headline=True),),
    order=20,
)
VALUES = {
    "harz": {
        STRUCTURE: {
            "n_municipalities": 20,
            "largest": "Halberstadt",
            "national_n_kreise": 400,
            "population": 209117,
            "density": 99.3456,
            "share_small": 0.6923,
        },
        NETWORK: {"n_ties": 63},
        PRIORITIES: {
            "n_fields": 11,
            "top_score": 0.8765,
            "legal_risk": [1, 2, 3, 6],
            "demo_kappa": 0.4321,
        },
    },
    "helmstedt": {
        STRUCTURE: {
            "n_municipalities": 10,
            "largest": "Helmstedt",
            "national_n_kreise": 400,
            "population": 90000,
            "density": 148.2,
            "share_small": 0.5,
        },
        NETWORK: {"n_ties": 0},
        PRIORITIES: {
            "n_fields": 14,
            "top_score": Reported(0.5555, kind=MODEL, source="user's scores"),
            "legal_risk": [],
        },
    },
    "wolfenbuettel": {
        STRUCTURE: {"n_municipalities": 33, "population": 119000, "national_n_kreise": 400},
        PRIORITIES: {"n_fields": 8, "top_score": 0.1234, "demo_kappa": 0.6543},
    },
}
NOT_EVIDENCE_TEXT = ["0.88", "0.877", "0.12", "0.123", "0.432", "0.654"]  # never beside data


def _document(key: str) -> dict:
    parts = {
        section.name: KeyFigures(section, section.figures_from(values)).as_json()
        for section, values in VALUES[key].items()
    }
    return summary.summary_document(key, parts)


def _publish(root: Path, keys: list[str]) -> None:
    for key in keys:
        write_json(paths.reports_dir(key, root) / "summary.json", _document(key))


@pytest.fixture
def declarations(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture sections stand in for the studies' declarations (order of figures)."""
    declared = {s.name: s for s in (STRUCTURE, NETWORK, PRIORITIES)}
    monkeypatch.setattr(compare, "declared_sections", lambda: declared)


@pytest.fixture
def published(tmp_path: Path, declarations: None) -> Path:
    _publish(tmp_path, DISTRICTS)
    return tmp_path


@pytest.fixture
def study(published: Path) -> compare_study.CompareStudy:
    return compare_study.run(DISTRICTS, max_panels=12, root=published)


def test_summaries_are_read_back_as_declared(published: Path):
    loaded = compare.load_summaries(["wolfenbuettel", "nowhere", "harz"], published)
    assert list(loaded) == ["wolfenbuettel", "harz"]  # order of the keys; no report: absent
    harz = loaded["harz"]
    # sections in declared order (not by name), figures in declaration order
    assert [k.section.name for k in harz] == ["structure", "zeta_network", "task_fields"]
    assert [f.name for f in harz[0].figures] == [f.name for f in STRUCTURE.figures]
    texts = {f.name: compare.figure_text(f) for k in harz for f in k.figures}
    assert texts["population"] == "209,117"
    assert texts["density"] == "99.3 inhabitants/km²"  # one decimal, as declared
    assert texts["share_small"] == "69.2 %"
    assert texts["legal_risk"] == "1, 2, 3, 6"
    assert compare.figure_text(loaded["harz"][0]["density"], unit=False) == "99.3"
    assert harz[2]["top_score"].kind == ILLUSTRATIVE and not harz[2]["top_score"].evidence


def test_rounding_follows_the_declared_decimals():
    document = _document("harz")
    density = document["sections"]["structure"]["figures"]["density"]
    density.update(value=12.3456, decimals=2)
    figures = compare.key_figures_of(document)
    assert compare.figure_text(figures[0]["density"]) == "12.35 inhabitants/km²"
    density["decimals"] = 0
    assert compare.figure_text(compare.key_figures_of(document)[0]["density"]) == (
        "12 inhabitants/km²"
    )


def test_old_schema_and_malformed_summaries(tmp_path: Path):
    old = {"district": "harz", "sections": {"structure": {"population": 209117}}}
    write_json(paths.reports_dir("harz", tmp_path) / "summary.json", old)
    assert compare.load_summaries(["harz"], tmp_path) == {}  # no kind: treated as absent
    target = paths.reports_dir("helmstedt", tmp_path) / "summary.json"
    target.parent.mkdir(parents=True)
    target.write_text("{not json", encoding="utf-8")
    with pytest.raises(DataValidationError, match="not a valid summary.json") as info:
        compare.load_summaries(["helmstedt"], tmp_path)
    assert str(target) in str(info.value)
    document = _document("harz")
    document["sections"]["structure"]["figures"]["population"]["kind"] = "guess"
    with pytest.raises(DataValidationError, match="sections.structure.figures.population"):
        compare.key_figures_of(document)
    with pytest.raises(DataValidationError, match="'figures' object"):
        compare.key_figures_of({"sections": {"structure": {"population": 1}}})


def test_merged_order_keeps_every_declaration():
    assert compare.merged_order([["a", "c"], ["a", "b", "c"], ["c", "d"]]) == ["a", "b", "c", "d"]
    assert compare.merged_order([["b", "c"], ["a", "b"]]) == ["a", "b", "c"]


def test_evidence_tables_keep_kind_and_hide_illustration(study: compare_study.CompareStudy):
    assert study.reported == tuple(DISTRICTS) and study.missing == ()
    assert list(study.tables) == ["structure", "zeta_network", "task_fields"]
    structure = study.tables["structure"]
    assert list(structure.columns) == ["label", "kind", *DISTRICTS]
    assert list(structure.index) == [f.name for f in STRUCTURE.figures]
    assert structure.loc["population"].tolist() == [
        "Population",
        "official",
        "209,117",
        "90,000",
        "119,000",
    ]
    assert structure.loc["share_small", "harz"] == "69.2 %"
    assert structure.loc["density", "wolfenbuettel"] == ""  # not recorded: blank, not zero
    tasks = study.tables["task_fields"]
    assert list(tasks.index) == ["n_fields", "top_score", "legal_risk"]  # no synthetic row
    # the model value is evidence; the illustrative ones name their kind, not their value
    assert tasks.loc["top_score"].tolist() == [
        "Top score",
        "model",
        "(illustrative)",
        "0.56",
        "(illustrative)",
    ]
    assert tasks.loc["legal_risk", "helmstedt"] == "(none)"
    everything = " ".join(t.to_string() for t in study.tables.values())
    for text in NOT_EVIDENCE_TEXT:
        assert text not in everything


def test_not_evidence_is_listed_by_name_and_kind(study: compare_study.CompareStudy):
    expected = pd.DataFrame(
        {
            "section": ["task_fields", "task_fields"],
            "section_title": ["Task-field priorities", "Task-field priorities"],
            "figure": ["top_score", "demo_kappa"],
            "label": ["Top score", "Demo kappa"],
            "kind": ["illustrative", "synthetic"],
            "districts": ["harz, wolfenbuettel", "harz, wolfenbuettel"],
        }
    )
    pd.testing.assert_frame_equal(study.not_evidence, expected)
    assert not any(text in study.not_evidence.to_string() for text in NOT_EVIDENCE_TEXT)


def test_panels_are_evidence_round_robin_headline_first(
    study: compare_study.CompareStudy, published: Path
):
    choice = study.panels
    # round 1: per section in declared order, headline first; then round 2 ...; the
    # Gemeinde count is a figure of the level not compared by default
    assert study.level == "units"
    assert choice.panels == [
        ("structure", "population"),
        ("zeta_network", "n_ties"),
        ("task_fields", "n_fields"),
        ("structure", "density"),
        ("structure", "share_small"),
    ]
    assert choice.constant == [("structure", "national_n_kreise")]
    assert choice.omitted == []
    drawn = {name for _, name in choice.panels}
    assert not drawn & {"top_score", "demo_kappa"}  # one model value is not a comparison
    limited = compare_study.run(DISTRICTS, max_panels=2, root=published)
    assert limited.panels.panels == choice.panels[:2]
    assert limited.panels.omitted == choice.panels[2:]
    assert (
        "Not drawn (limit of 2 panels): Candidate fields (Task-field priorities)"
        in (limited.notes[-2])
    )
    assert "Same value in every reporting district (no panel): Kreise in Germany" in " ".join(
        study.notes
    )
    assert "kinds drawn: official, derived." in study.panel_source


def test_size_figures_are_drawn_at_one_level(published: Path):
    units = compare_study.run(DISTRICTS, root=published)
    assert ("structure", "n_municipalities") not in units.panels.panels
    assert "n_municipalities" in units.tables["structure"].index  # still in the table
    assert units.notes[-1] == (
        "Size figures are compared at the level of administrative units (a Samtgemeinde, "
        "Verbandsgemeinde or Amt is one unit); the Gemeinde-level figures are in the tables "
        "but not drawn: Municipalities (Municipal structure)."
    )
    assert tr(units.notes[-1], "de").startswith("Größenkennzahlen werden auf der Ebene der Ver")
    both = compare_study.run(DISTRICTS, root=published, level="both")
    assert both.panels.panels[4] == ("structure", "n_municipalities")
    assert not any("Size figures" in note for note in both.notes)
    gemeinden = compare_study.run(DISTRICTS, root=published, level="gemeinden")
    assert ("structure", "n_municipalities") in gemeinden.panels.panels  # no unit figure here
    with pytest.raises(ParameterError, match="level='kreise'"):
        compare_study.run(DISTRICTS, root=published, level="kreise")


def test_tables_and_panels_in_german(study: compare_study.CompareStudy):
    german = study.tables_in("de")["structure"]
    assert german.loc["population", "harz"] == "209.117"
    assert german.loc["density", "harz"].startswith("99,3 ")  # then the unit as declared
    assert german.loc["share_small", "harz"] == "69,2 %"
    assert study.tables["structure"].loc["population", "harz"] == "209,117"
    fig = compare_figures.small_multiples(study, lang="de")
    try:
        visible = [ax for ax in fig.axes if ax.get_visible()]
        assert [t.get_text() for t in visible[0].texts] == ["209.117", "90.000", "119.000"]
        assert [t.get_text() for t in visible[1].texts] == ["63", "0", "k. A."]
        assert fig._suptitle.get_text().endswith("Größen je Verwaltungseinheit")
    finally:
        plt.close(fig)


def test_small_multiples_draw_evidence_as_declared(study: compare_study.CompareStudy):
    fig = compare_figures.small_multiples(study)
    try:
        visible = [ax for ax in fig.axes if ax.get_visible()]
        titles = [ax.get_title() for ax in visible]
        assert titles[:2] == ["Municipal structure\nPopulation", "Cooperation network\nTies"]
        assert titles[3] == "Municipal structure\nDensity (inhabitants/km²)"
        heights = [[bar.get_height() for bar in ax.patches] for ax in visible]
        assert heights[0] == [209117, 90000, 119000]
        assert heights[4] == pytest.approx([69.2, 50.0])  # percent shares drawn in percent
        labels = [[t.get_text() for t in ax.texts] for ax in visible]
        assert labels[0] == ["209,117", "90,000", "119,000"]
        assert labels[1] == ["63", "0", "n/a"]  # zero told apart from not reported
        assert labels[3] == ["99.3", "148.2", "n/a"]
        assert labels[4] == ["69.2 %", "50.0 %", "n/a"]
        for ax in visible:  # every district keeps its place on the x axis
            assert [t.get_text() for t in ax.get_xticklabels()] == DISTRICTS
        assert visible[0].patches[1].get_facecolor() == visible[1].patches[1].get_facecolor()
        shown = " ".join(t for texts in labels for t in texts)
        assert not any(text in shown.split() for text in NOT_EVIDENCE_TEXT)
    finally:
        plt.close(fig)


def test_no_reports_gives_notes_and_no_panels(tmp_path: Path):
    study = compare_study.run(None, root=tmp_path)
    assert study.reported == () and study.tables == {} and study.panels.panels == []
    assert study.notes[0].startswith("0 of ") and "No key figures to compare yet." in study.notes
    with pytest.raises(ValueError, match="at least one panel"):
        compare_figures.small_multiples(study)


def test_single_key_and_bad_parameters(published: Path):
    assert compare_study.run("harz", root=published).districts == ("harz",)
    with pytest.raises(ParameterError, match="unknown district.*'nowhere'"):
        compare_study.run(["harz", "nowhere"], root=published)
    with pytest.raises(ParameterError, match="max_panels"):
        compare_study.run(DISTRICTS, max_panels=0, root=published)
    with pytest.raises(ParameterError, match="max_panels"):
        compare_study.run(DISTRICTS, max_panels="many", root=published)


def test_missing_reports_are_named(tmp_path: Path):
    _publish(tmp_path, ["harz"])
    study = compare_study.run(DISTRICTS, root=tmp_path)
    assert study.reported == ("harz",) and study.missing == ("helmstedt", "wolfenbuettel")
    assert study.notes[:2] == (
        "1 of 3 districts have a report: harz.",
        "No current report (run `ikz batch --all`): helmstedt, wolfenbuettel.",
    )
    assert study.panels.panels == []  # one district: nothing to compare


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
@pytest.mark.parametrize("lang", ["en", "de"])
def test_notebook_90_against_fixture_reports(tmp_path: Path, lang: str):
    out = tmp_path / "out"
    _publish(out, DISTRICTS)
    executed = tmp_path / "90.ipynb"
    papermill.execute_notebook(
        paths.NOTEBOOKS_DIR / "90_compare_districts.ipynb",
        executed,
        parameters={
            "districts": DISTRICTS,
            "max_panels": 4,
            "output_root": str(out),
            "lang": lang,
        },
        kernel_name="python3",
        cwd=str(paths.NOTEBOOKS_DIR),
        progress_bar=False,
    )
    cells = [c for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"]
    source = "\n".join(c.source for c in cells)
    assert "def " not in source
    printed = "".join(_outputs(c)[0] for c in cells)
    shown = [s for c in cells for s in _outputs(c)[1]]
    expected = compare_study.run(DISTRICTS, max_panels=4, root=out)
    displayed = "\n".join(shown)
    for note in expected.notes:
        assert tr(note, lang) in printed
    captions = [text.splitlines()[0] for text in shown if "\n" in text]
    tables = expected.tables_in(lang)
    assert captions[: len(tables)] == [tr(expected.section_titles[name], lang) for name in tables]
    for frame in tables.values():
        for cell in frame.drop(columns="kind").to_numpy().ravel():
            assert str(cell) in displayed
    shown_not_evidence = expected.not_evidence[["label", "kind", "districts"]]
    for cell in shown_not_evidence.to_numpy().ravel():
        assert tr(str(cell), lang) in displayed
    assert "demo_kappa" not in displayed  # labels, not variable names
    assert ("209.117" if lang == "de" else "209,117") in displayed
    png = out / "figures" / "_compare" / "90_key_figures.png"
    assert png.read_bytes().startswith(b"\x89PNG")
    assert not any(text in printed + " ".join(shown) for text in ("0.877", "0.432", "0.654"))
