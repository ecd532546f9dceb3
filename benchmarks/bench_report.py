"""Time ``ikz report`` against the library computation it wraps; print both and their ratio.

The report runs in a subprocess with a temporary ``IKZ_OUTPUT_ROOT`` (the real reports are
not touched). The library-only figure repeats what notebook 01 computes — load, aggregate,
Table-1 comparison, national comparison, boundaries, and rendering its figures — without
Jupyter, papermill or the HTML export, so the ratio shows the runner's overhead.

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

from ikzlib import boundaries, catalog, destatis, figures, paths  # noqa: E402
from ikzlib.municipalities import administrative_units, load_municipalities  # noqa: E402
from ikzlib.structure import compare_units, read_published_units, size_class_table  # noqa: E402


def library_only(district: str) -> dict[str, float]:
    """Notebook 01's computation without the notebook; returns seconds per step."""
    steps = {}
    started = time.perf_counter()
    info = catalog.get_district(district)
    municipalities = load_municipalities(district)
    units = administrative_units(municipalities)
    table1 = paths.raw_dir(district) / "table1_fallstudie.csv"
    if table1.exists():
        compare_units(units, read_published_units(table1))
    classes = size_class_table(municipalities)
    steps["load + aggregate + compare"] = time.perf_counter() - started

    started = time.perf_counter()
    gv = paths.reference_file("destatis/31122021_Auszug_GV.xlsx")
    if gv is not None:
        units_de = destatis.read_auszug_gv(gv)
        destatis.district_position(destatis.kreis_comparison(units_de), info.kreis_key)
        destatis.national_small_municipality_share(units_de)
    steps["national comparison (xlsx)"] = time.perf_counter() - started

    started = time.perf_counter()
    boundary = boundaries.discover_boundary_file()
    polygons = outline = None
    if boundary is not None:
        polygons = boundaries.municipality_boundaries(boundary, municipalities)
        outline = boundaries.district_outline(boundary, info.kreis_key)
    steps["boundaries"] = time.perf_counter() - started

    started = time.perf_counter()
    figures.apply_style()
    fig, ax = plt.subplots(figsize=(8.5, 6.5))
    note = boundaries.plot_municipality_map(ax, municipalities, polygons, outline)
    figures.save_figure(fig, district, "bench_map", source=note)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.barh(classes["size_class"].astype(str), classes["n_municipalities"])
    figures.save_figure(fig, district, "bench_size_classes", source="benchmark")
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
