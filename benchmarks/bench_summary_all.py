"""Key figures of every district in-process; print the wall time against the 60 s target.

Runs :func:`ikzlib.nationwide.key_figures_all` (every per-district study with its default
parameters, no notebooks) for all districts of :func:`ikzlib.catalog.all_districts` on
``--jobs`` worker processes, and prints the wall time (pool start included), the median and
maximum time per district, the slowest districts, the failures with their errors, and the
ratio of the wall time to the target of issue 10 (at most 60 s on 2 cores). It prints
timings and ratios; it is not a test.

Usage: ``python benchmarks/bench_summary_all.py [--jobs 2] [--limit N] [--slowest 5]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys

from ikzlib import catalog, nationwide

TARGET_SECONDS = 60.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N districts")
    parser.add_argument("--slowest", type=int, default=5, help="slowest districts to list")
    args = parser.parse_args(argv)

    keys = [d.key for d in catalog.all_districts()][: args.limit]
    print(f"{len(keys)} districts, {args.jobs} worker processes, {os.cpu_count()} CPUs")
    result = nationwide.key_figures_all(keys, jobs=args.jobs, progress=_progress)
    print()
    seconds = sorted(result.seconds.values())
    print(f"wall time              {result.wall_seconds:8.1f} s")
    print(f"per district: median   {statistics.median(seconds):8.2f} s")
    print(f"per district: max      {max(seconds):8.2f} s")
    cpu = sum(result.cpu_seconds.values())
    print(f"per district: sum      {sum(seconds):8.1f} s (wall time, summed over workers)")
    print(f"processor time: sum    {cpu:8.1f} s (/{args.jobs} = {cpu / args.jobs:.1f} s)")
    print(f"load average after     {os.getloadavg()[0]:8.2f} (other processes slow the run)")
    print(f"slowest {args.slowest}:")
    for key, value in sorted(result.seconds.items(), key=lambda kv: -kv[1])[: args.slowest]:
        print(f"  {key:<14} {value:6.2f} s  {catalog.resolve(key).name}")
    print(f"failures: {len(result.failures)}")
    for key, error in result.failures.items():
        print(f"  {key}: {error}")
    scale = 400 / max(1, len(keys)) if args.limit else 1.0
    print(
        f"ratio to the {TARGET_SECONDS:.0f} s target: "
        f"{result.wall_seconds * scale / TARGET_SECONDS:.2f} (wall time), "
        f"{cpu * scale / args.jobs / TARGET_SECONDS:.2f} (processor time / jobs)"
        + (" (scaled to 400 districts)" if args.limit else "")
    )
    return 0


def _progress(key: str, done: int, total: int) -> None:
    if done % 50 == 0 or done == total:
        print(f"  {done}/{total} done (last: {key})", flush=True)


if __name__ == "__main__":
    sys.exit(main())
