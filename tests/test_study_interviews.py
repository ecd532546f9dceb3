"""The interviews study runs without Jupyter for every district and reproduces the report."""

from __future__ import annotations

import re
from dataclasses import fields

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from ikzlib import catalog, i18n, interview_data, paths
from ikzlib.errors import ParameterError
from ikzlib.figures import interviews as plots
from ikzlib.keyfigures import Kind
from ikzlib.municipalities import load_municipalities
from ikzlib.qda import agreement, demo, tidy
from ikzlib.studies import interviews

# The key figures notebook 03 recorded for Harz before the study moved into the library.
HARZ_REPORT = {
    "has_interview_data": True,
    "saturation_verdict": (
        "not reached (in the given order; 87 of 1000 random orders reach it, median b+r = 5+2)"
    ),
    "n_interviews": 7,
    "n_codes": 65,
    "n_codings": 61,
    "n_unattributed": 52,
    "n_interviews_lacking_resources": 7,
    "n_interviews_legal_risk": 4,
}


@pytest.fixture(scope="module")
def studies():
    return {key: interviews.run(key) for key in catalog.district_keys()}


@pytest.fixture(scope="module")
def harz_study(studies):
    return studies["harz"]


def _texts(study) -> list[str]:
    """Every sentence and table cell of a study result that a report prints."""
    texts = list(study.notes)
    own = study.interviews
    if own is not None:
        texts += [own.overview, *own.provenance, *own.highlights, *own.field_notes]
        texts += [own.cooccurrence_note, *own.saturation_notes, own.source, own.agreement_note]
        texts += [own.saturation.verdict, *own.project.documents["name"]]
        for table in (own.findings, own.unattributed, own.potential_fields, own.facts):
            texts += [] if table is None else [str(v) for v in table.to_numpy().ravel()]
    return texts


def test_harz_key_figures_equal_the_report(harz_study):
    assert harz_study.key_figures.values() == HARZ_REPORT


def test_harz_published_counts(harz_study):
    findings = harz_study.interviews.findings.set_index("code_id")
    assert findings.loc["obstacles.resources", "interviews"] == "1, 2, 3, 4, 5, 6, 7"
    assert findings.loc["obstacles.legal_risk", "interviews"] == "1, 2, 3, 6"
    assert findings.loc["digital.for", "interviews"] == "3, 5"
    assert findings.loc["digital.against", "interviews"] == "1, 2, 7"
    assert (
        "Obstacles > Legal risk: 4 of 7 interviews (1, 2, 3, 6)" in harz_study.interviews.highlights
    )
    assert len(harz_study.interviews.findings) == len(interviews.KEY_CODES)


def test_harz_tables(harz_study):
    own = harz_study.interviews
    assert own.overview == "7 documents, 65 codes, 61 codings, 52 unattributed findings"
    assert own.unknown_variables == ("format", "participants", "roles", "size_class")
    assert own.unattributed_by_word.set_index("count_word").loc["einigen", "findings"] == 7
    counts = own.potential_fields.set_index("code_id")["n_interviews"]
    assert len(counts) == 11 and counts.sum() == 1
    assert counts["potential.field.procurement"] == 1  # footnote 102, second reading
    assert "Procurement: viele, unspecified" in own.field_notes[-1]
    # footnote 102 added procurement to interview 2: one more coded code
    assert own.matrix.shape == (7, 19)
    assert own.top_pairs.iloc[-1][["code_a", "code_b", "n12"]].tolist() == [
        "size.uncompensated_effort",
        "blurred",
        1,
    ]
    assert own.saturation.result.base_codes == 17
    assert own.saturation.runs_percent["new_share"].tolist() == [11.8, 5.9]
    assert own.reconstruction and own.value_label == "attributions"
    assert own.source.startswith("Harz IKZ case study (2023), sections 3.5-3.6, footnotes 91-113")


def test_harz_provenance_comes_from_the_data(harz_study):
    own = harz_study.interviews
    text = " ".join(own.provenance)
    assert "16 footnotes (footnotes 91-113)" in text
    assert "52 findings are reported without naming interviews" in text
    assert "data/raw/harz/interviews/README.md" in text
    notes = " ".join(own.saturation_notes)
    assert "With 7 interviews and a base of 4, at most 2 run(s) of 2 fit." in notes
    assert "neither be confirmed nor refuted" in notes


def test_demo_part(harz_study):
    shown = harz_study.demo
    assert shown.overall["cohen_kappa"] == pytest.approx(0.893, abs=5e-4)
    assert (shown.n_primary, shown.n_complementary) == (17, 5)
    assert shown.crosstab.loc["documents", "total"] == 16
    assert (shown.crosstab_shown.loc["Obstacles: Legal risk"] == "<3").sum() == 2
    assert len(shown.pairs) == 3 and (shown.pairs["n12"] > 0).all()
    assert shown.saturation.verdict.startswith("reached at b+r = 6+2")
    assert demo.DEMO_LABEL in shown.source and len(shown.segments) == 6


def test_every_key_figure_has_kind_and_source(studies):
    section = interviews.SECTION
    assert (section.name, section.order, section.notebook) == ("interviews", 30, "03_interviews")
    assert 2 <= sum(spec.headline for spec in section.figures) <= 4
    assert {spec.name for spec in section.figures} == set(HARZ_REPORT)
    for study in studies.values():
        for figure in study.key_figures.figures:
            assert figure.kind in Kind and figure.source, figure.name
            assert figure.evidence, f"{figure.name}: the synthetic demo yields no key figure"


def test_harz_counts_are_published_from_the_footnotes(harz_study):
    for name in ("n_interviews", "n_interviews_legal_risk", "n_unattributed"):
        figure = harz_study.key_figures[name]
        assert figure.kind == Kind.PUBLISHED
        assert "footnotes 91-113" in figure.source
    assert harz_study.key_figures["saturation_verdict"].kind == Kind.DERIVED


@pytest.mark.parametrize("key", [k for k in catalog.district_keys() if k != "harz"])
def test_district_without_interviews(studies, key):
    study = studies[key]
    district = catalog.get_district(key)
    assert not interview_data.has_interviews(district)
    assert study.interviews is None
    assert study.notes == (district.inputs.missing_note("interviews"),)
    assert f"data/raw/{key}/interviews" in study.notes[0]
    values = study.key_figures.values()
    assert values["has_interview_data"] is False
    assert values["saturation_verdict"] == interviews.NO_DATA_VERDICT
    assert "n_interviews" not in values
    assert not any(re.search(r"Harz|Vorharz|Halberstadt|Table 1", t) for t in _texts(study))


def test_no_interview_is_linked_to_a_municipality(harz_study):
    names = {n.split(",")[0].split("/")[0].strip() for n in load_municipalities("harz")["name"]}
    names = {re.sub(r"\s*\(.*\)", "", n) for n in names}
    assert len(names) >= 20
    for text in _texts(harz_study):
        for name in names:
            assert not re.search(rf"\b{re.escape(name)}\b", text), (name, text)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("min_cell_size", 0, "min_cell_size=0: must be >= 1"),
        ("saturation_base", 2.5, "whole number"),
        ("saturation_run", 0, "saturation_run=0"),
        ("saturation_threshold", 1.0, "share below 1"),
        ("saturation_threshold", -0.1, "must be >= 0"),
        ("n_bootstrap", -1, "n_bootstrap=-1"),
        ("seed", "abc", "a number is required"),
        ("min_overlap", 0, "must be > 0"),
        ("min_overlap", 150, "must be <= 100"),
    ],
)
def test_bad_parameters_raise_parameter_error(name, value, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        interviews.run("helmstedt", **{name: value})


def test_parameters_change_the_results():
    study = interviews.run("harz", n_bootstrap=20, min_cell_size=1, saturation_base=3)
    assert study.demo.n_hidden == 0
    assert "of 20 random orders" in study.key_figures["saturation_verdict"].value
    assert study.interviews.saturation.result.runs["n_before"].iloc[0] == 3
    assert study.parameters.saturation_base == 3


def test_result_is_frozen(harz_study):
    with pytest.raises(AttributeError):
        harz_study.notes = ()  # type: ignore[misc]
    assert {f.name for f in fields(harz_study)} >= {"district", "key_figures", "interviews", "demo"}


@pytest.fixture
def own_coded_data(tmp_path, monkeypatch):
    """Harz replaced by segment-coded interviews without the reconstruction's extra tables."""
    project = demo.demo_project(n_documents=8, seed=5)
    tidy.write_tidy(project, tmp_path / "harz" / "interviews")
    monkeypatch.setattr(paths, "DATA_RAW", tmp_path)
    return project


def test_district_with_its_own_coded_interviews(own_coded_data):
    study = interviews.run("harz", n_bootstrap=10)
    own = study.interviews
    assert own is not None and not own.reconstruction
    assert own.value_label == "codings" and own.unattributed is None and own.facts is None
    values = study.key_figures.values()
    assert values["n_interviews"] == 8 and "n_unattributed" not in values
    assert study.key_figures["n_codings"].kind == Kind.DERIVED
    assert not any("footnote" in s for s in own.provenance)
    assert not any(re.search(r"Harz", t) for t in _texts(study))
    # numbers fall back to the document order when there is no interview_number variable
    assert own.findings.set_index("code_id").loc["obstacles.resources", "interviews"]
    assert own.potential_fields.empty and own.field_notes
    # two coders: their agreement is computed (document and segment level)
    assert set(own.agreement["level"]) == {interviews.DOCUMENT_LEVEL, interviews.SEGMENT_LEVEL}
    assert (own.agreement["n_coders"] == 2).all()


def test_figures_are_titled_from_the_district(harz_study, studies):
    for draw in (plots.findings_heatmap, plots.findings_network):
        fig = draw(harz_study)
        assert fig.axes[0].get_title().startswith("Landkreis Harz interviews: ")
        plt.close(fig)
    for study in studies.values():
        for draw in (plots.demo_agreement, plots.demo_saturation):
            fig = draw(study)
            title = fig.axes[0].get_title()
            assert "synthetic demo" in title and "Harz" not in title
            assert any(t.get_text() == demo.DEMO_LABEL for t in fig.texts)
            plt.close(fig)


def test_figures_draw_into_a_given_axes(harz_study):
    fig, ax = plt.subplots()
    assert plots.demo_agreement(harz_study, ax=ax) is fig
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Obstacles: Lacking resources" and len(labels) == len(harz_study.demo.codes)
    plt.close(fig)


def test_district_figures_need_interviews(studies):
    with pytest.raises(ValueError, match="no coded interviews"):
        plots.findings_heatmap(studies["helmstedt"])


def test_study_draws_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("IKZ_OUTPUT_ROOT", str(tmp_path))
    before = plt.get_fignums()
    interviews.run("harz", n_bootstrap=5)
    assert plt.get_fignums() == before
    assert not any(tmp_path.iterdir())
    assert isinstance(interviews.run("helmstedt", n_bootstrap=5).demo.crosstab, pd.DataFrame)


# --- footnote 102, language, tables and agreement ------------------------------------------------


def test_ambiguous_footnote_is_shown_with_both_readings(harz_study):
    own = harz_study.interviews
    assert own.ambiguous == {102: ["obstacles.it_incompatibility", "potential.field.procurement"]}
    procurement = own.potential_fields.set_index("code_id").loc["potential.field.procurement"]
    assert "footnote 102 (ambiguous)" in procurement["evidence"]
    assert procurement["other_reading"] == "footnote 102: Obstacles > IT incompatibility"
    others = own.potential_fields.set_index("code_id").drop(index="potential.field.procurement")
    assert (others["other_reading"] == "").all()
    assert any(s.startswith("Footnote 102 admits more than one reading") for s in own.provenance)
    assert own.field_notes[0] == "Task fields attributed to at least one interview: 1 of 11."
    assert "only through footnote 102" in own.field_notes[1]
    assert "also coded as Obstacles > IT incompatibility" in own.field_notes[1]
    german = i18n.tr(own.field_notes[1], "de")
    assert german.startswith("Procurement: nur über Fußnote 102 für Interview 2 gezählt")


def test_every_sentence_and_label_has_german(harz_study, studies):
    shown = harz_study.demo
    texts = [*_texts(harz_study), shown.overview, *shown.agreement_notes]
    texts += [shown.suppression_note, shown.source, shown.saturation.verdict]
    messages = [t for t in texts if isinstance(t, i18n.Message)]
    assert len({m.template for m in messages}) > 15
    # templates made only of placeholders (joined lists) need no German
    assert [m for m in i18n.missing_translations(messages) if m.strip("{}, ;item0123456789")] == []
    labels = [interviews.SECTION.title, interviews.NO_DATA_VERDICT]
    labels += [f.label for f in interviews.SECTION.figures]
    labels += [f.source for f in interviews.SECTION.figures]
    for spec in interviews.TABLES.values():
        labels += [spec.caption, *spec.columns.values()]
    assert i18n.missing_translations(labels) == []
    assert "Fußnoten 91–113" in i18n.tr(harz_study.interviews.source, "de")


def test_saturation_verdict_renders_in_german(harz_study):
    assert i18n.tr(harz_study.interviews.saturation.verdict, "de") == (
        "nicht erreicht (in der gegebenen Reihenfolge; 87 von 1000 Zufallsreihenfolgen "
        "erreichen sie, Median b+r = 5+2)"
    )


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_table_renders_in_both_languages(harz_study, studies, lang):
    for part, spec in interviews.TABLES.items():
        frame = harz_study.frame(part)
        shown = harz_study.table(part, lang)
        if frame is None:
            assert part in {"agreement", "demo_multi_agreement"} and shown is None
            continue
        assert list(shown.cells.columns) == [i18n.tr(c, lang) for c in spec.columns.values()]
        assert len(shown.cells) == len(frame)
        text = shown._repr_html_()
        assert "…" not in text and "<th" in text
    assert studies["helmstedt"].table("findings", lang) is None
    assert studies["helmstedt"].table("demo_crosstab", lang) is not None
    with pytest.raises(ParameterError, match="unknown table"):
        harz_study.table("nope", lang)


def test_german_tables_use_german_numbers_and_labels(harz_study):
    summary = harz_study.table("demo_agreement_summary", "de")
    assert list(summary.cells["Ebene"]) == ["Dokumentebene", "Segmentebene"]
    assert summary.cells["Cohens Kappa"].tolist() == ["0,838", "0,893"]
    fields = harz_study.table("potential_fields", "de").cells.set_index("Aufgabenfeld")
    assert fields.loc["Procurement", "Mengenangaben nicht zugeordneter Nennungen"] == (
        "viele, ohne Mengenangabe"
    )
    assert fields.loc["Procurement", "Andere Lesart einer mehrdeutigen Fußnote"] == (
        "Fußnote 102: Obstacles > IT incompatibility"
    )
    crosstab = harz_study.table("demo_crosstab", "de").cells
    assert list(crosstab.columns)[1:] == [
        "< 5.000",
        "5.000–10.000",
        "10.000–20.000",
        "20.000–50.000",
        "≥ 50.000",
        "gesamt",
    ]
    assert crosstab["Code"].iloc[0] == "Dokumente"


def test_demo_agreement_reports_ac1_and_a_kappa_interval(harz_study):
    shown = harz_study.demo
    per_code = shown.document_agreement.set_index("code_id")
    # Gwet (2008), Br. J. Math. Stat. Psychol. 61:29-48, AC1 for two raters:
    # pa = 13/16; pi = (15 + 12) / 32; pe = 2 pi (1 - pi); AC1 = (pa - pe) / (1 - pe).
    row = per_code.loc["obstacles.resources"]
    assert (row["both"], row["only_a"], row["only_b"], row["neither"]) == (12, 3, 0, 1)
    pa, pi = 13 / 16, 27 / 32
    pe = 2 * pi * (1 - pi)
    assert row["gwet_ac1"] == pytest.approx((pa - pe) / (1 - pe), abs=1e-12)
    assert row["gwet_ac1"] == pytest.approx(0.7454, abs=1e-4)
    summary = shown.agreement_summary.set_index("level")
    for level in (interviews.DOCUMENT_LEVEL, interviews.SEGMENT_LEVEL):
        low, kappa, high = summary.loc[level, ["kappa_low", "cohen_kappa", "kappa_high"]]
        assert 0 < low < kappa < high <= 1
    assert summary.loc[interviews.SEGMENT_LEVEL, "cohen_kappa"] == pytest.approx(0.893, abs=5e-4)
    assert shown.multi_agreement is None  # two coders
    assert "1,000 replicates, seed 2023" in shown.agreement_notes[0]


def test_kappa_interval_resamples_whole_units():
    a = np.array([[1, 0], [1, 1], [0, 0], [0, 1]])
    params = interviews.parameters(n_bootstrap=200, seed=3)
    low, high = interviews._kappa_interval(a, a, params)
    assert low == high == 1.0  # identical coders agree in every replicate
    assert np.isnan(interviews._kappa_interval(a, a, interviews.parameters(n_bootstrap=0))[0])


def test_no_bootstrap_gives_no_interval():
    study = interviews.run("helmstedt", n_bootstrap=0)
    assert study.demo.agreement_summary[["kappa_low", "kappa_high"]].isna().all().all()
    assert "no interval for kappa" in study.demo.agreement_notes[0]


@pytest.fixture
def three_coders(tmp_path, monkeypatch):
    """Harz replaced by a demo project with a third coder who copies coder A in 6 documents."""
    project = demo.demo_project(n_documents=8, seed=5)
    codings = project.codings
    third = codings[(codings["coder"] == demo.CODERS[0]) & (codings["doc_id"] <= "D06")]
    third = third.assign(coder="coder C", coding_id=[f"C{i:04d}" for i in range(1, len(third) + 1)])
    project = type(project)(
        documents=project.documents,
        codes=project.codes,
        codings=pd.concat([codings, third], ignore_index=True),
        doc_variables=project.doc_variables,
        name=project.name,
        source=project.source,
    ).validate()
    tidy.write_tidy(project, tmp_path / "harz" / "interviews")
    monkeypatch.setattr(paths, "DATA_RAW", tmp_path)
    return project


def test_three_coders_get_multi_coder_agreement(three_coders):
    study = interviews.run("harz", n_bootstrap=10)
    table = study.interviews.agreement
    document = table[table["level"] == interviews.DOCUMENT_LEVEL].reset_index(drop=True)
    read = study.interviews.project  # the codebook order as read back
    used = [c for c in read.codes["code_id"] if c in set(three_coders.codings["code_id"])]
    assert document["code_id"].tolist() == [*used, "overall"]
    expected = agreement.multi_coder_agreement(read, codes=used, level="document")
    assert (document["n_coders"] == 3).all()
    pd.testing.assert_series_equal(document["fleiss_kappa"], expected["fleiss_kappa"])
    # coder C rated only 6 of the 8 documents: 2 x 8 + 6 ratings per code
    assert document.loc[0, "n_ratings"] == 22
    assert study.interviews.agreement_note.startswith("3 coders coded")
    shown = study.table("agreement", "de")
    assert {"Fleiss' Kappa", "Gwets AC1", "Krippendorffs Alpha"} <= set(shown.cells.columns)
    assert "Segmentebene" in set(shown.cells["Ebene"])


def test_german_figures_and_source_lines(harz_study):
    fig = plots.findings_heatmap(harz_study, lang="de")
    assert fig.axes[0].get_title() == "Landkreis Harz, Interviews: zugeordnete Befunde je Interview"
    starred = [t.get_text() for t in fig.axes[0].texts if t.get_text().endswith("*")]
    assert starred == ["1*", "1*"]  # both readings of footnote 102 in interview 2
    plt.close(fig)
    fig = plots.demo_agreement(harz_study, lang="de")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Gwets AC1" in legend and "Kappa gesamt, 95-%-Intervall" in legend
    assert any(t.get_text() == "synthetische Demodaten" for t in fig.texts)
    plt.close(fig)
    assert plots.source_line(harz_study, "saturation", "de").startswith(
        "Quelle: synthetische Demodaten (ikzlib.qda.demo, Startwert 2023)"
    )
    with pytest.raises(ValueError, match="no coded interviews"):
        plots.source_line(interviews.run("helmstedt", n_bootstrap=5), "heatmap")
