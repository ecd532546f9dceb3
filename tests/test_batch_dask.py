"""The batch through a real Dask cluster: a scheduler and two workers as separate processes.

The scheduler (``dask scheduler``) and two ``dask worker`` processes are started as
subprocesses on the loopback interface; the batch connects to them with ``--scheduler``
and runs tiny notebooks (``IKZ_NOTEBOOKS_DIR``) for three districts into a temporary output
root: one district succeeds, one fails in a notebook, and one kills its worker process. The
workers' own environment points at a decoy output root, so the test also shows that each
task uses the batch's folders. Re-runs skip what is up to date; ``--force`` re-runs it.
The fixture shuts every process down, and checks none is left.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import nbformat
import psutil
import pytest
from tiny_notebooks import write_notebook, write_recording_notebook

from ikzlib import cli, paths, report

pytestmark = pytest.mark.slow

DISTRICTS = ["harz", "helmstedt", "wolfenbuettel"]
FAILING = "helmstedt"  # notebook 02 raises while the flag file FAIL exists
KILLER = "wolfenbuettel"  # notebook 02 kills its Dask worker while the flag file KILL exists
START_TIMEOUT = 30


def _dask_command(name: str) -> list[str]:
    script = Path(sys.executable).with_name("dask")
    if script.exists():
        return [str(script), name]
    return [sys.executable, "-m", f"distributed.cli.dask_{name}"]


def _write_suite(notebooks: Path) -> None:
    notebooks.mkdir()
    write_recording_notebook(notebooks / "01_ok.ipynb")
    write_notebook(
        notebooks / "02_may_fail.ipynb",
        [
            ('district = "harz"', ["parameters"]),
            (
                "import os, signal\n"
                "from pathlib import Path\n"
                f'if district == "{FAILING}" and Path("FAIL").exists():\n'
                '    raise ValueError(f"boom in {district}")\n'
                f'if district == "{KILLER}" and Path("KILL").exists():\n'
                "    os.kill(os.getppid(), signal.SIGKILL)  # the kernel's parent: the worker\n"
                "    os._exit(1)",
                [],
            ),
        ],
    )
    write_notebook(
        notebooks / "90_compare.ipynb",
        [
            ("districts = []", ["parameters"]),
            (
                "from ikzlib.summary import load_report_summary\n"
                "print(sorted(d for d in districts if load_report_summary(d)))",
                [],
            ),
        ],
    )
    (notebooks / "FAIL").touch()
    (notebooks / "KILL").touch()


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as handle:
        return subprocess.Popen(
            command, env=env, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )


def _wait_for_address(scheduler_file: Path, process: subprocess.Popen) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the Dask scheduler exited at start")
        try:
            return json.loads(scheduler_file.read_text(encoding="utf-8"))["address"]
        except (OSError, ValueError, KeyError):
            time.sleep(0.2)
    raise RuntimeError("the Dask scheduler wrote no scheduler file")


def _wait_for_workers(address: str, count: int) -> None:
    from distributed import Client

    with Client(address, timeout=START_TIMEOUT) as client:
        client.wait_for_workers(count, timeout=START_TIMEOUT)


def _stop(processes: list[subprocess.Popen]) -> None:
    """Stop the started processes and everything they started; fail if any survives."""
    family: list[psutil.Process] = []
    for process in processes:
        with suppress(psutil.NoSuchProcess):
            parent = psutil.Process(process.pid)
            family += [parent, *parent.children(recursive=True)]
    for process in reversed(processes):  # workers first, then the scheduler
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    _, alive = psutil.wait_procs(family, timeout=10)
    for leftover in alive:  # started by this test (a nanny's worker, a kernel): end it by id
        with suppress(psutil.NoSuchProcess):
            leftover.kill()
    assert not alive, f"processes left running: {[p.pid for p in alive]}"


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """A scheduler and two single-threaded workers as separate processes; yields the address."""
    scheduler_file = tmp_path / "scheduler.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IKZ_", "DASK_"))}
    env["IKZ_OUTPUT_ROOT"] = str(tmp_path / "decoy")  # the tasks must not use it
    scheduler_env = {**env, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}
    processes = [
        _start(
            [
                *_dask_command("scheduler"),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(scheduler_file),
            ],
            scheduler_env,
            tmp_path / "scheduler.log",
        )
    ]
    try:
        address = _wait_for_address(scheduler_file, processes[0])
        for i in (1, 2):
            processes.append(
                _start(
                    [
                        *_dask_command("worker"),
                        "--scheduler-file",
                        str(scheduler_file),
                        "--nworkers",
                        "1",
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--memory-limit",
                        "0",
                        "--host",
                        "127.0.0.1",
                        "--name",
                        f"worker-{i}",
                    ],
                    env,
                    tmp_path / f"worker-{i}.log",
                )
            )
        _wait_for_workers(address, 2)
        yield address
    finally:
        _stop(processes)


@pytest.fixture
def tiny_suite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tiny notebooks in ``tmp_path/notebooks``; returns the (empty) output root."""
    notebooks = tmp_path / "notebooks"
    _write_suite(notebooks)
    out = tmp_path / "out"
    monkeypatch.setenv("IKZ_OUTPUT_ROOT", str(out))
    monkeypatch.setenv("IKZ_NOTEBOOKS_DIR", str(notebooks))
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", notebooks)
    # the code part of the fingerprints: a stand-in, so edits elsewhere cannot re-run a district
    code = tmp_path / "code"
    code.mkdir()
    (code / "module.py").write_text("VERSION = 1\n", encoding="utf-8")
    monkeypatch.setattr(report, "PACKAGE_DIR", code)
    return out


def _previous_good_report(out: Path, district: str) -> str:
    folder = out / "reports" / district
    folder.mkdir(parents=True)
    run = {"district": district, "status": "ok", "seconds": 1.0, "notebooks": []}
    (folder / "run.json").write_text(json.dumps(run), encoding="utf-8")
    (folder / "01_ok.html").write_text("<p>previous good report</p>", encoding="utf-8")
    return (folder / "run.json").read_text(encoding="utf-8")


def _batch(address: str, *extra: str) -> list[str]:
    return ["batch", "--districts", *DISTRICTS, "--scheduler", address, "--timeout", "120", *extra]


def _run(path: Path) -> dict:
    return json.loads((path / "run.json").read_text(encoding="utf-8"))


def test_batch_on_a_dask_cluster(
    dask_cluster: str, tiny_suite: Path, capsys: pytest.CaptureFixture[str]
):
    out = tiny_suite
    reports = out / "reports"
    previous = _previous_good_report(out, FAILING)

    # 1. one district fails in a notebook, one kills its worker: both fail, alone
    code = cli.main(_batch(dask_cluster))
    stdout = capsys.readouterr().out
    assert code == 1, stdout
    assert f"the Dask cluster at {dask_cluster} with 2 worker(s)" in stdout
    assert (reports / "harz" / "run.json").exists(), stdout
    harz = _run(reports / "harz")
    assert harz["status"] == "ok" and len(harz["fingerprint"]) == 64
    assert json.loads((reports / "harz" / "summary.json").read_text())["sections"]["tiny"]
    assert "  harz            01_ok.ipynb" in stdout  # the per-notebook lines came back
    assert f"{FAILING} / 02_may_fail.ipynb: cell 2: ValueError: boom in {FAILING}" in stdout
    assert (reports / FAILING / "run.json").read_text(encoding="utf-8") == previous
    failed = reports / "_failed" / FAILING / "reports" / FAILING
    assert [nb["status"] for nb in _run(failed)["notebooks"]] == ["ok", "failed"]
    # the dead worker: the district failed with KilledWorker, its staged outputs kept apart
    killed = _run(reports / "_failed" / KILLER / "reports" / KILLER)
    assert killed["status"] == "failed"
    assert killed["notebooks"][-1]["notebook"] == "(worker process)"
    assert "KilledWorker" in killed["notebooks"][-1]["error"]
    assert not (reports / KILLER).exists()
    assert not (reports / ".staging").exists(), list((reports / ".staging").rglob("*"))
    # the cross-district notebook ran once, in this process, over the published summaries
    executed = nbformat.read(reports / "_compare" / "90_compare.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["text"] == "['harz']\n"
    assert (reports / "index.html").exists()
    assert not (out.parent / "decoy").exists()  # the workers used the batch's output root

    # 2. the causes removed: only the failed districts run again
    (paths.NOTEBOOKS_DIR / "FAIL").unlink()
    (paths.NOTEBOOKS_DIR / "KILL").unlink()
    code = cli.main(_batch(dask_cluster, "--quiet"))
    stdout = capsys.readouterr().out
    assert code == 0, stdout
    assert "3 district(s), 2 to run, 1 up to date and skipped" in stdout
    assert "01_ok.ipynb" not in stdout  # --quiet: no line per successful notebook
    assert _run(reports / "harz") == harz  # not re-run
    for district in (FAILING, KILLER):
        assert _run(reports / district)["status"] == "ok"

    # 3. nothing changed: nothing runs, not even the cross-district notebooks
    compared = _run(reports / "_compare")
    assert cli.main(_batch(dask_cluster)) == 0
    stdout = capsys.readouterr().out
    assert "3 district(s), 0 to run, 3 up to date and skipped" in stdout
    assert "4 up to date and skipped" in stdout  # the three and _compare
    assert _run(reports / "_compare") == compared

    # 4. --force runs everything again, with the same fingerprints
    assert cli.main(_batch(dask_cluster, "--force", "--no-compare")) == 0
    stdout = capsys.readouterr().out
    assert "3 district(s), 3 to run, 0 up to date" in stdout
    again = _run(reports / "harz")
    assert again["fingerprint"] == harz["fingerprint"] and again["seconds"] != harz["seconds"]
