"""Timing of the register, the network construction and the QAP tie model.

Prints the time to load and validate the Harz register, to build the bipartite graph and
its projection at both node levels, and the QAP tests (correlation and logit) for the Harz
projection and for a synthetic district of 234 nodes (the largest German district by its
number of municipalities), with the ratio logit QAP / correlation QAP.
"""

from __future__ import annotations

import time
from functools import partial

import networkx as nx
import numpy as np
import pandas as pd

from ikzlib import network, tie_model
from ikzlib.municipalities import load_municipalities
from ikzlib.register import load_register


def timed(label: str, func, repeat: int = 1):
    start = time.perf_counter()
    for _ in range(repeat):
        result = func()
    seconds = (time.perf_counter() - start) / repeat
    print(f"{label:<58} {seconds * 1000:10.1f} ms")
    return result, seconds


def synthetic(n: int, seed: int) -> tuple[pd.DataFrame, nx.Graph]:
    rng = np.random.default_rng(seed)
    nodes = pd.DataFrame(
        {
            "node_id": [f"n{i:03d}" for i in range(n)],
            "population": np.round(rng.lognormal(np.log(2_000), 1.1, size=n)).astype(int) + 50,
            "lon": rng.uniform(10.5, 11.5, size=n),
            "lat": rng.uniform(51.6, 52.0, size=n),
            "gemeindeverband_key": [f"{i // 8:04d}" for i in range(n)],
        }
    )
    distance = tie_model.covariate_matrices(nodes)["distance_km"]
    probability = 1 / (1 + np.exp(-(1.0 - 0.15 * distance)))
    upper = np.triu(rng.random((n, n)) < probability, k=1)
    graph = nx.Graph()
    graph.add_nodes_from(nodes["node_id"])
    graph.add_edges_from(
        (nodes["node_id"][i], nodes["node_id"][j]) for i, j in zip(*np.nonzero(upper), strict=True)
    )
    return nodes, graph


def qap_ratio(label: str, y: np.ndarray, matrices: dict, permutations: int) -> None:
    """Time the correlation and the logit QAP test on one network; print their ratio."""
    _, corr = timed(
        f"QAP correlation, {label}, {permutations} permutations",
        lambda: tie_model.qap_test(y, matrices, tie_model.correlation_statistic, permutations),
    )
    _, logit = timed(
        f"QAP logit, {label}, {permutations} permutations",
        lambda: tie_model.qap_test(y, matrices, tie_model.logit_statistic, permutations),
    )
    print(f"ratio logit / correlation QAP ({len(y)} nodes): {logit / corr:.1f}")


if __name__ == "__main__":
    register, _ = timed("load + validate Harz register", lambda: load_register("harz"), 5)
    municipalities = load_municipalities("harz")
    for level in network.LEVELS:
        nodes = network.municipality_nodes(municipalities, level)
        memberships = network.filter_memberships(register)
        bipartite, _ = timed(
            f"bipartite graph ({level})",
            partial(network.bipartite_graph, memberships, nodes, level),
            5,
        )
        timed(f"projection ({level})", partial(network.project, bipartite), 5)
    nodes = network.municipality_nodes(municipalities, "unit")
    projection = network.project(
        network.bipartite_graph(network.filter_memberships(register), nodes, "unit")
    )
    y = network.adjacency(projection, list(nodes["node_id"]))
    qap_ratio("Harz units", y, tie_model.covariate_matrices(nodes), 999)
    big_nodes, big_graph = synthetic(234, seed=1)
    y_big = network.adjacency(big_graph, list(big_nodes["node_id"]))
    qap_ratio("234 nodes", y_big, tie_model.covariate_matrices(big_nodes), 99)
