"""The network study without Jupyter: every district, Harz known answers, parameters, figures."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.figure import Figure

from ikzlib import boundaries, catalog, studies
from ikzlib.errors import ParameterError
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
HARZ_WORDS = ("Harz", "Vorharz", "Halberstadt", "Table 1", "14 units")


@pytest.fixture(scope="module")
def harz() -> network.NetworkStudy:
    return network.run("harz")


@pytest.fixture(scope="module")
def harz_no_boundaries() -> network.NetworkStudy:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(boundaries, "discover_boundary_file", lambda: None)
        return network.run("harz", n_permutations=0)


def test_section_keeps_name_order_notebook_and_declares_kinds_and_sources() -> None:
    section = network.SECTION
    assert (section.name, section.order, section.notebook) == (
        "network",
        20,
        "02_cooperation_network",
    )
    assert [f.name for f in section.figures] == list(HARZ_KEY_FIGURES)
    assert all(f.kind == Kind.DERIVED and f.source for f in section.figures)
    assert all("published documents" in f.source for f in section.figures if f.name[:2] == "n_")
    assert 2 <= sum(f.headline for f in section.figures) <= 4
    assert studies.section("network") is section


def test_harz_key_figures_equal_the_committed_report(harz: network.NetworkStudy) -> None:
    assert harz.key_figures.values() == HARZ_KEY_FIGURES
    assert all(f.kind == Kind.DERIVED and f.source for f in harz.key_figures.figures)


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


def test_a_filtered_layer_is_the_matching_comparison_row() -> None:
    study = network.run("harz", categories="inter-municipal", n_permutations=0)
    assert study.layer["categories"] == ["inter-municipal"]
    assert study.layer_tag.startswith("unit_inferred_")
    row = study.comparison.loc["this layer"]
    assert study.key_figures["n_ties"].value == row["n_ties"] == 58
    assert set(study.body_table["body_id"]) <= set(
        study.bodies.loc[study.bodies["category"].eq("inter-municipal"), "body_id"]
    )


@pytest.mark.parametrize("key", catalog.district_keys())
def test_every_district_runs_without_jupyter(key: str) -> None:
    study = network.run(key, n_permutations=0)
    assert study.district.key == key
    assert all(f.kind and f.source for f in study.key_figures.figures)
    if not study.district.inputs.has("register"):
        assert study.key_figures.values() == {"has_register": 0}
        assert not study.has_register
        assert study.notes == (study.district.inputs.missing_note("register"),)
        assert study.bodies is None and study.projection is None and study.tie_table is None
        assert study.model_notes == ()
        text = "\n".join(study.notes)
        assert f"data/raw/{key}/register" in text
        assert not any(word in text for word in HARZ_WORDS)
    else:
        assert study.key_figures["has_register"].value == 1
        assert study.projection.number_of_nodes() == study.key_figures["n_nodes"].value


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
    with pytest.raises(Exception, match="configured districts"):
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
