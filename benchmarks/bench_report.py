"""Time ``ikz report`` against the same notebooks' code run as one plain Python process.

- Report: ``ikz report --district D`` in a subprocess with its default options (PNG figures,
  HTML export), writing into a temporary output root.
- Floor: the code cells of the same per-district notebooks, in order, in ONE fresh Python
  process (this script with ``--floor-output``), with the parameters the runner passes
  (``district``, ``lang``, ``output_root`` = a temporary folder). ``%`` magics are dropped,
  ``display(...)`` does nothing, figures are closed after each cell (the inline backend shows
  and closes them) and every notebook gets a fresh namespace (a report's kernel is reset
  between notebooks, modules stay loaded).

Both sides run the same studies and write the same figure files and summary parts; the report
in addition starts the runner and its kernels, keeps the cell outputs (inline figures included),
writes the executed notebooks, exports HTML and publishes the staged tree. The ratio
report / floor is that overhead. Timings are printed, not asserted.

Usage: ``python benchmarks/bench_report.py [--district harz] [--lang en] [--repeat 3 | --quick]``
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import NamedTuple

from cli_timing import Run, add_repeat_options, ikz_run, measure, repeats, target

from ikzlib import paths
from ikzlib.report import district_notebooks

FLOOR_TIMINGS = "floor.json"  # per-notebook seconds, written by the floor process


def _noop(*_args: object, **_kwargs: object) -> None:
    """Stands in for IPython's ``display``: the floor renders no rich output."""


def code_cells(notebook: Path, parameters: dict[str, object]) -> list[str]:
    """The notebook's code cells without IPython-only lines, ``parameters`` injected.

    The injected assignments follow the cell tagged ``parameters``, as papermill does.
    """
    import nbformat

    cells = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        lines = cell.source.splitlines()
        cells.append("\n".join(line for line in lines if not line.lstrip().startswith(("%", "!"))))
        if "parameters" in cell.metadata.get("tags", []):
            cells.append("\n".join(f"{name} = {value!r}" for name, value in parameters.items()))
    return cells


def run_notebook_code(district: str, lang: str, output_root: Path) -> dict[str, float]:
    """Execute every per-district notebook's code in this process; seconds per notebook.

    Raises
    ------
    SystemExit
        When a cell fails (the notebook, cell and traceback are shown).
    """
    os.chdir(paths.NOTEBOOKS_DIR)  # the runner's working directory
    parameters = {"district": district, "lang": lang, "output_root": str(output_root)}
    seconds = {}
    for notebook in district_notebooks():
        started = time.perf_counter()
        namespace = {"__name__": "__main__", "display": _noop}
        for index, source in enumerate(code_cells(notebook, parameters)):
            try:
                exec(compile(source, f"{notebook.name}[{index}]", "exec"), namespace)
            except Exception:
                raise SystemExit(
                    f"{notebook.name}, code cell {index}:\n{traceback.format_exc()}"
                ) from None
            if "matplotlib.pyplot" in sys.modules:
                sys.modules["matplotlib.pyplot"].close("all")
        seconds[notebook.name] = time.perf_counter() - started
    return seconds


def count_files(folder: Path) -> int:
    """How many files lie under ``folder`` (0 when it does not exist)."""
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


class Outcome(NamedTuple):
    """One run of either side."""

    run: Run
    per_notebook: dict[str, float]  # seconds per notebook
    figures: int  # figure files written


def report_once(district: str, lang: str) -> Outcome:
    """One ``ikz report``; its seconds per notebook come from ``run.json``."""
    with tempfile.TemporaryDirectory(prefix="ikz-bench-report-") as root:
        run = ikz_run(["report", "--district", district, "--lang", lang], root)
        record = json.loads((paths.reports_dir(district, root=root) / "run.json").read_text())
        per_notebook = {nb["notebook"]: nb["seconds"] for nb in record["notebooks"]}
        return Outcome(run, per_notebook, count_files(paths.figures_dir(district, root=root)))


def floor_once(district: str, lang: str) -> Outcome:
    """One floor process."""
    with tempfile.TemporaryDirectory(prefix="ikz-bench-floor-") as root:
        command = [sys.executable, __file__, "--district", district, "--lang", lang]
        env = dict(os.environ, MPLBACKEND="Agg", **{paths.FORMATS_ENV: "png"})
        run = measure([*command, "--floor-output", root], env=env)
        if run.returncode != 0:
            raise SystemExit(f"the floor process failed:\n{run.stderr[-3000:]}")
        per_notebook = json.loads((Path(root) / FLOOR_TIMINGS).read_text())
        return Outcome(run, per_notebook, count_files(paths.figures_dir(district, root=root)))


def summarise(outcomes: list[Outcome]) -> dict[str, float]:
    """Medians over the runs of one side: totals first, then seconds per notebook."""
    rows = {
        "wall time (s)": [o.run.seconds for o in outcomes],
        "CPU time, user + sys (s)": [o.run.cpu_seconds for o in outcomes],
        "peak memory, process tree (MB)": [o.run.peak_mb for o in outcomes],
        "peak memory, largest process (MB)": [o.run.largest_process_mb for o in outcomes],
        "figure files written (PNG)": [o.figures for o in outcomes],
    }
    for name in outcomes[0].per_notebook:
        rows[name] = [o.per_notebook.get(name, math.nan) for o in outcomes]
    return {row: statistics.median(values) for row, values in rows.items()}


def print_comparison(district: str, reports: list[Outcome], floors: list[Outcome]) -> None:
    """Print both sides side by side, their ratios and the targets."""
    report, floor = summarise(reports), summarise(floors)
    print(f"{f'{district}, median of {len(reports)}':46} {'report':>9} {'floor':>9}")
    for row, value in report.items():
        print(f"  {row:44} {value:9.2f} {floor.get(row, math.nan):9.2f}")
    print(
        "  (report: ikz report with default options; memory: PSS summed over runner and kernels;\n"
        "   per notebook: execution from run.json, overlapping when the report runs notebooks\n"
        "   in parallel; floor: exec of the code cells, one after the other)"
    )
    wall = report["wall time (s)"] / floor["wall time (s)"]
    cpu = report["CPU time, user + sys (s)"] / floor["CPU time, user + sys (s)"]
    print(
        f"ratio report / floor: wall {wall:.2f}x, CPU {cpu:.2f}x (both: process start, imports, "
        "the notebooks' studies, PNG figures and summary parts written; the report also: "
        "kernels, outputs kept, executed notebooks, HTML export, publishing)"
    )
    target(f"{district} report wall time", report["wall time (s)"], 10, "s")
    target(f"{district} report / floor (wall)", wall, 1.3, "x")
    target(f"{district} report peak memory", report["peak memory, process tree (MB)"], 500, "MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--district", default=paths.DEFAULT_DISTRICT, help="catalog key")
    parser.add_argument("--lang", default="en", choices=("en", "de"))
    parser.add_argument("--floor-output", type=Path, help=argparse.SUPPRESS)  # floor process
    add_repeat_options(parser)
    args = parser.parse_args()
    if args.floor_output is not None:
        timings = run_notebook_code(args.district, args.lang, args.floor_output)
        (args.floor_output / FLOOR_TIMINGS).write_text(json.dumps(timings))
        return
    print(f"{os.cpu_count()} CPU cores", flush=True)
    reports, floors = [], []
    for _ in range(repeats(args)):  # interleaved, so both sides see the same machine load
        reports.append(report_once(args.district, args.lang))
        floors.append(floor_once(args.district, args.lang))
    print_comparison(args.district, reports, floors)


if __name__ == "__main__":
    main()
