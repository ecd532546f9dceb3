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


def test_size_class_figure_has_one_labelled_bar_per_class_in_each_panel(study: StructureStudy):
    small = replace(study, size_classes=size_class_table(MUNICIPALITIES))
    fig = structure_figures.size_class_figure(small, german=True)
    left, right = fig.axes
    assert len(_bars(left)) == len(_bars(right)) == 5
    assert left.get_xlabel() == "number of Gemeinden"
    assert right.get_xlabel() == "share of the district population (%)"
    assert left.get_ylabel() == "inhabitants"
    assert fig._suptitle.get_text() == "Landkreis Harz: Gemeinden by size class (2021-12-31)"
    # population share 2,000 / 48,000 = 4.2 %, written in German format
    assert "4,2" in _texts(right)
    assert _texts(left).count("1") == 3  # three classes with one Gemeinde each


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
        replace(study, density=units, district_density=1234.4), german=True
    )
    (ax,) = fig.axes
    bars = _bars(ax)
    assert len(bars) == 3
    colours = [bar.get_facecolor()[:3] for bar in bars]
    assert colours[1] != colours[0] == colours[2]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Huy", "Vorharz", "Halberstadt"]
    assert _texts(ax) == ["district 1.234"]
    assert ax.get_xlabel() == "inhabitants per km²"


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


def test_national_figure_has_three_panels_and_the_district_line(study: StructureStudy):
    comparison = pd.DataFrame(
        {
            "kreis_key": [f"{i:05d}" for i in range(10)],
            "n_municipalities": [1, 2, 5, 10, 20, 30, 40, 60, 100, 150],
            "median_population": [500, 900, 1500, 3000, 6000, 9000, 20000, 50000, 1e5, 5e5],
            "share_pop_small": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
        }
    )
    position = pd.DataFrame(
        {
            "measure": ["n_municipalities", "median_population", "share_pop_small"],
            "value": [20, 6000, 0.4],
        }
    )
    fig = structure_figures.national_figure(
        replace(study, kreise=comparison, position=position, gv_file=Path("GV.xlsx"))
    )
    axes = fig.axes
    assert len(axes) == 3
    assert [ax.get_xlabel() for ax in axes] == [m[1] for m in structure_figures.NATIONAL_MEASURES]
    assert [ax.get_xscale() for ax in axes] == ["log", "log", "linear"]
    assert axes[2].lines[0].get_xdata()[0] == pytest.approx(40.0)  # share scaled to %
    assert all(_texts(ax) == ["Landkreis Harz"] for ax in axes)
    assert fig._suptitle.get_text() == "Landkreis Harz among the 10 German Kreise"


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
