"""The bibliography: CSL-JSON entries, in-text citations, reference lists, every cited key known."""

from __future__ import annotations

import json

import pytest

from ikzlib import bibliography as bib
from ikzlib import paths
from ikzlib.errors import DataValidationError, ParameterError

# Works the suite relies on (issue 11, item 6); the list may grow, never shrink.
REQUIRED_KEYS = {
    "harz2023", "guest2020", "krippendorff2004", "krippendorff2011", "krippendorff2019",
    "cohen1960", "brennan1981", "fleiss1971", "gwet2008", "shapley1953", "schmeidler1969",
    "young1982", "saaty1980", "krackhardt1988", "dekker2007", "junkernheinrich2020",
    "landtag_lsa2014", "destatis_gvisys2021", "bkg_vg5000_2021", "littlechild1973",
    "aumann1985", "tijs1981",
}  # fmt: skip


def test_every_required_work_is_in_the_file():
    works = bib.load_references()
    assert set(works) >= REQUIRED_KEYS
    for key, entry in works.items():
        assert entry["issued"]["date-parts"][0][0] >= 1950, key


def test_in_text_citations():
    assert bib.cite("shapley1953") == "(Shapley 1953)"
    assert bib.cite("brennan1981") == "(Brennan & Prediger 1981)"
    assert bib.cite("brennan1981", "de") == "(Brennan/Prediger 1981)"
    assert bib.cite("young1982") == "(Young et al. 1982)"
    assert bib.cite("landtag_lsa2014", page="22") == "(Landtag von Sachsen-Anhalt 2014, p. 22)"
    assert bib.cite("landtag_lsa2014", "de", page="22").endswith("2014, S. 22)")
    assert bib.cite("harz2023") == "(Harz IKZ case study 2023)"


def test_formatted_references():
    # Guest, Namey & Chen (2020), PLOS ONE 15(5): e0232076
    assert bib.reference("guest2020") == (
        "Guest, G., Namey, E., & Chen, M. (2020). A simple method to assess and report "
        "thematic saturation in qualitative research. *PLOS ONE*, *15*(5), e0232076. "
        "https://doi.org/10.1371/journal.pone.0232076"
    )
    shapley = bib.reference("shapley1953", "de")
    assert "In H. W. Kuhn und A. W. Tucker (Hrsg.)" in shapley and "S. 307–317" in shapley
    assert "(4th ed.)" in bib.reference("krippendorff2019")
    assert "(4. Aufl.)" in bib.reference("krippendorff2019", "de")


def test_reference_list_is_sorted_and_deduplicated():
    listed = bib.references(["young1982", "cohen1960", "shapley1953", "cohen1960"])
    assert [r.split(",")[0] for r in listed] == ["Cohen", "Shapley", "Young"]


def test_unknown_key_is_a_clear_error():
    with pytest.raises(ParameterError, match=r"unknown reference key 'shapley1954'.*shapley1953"):
        bib.cite("shapley1954")
    with pytest.raises(ParameterError, match="unknown reference key"):
        bib.references(["cohen1960", "nobody2000"])


def test_markup_in_the_file_is_neutralised(tmp_path, monkeypatch):
    entries = [{"id": "x", "type": "book", "title": "<b>Bold</b>", "author": [{"literal": "A"}]}]
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    monkeypatch.setattr(bib, "REFERENCES_FILE", path)
    assert bib.reference("x") == "A (n.d.). *&lt;b&gt;Bold&lt;/b&gt;*."
    assert bib.cite("x", "de") == "(A o. J.)"


def test_bad_files_name_the_entry(tmp_path):
    path = tmp_path / "refs.json"
    path.write_text(json.dumps([{"id": "a", "type": "book"}]), encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"line 1: missing title"):
        bib.load_references(path)
    entry = {"id": "a", "type": "book", "title": "T", "author": [{"literal": "A"}]}
    path.write_text(json.dumps([entry, entry]), encoding="utf-8")
    with pytest.raises(DataValidationError, match="duplicate id 'a'"):
        bib.load_references(path)


def test_every_key_cited_in_ikzlib_exists():
    package = paths.PROJECT_ROOT / "ikzlib"
    works = bib.load_references()
    cited = {
        (file.name, key)
        for file in sorted(package.rglob("*.py"))
        for key in bib.cited_keys(file.read_text(encoding="utf-8"))
    }
    missing = sorted((name, key) for name, key in cited if key not in works)
    assert not missing
    assert bib.cited_keys('x = cite("a") + cite( \'b\', "de") + cite("a")') == ["a", "b"]
