"""Frequencies, matrix, crosstab with suppression, co-occurrence, retrieval, demo project.

Expected values are worked out by hand from the small project in ``project()``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from ikzlib.errors import DataValidationError
from ikzlib.figures import interviews as plots
from ikzlib.qda import agreement, analysis, cooccurrence, demo
from ikzlib.qda.model import CodedProject


def project() -> CodedProject:
    """4 documents; A.x is a subcode of A; C is a whole-document coding."""
    return CodedProject(
        documents=pd.DataFrame(
            {"doc_id": ["d1", "d2", "d3", "d4"], "name": ["Doc 1", "Doc 2", "Doc 3", "Doc 4"]}
        ),
        codes=pd.DataFrame(
            {
                "code_id": ["A", "A.x", "B", "C"],
                "parent_id": [None, "A", None, None],
                "name": ["Alpha", "Ex", "Beta", "Gamma"],
            }
        ),
        codings=pd.DataFrame(
            {
                "coding_id": ["k1", "k2", "k3", "k4", "k5", "k6"],
                "doc_id": ["d1", "d1", "d2", "d2", "d2", "d3"],
                "code_id": ["A.x", "B", "A.x", "A.x", "C", "B"],
                "start": [0, 5, 0, 10, None, 0],
                "end": [10, 15, 4, 20, None, 5],
            }
        ),
        doc_variables=pd.DataFrame(
            {
                "doc_id": ["d1", "d2", "d3"],
                "variable": ["size"] * 3,
                "value": ["small", "small", "large"],
                "type": ["text"] * 3,
            }
        ),
    ).validate()


def test_code_frequencies_by_hand():
    freq = analysis.code_frequencies(project()).set_index("code_id")
    assert freq.loc["A.x", ["n_documents", "n_segments"]].tolist() == [2, 3]
    assert freq.loc["A", "n_documents"] == 0
    assert freq.loc["B", "share_documents"] == pytest.approx(0.5)
    assert freq.loc["C", ["n_documents", "n_segments"]].tolist() == [1, 1]
    assert freq.loc["A.x", "path"] == "Alpha > Ex"
    rolled = analysis.code_frequencies(project(), ["A"], include_subcodes=True)
    assert rolled[["n_documents", "n_segments"]].iloc[0].tolist() == [2, 3]


def test_unknown_code_is_an_error():
    with pytest.raises(DataValidationError, match="unknown code"):
        analysis.code_frequencies(project(), ["Z"])


def test_document_code_matrix():
    matrix = analysis.document_code_matrix(project(), ["A.x", "B", "C"])
    assert matrix.index.tolist() == ["d1", "d2", "d3", "d4"]
    assert matrix.to_numpy().tolist() == [[1, 1, 0], [2, 0, 1], [0, 1, 0], [0, 0, 0]]
    presence = analysis.document_code_matrix(project(), ["A.x"], value="presence")
    assert presence["A.x"].tolist() == [1, 1, 0, 0]


def test_crosstab_by_variable_with_unknown_category():
    table = analysis.code_crosstab(project(), "size", ["A.x", "B"])
    assert table.columns.tolist() == ["large", "small", "unknown", "total"]
    assert table.loc["documents"].tolist() == [1, 2, 1, 4]
    assert table.loc["A.x"].tolist() == [0, 2, 0, 2]
    assert table.loc["B"].tolist() == [1, 1, 0, 2]
    with pytest.raises(DataValidationError, match="no document variable"):
        analysis.code_crosstab(project(), "format")


def test_suppression_both_margins_by_hand():
    table = pd.DataFrame(
        [[1, 5, 6, 12], [4, 4, 7, 15], [5, 9, 13, 27]],
        index=["r1", "r2", "total"],
        columns=["c1", "c2", "c3", "total"],
    )
    display, hidden = analysis.suppress_small_cells(table, 3, total_row="total")
    assert hidden.loc["r1", "c1"] == "primary"
    assert set(zip(*(hidden.to_numpy() == "complementary").nonzero(), strict=True)) == {
        (0, 1),
        (1, 0),
        (1, 1),
    }
    assert display.loc["r1"].tolist() == ["<3", "x", "6", "12"]
    assert display.loc["total"].tolist() == ["5", "9", "13", "27"]


def test_suppression_rows_only_interval_cases():
    table = pd.DataFrame(
        [[1, 1, 5, 7], [2, 2, 0, 4], [1, 2, 5, 8], [3, 4, 0, 7]], columns=["a", "b", "c", "total"]
    )
    _, hidden = analysis.suppress_small_cells(table, 3)
    # 1 + 1 = 2 is the smallest sum two hidden cells can have: both would be known.
    assert hidden.loc[0].tolist() == ["primary", "primary", "complementary", ""]
    # 2 + 2 = 4 is the largest; no visible non-zero cell left, so the total is hidden.
    assert hidden.loc[1].tolist() == ["primary", "primary", "", "complementary"]
    # 1 + 2 = 3 leaves two possibilities: safe as it is.
    assert hidden.loc[2].tolist() == ["primary", "primary", "", ""]
    assert hidden.loc[3].tolist() == ["", "", "", ""]
    display, _ = analysis.suppress_small_cells(table, 1)
    assert display.loc[0].tolist() == ["1", "1", "5", "7"]


def test_no_line_has_a_single_hidden_cell_on_demo_crosstab():
    proj = demo.demo_project()
    table = analysis.code_crosstab(
        proj, "size_class", [c for c in proj.codes["code_id"] if "." in c]
    )
    _, hidden = analysis.suppress_small_cells(table, 3)
    counts = (hidden != "").sum(axis=1)
    assert (counts != 1).all()
    assert (hidden == "primary").sum().sum() == (
        (table.iloc[:, :-1] > 0) & (table.iloc[:, :-1] < 3)
    ).sum().sum()


def test_document_cooccurrence_by_hand():
    pairs = cooccurrence.cooccurrence(project(), ["A.x", "B", "C"]).set_index(["code_a", "code_b"])
    assert pairs.loc[("A.x", "B"), ["n_a", "n_b", "n12"]].tolist() == [2, 2, 1]
    assert pairs.loc[("A.x", "B"), "c_coefficient"] == pytest.approx(1 / 3)
    assert pairs.loc[("A.x", "C"), "jaccard"] == pytest.approx(0.5)
    assert pairs.loc[("B", "C"), "n12"] == 0


def test_segment_cooccurrence_by_hand():
    pairs = cooccurrence.cooccurrence(project(), ["A.x", "B", "C"], level="segment")
    pairs = pairs.set_index(["code_a", "code_b"])
    assert pairs.loc[("A.x", "B"), ["n_a", "n_b", "n12"]].tolist() == [3, 2, 1]
    assert pairs.loc[("A.x", "B"), "c_coefficient"] == pytest.approx(1 / 4)
    # characters: both 5 (5-9 in d1); either 15 (d1) + 14 (d2) + 5 (d3)
    assert pairs.loc[("A.x", "B"), "jaccard"] == pytest.approx(5 / 34)
    assert pairs.loc[("A.x", "C"), ["n_b", "n12"]].tolist() == [0, 0]


def test_segments_of_different_coders_do_not_cooccur():
    proj = project()
    codings = proj.codings.copy()
    codings["coder"] = ["x", "y", "x", "x", "x", "x"]
    proj = CodedProject(documents=proj.documents, codes=proj.codes, codings=codings)
    pairs = cooccurrence.cooccurrence(proj, ["A.x", "B"], level="segment")
    assert pairs["n12"].tolist() == [0]


def test_cooccurrence_matrix_and_graph():
    pairs = cooccurrence.cooccurrence(project(), ["A.x", "B", "C"])
    matrix = cooccurrence.cooccurrence_matrix(pairs)
    assert matrix.loc["B", "A.x"] == matrix.loc["A.x", "B"] == 1
    graph = cooccurrence.cooccurrence_graph(pairs, analysis.code_frequencies(project()))
    assert sorted(graph.edges) == [("A.x", "B"), ("A.x", "C")]
    assert graph.nodes["A.x"]["path"] == "Alpha > Ex"


def test_retrieve_segments_filters():
    proj = project()
    by_code = analysis.retrieve_segments(proj, codes=["A"])
    assert by_code["code_id"].tolist() == ["A.x", "A.x", "A.x"]
    assert analysis.retrieve_segments(proj, codes=["A"], include_subcodes=False).empty
    small = analysis.retrieve_segments(proj, variables={"size": "small"})
    assert sorted(set(small["doc_id"])) == ["d1", "d2"]
    unknown = analysis.retrieve_segments(proj, variables={"size": ["unknown"]})
    assert unknown.empty  # d4 has no value and no codings
    only_d3 = analysis.retrieve_segments(proj, documents=["d3"])
    assert only_d3[["document", "code"]].iloc[0].tolist() == ["Doc 3", "Beta"]


def test_demo_project_is_deterministic_and_valid():
    first, second = demo.demo_project(seed=7), demo.demo_project(seed=7)
    pd.testing.assert_frame_equal(first.codings, second.codings)
    assert not first.codings.equals(demo.demo_project(seed=8).codings)
    assert set(first.codings["coder"]) == set(demo.CODERS)
    texts = dict(zip(first.documents["doc_id"], first.documents["text"], strict=True))
    for row in first.codings.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.text
        assert row.text == row.text.strip() and row.text
    assert demo.DEMO_LABEL in first.name


def test_heatmap_labels_every_code_and_document():
    proj = project()
    matrix = analysis.document_code_matrix(proj, ["A.x", "B"])
    fig = plots.document_code_heatmap(proj, matrix, title="t", note=demo.DEMO_LABEL)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Alpha: Ex", "Beta"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Doc 1", "Doc 2", "Doc 3", "Doc 4"]
    assert any(t.get_text() == demo.DEMO_LABEL for t in fig.texts)
    plt.close(fig)


def test_segment_cooccurrence_matches_brute_force_on_demo():
    proj = demo.demo_project(n_documents=6, seed=3)
    codes = ["obstacles.legal_risk", "potential.procurement", "potential.it", "digital.for"]
    pairs = cooccurrence.cooccurrence(proj, codes, level="segment")
    spans = proj.codings[proj.codings["code_id"].isin(codes)]
    for row in pairs.itertuples():
        seg_a = spans[spans["code_id"] == row.code_a]
        seg_b = spans[spans["code_id"] == row.code_b]
        n12 = sum(
            a.doc_id == b.doc_id and a.coder == b.coder and b.start < a.end and a.start < b.end
            for a in seg_a.itertuples()
            for b in seg_b.itertuples()
        )

        def chars(frame):
            return {
                (s.doc_id, s.coder, i) for s in frame.itertuples() for i in range(s.start, s.end)
            }

        ca, cb = chars(seg_a), chars(seg_b)
        assert row.n12 == n12
        assert row.jaccard == pytest.approx(len(ca & cb) / len(ca | cb))


def test_code_label_is_family_and_name():
    proj = project()
    assert analysis.code_label(proj, "A.x") == "Alpha: Ex"
    assert analysis.code_label(proj, "B") == "Beta"
    assert plots.code_label is analysis.code_label


def test_agreement_chart_draws_every_code_and_the_overall_line():
    proj = demo.demo_project(n_documents=6, seed=3)
    codes = ["obstacles.resources", "obstacles.legal_risk", "digital.for"]
    table = agreement.segment_agreement(proj, *demo.CODERS, codes)
    fig, ax = plt.subplots()
    assert plots.agreement_chart(proj, table, title="t", note=demo.DEMO_LABEL, ax=ax) is fig
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Obstacles: Lacking resources",
        "Obstacles: Legal risk",
        "Digitalisation: For cooperation",
    ]
    overall = table.set_index("code_id").at["overall", "cohen_kappa"]
    assert ax.lines[0].get_xdata()[0] == pytest.approx(overall)
    plt.close(fig)
