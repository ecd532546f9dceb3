"""The nationwide atlas (notebook 91): indicators for every district, typicality, figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pickle

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

from ikzlib import destatis, germany
from ikzlib.errors import ParameterError, UnknownDistrictError
from ikzlib.figures import BKG_ATTRIBUTION, apply_style, save_figure
from ikzlib.figures import atlas as plots
from ikzlib.i18n import Message, missing_translations, tr
from ikzlib.keyfigures import Kind
from ikzlib.municipalities import administrative_units
from ikzlib.studies import atlas


@pytest.fixture(scope="module")
def harz() -> atlas.AtlasStudy:
    return atlas.run("harz")


@pytest.fixture(scope="module")
def dresden() -> atlas.AtlasStudy:
    return atlas.run("14612", n_similar=3)


def _row(study: atlas.AtlasStudy, kreis_key: str) -> pd.Series:
    return study.table.set_index("kreis_key").loc[kreis_key]


# --- the indicator table ------------------------------------------------------------------------


def test_every_kreis_once_in_two_groups(harz):
    table = harz.table
    assert len(table) == 400
    assert table["kreis_key"].is_unique
    assert table["group"].value_counts().to_dict() == {
        atlas.KREIS_GROUP: 294,
        atlas.CITY_GROUP: 106,
    }
    assert not table[list(atlas.INDICATORS)].isna().any().any()
    assert table["district"].notna().all()


@pytest.mark.parametrize(
    ("kreis_key", "key", "gemeinden", "units", "group"),
    [
        ("15085", "harz", 20, 14, atlas.KREIS_GROUP),
        ("09677", "09677", 40, 16, atlas.KREIS_GROUP),
        ("14612", "14612", 1, 1, atlas.CITY_GROUP),
    ],
)
def test_known_counts(harz, kreis_key, key, gemeinden, units, group):
    row = _row(harz, kreis_key)
    assert row["key"] == key
    assert (row["n_municipalities"], row["n_units"]) == (gemeinden, units)
    assert row["group"] == group


def test_main_spessart_leaves_out_its_uninhabited_areas(harz):
    every = germany.municipalities()
    records = every[every["kreis_key"].eq("09677")]
    assert len(records) == 50  # 10 uninhabited gemeindefreie Gebiete among them
    row = _row(harz, "09677")
    assert row["n_municipalities"] == 40
    # density over the Kreis area, which includes the gemeindefreie Gebiete
    assert row["density"] == pytest.approx(records["population"].sum() / row["area_km2"])
    assert row["area_km2"] == pytest.approx(records["area_km2"].sum(), abs=0.01)


def test_units_follow_the_ars_rule_of_the_municipality_model(harz):
    every = germany.municipalities()
    units = administrative_units(every[every["inhabited"]])
    per_kreis = units.groupby(units["unit_key"].str[:5]).size()
    table = harz.table.set_index("kreis_key")
    assert (table["n_units"] == per_kreis.reindex(table.index)).all()
    assert (table["n_units"] == germany.kreise().set_index("kreis_key")["n_units"]).all()


def test_shares_and_medians_of_harz(harz):
    every = germany.municipalities()
    gemeinden = every[every["kreis_key"].eq("15085") & every["inhabited"]]
    population = gemeinden["population"]
    row = _row(harz, "15085")
    assert row["median_population"] == population.median()
    small = population < destatis.SMALL_MUNICIPALITY_LIMIT
    assert row["share_pop_small"] == pytest.approx(population[small].sum() / population.sum())
    assert row["share_in_verband"] == pytest.approx(0.35)  # 7 of 20 in a Verbandsgemeinde
    assert _row(harz, "14612")["share_in_verband"] == 0


def test_national_small_municipality_claim(harz):
    assert harz.national["n_records"] == 10_997
    assert harz.national["n_inhabited"] == 10_789
    assert harz.key_figures["national_share_under_10k"].text() == "85.2 %"
    every = germany.municipalities()
    inhabited = every[every["population"] > 0]
    assert harz.national["share_small"] == pytest.approx((inhabited["population"] < 10_000).mean())
    assert "85.2 %" in harz.findings[0]


def test_distributions_and_lands(harz):
    dist = harz.distributions.set_index(["group", "indicator"])
    assert dist.loc[(atlas.KREIS_GROUP, "n_municipalities"), "n"] == 294
    assert dist.loc[(atlas.CITY_GROUP, "n_municipalities"), "max"] == 1
    kreise = harz.group_table(atlas.KREIS_GROUP)
    assert dist.loc[(atlas.KREIS_GROUP, "density"), "median"] == kreise["density"].median()
    lands = harz.by_land.set_index("land_name")
    assert len(lands) == 16
    assert lands["n_landkreise"].sum() + lands["n_kreisfrei"].sum() == 400
    assert np.isnan(lands.loc["Berlin", "n_municipalities"])


# --- percentiles and similarity ------------------------------------------------------------------


def test_mid_rank_percentile():
    assert atlas.percentile(pd.Series([1, 2, 3, 4]), 3) == 62.5
    assert atlas.percentile(pd.Series([1, 2, 3]), 2) == 50.0
    assert atlas.percentile(pd.Series([5, 5, 5, 5]), 5) == 50.0
    assert [atlas.ordinal(x) for x in (1, 2, 3, 11, 22, 31.4, 0.2)] == [
        "1st",
        "2nd",
        "3rd",
        "11th",
        "22nd",
        "31st",
        "0th",
    ]


def test_harz_position_among_landkreise_only(harz):
    assert harz.group == atlas.KREIS_GROUP
    position = harz.position.set_index("indicator")
    assert (position["n"] == 294).all()
    kreise = harz.group_table(atlas.KREIS_GROUP)["n_municipalities"].astype(float)
    expected = 100 * ((kreise < 20).sum() + 0.5 * (kreise == 20).sum()) / 294
    assert position.loc["n_municipalities", "percentile"] == pytest.approx(expected)
    assert position.loc["n_units", "value"] == 14
    assert position["percentile"].between(0, 100).all()


def test_similar_districts_exclude_the_district_and_are_nearest(harz):
    similar = harz.similar
    assert len(similar) == 5
    assert "15085" not in set(similar["kreis_key"])
    assert similar["distance"].is_monotonic_increasing
    assert (similar["distance"] > 0).all()
    assert set(similar["kreis_key"]) <= set(harz.group_table(atlas.KREIS_GROUP)["kreis_key"])
    # recompute every distance in the group by hand: the listed ones are the nearest
    group = harz.group_table(atlas.KREIS_GROUP).set_index("kreis_key")
    values = group[list(atlas.INDICATORS)].astype(float)
    for name in ("n_municipalities", "n_units", "median_population", "density"):
        values[name] = np.log10(values[name])
    z = (values - values.mean()) / values.std(ddof=0)
    distance = np.sqrt(((z - z.loc["15085"]) ** 2).sum(axis=1)).drop("15085").sort_values()
    assert list(similar["kreis_key"]) == list(distance.index[:5])
    assert similar["distance"].to_numpy() == pytest.approx(distance.iloc[:5].to_numpy())


def test_indicator_subset_changes_the_distance():
    study = atlas.run("harz", n_similar=2, indicators=["density"])
    assert study.indicators == ("density",)
    assert study.scaling.set_index("indicator")["used"].sum() == 1
    scale = study.scaling.set_index("indicator").loc["density", "sd"]
    nearest = study.similar.iloc[0]
    own = np.log10(_row(study, "15085")["density"])
    assert nearest["distance"] == pytest.approx(abs(np.log10(nearest["density"]) - own) / scale)


def test_kreisfreie_stadt_is_compared_with_kreisfreie_staedte(dresden):
    assert dresden.group == atlas.CITY_GROUP
    position = dresden.position.set_index("indicator")
    for name in ("n_municipalities", "n_units", "share_pop_small", "share_in_verband"):
        assert np.isnan(position.loc[name, "percentile"])
        assert position.loc[name, "band"] == "constant"
    assert set(dresden.scaling.loc[dresden.scaling["used"], "indicator"]) == {
        "median_population",
        "density",
    }
    assert set(dresden.similar["kreis_key"]) <= set(
        dresden.group_table(atlas.CITY_GROUP)["kreis_key"]
    )
    assert "14612" not in set(dresden.similar["kreis_key"])
    assert any("single municipality" in note for note in dresden.notes)
    assert "percentile_n_municipalities" not in dresden.key_figures
    assert "percentile_density" in dresden.key_figures


def test_without_a_district_only_the_nationwide_part():
    study = atlas.run(None)
    assert study.district is None and study.position is None and study.similar is None
    assert len(study.findings) == 1
    assert "district" not in study.key_figures
    assert study.key_figures["n_kreise"].value == 400
    assert study.as_table("position") is None and study.text("typicality") == ""
    assert len(study.as_table("by_land").cells) == 16
    with pytest.raises(ValueError, match="without a district"):
        plots.typicality_figure(study)


def test_typicality_verdicts():
    assert any("is a typical case" in line for line in atlas.run("harz").findings)
    bitburg = atlas.run("07232")
    verdict = next(line for line in bitburg.findings if line.startswith("Verdict"))
    assert "not a typical case" in verdict
    assert bitburg.key_figures["n_outer_tenth"].value >= 3


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"indicators": ["nope"]}, "indicators"),
        ({"indicators": []}, "at least one"),
        ({"indicators": ["density", "density"]}, "twice"),
        ({"n_similar": 0}, "n_similar"),
        ({"n_similar": 51}, "n_similar"),
        ({"n_similar": 2.5}, "whole number"),
        ({"n_similar": "many"}, "number"),
    ],
)
def test_bad_parameters(params, message):
    with pytest.raises(ParameterError, match=message):
        atlas.run("harz", **params)


def test_unknown_district():
    with pytest.raises(UnknownDistrictError):
        atlas.run("no such district")


def test_deterministic(harz):
    again = atlas.run("harz")
    for name in ("table", "distributions", "by_land", "position", "similar", "scaling"):
        pd.testing.assert_frame_equal(getattr(harz, name), getattr(again, name))
    assert harz.findings == again.findings and harz.notes == again.notes
    assert harz.key_figures.as_json() == again.key_figures.as_json()


# --- key figures, views, polygons ---------------------------------------------------------------


def test_key_figures_have_kinds_and_sources(harz):
    section = harz.key_figures.section
    assert (section.name, section.order, section.notebook) == ("atlas", 90, "91_atlas")
    assert 2 <= sum(spec.headline for spec in section.figures) <= 4
    figures = {f.name: f for f in harz.key_figures.figures}
    assert set(figures) == {spec.name for spec in section.figures}  # Harz reports every one
    for figure in figures.values():
        assert figure.kind in (Kind.OFFICIAL, Kind.DERIVED)
        assert figure.source
    for name in ("national_n_gemeinden", "national_n_inhabited", "n_kreise", "n_landkreise"):
        assert figures[name].kind == Kind.OFFICIAL
    for name in ("national_share_under_10k", "percentile_density", "most_similar"):
        assert figures[name].kind == Kind.DERIVED
    assert figures["most_similar"].value.endswith(f"({harz.similar['kreis_key'].iloc[0]})")
    assert figures["median_n_municipalities"].value == 27


def test_tables_show_shares_in_percent_under_human_column_names(harz):
    position = harz.frame("position").set_index("indicator")
    assert position.loc["Gemeinden in a Gemeindeverband (%)", "value"] == "35.0"
    assert harz.frame("similar")["share_in_verband"].max() <= 100
    shown = harz.as_table("position", "en")
    assert list(shown.cells.columns)[:3] == ["Indicator", "Value", "1st quartile"]
    assert shown.caption.startswith("Landkreis Harz among the 294 Landkreise and Kreise")
    assert harz.as_table("scaling").cells["Used in the distance"].eq("yes").all()
    with pytest.raises(ParameterError):
        harz.frame("nothing")


def test_tables_in_german(harz):
    position = harz.as_table("position", "de")
    assert position.caption.startswith("Landkreis Harz unter den 294 Landkreisen und Kreisen")
    rows = position.cells.set_index("Indikator")
    assert rows.loc["Gemeinden in einem Gemeindeverband (%)", "Wert"] == "35,0"
    assert rows.loc["Median der Gemeindegröße", "Wert"] == "7.671"
    assert rows.loc["Einwohner je km² (Kreisfläche)", "Lage"] == "unterhalb der mittleren Hälfte"
    distributions = harz.as_table("distributions", "de").cells
    assert set(distributions["Gruppe"]) == {"Landkreise und Kreise", "kreisfreie Städte"}
    key = harz.key_figures.as_table("de").cells.set_index("Kennzahl")
    share = key.loc["Deutschland: Anteil der bewohnten Gemeinden unter 10.000"]
    assert (share["Wert"], share["Art"]) == ("85,2 %", "abgeleitet")
    assert key.loc["Deutschland: bewohnte Gemeinden", "Quelle"].endswith(
        "eingebetteter Auszug, data/raw/germany"
    )


def test_notes_and_findings_in_german(harz, dresden):
    messages = [*harz.notes, *harz.findings, *dresden.notes, *dresden.findings]
    assert all(isinstance(m, Message) for m in messages)
    assert missing_translations(messages) == []
    national = harz.text("national", "de")
    assert "Deutschland hat 10.789 bewohnte Gemeinden" in national and "85,2 %" in national
    typical = harz.text("typicality", "de")
    assert typical.startswith("Unter den 294 Landkreisen und Kreisen liegt Landkreis Harz")
    assert "Bevölkerungsdichte 99 Einwohner/km² (22. Perzentil)" in typical
    assert "Saalekreis, Sachsen-Anhalt: 0,48" in typical
    assert "mit den 106 kreisfreien Städten verglichen" in dresden.text("notes", "de")
    # the sentences survive pickling (studies cross process boundaries in key_figures_all)
    again = pickle.loads(pickle.dumps(harz.findings))
    assert [tr(m, "de") for m in again] == [tr(m, "de") for m in harz.findings]
    with pytest.raises(ParameterError):
        harz.text("nothing")


def test_ordinals_in_both_languages():
    assert [atlas.ordinal(x, "de") for x in (1, 22, 99.6)] == ["1.", "22.", "100."]
    assert tr(atlas.Ordinal(31.5), "de") == "32." and atlas.Ordinal(31.5) == "32nd"


def test_polygons_cover_every_kreis_once(harz):
    polygons = harz.polygons
    assert len(polygons) == 400 and polygons["kreis_key"].is_unique
    assert polygons.geometry.notna().all() and polygons.crs.to_epsg() == 31467
    # Eisenach (16056 in VG5000 2021) is drawn as part of the Wartburgkreis
    assert "16056" not in set(polygons["kreis_key"])
    assert any("16056" in note and "16063" in note for note in harz.notes)
    assert len(harz.lands) == 16


# --- figures --------------------------------------------------------------------------------


def test_figures_draw_and_carry_the_bkg_attribution(harz):
    distribution = plots.distribution_figure(harz)
    assert len(distribution.axes) == 6
    maps = plots.map_figure(harz)
    map_axes = [ax for ax in maps.axes if ax.get_title(loc="left")]
    assert len(map_axes) == 6
    for ax in map_axes:
        assert BKG_ATTRIBUTION in [text.get_text() for text in ax.texts]
    typical = plots.typicality_figure(harz)
    assert any(BKG_ATTRIBUTION in [t.get_text() for t in ax.texts] for ax in typical.axes)
    for name in ("maps", "typicality"):
        assert BKG_ATTRIBUTION in plots.source_note(harz, name)
    with pytest.raises(ValueError):
        plots.source_note(harz, "nothing")
    with pytest.raises(ValueError, match="no map"):
        plots.indicator_map(harz, "population")
    plt.close("all")


def test_saved_figure_is_byte_stable(harz, tmp_path):
    apply_style()  # fixed SVG ids, as in the notebooks
    contents = []
    for run in ("a", "b"):
        fig = plots.distribution_figure(harz)
        written = save_figure(
            fig,
            "_compare",
            "91_distributions",
            source="test",
            formats=("svg",),
            root=tmp_path / run,
        )
        contents.append((tmp_path / run / written[0]).read_bytes())
        plt.close(fig)
    assert contents[0] == contents[1]


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text)]


def test_map_class_labels():
    for name in atlas.INDICATORS:
        assert len(plots.class_labels(name)) == len(plots.MAP_CLASSES[name][0]) + 1
    assert plots.class_labels("share_in_verband") == [
        "0 % (all verbandsfrei)",
        "under 25 %",
        "25–50 %",
        "50–75 %",
        "75–<100 %",
        "100 %",
    ]
    assert plots.class_labels("n_municipalities", "de") == [
        "unter 10",
        "10–19",
        "20–29",
        "30–49",
        "50–99",
        "100 und mehr",
    ]
    assert plots.class_labels("density", "de")[-1] == "2.000 und mehr"


def test_figures_in_german(harz):
    typical = _texts(plots.typicality_figure(harz, lang="de"))
    assert "Wie typisch ist Landkreis Harz?" in typical
    assert any(t.startswith("Perzentil unter den 294 Landkreisen und Kreisen") for t in typical)
    assert "22." in typical and "7.671  (Median 3.542)" in typical
    assert "5  Landkreis Celle, Niedersachsen (0,77)" in typical
    legend = _texts(plots.indicator_map(harz, "median_population", lang="de"))
    assert {"unter 1.000", "20.000 und mehr", "kreisfreie Stadt", "Landkreis Harz"} <= set(legend)
    distribution = _texts(plots.distribution_figure(harz, lang="de"))
    assert "Einwohner je km² (Kreisfläche) (log. Skala)" in distribution
    assert "alle 106: 0,0 %" in distribution and "Landkreise und Kreise\n(n = 294)" in distribution
    note = plots.source_note(harz, "maps", "de")
    assert note.startswith("Quelle: Destatis") and BKG_ATTRIBUTION in note
    plt.close("all")
