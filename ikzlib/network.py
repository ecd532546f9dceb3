"""Cooperation networks from the register: bipartite graph, projection, metrics, export.

The bipartite graph links *members* (municipalities of the district, aggregated to the chosen
node level, and other actors such as districts, companies or bodies acting as members) to
*bodies*. Every edge keeps the evidence of the memberships behind it (role, confidence,
legal form, task field), so layers can be cut by legal form, task field, minimum confidence
and role, and documented and inferred ties stay distinguishable.

Node levels: ``"unit"`` (default) uses the administrative units of the case study's Table 1
(Einheitsgemeinden and joint administrations, key = ARS digits 1-9); a membership of a
Verbandsgemeinde member Gemeinde or of the Verbandsgemeinde itself (``vg:<key>``) then
belongs to the unit. ``"gemeinde"`` uses the Gemeinden (AGS); a membership held by a
Verbandsgemeinde as a whole is attributed to each of its member Gemeinden with its
confidence capped at ``inferred`` (the sources do not say which member it concerns).

Layers answer "which forms does cooperation take": every membership row belongs to exactly one
layer (:func:`membership_layers`): statutory IKZ in the forms of the Land's cooperation law
(:data:`ikzlib.register.STATUTORY_FORMS`), joint administrations, associations and
cooperatives, companies and public institutions, informal networks, bodies whose legal form
is unclear, LEADER areas, catchment and service areas, and bodies of the district itself.
Rows with an area role (:data:`ikzlib.register.AREA_ROLES`) record coverage, never
membership, and so never enter the statutory layer.

The municipality projection weights a tie by Newman's collaboration weight
``sum over shared bodies b of 1 / (n_b - 1)`` where ``n_b`` counts all members of ``b`` in the
filtered bipartite graph (including actors outside the projection), next to the simple
count of shared bodies and the multiplexity (number of distinct task fields shared).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd

from ikzlib import i18n, paths
from ikzlib.i18n import Message
from ikzlib.io import atomic_path
from ikzlib.municipalities import administrative_units
from ikzlib.register import (
    AREA_ROLES,
    CONFIDENCE_RANK,
    FORMAL,
    INFORMAL,
    Register,
    statutory_forms,
)

if TYPE_CHECKING:
    from ikzlib.catalog import District

LEVELS = ("unit", "gemeinde")
MUNICIPALITY, BODY, ACTOR = "municipality", "body", "actor"
SERVICE_AREA = "service area only"
LEADER_TASK = "rural development (LEADER)"

STATUTORY = "statutory"
# Every membership row falls into exactly one layer, tested in this order (first match wins).
LAYERS = (
    STATUTORY,
    "joint_administration",
    "associations",
    "companies",
    "informal",
    "unclear",
    "leader",
    "service_areas",
    "district",
)
LAYER_LABELS = {
    STATUTORY: "Statutory IKZ ({law})",
    "joint_administration": "Joint administration (Verbandsgemeinde, Samtgemeinde)",
    "associations": "Associations and cooperatives (e.V., eG)",
    "companies": "Companies and public institutions (GmbH, AöR)",
    "informal": "Informal networks",
    "unclear": "Legal form or basis unclear",
    "leader": "LEADER areas",
    "service_areas": "Catchment and service areas",
    "district": "Bodies of the district (not IKZ)",
}
_JOINT_ADMINISTRATION = ("Verbandsgemeinde", "Samtgemeinde")
_ASSOCIATIONS = ("e.V.", "eG")
_COMPANIES = ("GmbH", "gGmbH", "kommunale Anstalt/AöR", "Eigenbetrieb")
_CATCHMENT_BODIES = ("Unterhaltungsverband",)  # membership follows the catchment by law
NO_LAW = "Land law not recorded"

i18n.register(
    {
        "Statutory IKZ ({law})": "IKZ in gesetzlichen Formen ({law})",
        "Joint administration (Verbandsgemeinde, Samtgemeinde)": (
            "Gemeinsame Verwaltung (Verbandsgemeinde, Samtgemeinde)"
        ),
        "Associations and cooperatives (e.V., eG)": "Vereine und Genossenschaften (e.V., eG)",
        "Companies and public institutions (GmbH, AöR)": ("Unternehmen und Anstalten (GmbH, AöR)"),
        "Informal networks": "Informelle Netzwerke",
        "Legal form or basis unclear": "Rechtsform oder Rechtsgrundlage unklar",
        "LEADER areas": "LEADER-Gebiete",
        "Catchment and service areas": "Einzugs- und Versorgungsgebiete",
        "Bodies of the district (not IKZ)": "Einrichtungen des Landkreises (keine IKZ)",
        NO_LAW: "Landesrecht nicht erfasst",
        "{first} or {second}": "{first} oder {second}",
        "all layers together": "alle Ebenen zusammen",
    }
)


def layer_label(key: str, land_key: str | None) -> Message:
    """Human label of a layer (a :class:`Message`); the statutory one names the Land's law."""
    if key == STATUTORY:
        forms = statutory_forms(land_key)
        return Message(LAYER_LABELS[STATUTORY], law=forms.law if forms else Message(NO_LAW))
    return Message(LAYER_LABELS[key])


def membership_layers(frame: pd.DataFrame, land_key: str | None) -> pd.Series:
    """The layer (:data:`LAYERS`) of each membership row joined with its body's attributes.

    Area roles go to the LEADER or catchment layer whatever the body's form; a LEADER body's
    rows are LEADER areas in any role; the district's own bodies come next; then the legal
    form decides. Without an entry for the Land in :data:`ikzlib.register.STATUTORY_FORMS`
    nothing is statutory, and the Land's forms fall into ``unclear``.
    """
    forms = statutory_forms(land_key)
    statutory = forms.forms if forms else ()
    form = frame["legal_form"]
    leader = frame["task_field"].eq(LEADER_TASK)
    conditions = [
        leader,
        frame["role"].isin(AREA_ROLES) | form.isin(_CATCHMENT_BODIES),
        frame["category"].eq("district body"),
        form.isin(statutory),
        form.isin(_JOINT_ADMINISTRATION),
        form.isin(_ASSOCIATIONS),
        form.isin(_COMPANIES),
        frame["formality"].eq(INFORMAL),
    ]
    choices = [
        "leader",
        "service_areas",
        "district",
        STATUTORY,
        "joint_administration",
        "associations",
        "companies",
        "informal",
    ]
    return pd.Series(
        np.select(conditions, choices, default="unclear"), index=frame.index, name="layer"
    )


_RANK_NAME = {rank: name for name, rank in CONFIDENCE_RANK.items()}
_BODY_ATTRS = ["name", "legal_form", "formality", "task_field", "category", "scope", "status"]


def body_node(body_id: str) -> str:
    """Node id of a body in the bipartite graph."""
    return f"body:{body_id}"


def municipality_nodes(municipalities: pd.DataFrame, level: str = "unit") -> pd.DataFrame:
    """Nodes of the projection with their attributes and the member ids that map to them.

    Returns
    -------
    pandas.DataFrame
        ``node_id``, ``name``, ``population``, ``area_km2``, ``lon``, ``lat``,
        ``gemeindeverband_key``, ``unit_key`` and ``member_ids`` (list of register member ids
        that belong to the node); sorted by ``node_id``.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    if level == "gemeinde":
        nodes = municipalities.assign(
            unit_key=municipalities["ars"].str[:9],
            node_id=municipalities["ags"],
            member_ids=municipalities["ags"].map(lambda a: [a]),
        )
    else:
        units = administrative_units(municipalities)
        members = [
            [*ags.split(";"), f"vg:{key}"]
            for key, ags in zip(units["unit_key"], units["member_ags"], strict=True)
        ]
        nodes = units.rename(columns={"unit_name": "name"}).assign(
            node_id=units["unit_key"],
            member_ids=members,
            gemeindeverband_key=units["unit_key"].str[5:9],  # ARS digits 6-9
        )
    nodes["population"] = nodes["population"].astype("int64")
    columns = [
        "node_id",
        "name",
        "population",
        "area_km2",
        "lon",
        "lat",
        "gemeindeverband_key",
        "unit_key",
        "member_ids",
    ]
    return nodes[columns].sort_values("node_id").reset_index(drop=True)


def filter_memberships(
    register: Register,
    *,
    legal_forms: Iterable[str] | None = None,
    task_fields: Iterable[str] | None = None,
    categories: Iterable[str] | None = None,
    layers: Iterable[str] | None = None,
    min_confidence: str = "inferred",
    include_service_area: bool = True,
    include_historical: bool = False,
) -> pd.DataFrame:
    """Memberships joined with their body's attributes and ``layer``, cut to one layer.

    Parameters
    ----------
    legal_forms, task_fields, categories
        Keep only bodies with these values (``None`` keeps all).
    layers
        Keep only rows in these layers (:data:`LAYERS`, see :func:`membership_layers`).
    min_confidence
        ``documented``, ``inferred`` or ``unknown``: weakest confidence kept.
    include_service_area
        Keep rows whose role is ``service area only`` (catchment, not membership).
    include_historical
        Keep ended bodies and membership rows with an ``until`` year.
    """
    if min_confidence not in CONFIDENCE_RANK:
        raise ValueError(f"min_confidence must be one of {list(CONFIDENCE_RANK)}")
    bodies = register.bodies.set_index("body_id")[_BODY_ATTRS]
    frame = register.memberships.join(bodies, on="body_id")
    frame["layer"] = membership_layers(frame, register.land_key)
    keep = frame["confidence"].map(CONFIDENCE_RANK) >= CONFIDENCE_RANK[min_confidence]
    if legal_forms is not None:
        keep &= frame["legal_form"].isin(list(legal_forms))
    if task_fields is not None:
        keep &= frame["task_field"].isin(list(task_fields))
    if categories is not None:
        keep &= frame["category"].isin(list(categories))
    if layers is not None:
        keep &= frame["layer"].isin(list(layers))
    if not include_service_area:
        keep &= frame["role"].ne(SERVICE_AREA)
    if not include_historical:
        keep &= frame["status"].ne("ended") & frame["until"].isna()
    return frame[keep].reset_index(drop=True)


def _resolve_members(memberships: pd.DataFrame, nodes: pd.DataFrame, level: str) -> pd.DataFrame:
    """Add ``node_id`` and ``node_kind``; expand Verbandsgemeinde rows at Gemeinde level."""
    lookup = {
        m: n for n, ids in zip(nodes["node_id"], nodes["member_ids"], strict=True) for m in ids
    }
    rows = []
    for row in memberships.to_dict("records"):
        member = row["member_id"]
        if level == "gemeinde" and member.startswith("vg:"):
            key = member[3:]
            inside = nodes.loc[nodes["unit_key"].eq(key), "node_id"].tolist()
            if inside:
                capped = min(CONFIDENCE_RANK[row["confidence"]], CONFIDENCE_RANK["inferred"])
                for node in inside:
                    rows.append(
                        {
                            **row,
                            "node_id": node,
                            "node_kind": MUNICIPALITY,
                            "confidence": _RANK_NAME[capped],
                            "via": member,
                        }
                    )
                continue
        if member in lookup and not row["external"]:
            rows.append({**row, "node_id": lookup[member], "node_kind": MUNICIPALITY, "via": ""})
        else:
            node = f"member-{member}" if member.startswith("body:") else member
            rows.append({**row, "node_id": node, "node_kind": ACTOR, "via": ""})
    return pd.DataFrame(rows, columns=[*memberships.columns, "node_id", "node_kind", "via"])


def bipartite_graph(
    memberships: pd.DataFrame,
    nodes: pd.DataFrame,
    level: str = "unit",
    min_confidence: str = "unknown",
) -> nx.Graph:
    """Bipartite graph members x bodies from filtered memberships.

    Parameters
    ----------
    memberships
        Output of :func:`filter_memberships`.
    nodes
        Output of :func:`municipality_nodes` for the same ``level``. Every municipality node
        is added, also when it has no membership (isolates matter).
    min_confidence
        Applied again after Verbandsgemeinde memberships were attributed to the member
        Gemeinden (level ``gemeinde``), whose confidence is capped at ``inferred``.

    Returns
    -------
    networkx.Graph
        Node attribute ``kind`` (municipality / actor / body) and ``bipartite`` (0 members,
        1 bodies). Edge attributes: ``role`` (roles joined by "; "), ``confidence`` (strongest
        evidence of the merged rows), ``service_area_only``, ``area_only`` (every row has an
        area role), ``layer`` (the first of :data:`LAYERS` among the rows), ``legal_form``,
        ``formality``, ``task_field``, ``via``, ``n_rows``.
    """
    graph = nx.Graph()
    for node in nodes.to_dict("records"):
        graph.add_node(
            node["node_id"],
            kind=MUNICIPALITY,
            bipartite=0,
            label=node["name"],
            population=int(node["population"]),
            area_km2=float(node["area_km2"]),
            lon=float(node["lon"]),
            lat=float(node["lat"]),
            gemeindeverband_key=node["gemeindeverband_key"],
        )
    resolved = _resolve_members(memberships, nodes, level)
    rows = [
        row
        for row in resolved.to_dict("records")
        if CONFIDENCE_RANK[row["confidence"]] >= CONFIDENCE_RANK[min_confidence]
    ]
    # Plain dicts: a pandas groupby per layer cost seconds for a report's 30 layer graphs.
    by_body: dict[str, list[dict]] = {}
    by_edge: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        by_body.setdefault(row["body_id"], []).append(row)
        by_edge.setdefault((row["node_id"], row["body_id"]), []).append(row)
    for body_id in sorted(by_body):
        first = by_body[body_id][0]
        graph.add_node(
            body_node(body_id),
            kind=BODY,
            bipartite=1,
            label=first["name"],
            **{a: first[a] for a in _BODY_ATTRS if a != "name"},
        )
    actors = {row["node_id"]: row for row in reversed(rows) if row["node_kind"] == ACTOR}
    for node_id in dict.fromkeys(row["node_id"] for row in rows):
        if node_id in actors:
            row = actors[node_id]
            graph.add_node(
                node_id,
                kind=ACTOR,
                bipartite=0,
                label=row["member_name"],
                member_type=row["member_type"],
                external=bool(row["external"]),
            )
    for node, body_id in sorted(by_edge):
        group = by_edge[node, body_id]
        first = group[0]
        roles = {row["role"] for row in group}
        graph.add_edge(
            node,
            body_node(body_id),
            role="; ".join(sorted(roles)),
            confidence=_RANK_NAME[max(CONFIDENCE_RANK[row["confidence"]] for row in group)],
            service_area_only=roles == {SERVICE_AREA},
            area_only=roles <= set(AREA_ROLES),
            layer=min((row["layer"] for row in group), key=LAYERS.index),
            legal_form=first["legal_form"],
            formality=first["formality"],
            task_field=first["task_field"],
            via="; ".join(sorted({row["via"] for row in group if row["via"]})),
            n_rows=len(group),
        )
    return graph


def build_layer(
    register: Register, municipalities: pd.DataFrame, level: str = "unit", **layer
) -> tuple[pd.DataFrame, nx.Graph, nx.Graph]:
    """Nodes, bipartite graph and projection of one layer (``layer``: see
    :func:`filter_memberships`)."""
    nodes = municipality_nodes(municipalities, level)
    return nodes, *_layer_graphs(register, nodes, level, **layer)


def _layer_graphs(
    register: Register, nodes: pd.DataFrame, level: str, **layer
) -> tuple[nx.Graph, nx.Graph]:
    """Bipartite graph and projection of one layer on given nodes."""
    memberships = filter_memberships(register, **layer)
    minimum = layer.get("min_confidence", "inferred")
    bipartite = bipartite_graph(memberships, nodes, level, min_confidence=minimum)
    return bipartite, project(bipartite)


def layer_tag(level: str, **layer) -> str:
    """Short file-name tag of a layer: level, confidence, service areas, filter digest.

    Layers that differ in any setting get different tags, so exports do not overwrite each
    other; the digest is deterministic (SHA-1 of the sorted settings).
    """
    tag = f"{level}_{layer.get('min_confidence', 'inferred')}"
    if not layer.get("include_service_area", True):
        tag += "_noservice"
    if layer.get("include_historical", False):
        tag += "_historical"
    filters = {
        k: sorted(v)
        for k, v in layer.items()
        if k in ("legal_forms", "task_fields", "categories", "layers") and v is not None
    }
    if filters:
        digest = hashlib.sha1(json.dumps(filters, sort_keys=True).encode()).hexdigest()
        tag += f"_{digest[:8]}"
    return tag


def _nodes_of_kind(graph: nx.Graph, kind: str) -> list[str]:
    return sorted(n for n, k in graph.nodes(data="kind") if k == kind)


def project(bipartite: nx.Graph) -> nx.Graph:
    """Municipality x municipality projection with Newman weights, counts and multiplexity.

    Edge attributes: ``weight`` (Newman collaboration weight), ``count`` (shared bodies),
    ``multiplexity`` (distinct task fields shared), ``bodies``, ``task_fields``,
    ``legal_forms`` (sorted, "; "-joined), ``confidence`` (best over shared bodies of the
    weaker of the two memberships), ``documented`` (some shared body with both memberships
    documented), ``formal`` / ``informal`` (some shared body of that formality) and
    ``documented_formal`` (some formal shared body with both memberships documented).
    """
    municipalities = _nodes_of_kind(bipartite, MUNICIPALITY)
    graph = nx.Graph()
    graph.add_nodes_from((n, dict(bipartite.nodes[n])) for n in municipalities)
    shared: dict[tuple[str, str], list[tuple[str, float, int]]] = {}
    for body in _nodes_of_kind(bipartite, BODY):
        neighbours = sorted(bipartite.neighbors(body))
        n_b = len(neighbours)
        inside = [n for n in neighbours if bipartite.nodes[n]["kind"] == MUNICIPALITY]
        for u, v in combinations(inside, 2):
            rank = min(
                CONFIDENCE_RANK[bipartite.edges[u, body]["confidence"]],
                CONFIDENCE_RANK[bipartite.edges[v, body]["confidence"]],
            )
            shared.setdefault((u, v), []).append((body, 1.0 / (n_b - 1), rank))
    for (u, v), items in sorted(shared.items()):
        attrs = [bipartite.nodes[b] for b, _, _ in items]
        documented = CONFIDENCE_RANK["documented"]
        graph.add_edge(
            u,
            v,
            weight=float(sum(w for _, w, _ in items)),
            count=len(items),
            multiplexity=len({a["task_field"] for a in attrs}),
            bodies="; ".join(b.removeprefix("body:") for b, _, _ in items),
            task_fields="; ".join(sorted({a["task_field"] for a in attrs})),
            legal_forms="; ".join(sorted({a["legal_form"] for a in attrs})),
            confidence=_RANK_NAME[max(r for _, _, r in items)],
            documented=any(r == documented for _, _, r in items),
            formal=any(a["formality"] == FORMAL for a in attrs),
            informal=any(a["formality"] == INFORMAL for a in attrs),
            documented_formal=any(
                r == documented and a["formality"] == FORMAL
                for (_, _, r), a in zip(items, attrs, strict=True)
            ),
        )
    return graph


def municipality_metrics(bipartite: nx.Graph, projection: nx.Graph) -> pd.DataFrame:
    """Per municipality node: degree, weighted degree, betweenness and membership counts.

    ``betweenness`` is the normalised shortest-path betweenness of the unweighted projection;
    ``bodies_reaching_outside`` counts bodies with a scope beyond the district or with an
    external member.
    """
    betweenness = nx.betweenness_centrality(projection, normalized=True)
    rows = []
    for node in _nodes_of_kind(bipartite, MUNICIPALITY):
        edges = [(b, bipartite.edges[node, b]) for b in bipartite.neighbors(node)]
        formality = [bipartite.nodes[b]["formality"] for b, _ in edges]
        rows.append(
            {
                "node_id": node,
                "name": bipartite.nodes[node]["label"],
                "population": bipartite.nodes[node]["population"],
                "degree": projection.degree(node),
                "weighted_degree": float(projection.degree(node, weight="weight")),
                "shared_bodies": int(projection.degree(node, weight="count")),
                "betweenness": float(betweenness[node]),
                "n_bodies": len(edges),
                "n_formal": formality.count(FORMAL),
                "n_informal": formality.count(INFORMAL),
                "n_form_unknown": len(formality)
                - formality.count(FORMAL)
                - formality.count(INFORMAL),
                "n_documented": sum(e["confidence"] == "documented" for _, e in edges),
                "n_inferred": sum(e["confidence"] == "inferred" for _, e in edges),
                "bodies_reaching_outside": sum(_reaches_outside(bipartite, b) for b, _ in edges),
                "documented_formal_tie": any(
                    d for _, _, d in projection.edges(node, data="documented_formal")
                ),
            }
        )
    return pd.DataFrame(rows).sort_values("node_id").reset_index(drop=True)


def _reaches_outside(bipartite: nx.Graph, body: str) -> bool:
    if bipartite.nodes[body]["scope"] in ("cross-district", "cross-state"):
        return True
    return any(bipartite.nodes[n].get("external", False) for n in bipartite.neighbors(body))


def body_metrics(bipartite: nx.Graph) -> pd.DataFrame:
    """Per body: members, municipality members, population and area covered, external share.

    Population and area are summed over the municipality nodes linked to the body, so for
    members that take part only with some Ortsteile they overstate the span.
    """
    rows = []
    for body in _nodes_of_kind(bipartite, BODY):
        neighbours = list(bipartite.neighbors(body))
        inside = [n for n in neighbours if bipartite.nodes[n]["kind"] == MUNICIPALITY]
        external = [n for n in neighbours if bipartite.nodes[n].get("external", False)]
        attrs = bipartite.nodes[body]
        rows.append(
            {
                "body_id": body.removeprefix("body:"),
                "name": attrs["label"],
                "legal_form": attrs["legal_form"],
                "task_field": attrs["task_field"],
                "n_members": len(neighbours),
                "n_municipalities": len(inside),
                "n_external": len(external),
                "population_covered": int(sum(bipartite.nodes[n]["population"] for n in inside)),
                "area_km2_covered": round(
                    float(sum(bipartite.nodes[n]["area_km2"] for n in inside)), 2
                ),
                "cross_district_share": len(external) / len(neighbours) if neighbours else np.nan,
            }
        )
    return pd.DataFrame(rows).sort_values("body_id").reset_index(drop=True)


def district_summary(projection: nx.Graph) -> dict[str, float | int]:
    """Density, components, isolates and the share of nodes without a documented formal tie."""
    n = projection.number_of_nodes()
    without = [
        v
        for v in projection
        if not any(d for _, _, d in projection.edges(v, data="documented_formal"))
    ]
    return {
        "n_nodes": n,
        "n_ties": projection.number_of_edges(),
        "density": float(nx.density(projection)) if n > 1 else 0.0,
        "n_components": nx.number_connected_components(projection) if n else 0,
        "n_isolates": nx.number_of_isolates(projection),
        "share_without_documented_formal_tie": len(without) / n if n else 0.0,
    }


def adjacency(projection: nx.Graph, nodes: list[str], attribute: str | None = None) -> np.ndarray:
    """Symmetric adjacency matrix in ``nodes`` order (binary, or an edge attribute)."""
    matrix = nx.to_numpy_array(projection, nodelist=nodes, weight=attribute, nonedge=0.0)
    if attribute is None:
        matrix = (matrix > 0).astype(float)
    return matrix


def _graph_for_export(graph: nx.Graph) -> nx.Graph:
    """Copy with attribute values GraphML/GEXF can store (no None/NaN, plain scalars)."""
    clean = nx.Graph()

    def scalar(value):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        if isinstance(value, np.generic):
            return value.item()
        return value

    clean.add_nodes_from(
        (n, {k: scalar(v) for k, v in d.items()}) for n, d in graph.nodes(data=True)
    )
    clean.add_edges_from(
        (u, v, {k: scalar(x) for k, x in d.items()}) for u, v, d in graph.edges(data=True)
    )
    return clean


def export_graph(
    graph: nx.Graph, district: str | District, name: str, *, root: str | Path | None = None
) -> list[Path]:
    """Write ``<name>.graphml`` and ``<name>.gexf`` to the district's processed-data folder.

    Parameters
    ----------
    graph
        Bipartite graph or projection.
    district
        District key or :class:`~ikzlib.catalog.District`.
    name
        File stem, e.g. ``"02_projection_unit_inferred"``.
    root
        Output root (see :mod:`ikzlib.paths`); the report runner passes its staging folder.

    Returns
    -------
    list of pathlib.Path
        The written paths (written atomically), relative to the output root.
    """
    key = district if isinstance(district, str) else district.key
    clean = _graph_for_export(graph)
    folder = paths.processed_dir(key, root)
    written = []
    for suffix, writer in ((".graphml", nx.write_graphml), (".gexf", nx.write_gexf)):
        target = folder / f"{name}{suffix}"
        with atomic_path(target) as tmp:
            writer(clean, tmp)
        written.append(target.relative_to(paths.output_root(root)))
    return written


def node_pairs(ags_pairs: Iterable[tuple[str, str]], nodes: pd.DataFrame) -> set[tuple[str, str]]:
    """Map Gemeinde pairs (e.g. shared borders) to node pairs, dropping pairs inside a node."""
    lookup = {
        m: n for n, ids in zip(nodes["node_id"], nodes["member_ids"], strict=True) for m in ids
    }
    pairs = set()
    for a, b in ags_pairs:
        if a in lookup and b in lookup and lookup[a] != lookup[b]:
            pairs.add(tuple(sorted((lookup[a], lookup[b]))))
    return pairs


STATUTORY_OR_UNCLEAR, ALL_LAYERS = "statutory_or_unclear", "all"
i18n.register(
    {
        "Statutory IKZ ({law}) or legal basis unclear (upper bound)": (
            "IKZ in gesetzlichen Formen ({law}) oder Rechtsgrundlage unklar (Obergrenze)"
        ),
        "All layers together (membership and area coverage mixed)": (
            "Alle Ebenen zusammen (Mitgliedschaft und Gebietsabdeckung vermischt)"
        ),
    }
)


def overview_rows(land_key: str | None) -> dict[str, tuple[tuple[str, ...], str]]:
    """Rows of :func:`layer_overview`: row key -> (layers combined, label).

    Each layer of :data:`LAYERS` alone, then two combinations: statutory IKZ together with
    the bodies whose legal form or basis is unclear (an upper bound if those are statutory),
    and all layers together (what a projection of the whole register shows).
    """
    rows = {key: ((key,), layer_label(key, land_key)) for key in LAYERS}
    forms = statutory_forms(land_key)
    law = forms.law if forms else Message(NO_LAW)
    rows[STATUTORY_OR_UNCLEAR] = (
        (STATUTORY, "unclear"),
        Message("Statutory IKZ ({law}) or legal basis unclear (upper bound)", law=law),
    )
    rows[ALL_LAYERS] = (
        LAYERS,
        Message("All layers together (membership and area coverage mixed)"),
    )
    return rows


def layer_overview(
    register: Register,
    municipalities: pd.DataFrame,
    level: str,
    rows: Mapping[str, tuple[tuple[str, ...], str]],
    *,
    include_historical: bool = False,
) -> pd.DataFrame:
    """Bodies, memberships and ties of each row of layers, on documented and inferred evidence.

    Parameters
    ----------
    rows
        Row key -> (layers, label), e.g. :func:`overview_rows`.

    Returns
    -------
    pandas.DataFrame
        One row per entry of ``rows`` that has a membership in the register: ``layer``,
        ``label``, ``n_bodies``, ``n_memberships`` (rows, documented or inferred),
        ``n_documented``; on documented memberships ``n_ties``, ``density``,
        ``n_without_tie`` and ``share_without_tie``; with inferred memberships added
        ``n_ties_with_inferred`` and ``density_with_inferred``.
    """
    records = []
    nodes = municipality_nodes(municipalities, level)
    for key, (layers, label) in rows.items():
        settings = {"layers": list(layers), "include_historical": include_historical}
        rows_kept = filter_memberships(register, **settings)
        if rows_kept.empty:
            continue
        _, documented = _layer_graphs(
            register, nodes, level, min_confidence="documented", **settings
        )
        _, inferred = _layer_graphs(register, nodes, level, min_confidence="inferred", **settings)
        summary = district_summary(documented)
        n = summary["n_nodes"]
        records.append(
            {
                "layer": key,
                "label": label,
                "n_bodies": rows_kept["body_id"].nunique(),
                "n_memberships": len(rows_kept),
                "n_documented": int(rows_kept["confidence"].eq("documented").sum()),
                "n_ties": summary["n_ties"],
                "density": summary["density"],
                "n_without_tie": summary["n_isolates"],
                "share_without_tie": summary["n_isolates"] / n if n else 0.0,
                "n_ties_with_inferred": inferred.number_of_edges(),
                "density_with_inferred": float(nx.density(inferred)) if n > 1 else 0.0,
            }
        )
    frame = pd.DataFrame(records)
    if len(frame):  # object dtype keeps the labels as Messages (translatable at display time)
        frame["label"] = pd.Series([r["label"] for r in records], dtype=object)
    return frame


def ties_table(projection: nx.Graph) -> pd.DataFrame:
    """The ties of a projection, strongest (Newman weight) first.

    Columns: ``a``, ``b`` (node labels), ``weight``, ``count``, ``multiplexity``,
    ``confidence``, ``documented_formal``, ``task_fields``.
    """
    columns = [
        "a",
        "b",
        "weight",
        "count",
        "multiplexity",
        "confidence",
        "documented_formal",
        "task_fields",
    ]
    rows = [
        {"a": projection.nodes[u]["label"], "b": projection.nodes[v]["label"], **data}
        for u, v, data in projection.edges(data=True)
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values("weight", ascending=False, kind="stable").reset_index(drop=True)


MEMBERSHIP_GROUPS = [
    f"{formality}, {confidence}"
    for formality in (FORMAL, INFORMAL, "unknown")
    for confidence in ("documented", "inferred", "unknown")
]


def membership_counts(bipartite: nx.Graph) -> pd.DataFrame:
    """Memberships per municipality node by formality of the body and evidence.

    Returns
    -------
    pandas.DataFrame
        Index: municipality label; columns: the groups of :data:`MEMBERSHIP_GROUPS` that
        occur (``"formal, documented"`` ...); rows ordered by total, fewest first.
    """
    labels = {n: d["label"] for n, d in bipartite.nodes(data=True) if d["kind"] == MUNICIPALITY}
    rows = [
        {
            "municipality": label,
            "group": f"{bipartite.nodes[body]['formality']}, "
            f"{bipartite.edges[node, body]['confidence']}",
        }
        for node, label in labels.items()
        for body in bipartite[node]
    ]
    counts = (
        pd.DataFrame(rows, columns=["municipality", "group"])
        .pivot_table(index="municipality", columns="group", aggfunc="size", fill_value=0)
        .reindex(sorted(labels.values()), fill_value=0)
    )
    counts = counts.reindex(columns=[c for c in MEMBERSHIP_GROUPS if c in counts.columns])
    counts.columns.name = None
    return counts.loc[counts.sum(axis=1).sort_values(kind="stable").index]
