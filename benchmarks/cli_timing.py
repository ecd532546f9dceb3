"""Shared by the benchmarks: timed subprocesses, their peak memory, medians and target lines.

A target line states a measurement next to its target with "met" / "NOT met". When the
environment variable ``IKZ_BENCH_TARGETS`` names a file (``run_benchmarks.py`` sets it), every
target line is also appended to it as JSON, so the runner can list all of them at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

try:  # a dependency of ipykernel; without it only the largest single process is measured
    import psutil
except ImportError:  # pragma: no cover - depends on the environment
    psutil = None

TARGETS_ENV = "IKZ_BENCH_TARGETS"
MB = 1024 * 1024


@dataclass
class Run:
    """One finished subprocess: wall time, CPU time, memory and output."""

    seconds: float
    cpu_seconds: float  # user + system time of the process and all its descendants
    returncode: int
    stdout: str
    stderr: str
    largest_process_mb: float  # ru_maxrss of the largest process of the tree
    tree_peak_mb: float | None  # peak of the summed PSS of the process tree (sampled)

    @property
    def peak_mb(self) -> float:
        """The tree's summed peak when sampled, else the largest single process."""
        return self.largest_process_mb if self.tree_peak_mb is None else self.tree_peak_mb


class _TreeSampler(threading.Thread):
    """Samples a process tree: the peak of its summed memory and the CPU time of each process.

    Memory is the proportional set size (PSS: a page shared by n processes counts 1/n in
    each), so the sum over the tree does not count shared libraries twice.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.cpu: dict[int, float] = {}  # pid -> user + system seconds at its last sample
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            try:
                root = psutil.Process(self.pid)
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:  # the root process has just exited
                return
            memory = 0
            for process in tree:
                with suppress(psutil.Error):  # a process that exited after the listing
                    info = process.memory_full_info()
                    memory += getattr(info, "pss", info.rss)  # PSS exists on Linux only
                    times = process.cpu_times()
                    self.cpu[process.pid] = times.user + times.system
            self.peak = max(self.peak, memory)
            self.done.wait(self.interval)


def measure(command: Sequence[str], *, env: dict | None = None, cwd: str | None = None) -> Run:
    """Run ``command`` and measure its wall time, CPU time and peak memory.

    The child's resource usage (``os.wait4``) covers it and every descendant it waited for
    (a report's kernel, but not always a Dask worker): the largest single process and their
    CPU time. Sampling with psutil every 0.1 s adds the summed memory of the whole tree and
    the CPU time of descendants nobody waited for (up to their last sample); the larger of
    the two CPU figures is kept. CPU time is the steadier figure on a busy machine.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=cwd)
        sampler = _TreeSampler(process.pid) if psutil is not None else None
        if sampler is not None:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
        tree_peak = None
        if sampler is not None:
            sampler.done.set()
            sampler.join()
            cpu = max(cpu, sum(sampler.cpu.values()))
            tree_peak = sampler.peak / MB if sampler.peak else None
        out.seek(0)
        err.seek(0)
        return Run(
            seconds,
            cpu,
            process.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            usage.ru_maxrss * 1024 / MB,  # kilobytes on Linux
            tree_peak,
        )


def ikz_command() -> list[str]:
    """The ``ikz`` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("ikz")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ikzlib.cli"]


def ikz_run(arguments: Sequence[str], output_root: str | Path) -> Run:
    """Run ``ikz <arguments>`` writing to ``output_root`` (the project's outputs untouched).

    Raises
    ------
    SystemExit
        When the command fails; its output (the end of stderr) is shown.
    """
    env = dict(os.environ, IKZ_OUTPUT_ROOT=str(output_root))
    run = measure([*ikz_command(), *arguments], env=env)
    if run.returncode != 0:
        raise SystemExit(
            f"ikz {' '.join(arguments)} failed ({run.returncode}):\n"
            f"{run.stdout[-2000:]}\n{run.stderr[-3000:]}"
        )
    return run


def median_seconds(command: Sequence[str], repeat: int) -> float:
    """Median wall time of ``repeat`` runs of ``command`` (which must succeed)."""
    runs = [measure(command) for _ in range(repeat)]
    failed = [r for r in runs if r.returncode != 0]
    if failed:
        raise SystemExit(f"{' '.join(command)} failed:\n{failed[0].stderr[-2000:]}")
    return statistics.median(r.seconds for r in runs)


def target(label: str, value: float, limit: float, unit: str, *, at_least: bool = False) -> str:
    """Print ``value`` against its target (``<= limit``, or ``>= limit`` with ``at_least``)."""
    met = value >= limit if at_least else value <= limit
    sign = ">=" if at_least else "<="
    verdict = "met" if met else "NOT met"
    decimals = 3 if abs(value) < 1 else 2 if abs(value) < 100 else 0
    shown = f"{value:8.{decimals}f} {unit:3}"
    line = f"  target: {label:34} {shown} (target {sign} {limit:g} {unit})  {verdict}"
    print(line, flush=True)
    if os.environ.get(TARGETS_ENV):
        with open(os.environ[TARGETS_ENV], "a", encoding="utf-8") as log:
            log.write(json.dumps({"line": line.strip()}) + "\n")
    return verdict


def add_repeat_options(parser: argparse.ArgumentParser, default: int = 3) -> None:
    """``--repeat N`` (median of N runs) and ``--quick`` (one run) on an argparse parser."""
    parser.add_argument(
        "--repeat", type=int, default=default, help=f"runs per measurement (default {default})"
    )
    parser.add_argument("--quick", action="store_true", help="one run per measurement")


def repeats(args: argparse.Namespace) -> int:
    """The number of runs the parsed ``--repeat`` / ``--quick`` options ask for."""
    return 1 if args.quick else max(1, args.repeat)
