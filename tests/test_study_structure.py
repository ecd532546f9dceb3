"""Study ``structure`` without Jupyter: every district, Harz known answers, notes, parameters."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from ikzlib import catalog, paths, studies
from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.i18n import Message, missing_translations, tr
from ikzlib.keyfigures import Kind
from ikzlib.studies import structure
from ikzlib.studies.structure import StructureStudy

HARZ_ONLY = ("Vorharz", "Halberstadt", "Table 1", "Tabelle 1", "Harz")
# Harz values of the committed notebook 01 (HEAD before the move into the library).
HARZ_DATA = {
    "n_municipalities": 20,
    "n_units": 14,
    "population": 209_117,
    "population_date": "2021-12-31",
    "area_km2": 2104.93,
    "density": 99.3,
    "n_under_10k": 14,
    "n_under_5k": 7,
    "n_units_under_10k": 7,
    "n_units_under_5k": 0,
    "share_units_under_10k": 0.5,
    "share_pop_units_under_10k": 0.2668,
    "share_pop_under_10k": 0.3243,
    "largest_municipality": "Halberstadt, Stadt",
    "n_disagreements": 4,
    "n_population_disagreements": 0,
    "n_area_disagreements": 4,
    "published_population": 209_117,
}
# The national comparison comes from the embedded extract (same values as the Auszug GV file).
HARZ_NATIONAL = {
    "national_share_municipalities_under_10k": 0.8515,
    "national_n_kreise": 400,
    "rank_share_pop_under_10k": 200,
    "rank_median_population": 182,
    # units (ikzlib.destatis.national_units): 4,398 units, 2,396 of them under 10,000
    "national_share_units_under_10k": 0.5448,
    "national_n_units": 4398,
    "rank_share_units_under_10k": 136,
    "rank_share_pop_units_under_10k": 145,
    "rank_median_unit_population": 247,
}
HARZ_REFERENCE = {"boundaries": "VG5000_GEM.shp", **HARZ_NATIONAL}
EMBEDDED_BOUNDARIES = "VG5000 01.01.2021 (embedded extract)"
KINDS = {
    "n_municipalities": Kind.OFFICIAL,
    "population": Kind.OFFICIAL,
    "area_km2": Kind.OFFICIAL,
    "population_date": Kind.OFFICIAL,
    "density": Kind.DERIVED,
    "share_pop_under_10k": Kind.DERIVED,
    "n_units_under_10k": Kind.DERIVED,
    "n_area_disagreements": Kind.DERIVED,
    "published_population": Kind.PUBLISHED,
    "rank_median_population": Kind.DERIVED,
}


@pytest.fixture
def no_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty reference folder (a fresh clone): only the embedded nationwide extract."""
    monkeypatch.setenv("IKZ_REFERENCE_DIR", str(tmp_path))


@pytest.fixture
def harz(no_reference: None) -> StructureStudy:
    return structure.run("harz")


def _all_text(study: StructureStudy) -> str:
    described = [study.describe(part) for part in structure.PARTS]
    return "\n".join([*study.notes, *described])


def test_section_declaration_is_kept():
    section = structure.SECTION
    assert (section.name, section.order, section.notebook) == (
        "structure",
        10,
        "01_municipal_structure",
    )
    names = {spec.name for spec in section.figures}
    assert set(HARZ_DATA) | set(HARZ_REFERENCE) <= names
    assert 2 <= sum(spec.headline for spec in section.figures) <= 4
    headlines = {spec.name for spec in section.figures if spec.headline}
    assert {"n_units", "share_units_under_10k"} <= headlines  # the unit level leads
    assert not headlines & set(structure.GEMEINDE_FIGURES)
    assert set(structure.UNIT_FIGURES) | set(structure.GEMEINDE_FIGURES) <= names
    for name in structure.UNIT_FIGURES:  # every size figure names its level
        assert "administrative units" in section.spec(name).label, name
    for name in structure.GEMEINDE_FIGURES:
        assert "Gemeinde" in section.spec(name).label, name
    assert all(spec.label and spec.source for spec in section.figures)
    assert studies.section("structure") is section


def test_harz_key_figures_equal_the_report(harz: StructureStudy):
    values = harz.key_figures.values()
    assert {name: values.get(name) for name in HARZ_DATA} == HARZ_DATA
    assert {name: values.get(name) for name in HARZ_NATIONAL} == HARZ_NATIONAL
    assert values["boundaries"] == EMBEDDED_BOUNDARIES  # no reference folder: embedded VG5000


def test_fresh_clone_gets_the_national_comparison_and_polygons(harz: StructureStudy):
    national = harz.key_figures["national_n_kreise"].source
    assert "Auszug GV (31122021_Auszug_GV.xlsx), Gebietsstand 31.12.2021" in national
    assert "embedded extract data/raw/germany/municipalities.parquet" in national
    boundaries = harz.key_figures["boundaries"].source
    assert (
        boundaries.startswith("BKG VG5000 01.01.2021, embedded extract")
        and "vg5000_gem" in boundaries
    )
    assert harz.gv_file.name == "municipalities.parquet"
    assert harz.national_label == "Auszug GV 31.12.2021 (embedded extract)"
    assert harz.has_polygons and harz.outline is not None and len(harz.outline) == 1
    assert harz.polygons.geometry.notna().sum() == 20
    assert harz.polygons.crs.to_epsg() == 31467
    assert harz.position.set_index("measure").loc["median_population", "rank"] == 182
    text = harz.describe("national")
    assert "10,789 inhabited Gemeinden (the 208 uninhabited gemeindefreie Gebiete are not" in text
    assert "embedded extract" in harz.describe("map")


def test_key_figures_carry_declared_kinds_and_sources(harz: StructureStudy):
    for figure in harz.key_figures.figures:
        assert figure.kind in figure.spec.allowed_kinds()
        assert figure.source
    for name, kind in KINDS.items():
        if name in harz.key_figures:
            assert harz.key_figures[name].kind == kind, name
    assert "Tabelle 1" in harz.key_figures["published_population"].source
    assert "31122021_Auszug_GV.xlsx" in harz.key_figures["population"].source
    assert harz.key_figures["boundaries"].kind == Kind.OFFICIAL
    assert harz.key_figures["rank_share_pop_under_10k"].kind == Kind.DERIVED


def test_harz_tables(harz: StructureStudy):
    assert len(harz.municipalities) == 20 and len(harz.units) == 14
    assert harz.size_classes["n"].tolist() == [0, 7, 4, 3, 0]  # administrative units
    assert harz.municipality_size_classes["n"].tolist() == [7, 7, 3, 3, 0]
    assert harz.density["density"].is_monotonic_increasing
    assert harz.unit_table.iloc[-1]["population_published"] == 209_117
    assert set(harz.disagreements["quantity"]) == {"area_km2"}
    both = harz.size_class_comparison
    assert both["percent_gemeinden"].tolist() == [35.0, 35.0, 15.0, 15.0, 0.0]
    assert both["percent_units"].tolist() == [0.0, 50.0, 28.6, 21.4, 0.0]  # of 14 units
    assert both["n_units"].sum() == 14 and both["n_gemeinden"].sum() == 20
    assert harz.demography_series["kind"].tolist() == ["derived", "stated", "projected"]
    assert harz.uninhabited is not None and harz.uninhabited.empty
    assert not harz.single_unit


def test_harz_notes_come_from_the_data(harz: StructureStudy):
    joint, agreement = harz.notes[0], harz.notes[2]
    assert "13 of the 14 administrative units" in joint
    assert "Verbandsgemeinde Vorharz (7 Gemeinden)" in joint
    assert agreement.startswith("4 unit areas differ by at most 0.03 km² (3 ha)")
    assert "populations agree exactly" in agreement
    assert not any("IKZ_REFERENCE_DIR" in note for note in harz.notes)  # nothing is missing
    sizes = harz.notes[1]
    assert sizes.startswith("Counted per administrative unit, 7 of 14 have fewer than 10,000")
    assert "(0 fewer than 5,000); counted per Gemeinde, 14 of 20 (7 fewer than 5,000)" in sizes
    assert harz.notes[2] == agreement
    assert harz.notes[3].startswith("National comparison at the level of administrative units")
    assert "Germany has 4,398 such units, 54.5 % of them under 10,000" in harz.notes[3]
    assert len(harz.notes) == 4
    text = harz.describe("size_classes")
    assert "Administrative units: 7 of the 14 have fewer than 10,000 inhabitants (0 fewer" in text
    assert "Gemeinden: 14 of the 20 have fewer than 10,000" in text


def test_describe_writes_german_numbers_and_sentences(harz: StructureStudy):
    district = harz.describe("district", "de")
    assert "20 Gemeinden in 14 Verwaltungseinheiten, 209.117 Einwohner am 2021-12-31" in district
    assert "2.104,93 km²" in district
    assert "die übrige ist eine gemeinsame Verwaltung: Verbandsgemeinde Vorharz" in district
    units = harz.describe("units", "de")
    assert "4 Flächen weichen um höchstens 0,03 km² (3 ha) ab" in units
    assert "Bevölkerung insgesamt: aggregiert 209.117, veröffentlicht 209.117" in units
    english = harz.describe("units")
    assert "4 unit areas differ by at most 0.03 km² (3 ha), small enough" in english
    sizes = harz.describe("size_classes", "de")
    assert "Verwaltungseinheiten: 7 der 14 haben weniger als 10.000 Einwohner" in sizes
    assert "in ihnen leben 26,7 % der Bevölkerung" in sizes
    assert "Verwaltungseinheiten: 4.398 in Deutschland, 54,5 % davon" in harz.describe(
        "national", "de"
    )
    assert tr(harz.notes[1], "de").startswith("Je Verwaltungseinheit gezählt haben 7 von 14")
    assert not missing_translations([n for n in harz.notes if isinstance(n, Message)])
    for part in structure.PARTS:  # every sentence of the study has its German
        lines = structure._DESCRIBERS[part](harz)
        assert not missing_translations([line for line in lines if isinstance(line, Message)])
    with pytest.raises(ParameterError, match="part 'nope'"):
        harz.describe("nope")
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        harz.describe("district", "fr")


def test_agreement_note_follows_the_disagreements(harz: StructureStudy):
    none = replace(harz, disagreements=harz.disagreements.iloc[0:0])
    assert "0 cells where the two sources disagree." in none.describe("units")
    assert "cadastre" not in none.describe("units")  # nothing to explain
    population = pd.DataFrame(
        {
            "unit_key": ["150850370"],
            "unit_name": ["Wernigerode, Stadt"],
            "quantity": ["population"],
            "aggregated": [32_027.0],
            "published": [32_000.0],
            "difference": [27.0],
            "note": [""],
        }
    )
    text = replace(harz, disagreements=population).describe("units")
    assert "1 unit population differs, by up to 27 inhabitants" in text
    assert "Areas agree within 0.005 km²" in text
    assert "populations agree exactly" not in text
    large = harz.disagreements.assign(difference=[2.5, 0.01, -0.01, -0.01])
    text = replace(harz, disagreements=large).describe("units")
    assert "at most 2.50 km² (250 ha), more than rounding explains" in text


@pytest.mark.parametrize("key", catalog.district_keys())
def test_every_district_runs_without_reference_data(key: str, no_reference: None):
    study = studies.run("structure", key)
    assert isinstance(study, StructureStudy)
    assert study.district.key == key
    values = study.key_figures.values()
    assert values["n_municipalities"] == len(study.municipalities) > 0
    assert values["population"] == int(study.municipalities["population"].sum())
    assert values["n_units_under_10k"] <= values["n_units"]
    assert "published_population" not in values or isinstance(values["published_population"], int)
    assert all(f.source and f.kind for f in study.key_figures.figures)
    assert study.position is not None and study.has_polygons  # embedded extract, no download
    assert values["boundaries"] == EMBEDDED_BOUNDARIES
    for part in structure.PARTS:
        assert study.describe(part)
    inputs = study.district.inputs
    for name, field in (("published_units", "published"), ("demography", "demography")):
        if not inputs.has(name):
            assert getattr(study, field) is None
            assert inputs.missing_note(name) in study.notes


@pytest.mark.parametrize(
    "key",
    [
        k
        for k in catalog.district_keys()
        if not catalog.get_district(k).inputs.has("published_units")
    ],
)
def test_districts_without_study_inputs_get_no_harz_sentence(key: str, no_reference: None):
    study = structure.run(key)
    assert study.published is None and study.disagreements is None
    assert "n_disagreements" not in study.key_figures  # absent, not zero
    assert "table1_fallstudie.csv" in study.describe("units")
    text = _all_text(study)
    assert not [word for word in HARZ_ONLY if word in text]
    assert "joint administration" in study.notes[0]


def test_bad_parameters(tmp_path: Path):
    with pytest.raises(ParameterError, match="gv_file=.*no such file"):
        structure.run("harz", gv_file=tmp_path / "missing.xlsx")
    with pytest.raises(ParameterError, match="boundary_file=42"):
        structure.run("harz", boundary_file=42)
    with pytest.raises(ParameterError, match="boundary_file=.*no such file"):
        structure.run("harz", boundary_file=str(tmp_path))
    with pytest.raises(ParameterError, match="gv_file=''"):
        structure.run("harz", gv_file="")


def test_dresden_is_one_municipality(no_reference: None):
    study = structure.run("14612")
    assert study.single_unit and len(study.municipalities) == 1
    first = study.notes[0]
    assert first.startswith("Dresden, Stadt is a kreisfreie Stadt: the district is a single ")
    assert "Inter-municipal cooperation inside it is not the question" in first
    assert study.density is None and study.size_classes is None  # nothing to rank or classify
    assert study.municipality_size_classes is None and study.size_class_comparison is None
    assert "no ranking of units by density" in study.describe("density")
    assert "no size distribution" in study.describe("size_classes")
    assert "1 Gemeinde in 1 administrative unit," in study.describe("district")
    assert "joint administration" not in " ".join(study.notes)
    values = study.key_figures.values()
    assert values["n_units"] == 1 and values["national_n_kreise"] == 400
    assert values["rank_median_population"] == 12  # kreisfreie Städte are ranked as Kreise
    assert study.has_polygons and values["boundaries"] == EMBEDDED_BOUNDARIES


def test_main_spessart_leaves_out_its_uninhabited_areas(no_reference: None):
    study = structure.run("09677")
    values = study.key_figures.values()
    assert (values["n_municipalities"], values["n_units"]) == (40, 16)
    assert len(study.uninhabited) == 10 and not study.single_unit
    assert not set(study.uninhabited["ags"]) & set(study.municipalities["ags"])
    assert not set(study.uninhabited["ags"]) & set(study.polygons["ags"])
    note = next(n for n in study.notes if "uninhabited" in n)
    assert note.startswith("The Kreis also holds 10 uninhabited gemeindefreie Gebiete (167.23 km²")
    assert "and 4 more); they are not municipalities" in note
    map_text = study.describe("map")
    assert "polygons not in the municipality table: none" in map_text
    assert "10 uninhabited gemeindefreie Gebiete left blank" in map_text
    assert study.density is not None and len(study.density) == 16
    kreis = study.kreise.set_index("kreis_key").loc["09677"]
    assert kreis["n_municipalities"] == 40


def test_gv_file_overrides_the_extract(no_reference: None, tmp_path: Path):
    fixture = Path(__file__).parent / "fixtures" / "destatis" / "gv100ad_utf8bom.txt"
    study = structure.run("harz", gv_file=fixture)
    assert study.gv_file == fixture and "GV100AD (gv100ad_utf8bom.txt)" in study.national_source
    assert study.national_label == "gv100ad_utf8bom.txt"
    assert len(study.kreise) == 1 and study.national["n_municipalities"] == 4
    assert "gv100ad_utf8bom.txt" in study.key_figures["national_n_kreise"].source
    other = structure.run("14612", gv_file=fixture)  # Dresden is not in the small file
    assert other.position is None and "national_n_kreise" in other.key_figures
    assert "Kreis 14612 has no inhabited Gemeinde in gv100ad_utf8bom.txt" in " ".join(other.notes)
    assert "rank_median_population" not in other.key_figures  # absent, not zero


def test_one_unit_of_several_gemeinden_is_said_plainly(harz: StructureStudy):
    vorharz = harz.municipalities[harz.municipalities["gemeindeverband_key"].eq("5051")]
    one = replace(
        harz, municipalities=vorharz, units=harz.units[harz.units["n_municipalities"].gt(1)]
    )
    assert one.single_unit
    text = one.describe("district")
    assert (
        "All 7 Gemeinden of Landkreis Harz form one administrative unit (Verbandsgemeinde" in text
    )
    assert "Inter-municipal cooperation inside it is not the question" in text
    assert "The one administrative unit has" in one.describe("size_classes")


def test_gv_file_that_is_no_directory_is_refused(tmp_path: Path, no_reference: None):
    other = tmp_path / "other.txt"
    other.write_text("ags;name\n15085040;Ballenstedt\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"other.txt, line 1: truncated record"):
        structure.run("harz", gv_file=other)


@pytest.mark.shared
@pytest.mark.slow
def test_harz_with_reference_data():
    auszug = paths.reference_file("destatis/31122021_Auszug_GV.xlsx")
    shapefile = paths.reference_file("bkg_vg5000_2021/VG5000_GEM.shp")
    if auszug is None or shapefile is None:
        pytest.skip("reference files destatis/31122021_Auszug_GV.xlsx, VG5000_GEM.shp absent")
    study = structure.run("harz", boundary_file=shapefile, gv_file=auszug)
    values = study.key_figures.values()
    assert {name: values.get(name) for name in HARZ_DATA} == HARZ_DATA
    assert {name: values.get(name) for name in HARZ_REFERENCE} == HARZ_REFERENCE
    assert study.has_polygons and study.outline is not None
    assert study.position.set_index("measure").loc["median_population", "rank"] == 182
    assert "10,789 inhabited" in study.describe("national")
    assert study.national_source.endswith("Bevölkerung 31.12.2021")  # the file, not the extract
    embedded = structure.run("harz")  # the default: the extract, and the same answers
    pd.testing.assert_frame_equal(embedded.kreise, study.kreise)
    pd.testing.assert_frame_equal(embedded.position, study.position)


@pytest.mark.shared
def test_harz_default_uses_the_reference_boundaries_when_present():
    if paths.reference_file("bkg_vg5000_2021/VG5000_GEM.shp") is None:
        pytest.skip("reference file bkg_vg5000_2021/VG5000_GEM.shp absent")
    study = structure.run("harz")
    values = study.key_figures.values()
    assert {name: values.get(name) for name in HARZ_REFERENCE} == HARZ_REFERENCE


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        # Hand-checked against the embedded extract (Destatis Auszug GV 31.12.2021); the units
        # are listed in tests/test_destatis.py::test_extract_units_at_the_level_of_...
        # Helmstedt: 4 Einheitsgemeinden and 4 Samtgemeinden; Grasleben 4,550 and Heeseberg
        # 3,685 under 5,000, Nord-Elm 5,699 under 10,000; all 19 Samtgemeinde members < 5,000.
        (
            "helmstedt",
            {
                "n_units": 8,
                "n_municipalities": 23,
                "n_units_under_10k": 3,
                "n_units_under_5k": 2,
                "share_units_under_10k": 0.375,
                "n_under_10k": 19,
                "n_under_5k": 19,
            },
        ),
        # Wolfenbüttel: 3 Einheitsgemeinden and 4 Samtgemeinden of 29 Gemeinden; Schladen-Werla
        # 8,715 and Oderwald 6,688 under 10,000, none under 5,000. Per Gemeinde only Cremlingen
        # and Wolfenbüttel reach 10,000 (30 of 32 below) and Schöppenstedt 5,577, Sickte
        # 6,039 and Schladen-Werla 8,715 lie between 5,000 and 10,000 (27 under 5,000).
        (
            "wolfenbuettel",
            {
                "n_units": 7,
                "n_municipalities": 32,
                "n_units_under_10k": 2,
                "n_units_under_5k": 0,
                "share_units_under_10k": 0.2857,
                "n_under_10k": 30,
                "n_under_5k": 27,
            },
        ),
    ],
)
def test_samtgemeinden_count_as_one_unit(key: str, expected: dict, no_reference: None):
    study = structure.run(key)
    values = study.key_figures.values()
    assert {name: values[name] for name in expected} == expected
    assert study.size_classes["n"].sum() == expected["n_units"]
    assert study.municipality_size_classes["n"].sum() == expected["n_municipalities"]
    row = study.kreis_units.set_index("kreis_key").loc[study.district.kreis_key]
    assert row["n_units_small"] == expected["n_units_under_10k"]  # national row agrees


def test_national_tables_are_computed_once_and_handed_out_as_copies(no_reference: None):
    structure.clear_cache()
    first = structure.national_tables()
    first.kreise.loc[:, "n_municipalities"] = -1  # a caller spoiling its own copy
    first.national_units["n_units"] = -1
    second = structure.national_tables()
    assert structure._cached_national_tables.cache_info().hits >= 1
    assert (second.kreise["n_municipalities"] > 0).all()
    assert second.national_units["n_units"] == 4_398
    study = structure.run("harz")
    assert study.national_units["n_units"] == 4_398
    assert len(study.kreis_units) == len(study.kreise) == 400
    assert study.lands["n_units"].sum() == 4_398
    position = study.national_position
    assert position["level"].tolist() == ["administrative units"] * 4 + ["Gemeinden"] * 4
    shares = position.set_index(["level", "measure"])["value"]
    assert shares["administrative units", "share_units_small"] == 50.0  # 7 of 14, in percent
    assert shares["Gemeinden", "share_municipalities_small"] == 70.0  # 14 of 20
    assert position["measure_label"].notna().all()


def test_tables_for_reading_name_the_level(harz: StructureStudy):
    sizes = harz.table("size_classes", "de")
    assert list(sizes.cells.columns)[:3] == [
        "Größenklasse (Einwohner)",
        "Verwaltungseinheiten",
        "% der Einheiten",
    ]
    assert sizes.cells.iloc[0, 0] == "< 5.000" and sizes.caption.startswith("Größenklassen")
    national = harz.table("national")
    assert national.cells["Level"].tolist()[:1] == ["administrative units"]
    assert repr(harz.table("lands")).count("\n") == 17  # caption, header, 16 Länder
    helmstedt = structure.run("helmstedt")
    assert helmstedt.table("disagreements") is None  # no published table: nothing to show
    with pytest.raises(ParameterError, match="table 'pie'"):
        harz.table("pie")
