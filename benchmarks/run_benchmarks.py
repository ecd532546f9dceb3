"""Run every ``benchmarks/bench_*.py`` script in turn; each prints its figures and ratios."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    selected = sys.argv[1:]
    for script in sorted(Path(__file__).parent.glob("bench_*.py")):
        if selected and script.stem not in selected:
            continue
        print(f"=== {script.stem} ===", flush=True)
        runpy.run_path(str(script), run_name="__main__")
