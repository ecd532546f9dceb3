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
