"""Run every ``benchmarks/bench_*.py`` script in its own process; each prints its figures.

Separate processes keep one benchmark's environment (e.g. a scratch ``IKZ_OUTPUT_ROOT``) from
leaking into the next. ``--repeat N`` / ``--quick`` are passed to the scripts that take them
(:data:`REPEATABLE`). At the end every target line the scripts printed (measurement, target,
"met" / "NOT met") is listed again. The exit code is non-zero when any benchmark failed.

Usage: ``python benchmarks/run_benchmarks.py [--quick | --repeat N] [bench_name ...]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from cli_timing import TARGETS_ENV

REPEATABLE = {"bench_report", "bench_studies", "bench_batch"}  # take --repeat and --quick


def run_script(script: Path, options: list[str], targets: Path) -> bool:
    """Run one benchmark script; whether it succeeded."""
    print(f"=== {script.stem} ===", flush=True)
    extra = options if script.stem in REPEATABLE else []
    env = dict(os.environ, **{TARGETS_ENV: str(targets)})
    return subprocess.run([sys.executable, str(script), *extra], env=env).returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these benchmarks (e.g. bench_report)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timed measurement")
    parser.add_argument("--quick", action="store_true", help="one run per measurement")
    args = parser.parse_args()
    options = ["--quick"] if args.quick else ["--repeat", str(args.repeat)]
    scripts = sorted(Path(__file__).parent.glob("bench_*.py"))
    failed = []
    with tempfile.TemporaryDirectory(prefix="ikz-bench-targets-") as folder:
        targets = Path(folder) / "targets.jsonl"
        targets.touch()
        for script in scripts:
            if (not args.names or script.stem in args.names) and not run_script(
                script, options, targets
            ):
                failed.append(script.stem)
        lines = [json.loads(line)["line"] for line in targets.read_text().splitlines()]
    if lines:
        print(f"=== targets ({os.cpu_count()} CPU cores) ===", *lines, sep="\n")
    if failed:
        print(f"failed: {', '.join(failed)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
