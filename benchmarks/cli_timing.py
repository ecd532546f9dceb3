"""Shared by the benchmarks: wall time of one ``ikz`` command run in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def ikz_seconds(arguments: list[str]) -> float:
    """Wall time of ``ikz <arguments>`` writing to a scratch output root (reports untouched).

    Raises
    ------
    SystemExit
        When the command fails; its output (the end of stderr) is shown.
    """
    script = Path(sys.executable).with_name("ikz")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "ikzlib.cli"]
    with tempfile.TemporaryDirectory(prefix=f"ikz-bench-{arguments[0]}-") as output:
        env = dict(os.environ, IKZ_OUTPUT_ROOT=output)
        started = time.perf_counter()
        result = subprocess.run(
            [*command, *arguments], env=env, capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"ikz {arguments[0]} failed:\n{result.stdout}\n{result.stderr[-2000:]}")
    return seconds
