"""BKG boundary layers: reading, joining on AGS, parts per AGS and adjacency (no drawing)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely import wkt

from ikzlib import boundaries, paths
from ikzlib.errors import DataValidationError

FIXTURES = Path(__file__).parent / "fixtures" / "bkg"
MODEL_AGS = ["15085040", "15085055", "15085135", "15085145", "15085185"]


def _layer(name: str) -> gpd.GeoDataFrame:
    frame = pd.read_csv(FIXTURES / name, dtype=str)
    geometry = frame.pop("wkt").map(wkt.loads)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:31467")


@pytest.fixture
def shapefile(tmp_path: Path) -> Path:
    for level in ("GEM", "KRS"):
        _layer(f"vg_{level.lower()}.csv").to_file(tmp_path / f"VGTEST_{level}.shp")
    return tmp_path / "VGTEST_GEM.shp"


@pytest.fixture
def geopackage(tmp_path: Path) -> Path:
    path = tmp_path / "vgtest.gpkg"
    for level in ("gem", "krs"):
        _layer(f"vg_{level}.csv").to_file(path, layer=f"vgtest_{level}", driver="GPKG")
    return path


@pytest.fixture
def municipalities(harz: pd.DataFrame) -> pd.DataFrame:
    return harz[harz["ags"].isin(MODEL_AGS)].reset_index(drop=True)


@pytest.mark.parametrize("kind", ["shapefile", "geopackage"])
def test_read_layer_filters_to_the_kreis(kind: str, request: pytest.FixtureRequest):
    path = request.getfixturevalue(kind)
    gem = boundaries.read_layer(path, "GEM", "15085")
    assert sorted(gem["AGS"]) == [
        "15085040",
        "15085040",
        "15085055",
        "15085135",
        "15085145",
        "15085999",
    ]
    assert gem.crs.to_epsg() == 31467
    krs = boundaries.read_layer(path, "KRS")
    assert sorted(set(krs["AGS"])) == ["15085", "15086"]


@pytest.mark.parametrize("kind", ["shapefile", "geopackage"])
def test_join_on_ags_keeps_land_parts_and_reports_mismatches(
    kind: str, request: pytest.FixtureRequest, municipalities: pd.DataFrame
):
    joined = boundaries.municipality_boundaries(request.getfixturevalue(kind), municipalities)
    assert joined["ags"].tolist() == MODEL_AGS
    assert joined["population"].tolist() == municipalities["population"].tolist()
    ballenstedt = joined.set_index("ags").loc["15085040"]
    assert ballenstedt.geometry.area == pytest.approx(10_000**2)  # water part dropped
    assert ballenstedt["bkg_name"] == "Ballenstedt"
    assert joined.attrs["unmatched_ags"] == ["15085185"]
    assert joined.attrs["extra_ags"] == ["15085999"]
    assert joined.attrs["ars_mismatch"] == ["15085145"]


def test_district_outline_dissolves_to_land(shapefile: Path):
    outline = boundaries.district_outline(shapefile, "15085")
    assert len(outline) == 1
    assert outline.geometry.iloc[0].area == pytest.approx(5 * 10_000**2)  # water part dropped
    with pytest.raises(DataValidationError, match="Kreis 15099 not in the district layer"):
        boundaries.district_outline(shapefile, "15099")


def test_shared_borders_are_lines_not_corners(shapefile: Path, municipalities: pd.DataFrame):
    joined = boundaries.municipality_boundaries(shapefile, municipalities)
    assert boundaries.shared_borders(joined) == {
        ("15085040", "15085055"),
        ("15085040", "15085135"),
        ("15085055", "15085145"),
        ("15085135", "15085145"),
    }


def test_shared_borders_dissolves_several_rows_per_ags(shapefile: Path):
    layer = boundaries.read_layer(shapefile, "GEM")
    pairs = boundaries.shared_borders(layer)
    assert ("15085055", "15086001") in pairs
    assert ("15086001", "15086002") in pairs  # a Gemeinde made of water only stays
    assert all(a < b for a, b in pairs)
    assert len(pairs) == len({frozenset(p) for p in pairs})


def test_bad_boundary_files(tmp_path: Path, shapefile: Path):
    with pytest.raises(DataValidationError, match="boundary file not found"):
        boundaries.read_layer(tmp_path / "VG250_GEM.shp", "GEM")
    with pytest.raises(DataValidationError, match="boundary layer VWG not found beside"):
        boundaries.read_layer(shapefile, "VWG")
    no_keys = _layer("vg_gem.csv").drop(columns=["AGS"])
    no_keys.to_file(tmp_path / "NOKEY_GEM.shp")
    with pytest.raises(DataValidationError, match=r"missing attribute\(s\) \['AGS'\]"):
        boundaries.read_layer(tmp_path / "NOKEY_GEM.shp", "GEM")


def test_loader_does_not_draw():
    assert not hasattr(boundaries, "plot_municipality_map")
    assert "matplotlib" not in boundaries.__dict__ and "plt" not in boundaries.__dict__


def test_discover_boundary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("IKZ_REFERENCE_DIR", str(tmp_path))
    assert boundaries.discover_boundary_file() is None
    folder = tmp_path / "bkg_vg5000_2021"
    folder.mkdir()
    (folder / "VG5000_GEM.shp").write_bytes(b"")
    assert boundaries.discover_boundary_file() == folder / "VG5000_GEM.shp"
    (tmp_path / "vg250_ebenen").mkdir()
    (tmp_path / "vg250_ebenen" / "VG250_GEM.shp").write_bytes(b"")
    assert boundaries.discover_boundary_file().name == "VG250_GEM.shp"  # the finer product


@pytest.mark.shared
def test_real_vg5000_harz(harz: pd.DataFrame):
    path = paths.reference_file("bkg_vg5000_2021/VG5000_GEM.shp")
    if path is None:
        pytest.skip("reference file bkg_vg5000_2021/VG5000_GEM.shp absent")
    joined = boundaries.municipality_boundaries(path, harz)
    assert joined.geometry.notna().all() and len(joined) == 20
    assert joined.attrs == {"unmatched_ags": [], "extra_ags": [], "ars_mismatch": []}
    pairs = boundaries.shared_borders(joined)
    assert ("15085135", "15085365") in pairs  # Halberstadt - Wegeleben
    assert ("15085040", "15085370") not in pairs  # Ballenstedt - Wernigerode: far apart
    neighbours = {a for pair in pairs for a in pair}
    assert neighbours == set(harz["ags"])  # nobody is an island
