"""The network study without Jupyter: every district, Harz known answers, parameters, figures."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.figure import Figure

from ikzlib import boundaries, catalog, germany, studies
from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.figures import network as network_figures
from ikzlib.keyfigures import Kind
from ikzlib.studies import network

# Recorded by notebook 02 at HEAD (data/processed/harz/summary/network.json of that run).
HARZ_KEY_FIGURES = {
    "has_register": 1,
    "level": "unit",
    "min_confidence": "inferred",
    "include_service_area": True,
    "n_bodies": 27,
    "n_memberships": 123,
    "n_documented_memberships": 96,
    "n_nodes": 14,
    "n_ties": 63,
    "density": 0.6923,
    "n_components": 1,
    "n_isolates": 0,
    "share_without_documented_formal_tie": 0.0,
    "density_documented_formal": 0.5824,
    "share_without_documented_formal_tie_strict": 0.0,
    "n_bodies_with_gaps": 15,
    "n_zweckvereinbarungen_unidentified": 11,
}
# The official layer (Gemeindeverbände and shared borders), added with issue 10.
HARZ_OFFICIAL = {
    "n_gemeindeverbaende": 1,
    "n_gemeinden_in_verband": 7,
    "share_gemeinden_in_verband": 0.35,
    "n_adjacent_pairs": 41,
    "share_adjacent_pairs_same_verband": 0.195,
}
HARZ_WORDS = ("Harz", "Vorharz", "Halberstadt", "Table 1", "14 units")


@pytest.fixture(scope="module")
def harz() -> network.NetworkStudy:
    return network.run("harz")


def _no_embedded_polygons(layer: str = "GEM", directory=None):
    raise DataValidationError("data/raw/germany", "embedded extract removed for the test")


@pytest.fixture(scope="module")
def harz_no_boundaries() -> network.NetworkStudy:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(boundaries, "discover_boundary_file", lambda: None)
        patch.setattr(germany, "boundaries", _no_embedded_polygons)
        return network.run("harz", n_permutations=0)


def test_section_keeps_name_order_notebook_and_declares_kinds_and_sources() -> None:
    section = network.SECTION
    assert (section.name, section.order, section.notebook) == (
        "network",
        20,
        "02_cooperation_network",
    )
    assert [f.name for f in section.figures] == [*HARZ_KEY_FIGURES, *HARZ_OFFICIAL]
    assert all(f.kind == Kind.DERIVED and f.source for f in section.figures)
    register = [f for f in section.figures if f.name in HARZ_KEY_FIGURES]
    assert all("published documents" in f.source for f in register if f.name[:2] == "n_")
    official = [f for f in section.figures if f.name in HARZ_OFFICIAL]
    assert all("Destatis GV-ISys Auszug GV 31.12.2021" in f.source for f in official)
    assert all("BKG VG5000 2021" in f.source for f in official if "adjacent" in f.name)
    assert 2 <= sum(f.headline for f in section.figures) <= 4
    assert studies.section("network") is section


def test_harz_key_figures_equal_the_committed_report(harz: network.NetworkStudy) -> None:
    assert harz.key_figures.values() == {**HARZ_KEY_FIGURES, **HARZ_OFFICIAL}
    assert all(f.kind == Kind.DERIVED and f.source for f in harz.key_figures.figures)
    # The Harz Gemeinden come from the district's own municipalities.csv: its source is named.
    assert "data/raw/harz/municipalities.csv" in harz.key_figures["n_gemeindeverbaende"].source


def test_harz_official_layer(harz: network.NetworkStudy) -> None:
    layer = harz.official
    assert not layer.single_unit and len(layer.units) == 14
    assert layer.verbaende[["unit_key", "name", "n_municipalities"]].values.tolist() == [
        ["150855051", "Vorharz", 7]
    ]
    assert layer.adjacency_summary["n_pairs"].tolist() == [8, 0, 9, 24]
    assert layer.graph.number_of_nodes() == 20 and layer.graph.number_of_edges() == 54
    assert layer.boundary.source.startswith("BKG VG5000 2021 via the embedded extract")
    assert layer.land_counts.set_index("text_code").loc["53", "n_units"] == 18
    notes = "\n".join(layer.notes)
    assert "the 20 Gemeinden form 14 administrative units: 13 verbandsfreie Gemeinden" in notes
    assert "Verbandsgemeinde in Sachsen-Anhalt (Textkennzeichen 53)" in notes
    assert "41 pairs of neighbouring Gemeinden" in notes and "8 of them (20%)" in notes


def test_harz_tables_match_the_committed_notebook(harz: network.NetworkStudy) -> None:
    assert harz.has_register and harz.layer_tag == "unit_inferred"
    assert (harz.bipartite.number_of_nodes(), harz.bipartite.number_of_edges()) == (57, 100)
    assert len(harz.bodies) == 27 and harz.task_by_category.loc["total", "total"] == 27
    assert harz.counts_by_form.set_index("legal_form").loc["Zweckverband", "bodies"] == 5
    assert len(harz.legal_form_vocabulary) == 15
    top = harz.ties.iloc[0]
    assert (top["a"], top["b"], round(top["weight"], 3)) == (
        "Blankenburg (Harz), Stadt",
        "Wernigerode, Stadt",
        1.31,
    )
    assert harz.comparison["n_ties"].tolist() == [63, 53, 63, 6, 58]
    assert harz.comparison.loc["informal bodies only", "n_isolates"] == 10
    first = harz.centrality.iloc[0]
    assert (first["name"], first["degree"], round(first["weighted_degree"], 3)) == (
        "Blankenburg (Harz), Stadt",
        13,
        6.631,
    )
    assert len(harz.body_table) == 23 and len(harz.gaps) == 15  # bodies with a tie in the layer
    assert len(harz.aggregates) == 4 and len(harz.informal_fields) == 15
    assert len(harz.boundary.border_pairs) == 28
    assert harz.membership_counts.sum().sum() == sum(
        d for _, d in harz.bipartite.degree(harz.nodes["node_id"])
    )


def test_harz_tie_model_matches_the_committed_notebook(harz: network.NetworkStudy) -> None:
    table = harz.tie_table.set_index("term").round(3)
    assert table.loc["distance_km", ["coef", "se", "correlation"]].tolist() == [
        -0.171,
        0.046,
        -0.647,
    ]
    assert table.loc["distance_km", "qap_p_correlation"] == 0.001
    assert table.loc["both_small", "qap_p_correlation"] == 0.039
    assert table.loc["shared_border", "qap_p_logit"] == 0.148
    assert table.loc["abs_diff_log_pop", "qap_valid_logit"] == 997
    assert pd.isna(table.loc["same_gemeindeverband", "coef"])


def test_harz_notes_are_generated_from_the_data(harz: network.NetworkStudy) -> None:
    notes = "\n".join(harz.notes)
    assert "27 bodies, 123 membership rows, 81 sources" in notes
    assert "28 neighbouring node pairs" in notes
    assert "11 Zweckvereinbarung (2014)" in notes
    assert "15 cooperation fields" in notes
    model = "\n".join(harz.model_notes)
    assert "14 nodes, 91 dyads, 63 tied (69%)" in model
    assert "only 28 non-ties" in model
    assert "Same Gemeindeverband is constant" in model


def test_gemeinde_level_reports_the_separating_gemeindeverband() -> None:
    study = network.run("harz", level="gemeinde", n_permutations=0)
    assert study.key_figures["n_nodes"].value == 20
    model = "\n".join(study.model_notes)
    assert "20 nodes, 190 dyads" in model
    assert "within one Gemeindeverband are tied" in model
    assert study.tie_table["coef"].isna().all()
    assert study.tie_table["qap_p_correlation"].isna().all()


def test_without_boundaries_the_map_uses_centres_and_the_model_drops_the_border(
    harz_no_boundaries: network.NetworkStudy,
) -> None:
    study = harz_no_boundaries
    assert study.boundary.polygons is None and study.boundary.border_pairs is None
    assert "shared_border" not in set(study.tie_table["term"])
    assert any("No boundary file" in note for note in study.notes)
    assert "centre points" in network_figures.source_note(study, "map")
    fig = network_figures.network_map(study)
    assert isinstance(fig, Figure)
    plt.close(fig)
    layer = study.official
    assert layer.polygons is None and layer.adjacency is None and layer.other_areas is None
    assert "n_adjacent_pairs" not in study.key_figures
    assert study.key_figures["n_gemeindeverbaende"].value == 1
    assert any("shared borders are unknown" in note for note in layer.notes)
    assert "No polygons" in network_figures.source_note(study, "official")
    fig = network_figures.official_map(study)
    assert not fig.axes[0].collections[0].get_offsets().mask.any()  # centre points drawn
    plt.close(fig)


def test_without_a_reference_file_the_register_layer_uses_the_embedded_polygons() -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(boundaries, "discover_boundary_file", lambda: None)
        study = network.run("harz", n_permutations=0)
    assert study.boundary.polygons is not None and len(study.boundary.border_pairs) == 28
    assert "embedded BKG VG5000 2021 extract" in study.boundary.note
    assert "GeoBasis-DE / BKG" in network_figures.source_note(study, "map")
    assert study.key_figures.values() == {**HARZ_KEY_FIGURES, **HARZ_OFFICIAL}


def test_a_filtered_layer_is_the_matching_comparison_row() -> None:
    study = network.run("harz", categories="inter-municipal", n_permutations=0)
    assert study.layer["categories"] == ["inter-municipal"]
    assert study.layer_tag.startswith("unit_inferred_")
    row = study.comparison.loc["this layer"]
    assert study.key_figures["n_ties"].value == row["n_ties"] == 58
    assert set(study.body_table["body_id"]) <= set(
        study.bodies.loc[study.bodies["category"].eq("inter-municipal"), "body_id"]
    )


@pytest.mark.parametrize("key", [*catalog.district_keys(), "09677", "14612"])
def test_every_district_runs_without_jupyter(key: str) -> None:
    study = network.run(key, n_permutations=0)
    assert study.district.key == key
    assert all(f.kind == Kind.DERIVED and f.source for f in study.key_figures.figures)
    assert set(HARZ_OFFICIAL) & set(study.key_figures.values())  # the official layer
    assert study.official.notes and study.official.graph.number_of_nodes() >= 1
    if not study.district.inputs.has("register"):
        assert study.key_figures["has_register"].value == 0
        assert set(study.key_figures.values()) <= {"has_register", *HARZ_OFFICIAL}
        assert not study.has_register
        assert study.notes == (study.district.inputs.missing_note("register"),)
        assert study.bodies is None and study.projection is None and study.tie_table is None
        assert study.model_notes == ()
        text = "\n".join(study.notes + study.official.notes)
        assert f"data/raw/{key}/register" in text
        assert not any(word in text for word in HARZ_WORDS)
    else:
        assert study.key_figures["has_register"].value == 1
        assert study.projection.number_of_nodes() == study.key_figures["n_nodes"].value


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            "09677",
            {"n_gemeindeverbaende": 7, "n_gemeinden_in_verband": 31},
        ),
        (
            "helmstedt",
            {"n_gemeindeverbaende": 4, "n_gemeinden_in_verband": 19},
        ),
        (
            "wolfenbuettel",
            {"n_gemeindeverbaende": 4, "n_gemeinden_in_verband": 29},
        ),
    ],
)
def test_official_layer_known_answers(key: str, expected: dict) -> None:
    study = network.run(key, n_permutations=0)
    values = study.key_figures.values()
    assert {name: values[name] for name in expected} == expected
    units = study.official.units
    assert values["share_gemeinden_in_verband"] == round(
        expected["n_gemeinden_in_verband"] / units["n_municipalities"].sum(), 3
    )
    summary = study.official.adjacency_summary
    assert values["n_adjacent_pairs"] == summary["n_pairs"].sum() > 0
    assert 0 < values["share_adjacent_pairs_same_verband"] < 1
    assert study.official.boundary.source.startswith("BKG VG5000 2021 via the embedded")


def test_main_spessart_official_layer_notes() -> None:
    study = network.run("09677", n_permutations=0)
    assert (len(study.official.units), int(study.official.units["n_municipalities"].sum())) == (
        16,
        40,
    )
    notes = "\n".join(study.official.notes)
    assert "the 40 Gemeinden form 16 administrative units" in notes
    assert "7 Verwaltungsgemeinschaften with 31 Gemeinden" in notes
    assert "Verwaltungsgemeinschaft in Bayern (Textkennzeichen 54)" in notes
    assert "VGemO" in notes and "10 gemeindefreie Gebiete (Burgjoß" in notes
    source = study.key_figures["n_gemeindeverbaende"].source
    assert (
        source
        == "Destatis GV-ISys Auszug GV 31.12.2021 via the embedded extract (data/raw/germany)"
    )
    assert study.key_figures["n_adjacent_pairs"].source.startswith(
        "Destatis GV-ISys Auszug GV 31.12.2021 / BKG VG5000 2021 via the embedded extract"
    )


def test_a_kreisfreie_stadt_gets_a_note_and_no_network_statistics() -> None:
    study = network.run("14612", n_permutations=0)
    assert study.official.single_unit
    assert study.key_figures.values() == {
        "has_register": 0,
        "n_gemeindeverbaende": 0,
        "n_gemeinden_in_verband": 0,
    }
    assert study.official.adjacency is None and study.official.adjacency_summary is None
    (note,) = study.official.notes
    assert note.startswith("Dresden (kreisfreie Stadt) is a single Gemeinde")
    assert "not the question" in note
    fig = network_figures.official_map(study)
    assert "one administrative unit" in fig.axes[0].get_title()
    assert fig.axes[0].get_legend() is None
    plt.close(fig)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"level": "county"}, "level"),
        ({"min_confidence": "sure"}, "min_confidence"),
        ({"legal_forms": ["Zweckverbund"]}, "legal_forms"),
        ({"task_fields": ["space travel"]}, "task_fields"),
        ({"categories": ["national"]}, "categories"),
        ({"categories": 3}, "categories"),
        ({"include_service_area": "yes"}, "include_service_area"),
        ({"include_historical": None}, "include_historical"),
        ({"n_permutations": -1}, "n_permutations"),
        ({"n_permutations": 9.5}, "n_permutations"),
        ({"n_permutations": "many"}, "n_permutations"),
        ({"seed": -3}, "seed"),
    ],
)
def test_bad_parameters_raise_a_parameter_error(params: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        network.run("helmstedt", **params)


def test_unknown_district_is_a_clear_error() -> None:
    with pytest.raises(Exception, match="unknown district 'atlantis'"):
        network.run("atlantis")


def test_figures_draw_the_study_and_name_their_sources(harz: network.NetworkStudy) -> None:
    for draw, name in (
        (network_figures.bipartite_chart, "bipartite"),
        (network_figures.network_map, "map"),
        (network_figures.membership_bars, "memberships"),
    ):
        fig = draw(harz)
        assert isinstance(fig, Figure)
        assert fig.axes[0].get_title().startswith("Landkreis Harz: ")
        assert "data/raw/harz/register" in network_figures.source_note(harz, name)
        plt.close(fig)
    assert "GeoBasis-DE / BKG" in network_figures.source_note(harz, "map")
    fig = network_figures.official_map(harz)
    assert fig.axes[0].get_title() == (
        "Landkreis Harz: 20 Gemeinden in 14 administrative units (official layer)"
    )
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert "Vorharz" in labels and "Thale" in labels
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Gemeindeverband (1 Verbandsgemeinde)" in legend
    note = network_figures.source_note(harz, "official")
    assert "GeoBasis-DE / BKG 2021 (Daten verändert)" in note
    assert "data/raw/harz/municipalities.csv" in note
    plt.close(fig)
    fig, ax = plt.subplots()
    assert network_figures.membership_bars(harz, ax=ax) is fig
    assert len(ax.patches) > 0
    plt.close(fig)
    with pytest.raises(ValueError, match="unknown figure"):
        network_figures.source_note(harz, "pie")


def test_figures_refuse_a_district_without_register() -> None:
    study = network.run("helmstedt")
    with pytest.raises(ValueError, match="no cooperation register"):
        network_figures.bipartite_chart(study)


def test_the_official_map_draws_every_district_with_attribution() -> None:
    study = network.run("09677", n_permutations=0)
    fig = network_figures.official_map(study)
    ax = fig.axes[0]
    labels = {t.get_text() for t in ax.texts}
    assert len(labels & set(study.official.verbaende["name"])) == 7  # every Verband is named
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Gemeindeverband (7 Verwaltungsgemeinschaften)" in legend
    assert "gemeindefreies Gebiet" in legend
    fills = network_figures.verband_fills(study)
    neighbours = study.official.adjacency
    across = neighbours[
        neighbours["unit_key_a"].isin(fills)
        & neighbours["unit_key_b"].isin(fills)
        & neighbours["unit_key_a"].ne(neighbours["unit_key_b"])
    ]
    assert all(
        fills[a] != fills[b]
        for a, b in zip(across["unit_key_a"], across["unit_key_b"], strict=True)
    )
    assert network_figures.source_note(study, "official") == (
        "Source: Destatis GV-ISys Auszug GV 31.12.2021 and BKG VG5000 2021 via the embedded "
        "extract (data/raw/germany). © GeoBasis-DE / BKG 2021 (Daten verändert)"
    )
    plt.close(fig)
