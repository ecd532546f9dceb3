"""Timing of the register, the network construction and the QAP tie model.

Prints the time to load and validate the Harz register, to build the bipartite graph and
its projection at both node levels, and the QAP tests for the Harz projection and for a
synthetic district of 234 nodes (the largest German district by its number of
municipalities):

* correlation and logit QAP before (``ikzlib/tie_model.py`` at commit ``BEFORE``: one
  statsmodels ``Logit`` fit and one ``np.corrcoef`` per permutation) and after (batched
  NumPy), the same permutations on both sides, with the ratio before / after;
* the largest difference between the two in the observed coefficients, the permuted
  coefficients and the p-values;
* the new Dekker (double semi-partialling) logit QAP, which fits one model per covariate
  and permutation.

Times are wall and CPU time of this process; ratios use CPU time, which a busy machine
distorts less. The load average and ``OPENBLAS_NUM_THREADS`` are printed first: the
statsmodels path calls BLAS, which with two threads on a busy two-core machine spins.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import types
from functools import partial
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from ikzlib import network, tie_model
from ikzlib.municipalities import load_municipalities
from ikzlib.register import load_register

BEFORE = "44380e3"  # last commit whose tie_model fitted every permutation with statsmodels
ROOT = Path(__file__).resolve().parents[1]


def timed(label: str, func, repeat: int = 1):
    """Run ``func``; print wall and CPU time per run; return the result and the CPU time.

    CPU time of this process is the fairer measure on a shared machine: the code is
    single-threaded (NumPy's einsum), so waiting for a core does not count.
    """
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        result = func()
    seconds = (time.perf_counter() - start) / repeat
    cpu_seconds = (time.process_time() - cpu) / repeat
    print(f"{label:<52} {seconds * 1000:9.1f} ms wall {cpu_seconds * 1000:9.1f} ms CPU")
    return result, cpu_seconds


def tie_model_before() -> types.ModuleType:
    """``ikzlib.tie_model`` as of commit ``BEFORE``, imported under another name."""
    source = subprocess.run(
        ["git", "show", f"{BEFORE}:ikzlib/tie_model.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType("tie_model_before")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{BEFORE}:ikzlib/tie_model.py", "exec"), module.__dict__)
    return module


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


def largest_difference(new: np.ndarray, old: np.ndarray) -> float:
    """Largest absolute difference where both are defined; inf if they disagree on NaN."""
    new, old = np.asarray(new, dtype=float), np.asarray(old, dtype=float)
    if not np.array_equal(np.isnan(new), np.isnan(old)):
        return float("inf")
    both = ~np.isnan(new)
    return float(np.max(np.abs(new[both] - old[both]), initial=0.0))


def compare_qap(
    label: str, y: np.ndarray, matrices: dict, permutations: int, before: types.ModuleType
) -> None:
    """Time both QAP tests before and after on the same permutations; print the differences."""
    seed = 0
    for name in ("correlation_statistic", "logit_statistic"):
        kind = name.split("_")[0]
        old, t_old = timed(
            f"QAP {kind}, {label}, {permutations} perm., before",
            lambda name=name: before.qap_test(y, matrices, getattr(before, name), permutations),
        )
        new, t_new = timed(
            f"QAP {kind}, {label}, {permutations} perm., after",
            lambda name=name: tie_model.qap_test(
                y, matrices, getattr(tie_model, name), permutations
            ),
        )
        observed = largest_difference(new["observed"], old["observed"])
        p_value = largest_difference(new["p_value"], old["p_value"])
        same_valid = np.array_equal(new["n_valid"], old["n_valid"])
        print(f"  ratio before / after (CPU): {t_old / t_new:.1f}")
        print(
            f"  largest difference: observed {observed:.1e}, p-value {p_value:.1e}, "
            f"same valid permutations: {same_valid}"
        )
    sample = tie_model.qap_permutations(len(y), min(permutations, 50), seed)
    fast = tie_model.logit_statistic.y_permuted(y, matrices, sample)
    slow = [before.logit_statistic(tie_model.qap_permute(y, p), matrices) for p in sample]
    print(
        f"  largest difference of permuted logit coefficients ({len(sample)} permutations): "
        f"{largest_difference(fast, np.array(slow)):.1e}"
    )


def time_dekker(label: str, y: np.ndarray, matrices: dict, permutations: int) -> None:
    timed(
        f"QAP logit Dekker, {label}, {permutations} permutations",
        lambda: tie_model.qap_test(
            y, matrices, tie_model.logit_statistic, permutations, method="dekker"
        ),
    )


if __name__ == "__main__":
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}"
    )
    before = tie_model_before()
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
    harz = tie_model.covariate_matrices(nodes)
    compare_qap("Harz units", y, harz, 999, before)
    time_dekker("Harz units", y, harz, 999)
    big_nodes, big_graph = synthetic(234, seed=1)
    y_big = network.adjacency(big_graph, list(big_nodes["node_id"]))
    big = tie_model.covariate_matrices(big_nodes)
    compare_qap("234 nodes", y_big, big, 199, before)
    timed(
        "QAP logit, 234 nodes, 999 permutations, after",
        lambda: tie_model.qap_test(y_big, big, tie_model.logit_statistic, 999),
    )
    time_dekker("234 nodes", y_big, big, 199)
