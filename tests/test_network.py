"""Network construction, projection weights and metrics on a small register with known answers."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from ikzlib import network as nw
from ikzlib.i18n import Message, tr
from ikzlib.register import LEGAL_FORMS, Register

# Three verbandsfreie Gemeinden A, B, C and a Verbandsgemeinde V with members D1, D2.
MUNICIPALITIES = pd.DataFrame(
    {
        "ags": ["15085001", "15085002", "15085003", "15085011", "15085012"],
        "ars": ["150850001001", "150850002002", "150850003003", "150855001011", "150855001012"],
        "name": ["A", "B", "C", "D1", "D2"],
        "gemeindeverband_key": ["0001", "0002", "0003", "5001", "5001"],
        "gemeindeverband_name": ["A", "B", "C", "V", "V"],
        "gemeindeverband_type": ["verbandsfreie Gemeinde"] * 3 + ["Verbandsgemeinde"] * 2,
        "kreis_key": ["15085"] * 5,
        "area_km2": [10.0, 20.0, 30.0, 5.0, 5.0],
        "population": pd.array([1000, 2000, 3000, 400, 600], dtype="Int64"),
        "population_date": ["2021-12-31"] * 5,
        "lon": [11.0, 11.1, 11.2, 11.3, 11.3],
        "lat": [51.8, 51.8, 51.8, 51.8, 51.9],
        "source": ["test"] * 5,
    }
)
A, B, C, V = "150850001", "150850002", "150850003", "150855001"


def body(
    body_id: str, legal_form: str, task: str, status: str = "active", scope: str = "within district"
) -> dict:
    return {
        "body_id": body_id,
        "name": body_id.upper(),
        "legal_form": legal_form,
        "formality": LEGAL_FORMS[legal_form].formality,
        "task_field": task,
        "category": "inter-municipal",
        "scope": scope,
        "status": status,
    }


def member(
    body_id: str,
    member_id: str,
    confidence: str = "documented",
    role: str = "member",
    external: bool = False,
    until: str | None = None,
) -> dict:
    return {
        "body_id": body_id,
        "member_id": member_id,
        "member_name": member_id,
        "member_type": "municipality" if member_id.isdigit() else "company",
        "role": role,
        "confidence": confidence,
        "external": external,
        "until": until,
    }


@pytest.fixture
def register() -> Register:
    bodies = pd.DataFrame(
        [
            body("b1", "Zweckverband", "water/wastewater"),
            body("b2", "informal/network", "research"),
            body("b3", "Zweckverband", "water/wastewater"),
            body("b4", "eG", "IT"),
            body("old", "e.V.", "tourism", status="ended"),
        ]
    )
    memberships = pd.DataFrame(
        [
            member("b1", "15085001"),
            member("b1", "15085002"),
            member("b1", "15085003", "inferred", "service area only"),
            member("b2", "15085001"),
            member("b2", "15085002"),
            member("b3", "15085002"),
            member("b3", "org:x", external=True),
            member("b4", "vg:150855001", "inferred"),
            member("b4", "15085003"),
            member("old", "15085001"),
            member("old", "15085003"),
        ]
    )
    empty = pd.DataFrame()
    return Register(bodies, memberships, empty, empty, empty)


def build(register: Register, level: str = "unit", **layer) -> tuple[nx.Graph, nx.Graph]:
    nodes = nw.municipality_nodes(MUNICIPALITIES, level)
    bipartite = nw.bipartite_graph(nw.filter_memberships(register, **layer), nodes, level)
    return bipartite, nw.project(bipartite)


def test_unit_nodes_map_members_and_the_verbandsgemeinde() -> None:
    nodes = nw.municipality_nodes(MUNICIPALITIES, "unit").set_index("node_id")
    assert list(nodes.index) == [A, B, C, V]
    assert nodes.loc[V, "population"] == 1000
    assert {"15085011", "15085012", "vg:150855001"} <= set(nodes.loc[V, "member_ids"])


def test_projection_weights_counts_and_multiplexity(register: Register) -> None:
    bipartite, projection = build(register)
    assert nx.is_bipartite(bipartite)
    assert sorted(projection.edges()) == sorted([(A, B), (A, C), (B, C), (C, V)])
    ab = projection.edges[A, B]
    # b1 has 3 members (weight 1/2 per pair), b2 has 2 (weight 1)
    assert ab["weight"] == pytest.approx(1.5)
    assert (ab["count"], ab["multiplexity"]) == (2, 2)
    assert ab["documented"] and ab["formal"] and ab["informal"] and ab["documented_formal"]
    ac = projection.edges[A, C]
    assert ac["weight"] == pytest.approx(0.5)
    assert ac["confidence"] == "inferred" and not ac["documented"]
    assert projection.edges[C, V]["weight"] == pytest.approx(1.0)
    # the ended body 'old' is left out by default
    assert "body:old" not in bipartite


def test_newman_weights_share_one_unit_per_member_of_a_closed_body(register: Register) -> None:
    layer = {"legal_forms": ["Zweckverband"], "include_service_area": True}
    bipartite, projection = build(register, **layer)
    # only b1 links municipalities: each of its 3 members distributes exactly 1
    for node in (A, B, C):
        assert projection.degree(node, weight="weight") == pytest.approx(1.0)


def test_layers_by_role_confidence_legal_form_and_history(register: Register) -> None:
    _, no_service = build(register, include_service_area=False)
    assert sorted(no_service.edges()) == [(A, B), (C, V)]
    assert no_service.edges[A, B]["weight"] == pytest.approx(2.0)
    _, documented = build(register, min_confidence="documented")
    assert sorted(documented.edges()) == [(A, B)]
    _, informal = build(register, legal_forms=["informal/network"])
    assert sorted(informal.edges()) == [(A, B)] and not informal.edges[A, B]["formal"]
    _, history = build(register, include_historical=True)
    assert "old" in history.edges[A, C]["bodies"]


def test_gemeinde_level_expands_the_verbandsgemeinde_as_inferred(register: Register) -> None:
    bipartite, projection = build(register, level="gemeinde")
    edge = bipartite.edges["15085011", "body:b4"]
    assert edge["confidence"] == "inferred" and edge["via"] == "vg:150855001"
    assert projection.edges["15085011", "15085012"]["weight"] == pytest.approx(0.5)


def test_municipality_metrics(register: Register) -> None:
    bipartite, projection = build(register)
    metrics = nw.municipality_metrics(bipartite, projection).set_index("node_id")
    assert metrics.loc[C, "degree"] == 3
    # C lies on the only paths from V to A and to B: 2 of 3 pairs
    assert metrics.loc[C, "betweenness"] == pytest.approx(2 / 3)
    assert metrics.loc[A, "betweenness"] == 0
    assert metrics.loc[B, ["n_bodies", "n_formal", "n_informal"]].tolist() == [3, 2, 1]
    assert metrics.loc[B, "bodies_reaching_outside"] == 1  # b3 has an external member
    assert metrics.loc[A, "weighted_degree"] == pytest.approx(2.0)
    assert not metrics.loc[V, "documented_formal_tie"]


def test_body_metrics(register: Register) -> None:
    bipartite, _ = build(register)
    metrics = nw.body_metrics(bipartite).set_index("body_id")
    assert metrics.loc["b3", ["n_members", "n_external"]].tolist() == [2, 1]
    assert metrics.loc["b3", "cross_district_share"] == pytest.approx(0.5)
    assert metrics.loc["b1", "population_covered"] == 6000
    assert metrics.loc["b1", "area_km2_covered"] == pytest.approx(60.0)


def test_district_summary(register: Register) -> None:
    _, projection = build(register, min_confidence="documented")
    summary = nw.district_summary(projection)
    assert summary["n_nodes"] == 4 and summary["n_ties"] == 1
    assert summary["density"] == pytest.approx(1 / 6)
    assert (summary["n_components"], summary["n_isolates"]) == (3, 2)
    assert summary["share_without_documented_formal_tie"] == pytest.approx(0.5)


def test_graphml_and_gexf_round_trip(register: Register, tmp_path) -> None:
    bipartite, projection = build(register)
    written = nw.export_graph(projection, "testdistrict", "projection", root=tmp_path)
    assert [p.suffix for p in written] == [".graphml", ".gexf"]
    assert written[0] == Path("data/processed/testdistrict/projection.graphml")
    back = nx.read_graphml(tmp_path / written[0])
    assert set(back.nodes) == set(projection.nodes)
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in projection.edges}
    assert back.edges[A, B]["weight"] == pytest.approx(1.5)
    assert back.edges[A, B]["documented"] is True
    assert back.nodes[A]["population"] == 1000
    nw.export_graph(bipartite, "testdistrict", "bipartite", root=tmp_path)
    back_bip = nx.read_graphml(tmp_path / "data/processed/testdistrict/bipartite.graphml")
    assert back_bip.edges[C, "body:b1"]["role"] == "service area only"
    assert nx.read_gexf(tmp_path / written[1]).number_of_edges() == projection.number_of_edges()


def test_export_graph_accepts_a_district_and_honours_the_environment(
    register: Register, tmp_path, monkeypatch
) -> None:
    from ikzlib.catalog import get_district

    monkeypatch.setenv("IKZ_OUTPUT_ROOT", str(tmp_path))
    _, projection = build(register)
    written = nw.export_graph(projection, get_district("harz"), "projection")
    assert (tmp_path / written[0]).is_file()
    assert written[0].parts[:3] == ("data", "processed", "harz")


def test_ties_table_is_sorted_by_weight_with_labels(register: Register) -> None:
    _, projection = build(register)
    ties = nw.ties_table(projection)
    assert list(ties["weight"]) == sorted(ties["weight"], reverse=True)
    assert (ties.loc[0, "a"], ties.loc[0, "b"], ties.loc[0, "count"]) == ("A", "B", 2)
    assert len(ties) == projection.number_of_edges()
    assert nw.ties_table(nx.Graph()).empty


def test_membership_counts_by_formality_and_evidence(register: Register) -> None:
    bipartite, _ = build(register)
    counts = nw.membership_counts(bipartite)
    assert counts.loc["B"].to_dict() == {
        "formal, documented": 2,
        "formal, inferred": 0,
        "informal, documented": 1,
    }
    assert counts.loc["C", "formal, inferred"] == 1  # the service area of b1
    assert counts.index[-1] == "B"  # most memberships last
    assert list(counts.columns) == [c for c in nw.MEMBERSHIP_GROUPS if c in counts.columns]


def layered_register(kreis_key: str = "15085") -> Register:
    """A LEADER area covering A, B and C, and a Zweckverband with the members A and B."""
    bodies = pd.DataFrame(
        [
            body("lag", "e.V.", "rural development (LEADER)"),
            body("zv", "Zweckverband", "water/wastewater"),
        ]
    )
    memberships = pd.DataFrame(
        [
            member("lag", "15085001", role="area"),
            member("lag", "15085002", role="area"),
            member("lag", "15085003", role="area"),
            member("zv", "15085001"),
            member("zv", "15085002"),
        ]
    )
    empty = pd.DataFrame()
    return Register(bodies, memberships, empty, empty, empty, kreis_key=kreis_key)


def test_area_coverage_never_counts_as_statutory_membership() -> None:
    register = layered_register()
    rows = nw.filter_memberships(register)
    assert rows.groupby("body_id")["layer"].first().to_dict() == {
        "lag": "leader",
        "zv": "statutory",
    }
    _, _, statutory = nw.build_layer(register, MUNICIPALITIES, "unit", layers=["statutory"])
    assert [tuple(sorted(e)) for e in statutory.edges] == [(A, B)]  # 1 tie, not 3
    _, _, every = nw.build_layer(register, MUNICIPALITIES, "unit")
    assert every.number_of_edges() == 3
    bipartite, _ = build(register, layers=["leader"])
    assert all(d["area_only"] for _, _, d in bipartite.edges(data=True))


def test_layer_overview_counts_each_layer_and_the_combinations() -> None:
    register = layered_register()
    rows = nw.overview_rows(register.land_key)
    assert tr(rows["statutory"][1]) == "Statutory IKZ (GKG LSA)"
    assert tr(rows["statutory"][1], "de") == "IKZ in gesetzlichen Formen (GKG LSA)"
    table = nw.layer_overview(register, MUNICIPALITIES, "unit", rows).set_index("layer")
    assert list(table.index) == ["statutory", "leader", "statutory_or_unclear", "all"]
    assert table.loc["statutory", ["n_bodies", "n_memberships", "n_ties"]].tolist() == [1, 2, 1]
    # Four unit nodes (A, B, C, V): 1 tie of 6 pairs; C and V have none.
    assert table.loc["statutory", "density"] == pytest.approx(1 / 6)
    assert table.loc["statutory", "n_without_tie"] == 2
    assert table.loc["leader", "n_ties"] == 3 and table.loc["all", "n_ties"] == 3
    assert isinstance(table.loc["leader", "label"], Message)  # translatable in tables


def test_statutory_forms_follow_the_land() -> None:
    lower_saxony = layered_register("03154")
    rows = nw.filter_memberships(lower_saxony)
    assert set(rows["layer"]) == {"leader", "statutory"}  # NKomZG § 1: Zweckverband too
    unknown = layered_register("")
    assert set(nw.filter_memberships(unknown)["layer"]) == {"leader", "unclear"}
    assert tr(nw.layer_label("statutory", None)) == "Statutory IKZ (Land law not recorded)"


def test_node_pairs_aggregate_gemeinde_pairs_to_units() -> None:
    nodes = nw.municipality_nodes(MUNICIPALITIES, "unit")
    pairs = {
        ("15085001", "15085011"),
        ("15085011", "15085012"),
        ("15085003", "15085012"),
        ("15085003", "15085011"),
        ("15085001", "99999999"),
    }
    assert nw.node_pairs(pairs, nodes) == {(A, V), (C, V)}


def test_gemeinde_level_min_confidence_applies_after_expansion(register: Register) -> None:
    register.memberships.loc[register.memberships["member_id"].eq("vg:150855001"), "confidence"] = (
        "documented"
    )
    _, bipartite, _ = nw.build_layer(
        register, MUNICIPALITIES, "gemeinde", min_confidence="documented"
    )
    assert not bipartite.has_edge("15085011", "body:b4")  # capped at inferred, then dropped
    _, bipartite, _ = nw.build_layer(register, MUNICIPALITIES, "unit", min_confidence="documented")
    assert bipartite.has_edge(V, "body:b4")


def test_layer_tags_differ_between_layers() -> None:
    assert nw.layer_tag("unit", min_confidence="inferred") == "unit_inferred"
    assert nw.layer_tag("unit", include_service_area=False) == "unit_inferred_noservice"
    one = nw.layer_tag("unit", legal_forms=["Zweckverband"])
    two = nw.layer_tag("unit", legal_forms=["eG"])
    assert one != two and one.startswith("unit_inferred_")
    assert one == nw.layer_tag("unit", legal_forms=["Zweckverband"], task_fields=None)
    assert nw.layer_tag("unit", layers=["statutory"]) != nw.layer_tag("unit", layers=["leader"])
