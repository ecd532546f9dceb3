"""The embedded nationwide extract (data/raw/germany) and the builder that produces it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from ikzlib import boundaries as bkg
from ikzlib import destatis, germany, paths
from ikzlib.errors import DataValidationError
from ikzlib.municipalities import (
    MUNICIPALITY_COLUMNS,
    VERBANDSFREI,
    administrative_units,
    read_municipalities_csv,
    validate_municipalities,
)

AUSZUG = "destatis/31122021_Auszug_GV.xlsx"
VG5000 = "bkg_vg5000_2021"
# Inhabited Gemeinden of the Auszug GV 31.12.2021 without a polygon in VG5000 01.01.2021:
# both were formed during 2021 (see data/raw/germany/README.md, notes).
INHABITED_WITHOUT_POLYGON = {
    "03153019": "Langelsheim, Stadt (merged with Samtgemeinde Lutter am Barenberge)",
    "16063105": "Eisenach, Stadt (kreisfreie Stadt 16056 joined the Wartburgkreis)",
}


@pytest.fixture(scope="module")
def gemeinden() -> pd.DataFrame:
    return germany.municipalities()


@pytest.fixture(scope="module")
def kreise() -> pd.DataFrame:
    return germany.kreise()


# --- the committed extract (always runs) ----------------------------------------------------


def test_national_counts(gemeinden: pd.DataFrame):
    assert len(gemeinden) == 10_997
    inhabited = gemeinden[gemeinden["inhabited"]]
    assert len(inhabited) == 10_789
    small = inhabited["population"] < destatis.SMALL_MUNICIPALITY_LIMIT
    assert round(100 * small.mean(), 1) == 85.2
    assert gemeinden["kreis_key"].nunique() == 402
    assert inhabited["population"].sum() == 83_237_124  # Germany, 31.12.2021
    assert set(gemeinden["population_date"]) == {"2021-12-31"}
    assert set(gemeinden["territorial_date"]) == {"2021-12-31"}


def test_rows_sorted_keys_unique_and_consistent(gemeinden: pd.DataFrame):
    assert gemeinden.columns.tolist() == germany.MUNICIPALITY_COLUMNS
    assert gemeinden["ags"].is_unique and gemeinden["ags"].is_monotonic_increasing
    assert gemeinden["ags"].str.fullmatch(r"\d{8}").all()
    assert gemeinden["ars"].str.fullmatch(r"\d{12}").all()
    assert (gemeinden["ars"].str[:5] + gemeinden["ars"].str[9:]).eq(gemeinden["ags"]).all()
    assert gemeinden["ars"].str[5:9].eq(gemeinden["gemeindeverband_key"]).all()
    assert gemeinden["kreis_key"].eq(gemeinden["ags"].str[:5]).all()
    assert gemeinden["land_name"].notna().all() and gemeinden["land_key"].nunique() == 16
    assert gemeinden["source"].str.contains("31122021_Auszug_GV.xlsx").all()


def test_uninhabited_areas_are_kept_and_flagged(gemeinden: pd.DataFrame):
    uninhabited = gemeinden[~gemeinden["inhabited"]]
    assert len(uninhabited) == 208
    assert uninhabited["population"].eq(0).all()
    assert set(uninhabited["gemeindeverband_type"]) == {germany.UNINHABITED_TYPE}
    assert set(uninhabited["text_code"]) == {"66"}
    inhabited = gemeinden[gemeinden["inhabited"]]
    assert germany.UNINHABITED_TYPE not in set(inhabited["gemeindeverband_type"])
    # the two inhabited gemeindefreie Bezirke (Lohheide, Osterheide) count as municipalities
    assert set(inhabited.loc[inhabited["text_code"].eq("65"), "ags"]) == {"03351501", "03358501"}


def test_coordinates_missing_only_where_unpublished(gemeinden: pd.DataFrame):
    missing = gemeinden[gemeinden["lon"].isna() | gemeinden["lat"].isna()]
    # two condominium areas with Luxembourg and the coastal waters: none published (07000999
    # has 0/0 as a placeholder); never filled in
    assert missing["ags"].tolist() == ["07000999", "10042999", "13000999"]
    assert not missing["inhabited"].any()
    present = gemeinden.drop(missing.index)
    assert present["lon"].between(5.5, 15.5).all() and present["lat"].between(47.0, 55.2).all()


def test_inhabited_rows_fit_the_municipality_model(gemeinden: pd.DataFrame):
    inhabited = gemeinden[gemeinden["inhabited"]]
    validated = validate_municipalities(inhabited[MUNICIPALITY_COLUMNS], source="extract")
    assert len(validated) == 10_789
    verbandsfrei = inhabited["gemeindeverband_text_code"].eq("50")
    assert inhabited.loc[verbandsfrei, "gemeindeverband_type"].eq(VERBANDSFREI).all()
    assert not inhabited.loc[~verbandsfrei, "gemeindeverband_type"].eq(VERBANDSFREI).any()


def test_kreis_records(gemeinden: pd.DataFrame, kreise: pd.DataFrame):
    assert kreise.columns.tolist() == germany.KREIS_COLUMNS
    assert len(kreise) == 400
    assert kreise["kreis_key"].is_unique and kreise["kreis_key"].is_monotonic_increasing
    assert kreise["type"].value_counts().to_dict() == {
        "Landkreis": 251,
        "Kreisfreie Stadt": 97,
        "Kreis": 42,
        "Stadtkreis": 9,
        "Regionalverband": 1,
    }
    assert kreise["kreisfrei"].sum() == 106
    # the two Kreis keys without a record hold only uninhabited areas
    pseudo = set(gemeinden["kreis_key"]) - set(kreise["kreis_key"])
    assert pseudo == {"07000", "13000"}
    assert not gemeinden.loc[gemeinden["kreis_key"].isin(pseudo), "inhabited"].any()
    assert gemeinden.loc[gemeinden["kreis_key"].isin(pseudo), "kreis_name"].isna().all()
    assert kreise["n_inhabited"].gt(0).all()
    assert kreise["n_municipalities"].sum() == 10_997 - 2
    assert kreise["n_inhabited"].sum() == 10_789
    assert kreise["population"].sum() == gemeinden["population"].sum()


def test_harz(gemeinden: pd.DataFrame, kreise: pd.DataFrame):
    harz = gemeinden[gemeinden["kreis_key"].eq("15085")]
    assert len(harz) == 20 and harz["inhabited"].all()
    assert harz["gemeindeverband_type"].eq(VERBANDSFREI).sum() == 13
    vorharz = harz[harz["gemeindeverband_key"].eq("5051")]
    assert len(vorharz) == 7
    assert set(vorharz["gemeindeverband_text_code"]) == {"53"}
    assert set(vorharz["gemeindeverband_type"]) == {"Verbandsgemeinde"}
    row = kreise.set_index("kreis_key").loc["15085"]
    assert (row["name"], row["type"], row["n_units"], row["population"]) == (
        "Harz",
        "Landkreis",
        14,
        209_117,
    )
    verband = germany.gemeindeverbaende().set_index("ars").loc["150855051"]
    assert (verband["text_code"], verband["type"], verband["n_municipalities"]) == (
        "53",
        "Verbandsgemeinde",
        7,
    )


def test_embedded_harz_table_agrees_with_the_extract(gemeinden: pd.DataFrame):
    committed = read_municipalities_csv(paths.raw_dir("harz") / "municipalities.csv", "15085")
    extract = gemeinden[gemeinden["kreis_key"].eq("15085")]
    extract = validate_municipalities(extract[MUNICIPALITY_COLUMNS], source="extract")
    columns = [c for c in MUNICIPALITY_COLUMNS if c != "source"]
    pd.testing.assert_frame_equal(committed[columns], extract[columns], check_dtype=False)
    # same publication, worded differently
    for text in (committed["source"].iloc[0], extract["source"].iloc[0]):
        assert "31122021_Auszug_GV.xlsx" in text and "31.12.2021" in text


def test_main_spessart_counts_forty_gemeinden_in_sixteen_units(
    gemeinden: pd.DataFrame, kreise: pd.DataFrame
):
    district = gemeinden[gemeinden["kreis_key"].eq("09677")]
    assert len(district) == 50
    assert district["inhabited"].sum() == 40
    uninhabited = district[~district["inhabited"]]
    assert len(uninhabited) == 10
    assert set(uninhabited["gemeindeverband_type"]) == {germany.UNINHABITED_TYPE}
    units = administrative_units(district[district["inhabited"]])
    assert len(units) == 16
    row = kreise.set_index("kreis_key").loc["09677"]
    assert (row["n_municipalities"], row["n_inhabited"], row["n_units"]) == (50, 40, 16)


def test_dresden_is_a_kreisfreie_stadt_with_one_gemeinde(kreise: pd.DataFrame):
    row = kreise.set_index("kreis_key").loc["14612"]
    assert row["type"] == "Kreisfreie Stadt" and row["kreisfrei"]
    assert (row["n_municipalities"], row["n_inhabited"], row["n_units"]) == (1, 1, 1)


def test_merzig_wadern_condominium_area(gemeinden: pd.DataFrame):
    district = gemeinden[gemeinden["kreis_key"].eq("10042")]
    assert district["inhabited"].sum() == 7
    area = district.set_index("ags").loc["10042999"]
    assert not area["inhabited"] and np.isnan(area["lon"]) and np.isnan(area["lat"])
    assert area["gemeindeverband_type"] == germany.UNINHABITED_TYPE


def test_gemeindeverbaende(gemeinden: pd.DataFrame):
    verbaende = germany.gemeindeverbaende()
    assert verbaende.columns.tolist() == germany.GEMEINDEVERBAND_COLUMNS
    assert len(verbaende) == 4_606
    assert verbaende["ars"].is_unique and verbaende["ars"].is_monotonic_increasing
    assert set(gemeinden["ars"].str[:9]) == set(verbaende["ars"])
    assert verbaende["n_municipalities"].sum() == 10_997
    assert verbaende["n_inhabited"].sum() == 10_789
    counts = verbaende.loc[verbaende["n_inhabited"].gt(0), "type"].value_counts()
    assert counts["Verbandsgemeinde"] == 148 and counts["Samtgemeinde"] == 114


@pytest.mark.parametrize("layer", germany.LAYERS)
def test_boundary_layers(layer: str):
    frame = germany.boundaries(layer)
    assert len(frame) > 0
    assert frame.crs is not None and frame.crs.to_epsg() == 31467
    assert {"ARS", "AGS", "GEN", "BEZ", "GF", "geometry"} <= set(frame.columns)
    assert frame.geometry.is_valid.all() and not frame.geometry.is_empty.any()
    assert frame["ARS"].is_monotonic_increasing
    expected = {"GEM": 10_997, "VWG": 4_605, "KRS": 401, "LAN": 25}[layer]
    assert len(frame) == expected


def test_every_inhabited_gemeinde_has_a_polygon_except_documented(gemeinden: pd.DataFrame):
    gem = germany.boundaries("GEM")
    assert gem["AGS"].is_unique
    inhabited = gemeinden[gemeinden["inhabited"]]
    without = set(inhabited["ags"]) - set(gem["AGS"])
    assert without == set(INHABITED_WITHOUT_POLYGON)
    readme = (germany.GERMANY_DIR / "README.md").read_text(encoding="utf-8")
    for ags in without:
        assert ags in readme


def test_kreis_polygons_cover_the_kreis_records(kreise: pd.DataFrame):
    krs = germany.boundaries("KRS")
    # VG5000 01.01.2021 still has Eisenach (16056), dissolved on 01.07.2021
    assert set(krs["ARS"]) - set(kreise["kreis_key"]) == {"16056"}
    assert set(kreise["kreis_key"]) <= set(krs["ARS"])


def test_harz_adjacency_survives_simplification():
    gem = germany.boundaries("GEM")
    harz = gem[gem["AGS"].str.startswith("15085")]
    pairs = bkg.shared_borders(harz)
    assert len(pairs) == 41
    assert ("15085135", "15085365") in pairs  # Halberstadt - Wegeleben
    assert ("15085040", "15085370") not in pairs  # Ballenstedt - Wernigerode
    assert {a for pair in pairs for a in pair} == set(harz["AGS"])


def test_extract_is_small():
    files = sorted(p for p in germany.GERMANY_DIR.iterdir() if p.is_file())
    assert {p.name for p in files} == {*germany.FILES.values(), "README.md"}
    total = sum(p.stat().st_size for p in files)
    assert total < 4 * 1024 * 1024, f"{total / 1024 / 1024:.2f} MiB"


def test_readme_names_publishers_stichtage_and_licences():
    text = (germany.GERMANY_DIR / "README.md").read_text(encoding="utf-8")
    for phrase in (
        "Statistisches Bundesamt (Destatis)",
        "Gebietsstand 31.12.2021, Bevölkerung 31.12.2021",
        "mit Quellenangabe gestattet",
        "Bundesamt für Kartographie und Geodäsie (BKG)",
        "01.01.2021",
        "Datenlizenz Deutschland – Namensnennung 2.0",
        "© GeoBasis-DE / BKG 2021 (Daten verändert)",
        f"tolerance {germany.SIMPLIFY_TOLERANCE_M:g} m",
        "python -m ikzlib.germany --gv ",
    ):
        assert phrase in text, phrase


def test_readers_return_copies_and_check_their_input(tmp_path: Path):
    first = germany.municipalities()
    first.loc[0, "name"] = "changed"
    assert germany.municipalities().loc[0, "name"] != "changed"
    with pytest.raises(ValueError, match="unknown layer"):
        germany.boundaries("XYZ")
    with pytest.raises(DataValidationError, match="extract not found"):
        germany.kreise(tmp_path)


# --- the builder on a tiny handmade input (always runs) -------------------------------------


def _auszug_rows(extract: pd.DataFrame, verbaende: pd.DataFrame, kreise: pd.DataFrame) -> list:
    """Sheet rows in the Auszug GV layout for the Gemeinden of ``extract``."""
    header = [
        ["Gemeinden in Deutschland nach Fläche, Bevölkerung und Postleitzahl am 31.12.2021"],
        [],
        ["Satz-art", "Text-kenn-zeichen", "Amtlicher Regionalschlüssel (ARS)"]
        + [None] * 4
        + ["Gemeindename", "Fläche km2 1)", "Bevölkerung2)"],
        [None, None, "Land", "RB", "Kreis", "VB", "Gem", None, None, "insgesamt"],
        [None, None, "Gebietsstand am 31.12.2021 (Jahr)"] + [None] * 6 + ["am 31.12.2021"],
        [],
    ]
    rows = []
    for land, group in extract.groupby("land_key"):
        rows.append(["10", None, land, None, None, None, None, group["land_name"].iloc[0]])
        for kreis_key, in_kreis in group.groupby("kreis_key"):
            rb, kk = kreis_key[2], kreis_key[3:]
            if kreis_key in set(kreise["kreis_key"]):  # 07000 has no Kreis record
                kreis = kreise.set_index("kreis_key").loc[kreis_key]
                rows.append(["40", kreis["text_code"], land, rb, kk, None, None, kreis["name"]])
            for key9, members in in_kreis.groupby(in_kreis["ars"].str[:9]):
                verband = verbaende.set_index("ars").loc[key9]
                vb = key9[5:]
                rows.append(["50", verband["text_code"], land, rb, kk, vb, None, verband["name"]])
                for m in members.itertuples():
                    rows.append(
                        ["60", m.text_code, land, rb, kk, vb, m.ags[5:], m.name]
                        + [m.area_km2, m.population, None, None, None, "01234"]
                        + [0.0 if np.isnan(m.lon) else m.lon, 0.0 if np.isnan(m.lat) else m.lat]
                    )
    return header + rows + [[], ["Quelle: Statistisches Bundesamt"]]


@pytest.fixture
def small_inputs(tmp_path: Path, gemeinden: pd.DataFrame, kreise: pd.DataFrame):
    """An Auszug GV workbook and a VG5000-like shapefile folder for Harz plus 07000999."""
    chosen = gemeinden[gemeinden["kreis_key"].eq("15085") | gemeinden["ags"].eq("07000999")]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = destatis.AUSZUG_SHEET
    for row in _auszug_rows(chosen, germany.gemeindeverbaende(), kreise):
        sheet.append(row)
    gv = tmp_path / "31122021_Auszug_GV.xlsx"
    workbook.save(gv)
    folder = tmp_path / "vg"
    folder.mkdir()
    prefixes = {"GEM": "15085", "VWG": "15085", "KRS": "15085", "LAN": "15"}
    for layer, prefix in prefixes.items():
        frame = germany.boundaries(layer)
        frame = frame[frame["ARS"].str.startswith(prefix)]
        frame.to_file(folder / f"VG5000_{layer}.shp", engine="pyogrio")
    (folder / "aktualitaet.txt").write_text("01.01.2021\n", encoding="latin-1")
    return gv, folder


def test_build_from_small_inputs(small_inputs: tuple[Path, Path], tmp_path: Path):
    gv, folder = small_inputs
    out = tmp_path / "out"
    written = germany.build(gv, folder, out)
    assert [p.name for p in written] == [*germany.FILES.values(), "README.md"]
    gemeinden = germany.municipalities(out)
    assert len(gemeinden) == 21 and gemeinden["inhabited"].sum() == 20
    placeholder = gemeinden.set_index("ags").loc["07000999"]
    assert np.isnan(placeholder["lon"]) and pd.isna(placeholder["kreis_name"])
    kreise = germany.kreise(out)
    assert kreise["kreis_key"].tolist() == ["15085"] and kreise["n_units"].iloc[0] == 14
    assert len(germany.gemeindeverbaende(out)) == 15
    gem = germany.boundaries("GEM", out)
    assert len(gem) == 20 and gem.crs.to_epsg() == 31467
    source = bkg.read_layer(folder / "VG5000_GEM.shp", "GEM")
    assert bkg.shared_borders(gem) == bkg.shared_borders(source)
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert f"--out {out}" in readme and "07000999" in readme
    # deterministic: a second build gives the same bytes
    before = germany.checksums(out)
    germany.build(gv, folder, out)
    assert germany.checksums(out) == before


def test_build_refuses_missing_inputs(tmp_path: Path):
    with pytest.raises(DataValidationError, match="BKG folder not found"):
        germany.build(tmp_path / "gv.xlsx", tmp_path / "nothing", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_cli_reports_files_and_total(small_inputs: tuple[Path, Path], tmp_path: Path, capsys):
    gv, folder = small_inputs
    out = tmp_path / "cli"
    assert germany.main(["--gv", str(gv), "--vg5000", str(folder), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "municipalities.parquet" in printed and "total" in printed and "MiB" in printed
    assert germany.main(["--gv", str(tmp_path / "no.xlsx"), "--vg5000", str(folder)]) == 1


# --- rebuilt from the real files in ../shared/data ------------------------------------------


def _shared(relative: str) -> Path:
    path = paths.reference_file(relative)
    if path is None:
        pytest.skip(f"reference file {relative} absent")
    return path


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    gv, vg = _shared(AUSZUG), _shared(VG5000)
    out = tmp_path_factory.mktemp("germany")
    germany.build(gv, vg, out)
    return out


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("name", ["municipalities", "kreise", "gemeindeverbaende"])
def test_rebuilt_tables_equal_the_committed_ones(rebuilt: Path, name: str):
    reader = getattr(germany, name)
    pd.testing.assert_frame_equal(reader(rebuilt), reader())


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("layer", germany.LAYERS)
def test_rebuilt_boundaries_equal_the_committed_ones(rebuilt: Path, layer: str):
    new, old = germany.boundaries(layer, rebuilt), germany.boundaries(layer)
    pd.testing.assert_frame_equal(new.drop(columns="geometry"), old.drop(columns="geometry"))
    assert new.crs == old.crs
    assert new.geometry.geom_equals_exact(old.geometry, tolerance=0).all()


@pytest.mark.shared
@pytest.mark.slow
def test_rebuilt_readme_equals_the_committed_one(rebuilt: Path):
    def body(path: Path) -> str:
        text = path.read_text(encoding="utf-8")
        return "\n".join(line for line in text.splitlines() if "--out " not in line)

    assert body(rebuilt / "README.md") == body(germany.GERMANY_DIR / "README.md")


@pytest.mark.shared
def test_harz_adjacency_equals_the_raw_vg5000():
    raw = bkg.read_layer(_shared(f"{VG5000}/VG5000_GEM.shp"), "GEM", "15085")
    gem = germany.boundaries("GEM")
    extract = gem[gem["AGS"].str.startswith("15085")]
    assert bkg.shared_borders(extract) == bkg.shared_borders(raw)


@pytest.mark.shared
def test_extract_agrees_with_the_official_loader():
    units = destatis.read_auszug_gv(_shared(AUSZUG))
    share = destatis.national_small_municipality_share(units)
    gemeinden = germany.municipalities()
    assert share["n_records"] == len(gemeinden)
    assert share["n_inhabited"] == gemeinden["inhabited"].sum()
    assert share["n_kreis_keys"] == gemeinden["kreis_key"].nunique()
    for kreis_key in ("15085", "09677", "14612"):
        official = destatis.municipalities_from_units(units, kreis_key)
        official = official[official["population"].gt(0)].reset_index(drop=True)
        ours = gemeinden[gemeinden["kreis_key"].eq(kreis_key) & gemeinden["inhabited"]]
        ours = validate_municipalities(ours[MUNICIPALITY_COLUMNS], source="extract")
        pd.testing.assert_frame_equal(official, ours, check_dtype=False)
