"""Time ``ikz batch`` against a naive sequential loop of papermill calls over the same districts.

Both sides execute every per-district notebook of every district with the runner's
parameters (``district``, ``lang``, ``output_root``), write the same figure files (PNG) and
export each executed notebook to HTML, each into its own temporary output root (the project's
reports are not touched):

- naive: one ``papermill.execute_notebook`` per (district, notebook), one after the other, each
  in a new kernel, followed by the same HTML export (:func:`ikzlib.report.export_html`), in a
  process of its own (this script with ``--naive-output``; the batch's start is timed too);
- batch: ``ikz batch --districts ... --force --no-compare`` with its defaults (a local Dask
  cluster, one worker per core, one kernel per district), which also stages and publishes each
  report and writes the index page.

Then, unless ``--quick``, the batch once more without ``--force``, when every district is up
to date and skipped. The figures are printed, not asserted.

Usage: ``python benchmarks/bench_batch.py [--districts KEY ...] [--jobs N] [--repeat 3 | --quick]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from cli_timing import Run, add_repeat_options, ikz_run, measure, repeats, target

from ikzlib import paths
from ikzlib.report import KERNEL_NAME, district_notebooks, export_html

DISTRICTS = ["harz", "helmstedt", "wolfenbuettel"]


def naive_loop(districts: list[str], lang: str, output: str) -> list[str]:
    """One papermill call (and HTML export) per (district, notebook); the failures."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    os.environ[paths.FORMATS_ENV] = "png"  # the kernels inherit it, as in a report
    failures = []
    for district in districts:
        for notebook in district_notebooks():
            executed = Path(output) / f"{district}_{notebook.name}"
            try:
                papermill.execute_notebook(
                    str(notebook),
                    str(executed),
                    parameters={"district": district, "lang": lang, "output_root": output},
                    kernel_name=KERNEL_NAME,
                    cwd=str(paths.NOTEBOOKS_DIR),
                    progress_bar=False,
                )
            except PapermillExecutionError as exc:
                failures.append(f"{district}/{notebook.name}: {exc.ename}: {exc.evalue}")
            export_html(executed, executed.with_suffix(".html"), lang=lang)
    return failures


def naive_run(districts: list[str], lang: str) -> Run:
    """The naive loop in a process of its own (as the batch runs in one); warns on failures."""
    with tempfile.TemporaryDirectory(prefix="ikz-bench-naive-") as output:
        command = [sys.executable, __file__, "--districts", *districts, "--lang", lang]
        run = measure([*command, "--naive-output", output])  # kernel warnings captured
        if run.returncode != 0:
            raise SystemExit(f"the naive loop failed:\n{run.stderr[-3000:]}")
        for failure in json.loads(run.stdout.strip().splitlines()[-1]):
            print(f"  naive loop failed (its time is too short): {failure}")
        return run


def batch_runs(command: list[str], *, again: bool) -> tuple[Run, Run | None]:
    """``ikz <command>``; with ``again`` a second run without ``--force`` (all up to date)."""
    with tempfile.TemporaryDirectory(prefix="ikz-bench-batch-") as output:
        first = ikz_run(command, output)
        if not again:
            return first, None
        return first, ikz_run([arg for arg in command if arg != "--force"], output)


def print_row(label: str, runs: list[Run], note: str = "") -> tuple[float, float]:
    """Print and return the median wall and CPU seconds of ``runs``."""
    wall = statistics.median(r.seconds for r in runs)
    cpu = statistics.median(r.cpu_seconds for r in runs)
    print(f"  {label:34} {wall:9.1f} {cpu:9.1f}  {note}".rstrip())
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", nargs="+", default=DISTRICTS, help="catalog keys")
    parser.add_argument("--jobs", type=int, default=None, help="batch workers (default: cores)")
    parser.add_argument("--lang", default="en", choices=("en", "de"))
    parser.add_argument("--naive-output", help=argparse.SUPPRESS)  # the naive loop's process
    add_repeat_options(parser)
    args = parser.parse_args()
    if args.naive_output is not None:
        print(json.dumps(naive_loop(args.districts, args.lang, args.naive_output)))
        return
    n = repeats(args)
    command = ["batch", "--districts", *args.districts, "--force", "--no-compare", "--quiet"]
    command += ["--lang", args.lang] + (["--jobs", str(args.jobs)] if args.jobs else [])
    print(f"{len(district_notebooks())} notebooks per district; {os.cpu_count()} CPU cores")
    print(f"districts: {', '.join(args.districts)}", flush=True)

    naive, batch, rerun = [], [], None
    for index in range(n):  # interleaved, so both sides see the same machine load
        naive.append(naive_run(args.districts, args.lang))
        first, again = batch_runs(command, again=not args.quick and index == 0)
        batch.append(first)
        rerun = again or rerun
    print(f"{f'median of {n}':36} {'wall (s)':>9} {'CPU (s)':>9}")
    naive_s, naive_cpu = print_row("naive papermill loop", naive, "(a kernel per notebook)")
    batch_s, batch_cpu = print_row("ikz batch", batch, f"(ikz {' '.join(command)})")
    if rerun is not None:
        print_row("same batch again, all up to date", [rerun])
    print(
        f"speed-up naive / batch: wall {naive_s / batch_s:.2f}x, CPU {naive_cpu / batch_cpu:.2f}x "
        "(both: every notebook of every district executed, PNG figures, HTML export; the batch "
        "also: staging, publishing, index page)"
    )
    target("batch speed-up over naive loop", naive_s / batch_s, 4, "x", at_least=True)


if __name__ == "__main__":
    main()
