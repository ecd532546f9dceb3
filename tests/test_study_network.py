"""The network study without Jupyter: every district, Harz known answers, parameters, figures."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.figure import Figure

from ikzlib import boundaries, catalog, germany, studies
from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.figures import network as network_figures
from ikzlib.i18n import missing_translations, tr
from ikzlib.keyfigures import Kind
from ikzlib.studies import network

# The statutory default layer (issue 11 item 3): GKG-LSA forms (Arbeitsgemeinschaft,
# Zweckvereinbarung, Zweckverband; GKG-LSA § 2) on documented memberships give 16 ties, density
# 16/91 and 6 of 14 units without a tie. The 19 ties / 0.21 / 4 units also count the
# Zentrale Vergabestelle Halberstadt, an agreement whose legal basis the sources leave open
# (register notes, S24): that is the upper bound ``n_ties_statutory_or_unclear``.
HARZ_KEY_FIGURES = {
    "has_register": 1,
    "level": "unit",
    "layer": "Statutory IKZ (GKG LSA)",
    "min_confidence": "documented",
    "include_service_area": True,
    "n_bodies": 27,
    "n_memberships": 123,
    "n_documented_memberships": 96,
    "n_area_rows": 43,
    "n_nodes": 14,
    "n_ties": 16,
    "density": 0.1758,
    "n_components": 8,
    "n_isolates": 6,
    "n_statutory_bodies": 5,
    "n_ties_statutory": 16,
    "density_statutory": 0.1758,
    "n_without_statutory_tie": 6,
    "share_without_statutory_tie": 0.429,
    "n_ties_statutory_or_unclear": 19,
    "n_ties_associations": 6,
    "n_ties_companies": 7,
    "n_ties_informal": 6,
    "n_ties_leader": 31,
    "n_ties_service_areas": 0,
    "density_all_layers": 0.5824,
    "n_bodies_with_gaps": 15,
    "n_zweckvereinbarungen_unidentified": 11,
    "n_zweckvereinbarungen_in_register": 0,
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
    published = {f.name for f in section.figures if f.kind == Kind.PUBLISHED}
    assert published == {"n_zweckvereinbarungen_unidentified"}
    assert all(f.kind == Kind.DERIVED for f in section.figures if f.name not in published)
    assert all(f.source for f in section.figures)
    source = section.spec("n_zweckvereinbarungen_unidentified").source
    assert "Landtag von Sachsen-Anhalt 2014, p. 22" in source
    register = [f for f in section.figures if f.name in HARZ_KEY_FIGURES]
    assert all(
        "published documents" in f.source
        for f in register
        if f.name[:2] == "n_" and f.name not in published
    )
    official = [f for f in section.figures if f.name in HARZ_OFFICIAL]
    assert all("Destatis GV-ISys Auszug GV 31.12.2021" in f.source for f in official)
    assert all("BKG VG5000 2021" in f.source for f in official if "adjacent" in f.name)
    assert 2 <= sum(f.headline for f in section.figures) <= 4
    assert studies.section("network") is section


def test_harz_key_figures_equal_the_committed_report(harz: network.NetworkStudy) -> None:
    assert harz.key_figures.values() == {**HARZ_KEY_FIGURES, **HARZ_OFFICIAL}
    assert all(f.source for f in harz.key_figures.figures)
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
    assert harz.has_register and harz.layer_tag.startswith("unit_documented_")
    assert (harz.bipartite.number_of_nodes(), harz.bipartite.number_of_edges()) == (23, 14)
    assert len(harz.bodies) == 27
    assert harz.task_by_category.set_index("task_field").loc["total", "total"] == 27
    assert harz.counts_by_form.set_index("legal_form").loc["Zweckverband", "bodies"] == 5
    assert len(harz.legal_form_vocabulary) == 15
    top = harz.ties.iloc[0]
    assert (top["a"], top["b"], top["weight"]) == (
        "Halberstadt, Stadt",
        "Quedlinburg, Welterbestadt",
        0.5,  # the theatre: Halberstadt, Quedlinburg and the district (Newman 1/(3-1))
    )
    first = harz.centrality.iloc[0]
    assert (first["name"], first["degree"]) == ("Blankenburg (Harz), Stadt", 5)
    assert len(harz.body_table) == 5 and len(harz.gaps) == 15
    assert len(harz.aggregates) == 4 and len(harz.informal_fields) == 15
    assert len(harz.boundary.border_pairs) == 28
    assert harz.membership_counts.sum().sum() == sum(
        d for _, d in harz.bipartite.degree(harz.nodes["node_id"])
    )


def test_harz_layers_separate_statutory_ikz_from_area_coverage(
    harz: network.NetworkStudy,
) -> None:
    overview = harz.layer_overview.set_index("layer")
    documented = overview["n_ties"].to_dict()
    assert documented == {
        "statutory": 16,
        "joint_administration": 0,  # Vorharz is one unit
        "associations": 6,
        "companies": 7,
        "informal": 6,
        "unclear": 3,  # the procurement office: Halberstadt, Ilsenburg, Falkenstein
        "leader": 31,
        "service_areas": 0,
        "district": 0,
        "statutory_or_unclear": 19,
        "all": 53,
    }
    # The figures are the upper bound: 19 ties, density 0.21, 4 units without a tie.
    upper = overview.loc["statutory_or_unclear"]
    assert (round(upper["density"], 2), upper["n_without_tie"]) == (0.21, 4)
    assert overview.loc["statutory", "n_ties_with_inferred"] == 43
    assert overview.loc["service_areas", "n_ties_with_inferred"] == 21
    assert overview.loc["all", "n_ties_with_inferred"] == 63  # the old hairball
    assert overview.loc["leader", "n_memberships"] == 22  # the ended 2014-2020 group left out
    assert list(harz.layer_graphs) == [
        "statutory",
        "associations",
        "companies",
        "informal",
        "unclear",
        "leader",
        "service_areas",
    ]
    statutory = harz.layer_graphs["statutory"]
    assert sum(bool(d) for _, _, d in statutory.edges(data="documented")) == 16
    # LEADER rows are area coverage: none of them is in the statutory layer.
    lag = {"lag-harz", "lag-huy", "lag-nas", "lag-nordharz"}
    assert not {b.removeprefix("body:") for b in harz.bipartite if b.startswith("body:")} & lag


def test_harz_published_counts_beside_the_register(harz: network.NetworkStudy) -> None:
    """Landtag von Sachsen-Anhalt (2014, p. 22) as cited by the Harz case study, sections 2.5
    and 3.5.2: 11 Zweckvereinbarungen in the district; 68 Zweckverbände, 90
    Zweckvereinbarungen and 11 Arbeitsgemeinschaften in the Land."""
    table = harz.published_counts
    rows = table[["area_name", "legal_form", "count", "in_register", "possibly_in_register"]]
    assert rows.values.tolist() == [
        ["Landkreis Harz", "Zweckvereinbarung", 11, 0, 1],
        ["Sachsen-Anhalt", "Arbeitsgemeinschaft", 11, 0, 0],
        ["Sachsen-Anhalt", "Zweckverband", 68, 5, 0],
        ["Sachsen-Anhalt", "Zweckvereinbarung", 90, 0, 1],
    ]
    assert set(table["kind"]) == {"published"}
    notes = "\n".join(harz.notes)
    assert "Landkreis Harz, 2014: 11 bodies in the legal form Zweckvereinbarung" in notes
    assert "the register documents 0 of them" in notes
    assert "68 bodies in the legal form Zweckverband" in notes


def test_harz_tie_model_on_the_statutory_layer(harz: network.NetworkStudy) -> None:
    # QAP p-values depend on the permutation scheme of ikzlib.tie_model; the fit does not.
    table = harz.tie_table.set_index("term").round(3)
    assert table.loc["abs_diff_log_pop", ["coef", "se", "correlation"]].tolist() == [
        -2.401,
        0.881,
        -0.19,
    ]
    assert table.loc["distance_km", "correlation"] == -0.123
    assert pd.isna(table.loc["same_gemeindeverband", "coef"])


def test_harz_notes_are_generated_from_the_data(harz: network.NetworkStudy) -> None:
    notes = "\n".join(harz.notes)
    assert "27 bodies, 123 membership rows (43 of them area coverage" in notes
    assert "28 neighbouring node pairs" in notes
    assert "16 ties among 14 units (density 0.18); 6 units have no such tie" in notes
    assert "Wernigerode, Stadt" in notes.split("no such tie:")[1]
    assert "Zentrale Vergabestelle der Stadt Halberstadt" in notes
    assert "19 ties (density 0.21) and 4 units without a tie (upper bound)" in notes
    assert "LEADER areas: 31 ties" in notes
    assert "15 cooperation fields" in notes
    german = "\n".join(tr(note, "de") for note in harz.notes)
    assert "IKZ in gesetzlichen Formen (GKG LSA" in german and "Dichte 0,18" in german
    assert "LEADER-Gebiete: 31 Verbindungen" in german
    assert missing_translations([*harz.notes, *harz.model_notes]) == []
    model = "\n".join(harz.model_notes)
    assert "14 nodes, 91 dyads, 16 tied (18 %)" in model
    assert "Same Gemeindeverband is constant" in model


def test_every_table_shows_its_labels_in_both_languages(harz: network.NetworkStudy) -> None:
    for part, spec in network.TABLES.items():
        shown = harz.table(part)
        assert list(shown.cells.columns) == list(spec.columns.values()), part
        assert len(shown.cells) == len(harz.frame(part)), part
    assert (
        missing_translations(
            [label for spec in network.TABLES.values() for label in spec.columns.values()]
        )
        == []
    )
    layers = harz.table("layers", "de").cells
    assert layers.columns[4] == "Verbindungen (belegt)"
    # Statutory row: 16 documented ties, density 16/91 = 0.176 (see HARZ_KEY_FIGURES).
    assert layers.iloc[0].tolist()[:6] == [
        "IKZ in gesetzlichen Formen (GKG LSA)",
        "5",
        "25",
        "14",
        "16",
        "0,176",
    ]
    bodies = harz.table("body_metrics").cells.set_index("Body")
    tazv = bodies.loc["Trink- und Abwasserzweckverband Vorharz (TAZV Vorharz)"]
    assert tazv[["Population covered", "Area covered (km²)", "Share outside"]].tolist() == [
        "74,147",
        "982.4",
        "0.14",
    ]
    assert harz.frame("tie_model") is harz.tie_table
    assert harz.key_figures.as_table("de").caption == "Kooperationsnetzwerk"
    with pytest.raises(ParameterError, match="unknown table 'pie'"):
        harz.table("pie")


def test_tables_a_district_lacks_are_none() -> None:
    study = network.run("14612", n_permutations=0)  # Dresden: no register, one unit
    assert study.table("adjacency") is None and study.table("layers", "de") is None
    assert study.table("verbaende").cells.empty
    assert study.table("land_counts") is not None


def test_text_joins_the_sentences_of_a_part(harz: network.NetworkStudy) -> None:
    assert harz.text("official") == "\n".join(harz.official.notes)
    assert harz.text("model", "de").startswith("14 Knoten, 91 Dyaden, 16 verbunden (18 %).")
    assert harz.text("notes", "de") == "\n".join(tr(note, "de") for note in harz.notes)
    with pytest.raises(ParameterError, match="unknown text 'summary'"):
        harz.text("summary")


def test_publish_saves_each_figure_under_its_name(harz: network.NetworkStudy, tmp_path) -> None:
    open_before = plt.get_fignums()
    shown = network_figures.publish(harz, "matrix", layer="leader", lang="de", root=tmp_path)
    written = tmp_path / "figures" / "harz" / "02_matrix_leader.png"
    assert shown.data == written.read_bytes()
    network_figures.publish(harz, "memberships", root=tmp_path)
    assert (tmp_path / "figures" / "harz" / "02_memberships.png").is_file()
    assert plt.get_fignums() == open_before  # closed after saving: not drawn a second time
    with pytest.raises(ValueError, match="unknown figure 'pie'"):
        network_figures.publish(harz, "pie", root=tmp_path)


def test_gemeinde_level_reports_the_separating_gemeindeverband() -> None:
    # All layers together: the Verbandsgemeinde ties its seven Gemeinden to each other.
    study = network.run(
        "harz", level="gemeinde", layers=None, min_confidence="inferred", n_permutations=0
    )
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


def test_a_chosen_layer_is_the_matching_overview_row() -> None:
    study = network.run("harz", layers="leader", n_permutations=0)
    assert study.layer["layers"] == ["leader"]
    assert study.layer_tag.startswith("unit_documented_")
    assert study.key_figures["layer"].value == "LEADER areas"
    row = study.layer_overview.set_index("layer").loc["leader"]
    assert study.key_figures["n_ties"].value == row["n_ties"] == 31
    assert study.key_figures["n_ties_statutory"].value == 16  # always the statutory layer
    every = network.run("harz", layers=None, min_confidence="inferred", n_permutations=0)
    assert every.key_figures["n_ties"].value == 63
    filtered = network.run("harz", layers=None, categories="inter-municipal", n_permutations=0)
    assert network.layer_name(filtered, "de") == (
        "Alle Ebenen zusammen (Mitgliedschaft und Gebietsabdeckung vermischt) (gefiltert)"
    )


@pytest.mark.parametrize("key", [*catalog.district_keys(), "09677", "14612"])
def test_every_district_runs_without_jupyter(key: str) -> None:
    study = network.run(key, n_permutations=0)
    assert study.district.key == key
    assert all(f.source for f in study.key_figures.figures)
    assert all(
        f.kind == Kind.DERIVED
        for f in study.key_figures.figures
        if f.name != "n_zweckvereinbarungen_unidentified"
    )
    assert set(HARZ_OFFICIAL) & set(study.key_figures.values())  # the official layer
    assert study.official.notes and study.official.graph.number_of_nodes() >= 1
    if not study.district.inputs.has("register"):
        assert study.key_figures["has_register"].value == 0
        assert set(study.key_figures.values()) <= {"has_register", *HARZ_OFFICIAL}
        assert study.layer_overview is None and study.layer_graphs is None
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
        ({"layers": ["gossip"]}, "layers"),
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
        assert fig.axes[0].get_title().startswith("Landkreis Harz – Statutory IKZ (GKG LSA):")
        assert "data/raw/harz/register" in network_figures.source_note(harz, name)
        plt.close(fig)
        fig = draw(harz, lang="de")
        assert "IKZ in gesetzlichen Formen (GKG LSA)" in fig.axes[0].get_title()
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


def test_layer_panels_share_positions_and_name_every_layer(harz: network.NetworkStudy) -> None:
    fig = network_figures.layer_panels(harz)
    drawn = [ax for ax in fig.axes if ax.get_title()]
    assert len(drawn) == len(harz.layer_graphs) == 7
    assert drawn[0].get_title() == (
        "Statutory IKZ (GKG LSA)\nties: 16 documented, 27 inferred only"
    )
    assert (
        drawn[-1].get_title() == "Catchment and service areas\nties: 0 documented, 21 inferred only"
    )
    assert fig._suptitle.get_text().endswith("one panel per layer")

    def positions(ax) -> dict[str, tuple[float, float]]:
        return {t.get_text(): t.xy for t in ax.texts}

    assert positions(drawn[0]) == positions(drawn[-1])  # same node positions in every panel
    plt.close(fig)
    fig = network_figures.layer_panels(harz, lang="de")
    assert fig.axes[5].get_title() == "LEADER-Gebiete\nVerbindungen: 31 belegt, 0 nur erschlossen"
    plt.close(fig)


def test_adjacency_matrix_of_the_dense_layers(harz: network.NetworkStudy) -> None:
    assert network_figures.dense_layers(harz) == ["statutory", "leader"]  # >= 0.3 with inferred
    fig = network_figures.adjacency_matrix(harz, "leader")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "Ilsenburg (Harz)" and labels[-1] == "Falkenstein/Harz"  # west to east
    assert len([t for t in ax.texts if t.get_text() == "1"]) == 2 * 31  # both halves
    assert ax.get_title().startswith("Landkreis Harz – LEADER areas:")
    assert "west to east" in network_figures.source_note(harz, "matrix")
    plt.close(fig)


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
