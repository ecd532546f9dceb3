"""Time each study's ``run()`` in a warm process, ``import ikzlib`` and ``ikz --help``.

- Studies: a fresh process (this script with ``--child``) first imports every module of
  :data:`ikzlib.studies.DISTRICT_STUDIES` (the warm-up), then times
  ``ikzlib.studies.<topic>.run(district)`` once each, in report order, so what one study
  caches for the next behaves as in a report. No figures, no notebook. Median over N processes.
- ``import ikzlib``: the import alone, timed inside a fresh interpreter (its start-up excluded
  and printed separately).
- ``ikz --help``: wall time of the subprocess, interpreter start-up included.

Timings are printed, not asserted.

Usage: ``python benchmarks/bench_studies.py [--district harz] [--repeat 3 | --quick]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from importlib import import_module
from types import ModuleType

from cli_timing import add_repeat_options, ikz_command, measure, median_seconds, repeats, target

from ikzlib import paths
from ikzlib.studies import DISTRICT_STUDIES

TIMED_IMPORT = "import time; t = time.perf_counter(); import ikzlib; print(time.perf_counter() - t)"


def _timed(function: Callable[..., object], *args: object) -> tuple[float, float]:
    """Wall and CPU seconds of ``function(*args)``."""
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def _import_studies() -> list[ModuleType]:
    return [import_module(f"ikzlib.studies.{name}") for name in DISTRICT_STUDIES]


def time_studies(district: str) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of importing every study module (``"import"``), then of each run."""
    seconds = {"import": _timed(_import_studies)}
    for name, module in zip(DISTRICT_STUDIES, _import_studies(), strict=True):
        seconds[name] = _timed(module.run, district)
    return seconds


def study_seconds(district: str, repeat: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds per study over ``repeat`` fresh processes."""
    tables = []
    for _ in range(repeat):
        run = measure([sys.executable, __file__, "--child", "--district", district])
        if run.returncode != 0:
            raise SystemExit(f"the study process failed:\n{run.stderr[-3000:]}")
        tables.append(json.loads(run.stdout.strip().splitlines()[-1]))
    return {
        name: tuple(statistics.median(t[name][i] for t in tables) for i in (0, 1))
        for name in tables[0]
    }


def import_seconds(repeat: int) -> float:
    """Median seconds of ``import ikzlib`` inside fresh interpreters."""
    runs = [measure([sys.executable, "-c", TIMED_IMPORT]) for _ in range(repeat)]
    if runs[0].returncode != 0:
        raise SystemExit(f"import ikzlib failed:\n{runs[0].stderr[-2000:]}")
    return statistics.median(float(run.stdout.strip()) for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--district", default=paths.DEFAULT_DISTRICT, help="catalog key")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    add_repeat_options(parser)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(time_studies(args.district)))
        return
    n = repeats(args)
    per_study = study_seconds(args.district, n)
    warm_wall, warm_cpu = per_study.pop("import")
    print(f"{f'studies of {args.district}, median of {n}':41} {'wall (s)':>9} {'CPU (s)':>9}")
    print(f"  {'warm-up: import the study modules':39} {warm_wall:9.2f} {warm_cpu:9.2f}")
    for name, (wall, cpu) in per_study.items():
        print(f"  {f'ikzlib.studies.{name}.run':39} {wall:9.2f} {cpu:9.2f}")
    totals = [sum(times[i] for times in per_study.values()) for i in (0, 1)]
    print(f"  {'total of the runs':39} {totals[0]:9.2f} {totals[1]:9.2f}")

    startup = 3 if args.quick else 7  # start-up times are short and noisy: more samples
    bare = median_seconds([sys.executable, "-c", "pass"], startup)
    print(f"start-up, median of {startup} (bare interpreter start: {bare:.2f} s):")
    target("import ikzlib (in-process)", import_seconds(startup), 0.3, "s")
    target(
        "ikz --help (subprocess wall)",
        median_seconds([*ikz_command(), "--help"], startup),
        0.5,
        "s",
    )


if __name__ == "__main__":
    main()
