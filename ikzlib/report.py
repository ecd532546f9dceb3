"""Run the numbered notebooks for one district with papermill and publish the report.

A run builds everything in its own staging folder (``reports/.staging/<district>-XXXX/``,
unique per run so concurrent runs never collide) and passes it to every notebook as the
``output_root`` parameter, so the notebooks' figures, summary parts and executed copies land
in a private tree. Only when
every notebook succeeded is the staged tree published into ``figures/<district>/``,
``data/processed/<district>/`` and ``reports/<district>/``: a full run swaps the folders, a
run of a subset of the notebooks replaces just the files it produced and keeps the others
(and re-merges ``summary.json``). A failed run is moved to ``reports/_failed/<district>/``
and the previous good report stays untouched.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ikzlib import paths, summary
from ikzlib.errors import ParameterError
from ikzlib.io import write_json, write_text

KERNEL_NAME = "python3"
DEFAULT_TIMEOUT = 900  # seconds per cell
KERNEL_START_RETRIES = 1  # a kernel that fails to start is retried this many times
# Messages of jupyter_client/nbclient when a kernel never became ready (not a notebook error).
_KERNEL_START_MESSAGES = (
    "Kernel died before replying to kernel_info",
    "Kernel didn't respond",
    "kernel_info",
)
PER_DISTRICT_PATTERN = "[0-8][0-9]_*.ipynb"  # 9x notebooks compare districts


@dataclass
class NotebookResult:
    """Outcome of one notebook run."""

    notebook: str
    status: str  # "ok" or "failed"
    seconds: float
    error: str | None = None
    cell: int | None = None
    attempts: int = 1


@dataclass
class ReportResult:
    """Outcome of a district run."""

    district: str
    status: str  # "ok" or "failed"
    seconds: float
    notebooks: list[NotebookResult] = field(default_factory=list)
    report_dir: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def district_notebooks(names: Sequence[str] | None = None) -> list[Path]:
    """The per-district notebooks in run order, optionally restricted to ``names``.

    ``names`` may be file names (``01_municipal_structure.ipynb``), stems, or number
    prefixes (``01``).
    """
    available = sorted(paths.NOTEBOOKS_DIR.glob(PER_DISTRICT_PATTERN))
    if not names:
        return available
    chosen = []
    for name in names:
        matches = [p for p in available if name in (p.name, p.stem, p.name[:2])]
        if not matches:
            listing = ", ".join(p.stem for p in available)
            raise ParameterError(f"no notebook matches {name!r}; available: {listing}")
        chosen.extend(m for m in matches if m not in chosen)
    return sorted(chosen)


class NotebookTimeoutError(TimeoutError):
    """The whole notebook exceeded its time budget."""


def is_kernel_start_failure(exc: BaseException, cell_started: bool) -> bool:
    """Whether ``exc`` means the kernel never came up (worth a retry), not a notebook error.

    Covers zmq socket errors, "Kernel died before replying to kernel_info" and start-up
    timeouts, and a dead kernel before the first cell ran.
    """
    if type(exc).__module__.split(".")[0] == "zmq":
        return True
    if cell_started:
        return False
    if type(exc).__name__ == "DeadKernelError":
        return True
    return isinstance(exc, (RuntimeError, TimeoutError)) and any(
        message in str(exc) for message in _KERNEL_START_MESSAGES
    )


def _execute(
    notebook: Path,
    output: Path,
    parameters: Mapping[str, Any],
    timeout: int,
    *,
    notebook_timeout: float | None = None,
    retries: int = KERNEL_START_RETRIES,
) -> NotebookResult:
    """Run one notebook with papermill; never raises for notebook, kernel or timeout errors.

    ``timeout`` bounds every cell; ``notebook_timeout`` (seconds, wall clock) bounds the whole
    notebook: each cell may use at most the budget that is left. A kernel that fails to
    start is retried ``retries`` times.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    attempts = 0
    while True:
        attempts += 1
        current = {"cell": None}
        deadline = None if notebook_timeout is None else time.monotonic() + notebook_timeout

        def cell_timeout(_cell: Any, deadline: float | None = deadline) -> int:
            if deadline is None:
                return timeout
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise NotebookTimeoutError(
                    f"notebook exceeded its budget of {notebook_timeout:g} s"
                )
            return max(1, min(timeout, math.ceil(remaining)))

        def on_cell_start(cell: Any, cell_index: int, current: dict = current) -> None:
            current["cell"] = cell_index

        try:
            papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=dict(parameters),
                kernel_name=KERNEL_NAME,
                cwd=str(paths.NOTEBOOKS_DIR),
                request_save_on_cell_execute=False,
                execution_timeout=timeout,
                timeout_func=cell_timeout,
                on_cell_start=on_cell_start,
                progress_bar=False,
                log_output=False,
            )
        except PapermillExecutionError as exc:
            return NotebookResult(
                notebook.name,
                "failed",
                time.perf_counter() - started,
                f"{exc.ename}: {exc.evalue}",
                exc.cell_index,
                attempts,
            )
        except Exception as exc:  # kernel, timeout, bad notebook: report, never crash the batch
            if attempts <= retries and is_kernel_start_failure(exc, current["cell"] is not None):
                continue
            return NotebookResult(
                notebook.name,
                "failed",
                time.perf_counter() - started,
                f"{type(exc).__name__}: {exc}",
                current["cell"],
                attempts,
            )
        return NotebookResult(notebook.name, "ok", time.perf_counter() - started, attempts=attempts)


def export_html(executed: Path, target: Path) -> None:
    """Write an HTML rendering of an executed notebook without its input cells."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    write_text(target, body)


def _merge_tree(source: Path, target: Path) -> None:
    """Move every file of ``source`` into ``target``, replacing same-named files one by one."""
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, destination)


def _publish(staging: Path, district: str, *, merge: bool = False) -> None:
    """Put each staged output folder in place.

    A full run swaps folders (rename old away, rename new in, delete old), so files of
    notebooks that no longer produce them disappear; with ``merge`` (a run of some of the
    notebooks) only the staged files replace their published namesakes.
    """
    final_root = paths.output_root()
    for relative in (
        Path("figures") / district,
        Path("data") / "processed" / district,
        Path("reports") / district,
    ):
        new = staging / relative
        if not new.exists():
            continue
        target = final_root / relative
        if merge and target.exists():
            _merge_tree(new, target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        old = target.with_name(f".{district}.old")
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            target.rename(old)
        new.rename(target)
        if old.exists():
            shutil.rmtree(old)


def run_district_report(
    district: str,
    notebooks: Sequence[str] | None = None,
    *,
    timeout: int = DEFAULT_TIMEOUT,
    html: bool = True,
    notebook_timeout: float | None = None,
    retries: int = KERNEL_START_RETRIES,
    keep_going: bool = False,
    on_notebook: Callable[[str, NotebookResult], None] | None = None,
) -> ReportResult:
    """Execute the per-district notebooks for ``district`` and publish the report.

    Parameters
    ----------
    district
        Curated key, Kreis key or unambiguous name (see :func:`ikzlib.catalog.resolve`).
    notebooks
        Restrict to these notebooks (see :func:`district_notebooks`); default all.
    timeout
        Per-cell execution timeout in seconds.
    html
        Also export each executed notebook to HTML (without input cells).
    notebook_timeout
        Wall-clock budget of each notebook in seconds (``None``: only the per-cell limit).
    retries
        How often a notebook whose kernel failed to start is tried again.
    keep_going
        Run the remaining notebooks after a failure (the batch does, to report them all);
        the report is published only when every notebook succeeded either way.
    on_notebook
        Called with ``(district, result)`` after each notebook (progress display).

    Returns
    -------
    ReportResult
        Status per notebook. On failure nothing is published and the partial outputs are in
        ``reports/_failed/<district>/``.
    """
    from ikzlib.catalog import resolve

    key = resolve(district).key  # fail fast on an unknown district; names become keys
    chosen = district_notebooks(notebooks)
    return run_staged(
        key,
        chosen,
        {"district": key},
        timeout=timeout,
        html=html,
        notebook_timeout=notebook_timeout,
        retries=retries,
        keep_going=keep_going,
        on_notebook=on_notebook,
        merge=chosen != district_notebooks(),
    )


def run_staged(
    key: str,
    notebooks: Sequence[Path],
    parameters: Mapping[str, Any],
    *,
    timeout: int = DEFAULT_TIMEOUT,
    html: bool = True,
    notebook_timeout: float | None = None,
    retries: int = KERNEL_START_RETRIES,
    keep_going: bool = False,
    on_notebook: Callable[[str, NotebookResult], None] | None = None,
    prepare: Callable[[Path], None] | None = None,
    merge: bool = False,
) -> ReportResult:
    """Run ``notebooks`` in the staging tree of ``key`` and publish them as one report.

    The engine of :func:`run_district_report`, also used for the cross-district notebooks
    (``key = "_compare"``). ``prepare(staging_root)`` may place inputs into the staging tree
    before the first notebook runs. ``merge`` publishes file by file into an existing report
    (used when only some notebooks ran). Other keyword arguments as in
    :func:`run_district_report`.
    """
    started = time.perf_counter()
    final_root = paths.output_root()
    staging_parent = final_root / "reports" / ".staging"
    staging_parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{key}-", dir=staging_parent))
    staged_reports = staging / "reports" / key
    staged_reports.mkdir(parents=True)
    if prepare is not None:
        prepare(staging)
    parameters = {**parameters, "output_root": str(staging)}
    results = []
    for notebook in notebooks:
        executed = staged_reports / notebook.name
        result = _execute(
            notebook,
            executed,
            parameters,
            timeout,
            notebook_timeout=notebook_timeout,
            retries=retries,
        )
        if executed.exists() and html:
            try:
                export_html(executed, executed.with_suffix(".html"))
            except Exception as exc:  # a broken executed notebook is a failure, not a crash
                result.status = "failed"
                result.error = result.error or f"HTML export: {type(exc).__name__}: {exc}"
        results.append(result)
        if on_notebook is not None:
            on_notebook(key, result)
        if result.status != "ok" and not keep_going:
            break
    status = "ok" if all(r.status == "ok" for r in results) and results else "failed"
    outcome = ReportResult(key, status, time.perf_counter() - started, results)
    if outcome.ok:
        outcome.report_dir = str(paths.reports_dir(key).relative_to(final_root))
    else:
        outcome.report_dir = str((final_root / "reports" / "_failed" / key).relative_to(final_root))
    summary.write_report_summary(key, staged_reports / "summary.json", root=staging)
    write_json(staged_reports / "run.json", asdict(outcome))
    if outcome.ok:
        _publish(staging, key, merge=merge)
        if merge:  # sections of notebooks not re-run come from the published parts
            summary.write_report_summary(key, paths.reports_dir(key) / "summary.json")
    else:
        failed = final_root / outcome.report_dir
        if failed.exists():
            shutil.rmtree(failed)
        failed.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(failed)
    shutil.rmtree(staging, ignore_errors=True)
    with suppress(OSError):  # leave no empty staging folder behind
        staging_parent.rmdir()
    return outcome


def format_result(result: ReportResult) -> str:
    """Short human-readable summary of a district run."""
    lines = [
        f"{result.district}: {result.status.upper()} in {result.seconds:.1f} s "
        f"-> {result.report_dir}"
    ]
    for nb in result.notebooks:
        detail = "" if nb.status == "ok" else f"  cell {nb.cell}: {nb.error}"
        lines.append(f"  {nb.status:6} {nb.seconds:6.1f} s  {nb.notebook}{detail}")
    return "\n".join(lines)
