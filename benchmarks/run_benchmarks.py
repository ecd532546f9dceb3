"""Run every ``benchmarks/bench_*.py`` script in its own process; each prints its figures.

Usage: ``python benchmarks/run_benchmarks.py [bench_name ...]`` (default: all). Separate
processes keep one benchmark's environment (e.g. a scratch ``IKZ_OUTPUT_ROOT``) from
leaking into the next. The exit code is non-zero when any benchmark failed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    selected = sys.argv[1:]
    failed = []
    for script in sorted(Path(__file__).parent.glob("bench_*.py")):
        if selected and script.stem not in selected:
            continue
        print(f"=== {script.stem} ===", flush=True)
        if subprocess.run([sys.executable, str(script)], check=False).returncode != 0:
            failed.append(script.stem)
    if failed:
        print(f"failed: {', '.join(failed)}")
    sys.exit(1 if failed else 0)
