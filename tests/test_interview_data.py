"""The embedded Harz reconstruction reproduces the published findings of the case study."""

from __future__ import annotations

import re
import shutil

import pytest

from ikzlib import catalog, paths
from ikzlib import interview_data as harz
from ikzlib.errors import DataValidationError, UnknownDistrictError
from ikzlib.municipalities import load_municipalities
from ikzlib.qda import demo

ALL = [1, 2, 3, 4, 5, 6, 7]


@pytest.fixture(scope="module")
def project():
    return harz.load_interviews("harz")


def numbers(project, code_id):
    return harz.interview_numbers(project, harz.documents_by_code(project, code_id))


def test_seven_interviews_with_unknown_characteristics(project):
    assert project.documents["name"].tolist() == [f"Interview {i}" for i in ALL]
    wide = project.variables_wide()
    assert wide["interview_number"].astype(int).tolist() == ALL
    for variable in ("format", "participants", "roles", "size_class"):
        assert wide[variable].isna().all(), f"{variable} must stay unknown"


def test_study_facts(project):
    facts = harz.load_study_facts("harz").set_index("fact")["value"]
    assert int(facts["interviews"]) == len(project.documents)
    assert int(facts["individual_interviews"]) + int(facts["group_interviews"]) == int(
        facts["interviews"]
    )
    assert facts["persons"] == "12" and facts["administrations"] == "6"
    assert (facts["period_start"], facts["period_end"]) == ("2022-12", "2023-04")


def test_published_counts(project):
    assert numbers(project, "obstacles.resources") == ALL
    assert numbers(project, "obstacles.legal_risk") == [1, 2, 3, 6]
    assert numbers(project, "digital.for") == [3, 5]
    assert numbers(project, "digital.against") == [1, 2, 7]
    assert numbers(project, "informal.exchange.working_groups") == [2, 3, 4, 6]
    assert numbers(project, "district.rejected") == [1]
    assert not set(numbers(project, "digital.for")) & set(numbers(project, "digital.against"))


def test_every_coding_cites_section_and_evidence(project):
    codings = project.codings
    assert codings[["section", "evidence"]].notna().all().all()
    assert codings["start"].isna().all() and codings["end"].isna().all()
    assert set(codings["coder"]) == {"reconstruction from published footnotes"}


def test_codings_follow_footnotes_exactly(project):
    footnotes = harz.load_footnotes("harz").set_index("footnote")
    numbers_by_doc = project.variables_wide()["interview_number"].astype(int)
    seen = set()
    for evidence, group in project.codings.groupby("evidence"):
        docs = sorted(numbers_by_doc[d] for d in group["doc_id"].unique())
        match = harz.FOOTNOTE_EVIDENCE.fullmatch(evidence)
        if match:
            note = int(match.group(1))
            seen.add(note)
            assert docs == list(footnotes.loc[note, "interviews"]), evidence
            assert set(group["section"]) == {footnotes.loc[note, "section"]}
        else:
            # Without a footnote a statement is attributed only when the text says "all".
            assert harz.ALL_EVIDENCE.fullmatch(evidence), evidence
            for _, per_code in group.groupby("code_id"):
                assert sorted(numbers_by_doc[d] for d in per_code["doc_id"]) == ALL
    assert seen == set(footnotes.index)
    assert footnotes.index.min() >= 91 and footnotes.index.max() <= 113


def test_unattributed_findings_stay_unattributed(project):
    findings = harz.load_unattributed_findings("harz", project)
    assert not {"doc_id", "interview", "interviews"} & set(findings.columns)
    words = set(findings["count_word"])
    assert {"einigen", "mehreren", "viele"} <= words
    assert not any(re.search(r"\binterviews? \d", s, re.IGNORECASE) for s in findings["statement"])
    # "only two interviews" (3.6) agrees with the two interviews footnote 103 names
    two = findings[(findings["code_id"] == "digital.for") & (findings["count_word"] == "zwei")]
    assert len(two) == 1 and len(numbers(project, "digital.for")) == 2


def test_no_municipality_names_in_interview_data():
    municipalities = load_municipalities("harz")
    names = set()
    full_names = [*municipalities["name"], *municipalities["gemeindeverband_name"].dropna()]
    for full in full_names:
        base = full.split(",")[0]  # "Thale, Stadt" -> "Thale"
        for part in re.split(r"\s+/\s+", base):  # bilingual "Harsleben / Harschlewe"
            # "Falkenstein/Harz" -> "Falkenstein"; "Ilsenburg (Harz)" -> "Ilsenburg"
            names.add(re.sub(r"\s*\(.*\)", "", part.split("/")[0]).strip())
    assert len(names) >= 20
    folder = harz.interviews_dir("harz")
    for file in sorted(folder.rglob("*")):
        if file.is_file():
            text = file.read_text(encoding="utf-8")
            for name in sorted(names):
                assert not re.search(rf"\b{re.escape(name)}\b", text), (file.name, name)


def test_potential_field_counts(project):
    findings = harz.load_unattributed_findings("harz", project)
    fields = harz.potential_field_counts(project, findings).set_index("code_id")
    assert len(fields) == 11
    assert fields.loc["potential.field.procurement", "unattributed"] == "viele, unspecified"
    # Footnote 102 (Interview 2) closes the procurement paragraph of section 3.5.3 but sits on
    # its IT-incompatibility sentence: the procurement reading counts, marked ambiguous.
    procurement = fields.loc["potential.field.procurement"]
    assert procurement["n_interviews"] == 1
    assert procurement["evidence"] == "3.5.3, footnote 102 (ambiguous)"
    others = fields.drop(index="potential.field.procurement")
    assert (others["n_interviews"] == 0).all()  # no footnote names an interview for them


def test_footnote_102_is_coded_under_both_readings(project):
    assert harz.ambiguous_footnotes(project) == {
        102: ["obstacles.it_incompatibility", "potential.field.procurement"]
    }
    assert numbers(project, "obstacles.it_incompatibility") == [2]
    assert numbers(project, "potential.field.procurement") == [2]
    topic = harz.load_footnotes("harz").set_index("footnote").loc[102, "topic"]
    assert "ambiguous" in topic


def test_findings_table_counts(project):
    table = harz.findings_table(project, ["obstacles.resources", "obstacles.legal_risk"])
    assert table["n_interviews"].tolist() == [7, 4]
    assert table["interviews"].tolist() == ["1, 2, 3, 4, 5, 6, 7", "1, 2, 3, 6"]
    assert "footnote 107" in table.loc[1, "evidence"]


def test_bad_unattributed_finding_names_file_and_line(tmp_path, monkeypatch, project):
    target = tmp_path / "harz" / "interviews"
    shutil.copytree(harz.interviews_dir("harz"), target)
    path = target / "unattributed_findings.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(lines[3].split(",")[1], "no.such.code", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(paths, "DATA_RAW", tmp_path)
    with pytest.raises(DataValidationError, match=r"line 4.*no\.such\.code"):
        harz.load_unattributed_findings("harz", project)


def test_district_without_interviews():
    assert harz.has_interviews("harz")
    assert harz.has_interviews(catalog.get_district("harz"))
    assert not harz.has_interviews("helmstedt")
    assert not harz.has_interviews(catalog.get_district("wolfenbuettel"))
    with pytest.raises(UnknownDistrictError, match="no-such-district"):
        harz.has_interviews("no-such-district")


def test_loaders_accept_a_district_object(project):
    district = catalog.get_district("harz")
    assert len(harz.load_interviews(district).documents) == len(project.documents)
    assert len(harz.load_unattributed_findings(district, project)) == 52
    assert harz.interviews_dir(district) == district.inputs.path("interviews")
    fields = harz.potential_field_counts(project, harz.load_unattributed_findings(district))
    assert list(fields.columns) == ["code_id", "name", "n_interviews", "evidence", "unattributed"]


def test_optional_tables():
    for name in (harz.UNATTRIBUTED_FILE, harz.FOOTNOTES_FILE, harz.FACTS_FILE):
        assert harz.has_table("harz", name)
        assert not harz.has_table("helmstedt", name)


def test_attribution_counts(project):
    counts = harz.attribution_counts(project)
    assert counts == {"footnote": 26, "all": 35, "other": 0}  # 26 incl. both readings of fn 102
    assert sum(counts.values()) == len(project.codings)
    assert harz.attribution_counts(demo.demo_project(n_documents=3))["other"] > 0


def test_interview_numbers_without_the_variable():
    proj = demo.demo_project(n_documents=4, seed=1)
    assert harz.interview_numbers(proj, ["D04", "D02"]) == [2, 4]
    table = harz.findings_table(proj, [])
    assert table.empty and list(table.columns) == harz.FINDINGS_COLUMNS
    assert harz.potential_field_counts(proj).empty
