"""Time ``ikz batch`` on Dask against a naive sequential loop of papermill calls.

Both sides run the same per-district notebooks, measured in the same run, each into its own
temporary output root (the project's reports are not touched):

- naive: one ``papermill.execute_notebook`` per (district, notebook), one after the other,
  each in a new kernel, over a sample of districts (``--sample N`` spread evenly over the
  catalog, or ``--districts``);
- batch: ``ikz batch --jobs J --no-compare`` on a local Dask cluster (one worker process per
  job, one kernel per district), which also stages, publishes, exports HTML and writes the
  index; then the same command again, when every district is up to date and skipped.

By default the batch runs the sample, so the ratio is measured directly. With ``--all`` it
runs every district (hours) and the ratio compares it with the naive time per district of
the sample times the number of districts (marked as extrapolated). The figures are printed,
not asserted.

Usage: ``python benchmarks/bench_batch.py [--jobs 2] [--sample 4 | --districts KEY ...] [--all]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ikzlib import catalog, paths
from ikzlib.report import KERNEL_NAME, district_notebooks


def sample_districts(size: int) -> list[str]:
    """``size`` district keys spread evenly over the catalog (curated districts first)."""
    everything = catalog.all_districts()
    step = max(1, len(everything) // size)
    return [d.key for d in everything[::step][:size]]


def naive_seconds(districts: list[str]) -> tuple[float, int]:
    """Wall time of one papermill call per (district, notebook), and how many failed."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    failures = 0
    with tempfile.TemporaryDirectory(prefix="ikz-bench-naive-") as output:
        started = time.perf_counter()
        for district in districts:
            for notebook in district_notebooks():
                try:
                    papermill.execute_notebook(
                        str(notebook),
                        str(Path(output) / f"{district}_{notebook.name}"),
                        parameters={"district": district, "output_root": output},
                        kernel_name=KERNEL_NAME,
                        cwd=str(paths.NOTEBOOKS_DIR),
                        progress_bar=False,
                    )
                except PapermillExecutionError:
                    failures += 1
        return time.perf_counter() - started, failures


def ikz_run(arguments: list[str], output: str) -> tuple[float, str]:
    """Wall time and output of ``ikz <arguments>`` writing to the output root ``output``."""
    script = Path(sys.executable).with_name("ikz")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "ikzlib.cli"]
    env = dict(os.environ, IKZ_OUTPUT_ROOT=output)
    started = time.perf_counter()
    result = subprocess.run(
        [*command, *arguments], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 1):  # 1: some district failed, still a timing
        raise SystemExit(f"ikz {arguments[0]} failed:\n{result.stdout}\n{result.stderr[-2000:]}")
    return seconds, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sample", type=int, default=4, help="districts of the naive loop")
    parser.add_argument("--districts", nargs="+", default=None, help="the sample, by key")
    parser.add_argument("--all", action="store_true", help="the batch runs every district")
    args = parser.parse_args()
    sample = args.districts or sample_districts(args.sample)
    n_notebooks = len(district_notebooks())
    n_all = len(catalog.all_districts())
    print(f"{n_notebooks} notebooks per district; {os.cpu_count()} CPU cores")
    print(f"sample: {', '.join(sample)}")

    naive, failures = naive_seconds(sample)
    per_district = naive / len(sample)
    print(
        f"naive sequential papermill loop:   {naive:8.1f} s for {len(sample)} districts "
        f"({per_district:.1f} s each; {failures} notebook(s) failed)"
    )
    which = ["--all"] if args.all else ["--districts", *sample]
    command = ["batch", *which, "--jobs", str(args.jobs), "--no-compare", "--quiet"]
    with tempfile.TemporaryDirectory(prefix="ikz-bench-batch-") as output:
        batch, stdout = ikz_run(command, output)
        rerun, _ = ikz_run(command, output)
    n_batch = n_all if args.all else len(sample)
    print(
        f"ikz batch --jobs {args.jobs} (Dask):      {batch:8.1f} s for {n_batch} districts "
        f"({batch / n_batch:.1f} s each; {stdout.strip().splitlines()[-1]})"
    )
    print(f"same batch again (all up to date): {rerun:8.1f} s")
    naive_same = per_district * n_batch
    label = "extrapolated naive" if args.all else "naive"
    print(f"speed-up ({label} / batch): {naive_same / batch:.2f}x")


if __name__ == "__main__":
    main()
