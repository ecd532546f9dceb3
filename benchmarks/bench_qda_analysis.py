"""Timing of the coded-data analyses on the synthetic demo project at growing sizes.

For demo projects of 16, 64 and 256 invented interviews (two coders), times the code
frequencies, document and segment co-occurrence, document and segment agreement and a
saturation bootstrap of 1,000 orders. Prints the timings, the time per coding and the growth
ratio from one size to the next (about 4 means linear in the number of interviews).
"""

from __future__ import annotations

import time

from ikzlib.qda import agreement, analysis, cooccurrence, demo, saturation

SIZES = (16, 64, 256)


def timed(function, *args, **kwargs) -> float:
    start = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - start


def measure(n_documents: int) -> dict[str, float]:
    project = demo.demo_project(n_documents, seed=1)
    coders = demo.CODERS
    sets = saturation.code_sets(project)
    return {
        "codings": len(project.codings),
        "frequencies": timed(analysis.code_frequencies, project),
        "cooccurrence_doc": timed(cooccurrence.cooccurrence, project),
        "cooccurrence_seg": timed(cooccurrence.cooccurrence, project, level="segment"),
        "agreement_doc": timed(agreement.document_agreement, project, *coders),
        "agreement_seg": timed(agreement.segment_agreement, project, *coders),
        "saturation_1000": timed(saturation.bootstrap_saturation, sets, n_bootstrap=1000),
    }


if __name__ == "__main__":
    results = {n: measure(n) for n in SIZES}
    tasks = [k for k in results[SIZES[0]] if k != "codings"]
    print(f"{'task':<18}" + "".join(f"{n:>10} docs" for n in SIZES) + "   ratio per x4")
    for task in tasks:
        times = [results[n][task] for n in SIZES]
        ratios = " ".join(f"{b / a:5.1f}" for a, b in zip(times, times[1:], strict=False))
        print(f"{task:<18}" + "".join(f"{t:>13.3f}s" for t in times) + f"   {ratios}")
    largest = results[SIZES[-1]]
    print(
        f"segment agreement per coding at {SIZES[-1]} docs: "
        f"{1e3 * largest['agreement_seg'] / largest['codings']:.2f} ms "
        f"({int(largest['codings'])} codings)"
    )
