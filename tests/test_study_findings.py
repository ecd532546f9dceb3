"""Study ``findings`` (notebook 06): findings per research question from recorded key figures.

The recorded parts are built here from small fixtures (the declared sections of notebooks
01-05 filled with known values), never by running the other studies.
"""

from __future__ import annotations

import pytest

from ikzlib import studies, summary
from ikzlib.catalog import resolve
from ikzlib.errors import DataValidationError
from ikzlib.i18n import missing_translations, tr
from ikzlib.keyfigures import KeyFigures, Kind, Reported
from ikzlib.register import load_register
from ikzlib.studies import findings

NO_DATA = "15088"  # Saalekreis: a Kreis of the extract without register or interviews


def _part(section: str, values: dict) -> KeyFigures:
    declared = studies.section(section)
    return KeyFigures(declared, declared.figures_from(values))


def _network() -> KeyFigures:
    return _part(
        "network",
        {
            "n_statutory_bodies": 5,
            "n_ties_statutory": 16,
            "n_without_statutory_tie": 6,
            "n_nodes": 14,
            "n_ties_leader": 31,
            "n_ties_companies": 7,
            "density_statutory": 0.1758,
            "density_all_layers": 0.5824,
        },
    )


def _structure() -> KeyFigures:
    return _part(
        "structure",
        {
            "n_municipalities": 20,
            "n_units": 14,
            "n_units_under_10k": 7,
            "share_units_under_10k": 0.5,
        },
    )


def _costs(kind: Kind) -> KeyFigures:
    values = {"break_even_size": 2, "optimal_size": 11, "p_net_gain_positive": 0.95}
    return _part("transaction_costs", {k: Reported(v, kind=kind) for k, v in values.items()})


def _rows(study: findings.FindingsStudy, status: str, rq: str | None = None):
    table = study.findings
    chosen = table[table["status"] == status]
    return chosen if rq is None else chosen[chosen["rq"] == rq]


@pytest.fixture(scope="module")
def harz() -> findings.FindingsStudy:
    return findings.run("harz", recorded=[_structure(), _network(), _costs(Kind.ILLUSTRATIVE)])


def test_documented_statutory_finding_carries_figures_and_register_bodies(harz):
    row = _rows(harz, findings.DOCUMENTED, "RQ1").iloc[0]
    assert row["finding"] == (
        "The register documents 5 bodies in the statutory forms of the Land's cooperation "
        "law; their documented memberships give 16 ties between units, and 6 of 14 units "
        "have no such tie."
    )
    assert row["notebook"] == "02_cooperation_network"
    assert row["figures"] == (
        "n_statutory_bodies",
        "n_ties_statutory",
        "n_without_statutory_tie",
        "n_nodes",
    )
    register_ids = set(load_register("harz").bodies["body_id"])
    assert row["bodies"] and set(row["bodies"]) <= register_ids
    assert "n_ties_statutory = 16" in row["evidence"]


def test_other_layers_are_listed_largest_first(harz):
    texts = list(_rows(harz, findings.DOCUMENTED, "RQ1")["finding"])
    layers = next(t for t in texts if t.startswith("Beyond statutory IKZ"))
    assert layers.index("LEADER areas: 31") < layers.index("(GmbH, AöR): 7")


def test_inferred_rules_state_their_rule(harz):
    inferred = list(_rows(harz, findings.INFERRED)["finding"])
    assert any("density of 0.1758, all layers together 0.5824" in t for t in inferred)
    # 7 of 14 units under 10,000 (Harz case study 2023, Table 1; issue 11)
    assert any(t.startswith("Size as a factor: 7 of 14 administrative units") for t in inferred)


def test_illustrative_figures_never_give_a_finding(harz):
    costs = harz.findings[harz.findings["section"] == "transaction_costs"]
    assert list(costs["status"]) == [findings.NOT_EVIDENCE]
    assert "scenarios.csv" in costs["finding"].iloc[0]
    assert harz.key_figures["n_model_based"].value == 0
    assert harz.key_figures["n_not_evidence"].value == 1


def test_model_kind_gives_a_model_based_finding():
    study = findings.run("harz", recorded=[_costs(Kind.MODEL)])
    row = _rows(study, findings.MODEL_BASED).iloc[0]
    assert row["rq"] == "RQ3"
    assert "needs at least 2 units" in row["finding"]
    assert "gains in 95 % of the parameter draws" in row["finding"]
    assert study.key_figures["n_model_based"].value == 1


def test_interview_codes_and_footnotes_per_question(harz):
    rows = _rows(harz, findings.DOCUMENTED)
    rq3 = rows[(rows["rq"] == "RQ3") & (rows["section"] == "interviews")].iloc[0]
    # Harz case study (2023), section 3.5.4: all interviewees name lacking resources;
    # footnote 107 attributes the legal risks to interviews 1, 2, 3 and 6.
    assert "Obstacles > Lacking resources (7 of 7 interviews)" in rq3["finding"]
    assert "Obstacles > Legal risk (4 of 7 interviews)" in rq3["finding"]
    assert "obstacles.resources" in rq3["codes"] and "107" in rq3["footnotes"]
    rq2 = rows[(rows["rq"] == "RQ2") & (rows["section"] == "interviews")].iloc[0]
    # footnote 102 is coded under two readings (issue 11); the ambiguity stays visible
    assert "102 (ambiguous)" in rq2["footnotes"]


def test_conclusion_names_the_strongest_documented_finding_per_question(harz):
    sentences = harz.conclusion
    assert 3 <= len(sentences) <= 5
    assert sentences[0].startswith(f"The table holds {harz.key_figures['n_findings'].value} ")
    assert "strongest documented finding: The register documents 5 bodies" in sentences[1]
    assert "left out" in sentences[-1]


def test_key_figures_count_the_statuses(harz):
    counts = harz.status_counts()
    values = harz.key_figures.values()
    assert values["n_documented"] == counts[findings.DOCUMENTED]
    assert values["n_findings"] == sum(counts[s] for s in findings.FINDING_STATUSES)
    assert all(f.kind == Kind.DERIVED for f in harz.key_figures.figures)


def test_recorded_parts_are_read_from_the_output_root(tmp_path):
    summary.record("harz", _structure(), root=tmp_path)
    study = findings.run("harz", root=tmp_path)
    assert any(t.startswith("The 20 Gemeinden form 14") for t in study.findings["finding"])
    missing = _rows(study, findings.MISSING)
    assert "network" in set(missing["section"])
    assert study.missing_parts == (
        "network",
        "interviews",
        "transaction_costs",
        "task_fields",
    )
    note = next(n for n in study.notes if "04_transaction_costs" in n)
    assert "ikz report --district harz --notebooks 04" in note


def test_a_district_without_data_gets_missing_rows_with_the_commands():
    study = findings.run(NO_DATA, recorded=[])
    assert study.key_figures["n_findings"].value == 0
    missing = _rows(study, findings.MISSING)
    assert set(missing["rq"]) == {"RQ1", "RQ2", "RQ3"}
    texts = " ".join(missing["finding"])
    assert f"ikz register init --district {NO_DATA}" in texts
    assert "ikz codebook --district harz --format guide" in texts
    assert all("has no documented finding yet" in s for s in study.conclusion[1:4])
    assert study.sample is None and "no coded interviews" in study.sample_notes[0]


def test_interview_sample_as_the_data_states_it(harz):
    # Harz case study (2023), section 3.1: the HVB of all 14 towns and municipalities asked,
    # 7 interviews with 12 leaders of 6 administrations; the east under-represented.
    first, bias = harz.sample_notes
    assert first == (
        "14 administrations were asked for an interview and 6 took part; 7 interviews were "
        "held with 12 persons."
    )
    assert "east under-represented" in bias


def test_methods_cite_and_list_the_references(harz):
    citations = " ".join(harz.methods["citation"])
    for short in ("(Shapley 1953)", "(Young et al. 1982)", "(Guest et al. 2020)", "(Saaty 1980)"):
        assert short in citations
    assert len(harz.references) == len(findings.cited_keys())
    assert harz.references_markdown.startswith("- ")
    german = findings.run("harz", recorded=[], lang="de")
    assert "(Dekker et al. 2007)" in " ".join(german.methods["citation"])


def test_nationwide_sources_from_the_extract_readme():
    sources = findings.nationwide_sources()
    assert list(sources["publisher"]) == [
        "Statistisches Bundesamt (Destatis)",
        "Bundesamt für Kartographie und Geodäsie (BKG)",
    ]
    assert sources["stichtag"].iloc[1] == "01.01.2021"


def test_a_readme_without_sources_table_is_rejected(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Extract\n\nNo sources here.\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="Sources, Stichtag, licence"):
        findings.nationwide_sources(readme)


def test_every_sentence_has_german(harz):
    no_data = findings.run(NO_DATA, recorded=[])
    texts = [
        *harz.findings["finding"],
        *harz.conclusion,
        *harz.sample_notes[:1],
        *harz.methods["method"],
        *no_data.findings["finding"][no_data.findings["section"] != ""],
        *no_data.conclusion,
    ]
    assert missing_translations(texts) == []
    assert "belegt" in tr(harz.conclusion[0], "de")
    assert "7 von 7 Interviews" in " ".join(tr(t, "de") for t in harz.findings["finding"])


def test_findings_are_registered_after_the_other_studies():
    names = [s.name for s in studies.sections()]
    assert names[-1] == "findings" and studies.section("findings").notebook == "06_findings"
    assert resolve("harz").key == findings.run("harz", recorded=[]).district.key


def test_missing_data_rows_are_german_in_a_german_report():
    study = findings.run("09677", recorded=[])
    rows = [tr(text, "de") for text in study.findings["finding"]]
    assert any("liegt noch keine Eingabe" in row for row in rows)
    assert not any(" has no " in row for row in rows)
