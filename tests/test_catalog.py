"""The district catalog and the one place that names every per-district input."""

from __future__ import annotations

import pytest

from ikzlib import catalog, paths
from ikzlib.errors import UnknownDistrictError


def test_every_configured_district_resolves_once_to_the_same_object():
    for key in catalog.district_keys():
        district = catalog.resolve(key)
        assert catalog.resolve(district) is district
        assert district.kreis_key.startswith(district.land_key)


def test_inputs_say_which_files_exist():
    harz = catalog.resolve("harz").inputs.available()
    helmstedt = catalog.resolve("helmstedt").inputs.available()
    assert set(harz) == {spec.name for spec in catalog.INPUTS}
    assert harz["register"] and harz["interviews"] and harz["published_units"]
    assert not helmstedt["register"] and not helmstedt["interviews"]
    assert helmstedt["task_fields"] and helmstedt["municipalities"]
    assert catalog.resolve("wolfenbuettel").inputs.has("candidate_fields")


def test_missing_note_names_the_file_and_how_to_add_it():
    inputs = catalog.resolve("helmstedt").inputs
    note = inputs.missing_note("register")
    assert "data/raw/helmstedt/register" in note and "To add it" in note
    assert "harz" not in note.lower()
    assert inputs.path("register") == paths.raw_dir("helmstedt") / "register"


def test_unknown_district_lists_the_configured_ones():
    with pytest.raises(UnknownDistrictError, match="harz"):
        catalog.resolve("atlantis")


@pytest.mark.parametrize(
    ("query", "key", "name"),
    [
        ("harz", "harz", "Landkreis Harz"),
        ("15085", "harz", "Landkreis Harz"),  # a curated district keeps its readable key
        ("15087", "15087", "Landkreis Mansfeld-Südharz"),
        (9677, "09677", "Landkreis Main-Spessart"),  # papermill passes -p district 09677 as int
        ("main-spessart", "09677", "Landkreis Main-Spessart"),
        ("Dresden", "14612", "Dresden (kreisfreie Stadt)"),
    ],
)
def test_every_kreis_resolves_by_key_kreis_key_or_name(query, key, name):
    district = catalog.resolve(query)
    assert (district.key, district.name) == (key, name)


def test_all_districts_cover_every_kreis_once():
    districts = catalog.all_districts()
    assert len(districts) == len({d.kreis_key for d in districts}) >= 400
    assert [d.key for d in districts if d.curated] == ["harz", "helmstedt", "wolfenbuettel"]
    dresden = catalog.resolve("14612")
    assert dresden.kreisfrei and not dresden.curated and dresden.kreis_type == "Kreisfreie Stadt"


def test_an_ambiguous_name_lists_the_candidates():
    with pytest.raises(UnknownDistrictError, match="ambiguous.*Flensburg"):
        catalog.resolve("Stadt")
