"""Time the structure study: first call in a fresh process, repeated calls, national tables.

``ikzlib.studies.structure.run`` computes the Germany-wide comparison tables (Gemeinden and
administrative units, per Kreis and per Land) once per process and file version
(:func:`ikzlib.studies.structure.national_tables`); every later call, for any district, reuses
them. This script runs the study in fresh processes (the embedded extract only, no reference
folder) and prints medians: import time, the first ``run`` (national tables computed), the
repeated ``run`` of the same district, a second district in the same process, and the cost of
the national tables alone.

Usage::

    python benchmarks/bench_structure_study.py [--district harz] [--processes 5] [--root DIR]

``--root`` runs another checkout of the project (e.g. an older commit unpacked with
``git archive``) with this interpreter, for before/after comparisons.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

_PROBE = r"""
import sys, time
district, other = sys.argv[1], sys.argv[2]
started = time.perf_counter()
from ikzlib.studies import structure
imported = time.perf_counter()
runs = []
for _ in range(5):
    begin = time.perf_counter()
    structure.run(district)
    runs.append(time.perf_counter() - begin)
begin = time.perf_counter()
structure.run(other)
second = time.perf_counter() - begin
tables = getattr(structure, "_cached_national_tables", None) or structure._national_tables
tables.cache_clear()
begin = time.perf_counter()
structure.run(district)
national = time.perf_counter() - begin - min(runs[1:])
print(imported - started, runs[0], min(runs[1:]), second, national)
"""
_LABELS = (
    "import ikzlib.studies.structure",
    "run(district), first call in the process",
    "run(district), repeated (best of 4)",
    "run(other district) after it",
    "national tables (cold minus warm run)",
)


def measure(root: Path, district: str, other: str, processes: int) -> list[float]:
    """Medians over ``processes`` fresh interpreters of the probe's five timings."""
    env = dict(os.environ, PYTHONPATH=str(root), IKZ_REFERENCE_DIR=os.devnull)
    rows = []
    for _ in range(processes):
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, district, other],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append([float(value) for value in done.stdout.split()])
    return [statistics.median(column) for column in zip(*rows, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--district", default="harz")
    parser.add_argument("--other", default="helmstedt", help="second district in the process")
    parser.add_argument("--processes", type=int, default=5)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    medians = measure(args.root, args.district, args.other, args.processes)
    print(f"structure study, {args.root} (medians of {args.processes} fresh processes):")
    for label, seconds in zip(_LABELS, medians, strict=True):
        print(f"  {label:42} {seconds:6.3f} s")


if __name__ == "__main__":
    main()
