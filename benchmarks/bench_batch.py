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
import tempfile
import time
from pathlib import Path

from cli_timing import ikz_seconds

from ikzlib import catalog, paths
from ikzlib.report import KERNEL_NAME, district_notebooks


def naive_seconds(districts: list[str]) -> float:
    """Wall time of one papermill call per (district, notebook), one after the other."""
    import papermill

    with tempfile.TemporaryDirectory(prefix="ikz-bench-naive-") as output:
        started = time.perf_counter()
        for district in districts:
            for notebook in district_notebooks():
                papermill.execute_notebook(
                    str(notebook),
                    str(Path(output) / f"{district}_{notebook.name}"),
                    parameters={"district": district, "output_root": output},
                    kernel_name=KERNEL_NAME,
                    cwd=str(paths.NOTEBOOKS_DIR),
                    progress_bar=False,
                )
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
    batch = ikz_seconds(
        ["batch", "--districts", *districts, "--jobs", str(args.jobs), "--no-compare"]
    )
    print(f"ikz batch --jobs {args.jobs}:               {batch:7.1f} s")
    print(f"speed-up (naive / batch):         {naive / batch:7.2f}x")


if __name__ == "__main__":
    main()
