"""Gemeindeverbände: legal forms per Land, district units, nationwide counts, shared borders."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from ikzlib import boundaries, germany
from ikzlib import gemeindeverband as gv
from ikzlib.municipalities import load_municipalities


@pytest.fixture(scope="module")
def gemeinden() -> pd.DataFrame:
    every = germany.municipalities()
    return every[every["inhabited"]]


# Four Gemeinden in a row (A B C D) and E below A and B; C and D form a Verband, E is in a
# Verband of its own with nobody else of the table.
def _toy() -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    ags = ["15085001", "15085002", "15085011", "15085012", "15085021"]
    keys = ["0001", "0002", "5001", "5001", "5002"]
    types = ["verbandsfreie Gemeinde"] * 2 + ["Verbandsgemeinde"] * 3
    municipalities = pd.DataFrame(
        {
            "ags": ags,
            "ars": [a[:5] + k + a[5:] for a, k in zip(ags, keys, strict=True)],
            "name": ["A", "B", "C", "D", "E"],
            "gemeindeverband_key": keys,
            "gemeindeverband_name": ["A", "B", "V", "V", "W"],
            "gemeindeverband_type": types,
            "kreis_key": ["15085"] * 5,
            "population": [100, 200, 300, 400, 500],
            "area_km2": [1.0] * 5,
            "lon": [11.0, 11.1, 11.2, 11.3, 11.0],
            "lat": [51.8] * 4 + [51.7],
            "population_date": ["2021-12-31"] * 5,
        }
    )
    shapes = [box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1), box(3, 0, 4, 1), box(0, -1, 2, 0)]
    polygons = gpd.GeoDataFrame(municipalities, geometry=shapes, crs="EPSG:31467")
    return municipalities, polygons


def test_types_are_the_official_codes_51_to_58() -> None:
    assert gv.TYPES["52"] == "Samtgemeinde" and gv.TYPES["56"] == "Verwaltungsverband"
    assert sorted(gv.TYPES) == [str(code) for code in range(51, 59)]
    assert gv.text_code("verbandsfreie Gemeinde") == "50" and gv.text_code("Einheit") is None


def test_every_legal_form_is_sourced_and_unique() -> None:
    table = gv.legal_forms()
    assert not table.duplicated(["land_key", "text_code"]).any()
    assert table["source"].str.len().min() > 20
    assert table["legal_basis"].notna().all() and table["form"].notna().all()
    assert set(table["text_code"]) <= set(gv.TYPES)
    assert set(table["corporation"]) == {True, False}


def test_every_type_in_the_gemeindeverzeichnis_has_its_legal_form(gemeinden) -> None:
    joint = gemeinden[gemeinden["gemeindeverband_text_code"].isin(gv.TYPES)]
    present = set(zip(joint["land_key"], joint["gemeindeverband_text_code"], strict=True))
    assert present == {(f.land_key, f.text_code) for f in gv.LEGAL_FORMS}


@pytest.mark.parametrize(
    ("land", "code", "form", "corporation", "basis"),
    [
        ("09", "54", "Verwaltungsgemeinschaft", True, "VGemO"),
        ("14", "54", "Verwaltungsgemeinschaft", False, "SächsKomZG §§ 36"),
        ("08", "54", "vereinbarte Verwaltungsgemeinschaft", False, "GemO BW"),
        ("08", "56", "Gemeindeverwaltungsverband", True, "GKZ"),
        ("03", "52", "Samtgemeinde", True, "NKomVG §§ 97 ff."),
        ("15", "53", "Verbandsgemeinde", True, "KVG LSA"),
        ("16", "58", "erfüllende-Gemeinde arrangement", False, "ThürKO § 51"),
        ("13", "51", "Amt", True, "KV M-V"),
    ],
)
def test_legal_forms_per_land(land, code, form, corporation, basis) -> None:
    found = gv.legal_form(land, code)
    assert (found.form, found.corporation) == (form, corporation)
    assert basis in found.legal_basis
    expected = gv.CORPORATION if corporation else gv.AGREEMENT
    assert found.legal_form == expected


def test_unknown_combinations_stay_unknown() -> None:
    assert gv.legal_form("05", "54") is None  # no Gemeindeverband in NRW
    assert gv.legal_form("15", "57") is None  # VG Trägermodell: not in 2021
    assert gv.legal_form("09", None) is None
    municipalities, _ = _toy()
    municipalities.loc[2:3, "ars"] = ["060010001011", "060010001012"]  # Hessen, never
    municipalities.loc[2:3, "ags"] = ["06001011", "06001012"]
    units = gv.district_units(municipalities).set_index("name")
    assert units.loc["V", "in_verband"] and units.loc["V", "text_code"] == "53"
    assert units.loc["V", ["form", "legal_form", "legal_basis", "corporation"]].isna().all()
    sentences = gv.legal_form_sentences(units.reset_index())
    assert any("Hessen is not recorded" in s and "unknown" in s for s in sentences)


def test_harz_is_13_verbandsfrei_and_vorharz(harz) -> None:
    units = gv.district_units(harz)
    assert len(units) == 14 and int((~units["in_verband"]).sum()) == 13
    vorharz = units[units["in_verband"]].iloc[0]
    assert (vorharz["unit_key"], vorharz["name"], vorharz["n_municipalities"]) == (
        "150855051",
        "Vorharz",
        7,
    )
    assert vorharz["text_code"] == "53" and vorharz["legal_basis"].startswith("KVG LSA")
    assert vorharz["corporation"] is True and vorharz["population"] == 12026
    assert gv.structure_sentence(units, "Landkreis Harz") == (
        "Landkreis Harz: the 20 Gemeinden form 14 administrative units: 13 verbandsfreie "
        "Gemeinden and 1 Gemeindeverband (1 Verbandsgemeinde with 7 Gemeinden)."
    )
    assert gv.district_verbaende("harz")["name"].tolist() == ["Vorharz"]


def test_main_spessart_is_40_gemeinden_in_16_units() -> None:
    units = gv.district_units(load_municipalities("09677"))
    assert (int(units["n_municipalities"].sum()), len(units)) == (40, 16)
    verbaende = units[units["in_verband"]]
    assert len(verbaende) == 7 and int(verbaende["n_municipalities"].sum()) == 31
    assert set(verbaende["form"]) == {"Verwaltungsgemeinschaft"}
    assert "Kreuzwertheim, M" in verbaende.iloc[0]["members"]
    assert gv.structure_sentence(units, "X").endswith(
        "9 verbandsfreie Gemeinden and 7 Gemeindeverbände (7 Verwaltungsgemeinschaften with "
        "31 Gemeinden)."
    )


def test_helmstedt_has_four_samtgemeinden() -> None:
    verbaende = gv.district_verbaende("helmstedt")
    assert verbaende["name"].tolist() == ["Grasleben", "Heeseberg", "Nord-Elm", "Velpke"]
    assert set(verbaende["gemeindeverband_type"]) == {"Samtgemeinde"}
    assert set(verbaende["legal_basis"]) == {"NKomVG §§ 97 ff."}
    assert verbaende["n_municipalities"].tolist() == [4, 4, 6, 5]


def test_a_kreisfreie_stadt_has_no_gemeindeverband() -> None:
    units = gv.district_units(load_municipalities("14612"))
    assert len(units) == 1 and not units["in_verband"].any()
    assert gv.district_verbaende("14612").empty


def test_nationwide_counts_add_up_to_the_gemeindeverzeichnis(gemeinden) -> None:
    counts = gv.nationwide_counts()
    assert int(counts["n_gemeinden"].sum()) == len(gemeinden) == 10_789
    assert int(counts["n_units"].sum()) == int(germany.kreise()["n_units"].sum())
    assert counts.groupby("land_key")["share_gemeinden"].sum().round(9).eq(1).all()
    by_type = counts.groupby("type")["n_units"].sum()
    assert (by_type["Samtgemeinde"], by_type["Verbandsgemeinde"]) == (114, 148)
    niedersachsen = gv.nationwide_counts("03").set_index("text_code")
    assert niedersachsen.loc["52", ["n_units", "n_gemeinden"]].tolist() == [114, 650]
    assert niedersachsen.loc["52", "legal_basis"] == "NKomVG §§ 97 ff."
    assert pd.isna(niedersachsen.loc["50", "legal_basis"])
    assert "Samtgemeinden with 650 Gemeinden" in gv.land_sentence(gv.nationwide_counts("03"))
    assert "no Gemeindeverbände" in gv.land_sentence(gv.nationwide_counts("05"))


def test_border_pairs_and_the_adjacency_table_on_known_squares() -> None:
    municipalities, polygons = _toy()
    pairs = gv.border_pairs(polygons)
    expected = {
        ("15085001", "15085002"),
        ("15085002", "15085011"),
        ("15085011", "15085012"),
        ("15085001", "15085021"),
        ("15085002", "15085021"),
    }
    assert pairs == expected == boundaries.shared_borders(polygons)
    table = gv.adjacency_table(municipalities, pairs | {("15085001", "99999999")})
    assert len(table) == 5  # the pair with a Gemeinde outside the table is dropped
    relation = dict(
        zip(zip(table["name_a"], table["name_b"], strict=True), table["relation"], strict=True)
    )
    assert relation == {
        ("A", "B"): "two verbandsfreie Gemeinden",
        ("B", "C"): "Gemeindeverband and verbandsfreie Gemeinde",
        ("C", "D"): "same Gemeindeverband",
        ("A", "E"): "Gemeindeverband and verbandsfreie Gemeinde",
        ("B", "E"): "Gemeindeverband and verbandsfreie Gemeinde",
    }
    assert table["same_verband"].sum() == 1
    summary = gv.adjacency_summary(table)
    assert summary["n_pairs"].tolist() == [1, 0, 3, 1]
    assert summary["share"].sum() == pytest.approx(1.0)
    assert "5 pairs of neighbouring Gemeinden" in gv.adjacency_sentence(summary, "toy")


def test_official_graph_ties_verband_members_and_neighbours() -> None:
    municipalities, polygons = _toy()
    table = gv.adjacency_table(municipalities, gv.border_pairs(polygons))
    graph = gv.official_graph(municipalities, table)
    assert graph.number_of_nodes() == 5 and graph.number_of_edges() == 5
    assert graph.edges["15085011", "15085012"] == {"same_verband": True, "shared_border": True}
    assert graph.edges["15085001", "15085002"] == {"same_verband": False, "shared_border": True}
    without = gv.official_graph(municipalities, None)
    assert list(without.edges) == [("15085011", "15085012")]


@pytest.mark.parametrize("key", ["harz", "09677", "07232"])
def test_vectorised_border_pairs_equal_shared_borders(key: str) -> None:
    polygons = gv.district_polygons(load_municipalities(key))
    assert gv.border_pairs(polygons) == boundaries.shared_borders(polygons)


def test_harz_neighbours_on_the_embedded_polygons(harz) -> None:
    polygons = gv.district_polygons(harz)
    assert polygons.geometry.notna().all() and polygons.attrs["unmatched_ags"] == []
    assert polygons.crs.to_epsg() == 31467
    table = gv.adjacency_table(harz, gv.border_pairs(polygons))
    assert gv.adjacency_summary(table)["n_pairs"].tolist() == [8, 0, 9, 24]
    assert set(table.loc[table["same_verband"], "unit_a"]) == {"Vorharz"}
    graph = gv.official_graph(harz, table)
    same = [e for e in graph.edges(data="same_verband") if e[2]]
    assert graph.number_of_nodes() == 20 and len(same) == 21  # 7 members: 7 * 6 / 2


def test_areas_outside_the_gemeinden() -> None:
    main_spessart = gv.other_areas(load_municipalities("09677"))
    assert len(main_spessart) == 10 and set(main_spessart["kind"]) == {"gemeindefreies Gebiet"}
    goslar = gv.other_areas(load_municipalities("03153")).set_index("name")
    assert goslar.loc["Langelsheim", "kind"] == gv.NO_RECORD
    assert gv.other_areas(load_municipalities("harz")).empty


def test_the_reference_file_gives_the_same_borders_when_configured(harz) -> None:
    path = boundaries.discover_boundary_file()
    if path is None or "vg5000" not in path.name.lower():
        pytest.skip("no VG5000 reference file configured")
    reference = gv.border_pairs(gv.district_polygons(harz, path))
    assert reference == gv.border_pairs(gv.district_polygons(harz))
