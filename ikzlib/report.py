"""Run the numbered notebooks for one district with papermill and publish the report.

A run builds everything in a staging folder (``reports/.staging/<district>/``) by pointing
``IKZ_OUTPUT_ROOT`` there, so the notebooks' figures, summary parts and executed copies land
in a private tree. Only when every notebook succeeded is the staged tree swapped into
``figures/<district>/``, ``data/processed/<district>/`` and ``reports/<district>/``; a
failed run is moved to ``reports/_failed/<district>/`` and the previous good report stays
untouched.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ikzlib import paths, summary
from ikzlib.io import write_json, write_text

KERNEL_NAME = "python3"
DEFAULT_TIMEOUT = 900  # seconds per cell
PER_DISTRICT_PATTERN = "[0-8][0-9]_*.ipynb"  # 9x notebooks compare districts


@dataclass
class NotebookResult:
    """Outcome of one notebook run."""

    notebook: str
    status: str  # "ok" or "failed"
    seconds: float
    error: str | None = None
    cell: int | None = None


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
            raise ValueError(f"no notebook matches {name!r}; available: {listing}")
        chosen.extend(m for m in matches if m not in chosen)
    return sorted(chosen)


@contextmanager
def _output_root(root: Path) -> Iterator[None]:
    previous = os.environ.get("IKZ_OUTPUT_ROOT")
    os.environ["IKZ_OUTPUT_ROOT"] = str(root)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("IKZ_OUTPUT_ROOT", None)
        else:
            os.environ["IKZ_OUTPUT_ROOT"] = previous


def _execute(notebook: Path, output: Path, district: str, timeout: int) -> NotebookResult:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters={"district": district},
            kernel_name=KERNEL_NAME,
            cwd=str(paths.NOTEBOOKS_DIR),
            request_save_on_cell_execute=False,
            execution_timeout=timeout,
            progress_bar=False,
            log_output=False,
        )
    except PapermillExecutionError as exc:
        return NotebookResult(notebook.name, "failed", time.perf_counter() - started,
                              f"{exc.ename}: {exc.evalue}", exc.cell_index)
    except Exception as exc:  # kernel died, timeout, bad notebook: report, never crash the batch
        return NotebookResult(notebook.name, "failed", time.perf_counter() - started,
                              f"{type(exc).__name__}: {exc}")
    return NotebookResult(notebook.name, "ok", time.perf_counter() - started)


def export_html(executed: Path, target: Path) -> None:
    """Write an HTML rendering of an executed notebook without its input cells."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    write_text(target, body)


def _publish(staging: Path, district: str) -> None:
    """Swap each staged output folder into place (rename old away, rename new in, delete old)."""
    final_root = paths.output_root()
    for relative in (Path("figures") / district, Path("data") / "processed" / district,
                     Path("reports") / district):
        new = staging / relative
        if not new.exists():
            continue
        target = final_root / relative
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
) -> ReportResult:
    """Execute the per-district notebooks for ``district`` and publish the report.

    Parameters
    ----------
    district
        Catalog key.
    notebooks
        Restrict to these notebooks (see :func:`district_notebooks`); default all.
    timeout
        Per-cell execution timeout in seconds.
    html
        Also export each executed notebook to HTML (without input cells).

    Returns
    -------
    ReportResult
        Status per notebook. On failure nothing is published and the partial outputs are in
        ``reports/_failed/<district>/``.
    """
    from ikzlib.catalog import get_district

    get_district(district)  # fail fast on an unknown key
    started = time.perf_counter()
    final_root = paths.output_root()
    staging = final_root / "reports" / ".staging" / district
    if staging.exists():
        shutil.rmtree(staging)
    staged_reports = staging / "reports" / district
    staged_reports.mkdir(parents=True)
    results = []
    with _output_root(staging):
        for notebook in district_notebooks(notebooks):
            executed = staged_reports / notebook.name
            result = _execute(notebook, executed, district, timeout)
            results.append(result)
            if executed.exists() and html:
                export_html(executed, executed.with_suffix(".html"))
            if result.status != "ok":
                break
        merged = summary.collect(district)
    status = "ok" if all(r.status == "ok" for r in results) and results else "failed"
    outcome = ReportResult(district, status, time.perf_counter() - started, results)
    write_json(staged_reports / "summary.json", {"district": district, "sections": merged})
    write_json(staged_reports / "run.json", asdict(outcome))
    if outcome.ok:
        _publish(staging, district)
        outcome.report_dir = str(paths.reports_dir(district).relative_to(final_root))
    else:
        failed = final_root / "reports" / "_failed" / district
        if failed.exists():
            shutil.rmtree(failed)
        failed.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(failed)
        outcome.report_dir = str(failed.relative_to(final_root))
    shutil.rmtree(staging, ignore_errors=True)
    return outcome


def format_result(result: ReportResult) -> str:
    """Short human-readable summary of a district run."""
    lines = [f"{result.district}: {result.status.upper()} in {result.seconds:.1f} s "
             f"-> {result.report_dir}"]
    for nb in result.notebooks:
        detail = "" if nb.status == "ok" else f"  cell {nb.cell}: {nb.error}"
        lines.append(f"  {nb.status:6} {nb.seconds:6.1f} s  {nb.notebook}{detail}")
    return "\n".join(lines)
