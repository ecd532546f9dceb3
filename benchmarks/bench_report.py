"""Time ``ikz report`` against the library computation it wraps; print both and their ratio.

The report runs in a subprocess with a temporary ``IKZ_OUTPUT_ROOT`` (the real reports are
not touched). The library-only figure is what notebook 01 does — the structure study
(``ikzlib.studies.structure.run``) and its figures (``ikzlib.figures.structure``) — without
Jupyter, papermill or the HTML export, so the ratio shows the runner's overhead. It prints
timings and ratios; it is not a test.

Usage: ``python benchmarks/bench_report.py [--district harz] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import tempfile
import time

# Figures of the library-only part go to a scratch root, never to the project's figures/.
os.environ["IKZ_OUTPUT_ROOT"] = tempfile.mkdtemp(prefix="ikz-bench-")
atexit.register(shutil.rmtree, os.environ["IKZ_OUTPUT_ROOT"], ignore_errors=True)
os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib.pyplot as plt  # noqa: E402
from cli_timing import ikz_seconds  # noqa: E402

from ikzlib import figures, paths  # noqa: E402
from ikzlib.figures import structure as plots  # noqa: E402
from ikzlib.studies import structure  # noqa: E402


def library_only(district: str) -> dict[str, float]:
    """Notebook 01's work without the notebook: the study, then its figures; seconds per step.

    The study's cache of the Germany-wide file is cleared first: a report reads it once.
    """
    steps = {}
    structure.clear_cache()
    started = time.perf_counter()
    study = structure.run(district)
    steps["structure study (run)"] = time.perf_counter() - started

    started = time.perf_counter()
    figures.apply_style()
    drawings = {
        "size_classes": plots.size_class_figure,
        "density": plots.density_figure,
        "map": plots.municipality_map_figure,
        "demography": plots.demography_figure if study.demography is not None else None,
        "national": plots.national_figure if study.position is not None else None,
    }
    for name, draw in drawings.items():
        if draw is None:
            continue
        fig = draw(study)
        source = plots.source_note(study, name)
        figures.save_figure(fig, district, f"bench_{name}", source=source)
        plt.close(fig)
    steps["figure rendering (PNG+SVG)"] = time.perf_counter() - started
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--district", default=paths.DEFAULT_DISTRICT)
    parser.add_argument("--repeat", type=int, default=3, help="library-only repetitions")
    args = parser.parse_args()

    runs = [library_only(args.district) for _ in range(args.repeat)]
    best = {step: min(run[step] for run in runs) for step in runs[0]}
    library = sum(best.values())
    print(f"library-only computation ({args.district}), best of {args.repeat}:")
    for step, seconds in best.items():
        print(f"  {step:32} {seconds:7.2f} s")
    print(f"  {'total':32} {library:7.2f} s")

    report = ["report", "--district", args.district]
    nb01 = ikz_seconds([*report, "--notebooks", "01"])
    print(
        f"ikz report --notebooks 01:         {nb01:7.2f} s  "
        f"(ratio to library-only: {nb01 / library:.1f}x)"
    )
    full = ikz_seconds(report)
    print(
        f"ikz report (all notebooks):        {full:7.2f} s  "
        f"(ratio to library-only notebook-01 work: {full / library:.1f}x)"
    )


if __name__ == "__main__":
    main()
