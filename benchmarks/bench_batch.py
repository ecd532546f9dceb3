"""Time ``ikz batch --all`` against a naive sequential loop of papermill calls.

Both run the same per-district notebooks for the same districts, each into its own
temporary output root (the project's reports are not touched). The batch runs districts in
parallel worker processes (``--jobs``), stages and publishes each report, exports HTML and
writes the index, so the ratio shows what parallelism buys net of that extra work. The
batch is run with ``--no-compare`` so that both sides execute the same notebooks.

Usage: ``python benchmarks/bench_batch.py [--jobs 2] [--districts harz helmstedt ...]``
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


def batch_seconds(districts: list[str], jobs: int) -> float:
    """Wall time of ``ikz batch`` in a subprocess writing to a scratch output root."""
    script = Path(sys.executable).with_name("ikz")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "ikzlib.cli"]
    command += ["batch", "--districts", *districts, "--jobs", str(jobs), "--no-compare"]
    with tempfile.TemporaryDirectory(prefix="ikz-bench-batch-") as output:
        env = dict(os.environ, IKZ_OUTPUT_ROOT=output)
        started = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"ikz batch failed:\n{result.stdout}\n{result.stderr[-2000:]}")
    return seconds


def naive_seconds(districts: list[str]) -> float:
    """Wall time of one papermill call per (district, notebook), one after the other."""
    import papermill

    with tempfile.TemporaryDirectory(prefix="ikz-bench-naive-") as output:
        previous = os.environ.get("IKZ_OUTPUT_ROOT")
        os.environ["IKZ_OUTPUT_ROOT"] = output
        started = time.perf_counter()
        try:
            for district in districts:
                for notebook in district_notebooks():
                    papermill.execute_notebook(
                        str(notebook),
                        str(Path(output) / f"{district}_{notebook.name}"),
                        parameters={"district": district},
                        kernel_name=KERNEL_NAME,
                        cwd=str(paths.NOTEBOOKS_DIR),
                        progress_bar=False,
                    )
        finally:
            if previous is None:
                os.environ.pop("IKZ_OUTPUT_ROOT", None)
            else:
                os.environ["IKZ_OUTPUT_ROOT"] = previous
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--districts", nargs="+", default=None)
    args = parser.parse_args()
    districts = args.districts or catalog.district_keys()
    n_notebooks = len(district_notebooks())
    print(f"{len(districts)} districts x {n_notebooks} notebooks; {os.cpu_count()} CPU cores")

    naive = naive_seconds(districts)
    print(f"naive sequential papermill loop:  {naive:7.1f} s")
    batch = batch_seconds(districts, args.jobs)
    print(f"ikz batch --jobs {args.jobs}:               {batch:7.1f} s")
    print(f"speed-up (naive / batch):         {naive / batch:7.2f}x")


if __name__ == "__main__":
    main()
