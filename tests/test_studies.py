"""Every study runs for every configured district without Jupyter and honours the contract."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from ikzlib import catalog, studies
from ikzlib.keyfigures import Kind

# Words that only a sentence written for Landkreis Harz would contain.
HARZ_ONLY = re.compile(r"Vorharz|Halberstadt|Wernigerode|Quedlinburg|Table 1|Harz interview")


@pytest.fixture(scope="module", params=catalog.district_keys())
def results(request: pytest.FixtureRequest) -> tuple[str, dict]:
    return request.param, studies.run_all(request.param)


def test_every_study_returns_its_declared_section(results):
    key, by_module = results
    assert set(by_module) == set(studies.DISTRICT_STUDIES)
    for name, study in by_module.items():
        assert study.district.key == key
        assert study.key_figures.section is studies.module(name).SECTION


def test_every_key_figure_has_a_kind_and_a_source(results):
    _, by_module = results
    for study in by_module.values():
        for figure in study.key_figures.figures:
            assert isinstance(figure.kind, Kind), figure.name
            assert figure.source.strip(), f"{figure.name} has no source"
            json.dumps(figure.as_json())  # plain values only


def test_notes_of_other_districts_are_about_them(results):
    key, by_module = results
    if key == "harz":
        return
    for name, study in by_module.items():
        for note in study.notes:
            assert not HARZ_ONLY.search(note), f"{key}/{name}: {note}"


def test_sections_follow_the_declared_order():
    orders = [s.order for s in studies.sections()]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)


def test_ikz_summary_json_matches_the_studies():
    completed = subprocess.run(
        [sys.executable, "-m", "ikzlib.cli", "summary", "--district", "helmstedt", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    document = json.loads(completed.stdout)
    assert document["district"] == "helmstedt"
    assert list(document["sections"]) == [s.name for s in studies.sections()]
    structure = document["sections"]["structure"]["figures"]
    assert structure["n_municipalities"]["kind"] == "official"
    assert structure["n_municipalities"]["value"] == 23  # inhabited Gemeinden of Kreis 03154
