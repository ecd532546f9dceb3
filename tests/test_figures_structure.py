"""Figures of the structure study: what each figure draws, for small inputs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.patches import Rectangle
from shapely.geometry import box

from ikzlib import figures
from ikzlib.figures import structure as structure_figures
from ikzlib.structure import demography_series, size_class_table
from ikzlib.studies import structure
from ikzlib.studies.structure import StructureStudy


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def study() -> StructureStudy:
    """The Harz study without boundaries and without the national comparison."""
    return replace(
        structure.run("harz"),
        boundary_file=None,
        boundary_source=None,
        polygons=None,
        outline=None,
        gv_file=None,
        national_source=None,
        national=None,
        kreise=None,
        position=None,
        national_units=None,
        kreis_units=None,
        unit_position=None,
    )


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _bars(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


MUNICIPALITIES = pd.DataFrame(
    {
        "ags": ["15085001", "15085002", "15085003"],
        "name": ["Aland, Stadt", "Bergdorf", "Cluster"],
        "population": [40_000, 6_000, 2_000],
        "gemeindeverband_key": ["0000", "5051", "5051"],
        "lon": [11.0, 11.1, 11.2],
        "lat": [51.8, 51.85, 51.9],
    }
)
# The municipality-model columns administrative_units needs besides those above.
UNIT_COLUMNS = {
    "ars": ["150850001001", "150855051002", "150855051003"],
    "gemeindeverband_name": ["Aland, Stadt", "Vorharz", "Vorharz"],
    "gemeindeverband_type": ["verbandsfreie Gemeinde", "Verbandsgemeinde", "Verbandsgemeinde"],
    "area_km2": [100.0, 50.0, 50.0],
    "population_date": ["2021-12-31"] * 3,
}
POLYGONS = gpd.GeoDataFrame(
    {
        "ags": MUNICIPALITIES["ags"],
        "gemeindeverband_type": ["verbandsfreie Gemeinde", "Verbandsgemeinde", "Verbandsgemeinde"],
    },
    geometry=[
        box(10.95, 51.75, 11.05, 51.85),
        box(11.05, 51.8, 11.15, 51.9),
        box(11.15, 51.85, 11.25, 51.95),
    ],
    crs="EPSG:4326",
)


def test_size_class_figure_draws_units_beside_gemeinden(study: StructureStudy):
    # Aland 40,000 alone; Bergdorf 6,000 and Cluster 2,000 form one unit of 8,000 (key 5051)
    small = replace(
        study,
        size_classes=size_class_table(MUNICIPALITIES.assign(**UNIT_COLUMNS)),
        municipality_size_classes=size_class_table(MUNICIPALITIES, level="gemeinden"),
    )
    fig = structure_figures.size_class_figure(small, lang="de")
    left, right = fig.axes
    assert len(_bars(left)) == len(_bars(right)) == 10  # a pair of bars per class
    assert left.get_xlabel() == "Anzahl Verwaltungseinheiten bzw. Gemeinden"
    assert right.get_xlabel() == "Anteil an der Bevölkerung des Kreises (%)"
    assert left.get_ylabel() == "Einwohner"
    legend = [t.get_text() for t in left.get_legend().get_texts()]
    assert legend == ["Verwaltungseinheiten", "Gemeinden"]
    assert fig._suptitle.get_text() == (
        "Landkreis Harz: Größenklassen der Verwaltungseinheiten und Gemeinden (2021-12-31)"
    )
    # units: 8,000 / 48,000 = 16,7 % in 5,000-10,000; Gemeinden: Cluster 2,000 = 4,2 %
    assert {"16,7", "4,2", "83,3"} <= set(_texts(right))
    units, gemeinden = _bars(left)[:5], _bars(left)[5:]
    assert [bar.get_width() for bar in units] == [0, 1, 0, 1, 0]
    assert [bar.get_width() for bar in gemeinden] == [1, 1, 0, 1, 0]
    english = structure_figures.size_class_figure(small)
    assert english.axes[0].get_xlabel() == "number of administrative units or Gemeinden"


def test_density_figure_colours_joint_administrations_and_marks_the_district(
    study: StructureStudy,
):
    units = pd.DataFrame(
        {
            "unit_name": ["Huy, Gemeinde", "Vorharz", "Halberstadt, Stadt"],
            "unit_type": ["Einheitsgemeinde", "Verbandsgemeinde", "Einheitsgemeinde"],
            "density": [40.0, 60.0, 270.0],
        }
    )
    fig = structure_figures.density_figure(
        replace(study, density=units, district_density=1234.4), lang="de"
    )
    (ax,) = fig.axes
    bars = _bars(ax)
    assert len(bars) == 3
    colours = [bar.get_facecolor()[:3] for bar in bars]
    assert colours[1] != colours[0] == colours[2]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Huy", "Vorharz", "Halberstadt"]
    assert _texts(ax) == ["Kreis insgesamt 1.234"]
    assert ax.get_xlabel() == "Einwohner je km²"


def test_density_figure_draws_on_a_given_axes(study: StructureStudy):
    fig, (left, right) = plt.subplots(1, 2)
    assert structure_figures.density_figure(study, ax=right) is fig
    assert len(_bars(right)) == len(study.units) and not _bars(left)


def test_map_without_boundaries_says_so(study: StructureStudy):
    fig = structure_figures.municipality_map_figure(replace(study, municipalities=MUNICIPALITIES))
    (ax,) = fig.axes
    assert structure_figures.source_note(study, "map").startswith(
        structure_figures.NO_BOUNDARY_NOTE
    )
    assert ax.get_title() == "Landkreis Harz: Gemeinden sized by population (2021-12-31)"
    assert {"Aland", "Bergdorf", "Cluster"} <= set(_texts(ax))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["5,000 inhabitants", "10,000 inhabitants", "25,000 inhabitants"]


def test_map_with_boundaries_gives_the_bkg_attribution_and_fill_legend(study: StructureStudy):
    with_polygons = replace(study, municipalities=MUNICIPALITIES, polygons=POLYGONS)
    fig = structure_figures.municipality_map_figure(with_polygons)
    assert structure_figures.source_note(with_polygons, "map").startswith(figures.BKG_ATTRIBUTION)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[-2:] == ["verbandsfreie Gemeinde", "member of a Gemeindeverband"]


def test_municipality_map_sizes_circles_by_population():
    fig = structure_figures.municipality_map(MUNICIPALITIES, POLYGONS, label=False)
    (ax,) = fig.axes
    assert len(ax.collections) >= 2  # polygons and circles
    assert structure_figures.map_note(POLYGONS) == figures.BKG_ATTRIBUTION
    fig = structure_figures.municipality_map(MUNICIPALITIES)
    sizes = fig.axes[0].collections[0].get_sizes()
    assert sizes.tolist() == pytest.approx([900.0, 135.0, 45.0])  # area ∝ population
    assert structure_figures.map_note(None) == structure_figures.NO_BOUNDARY_NOTE


def test_demography_figure_marks_derived_values_and_changes(study: StructureStudy):
    statements = pd.DataFrame(
        {
            "statement_id": ["pop2020", "chg1990", "chg2035"],
            "quantity": ["population", "change", "change"],
            "start_year": [2020, 1990, 2020],
            "end_year": [2020, 2020, 2035],
            "value": [200_000.0, -20.0, -10.0],
            "unit": ["persons", "percent", "percent"],
            "approximate": [False, True, False],
            "source": ["s", "s", "s"],
            "note": ["", "", ""],
        }
    )
    series = demography_series(statements)
    changed = replace(study, demography=statements, demography_series=series)
    fig = structure_figures.demography_figure(changed)
    (ax,) = fig.axes
    texts = _texts(ax)
    assert "200,000" in texts  # stated: exact
    assert "≈ 250,000" in texts  # 1990 derived from -20 %
    assert "≈ 180,000" in texts  # 2035 projected from -10 %
    assert "about -20 %" in texts and "-10 %" in texts
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [label for _, _, label in structure_figures.DEMOGRAPHY_STYLES.values()]
    assert ax.get_ylabel() == "inhabitants"
    assert ax.get_title() == "Landkreis Harz: population 1990–2035 as stated by the study"


def test_national_figure_has_a_row_per_level_and_the_district_line(study: StructureStudy):
    keys = [f"{i:05d}" for i in range(10)]
    shares = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    gemeinden = pd.DataFrame(
        {
            "kreis_key": keys,
            "n_municipalities": [1, 2, 5, 10, 20, 30, 40, 60, 100, 150],
            "share_municipalities_small": shares,
            "share_pop_small": shares,
        }
    )
    units = pd.DataFrame(
        {
            "kreis_key": keys,
            "n_units": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            "share_units_small": [s / 2 for s in shares],
            "share_pop_small": [s / 4 for s in shares],
        }
    )
    harz = replace(
        study,
        district=replace(study.district, kreis_key="00004"),
        kreise=gemeinden,
        kreis_units=units,
        position=pd.DataFrame({"measure": ["n_municipalities"], "value": [20]}),
        gv_file=Path("GV.xlsx"),
    )
    fig = structure_figures.national_figure(harz)
    axes = fig.axes
    assert len(axes) == 6
    labels = [
        label
        for _, measures in structure_figures.NATIONAL_MEASURES.values()
        for _, label, _, _ in measures
    ]
    assert [ax.get_xlabel() for ax in axes] == labels
    assert labels[0] == "administrative units per Kreis"  # the unit level on top
    assert [ax.get_xscale() for ax in axes] == ["log", "linear", "linear"] * 2
    # Kreis 00004: 5 units, 20 % of units and 10 % of the population in small units; 20
    # Gemeinden, 40 % small
    marks = [ax.lines[0].get_xdata()[0] for ax in axes]
    assert marks == pytest.approx([5, 20, 10, 20, 40, 40])
    assert all(_texts(ax) == ["Landkreis Harz"] for ax in axes)
    assert axes[0].get_ylabel() == "administrative units\nnumber of Kreise"
    assert axes[3].get_ylabel() == "Gemeinden\nnumber of Kreise"
    assert fig._suptitle.get_text() == (
        "Landkreis Harz among the 10 German Kreise: administrative units (top), Gemeinden (bottom)"
    )
    german = structure_figures.national_figure(harz, lang="de")
    assert german.axes[1].get_xlabel() == "% der Verwaltungseinheiten unter 10.000"


def test_missing_parts_are_not_drawn_and_have_no_source_line(study: StructureStudy):
    with pytest.raises(ValueError, match="no national comparison"):
        structure_figures.national_figure(study)
    with pytest.raises(ValueError, match="no source line for figure 'national'"):
        structure_figures.source_note(study, "national")
    no_statements = replace(study, demography=None, demography_series=None)
    with pytest.raises(ValueError, match="no demographic statements"):
        structure_figures.demography_figure(no_statements)
    assert "Tabelle" not in structure_figures.source_note(study, "size_classes")
    assert structure_figures.source_note(study, "demography").endswith(
        "Hollow markers are derived, not published."
    )


def test_publish_draws_saves_and_returns_the_png(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("IKZ_REFERENCE_DIR", str(tmp_path))
    harz = structure.run("harz")
    image = structure_figures.publish(harz, "size_classes", lang="de", root=tmp_path)
    png = tmp_path / "figures" / "harz" / "01_size_classes.png"
    assert png.read_bytes() == image.data
    assert not plt.get_fignums()  # closed after saving: never drawn a second time
    with pytest.raises(ValueError, match="unknown figure 'pie'"):
        structure_figures.publish(harz, "pie")
