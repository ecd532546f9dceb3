"""Batch reports: every district in its own process, then the cross-district notebooks.

:func:`run_batch` runs :func:`ikzlib.report.run_district_report` for several districts in
parallel worker processes (``jobs`` at a time). Each district is isolated: a failing
notebook or a crashing worker marks only that district as failed, its partial outputs go
to ``reports/_failed/<district>/`` and its previous good report stays in place. When the
districts are done, the cross-district notebooks (``9x_*.ipynb``) run once, staged the same
way (``reports/_compare/``), and ``reports/index.html`` lists every configured district and
notebook with status, duration, links and the key figures of each ``summary.json``.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import queue
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import jinja2

from ikzlib import compare, paths, summary
from ikzlib.catalog import District, get_district, load_catalog
from ikzlib.errors import DataValidationError
from ikzlib.io import write_text
from ikzlib.keyfigures import KIND_LABELS, Figure
from ikzlib.report import (
    DEFAULT_TIMEOUT,
    KERNEL_START_RETRIES,
    NotebookResult,
    ReportResult,
    district_notebooks,
    run_district_report,
    run_staged,
)

COMPARE_KEY = "_compare"
COMPARE_PATTERN = "9[0-9]_*.ipynb"  # cross-district notebooks, run once per batch
DEFAULT_NOTEBOOK_TIMEOUT = 1800  # seconds of wall-clock time per notebook
FAILED = "failed"
OK = "ok"


@dataclass
class BatchResult:
    """Outcome of a batch: one report per district plus the cross-district report."""

    reports: list[ReportResult]
    compare: ReportResult | None
    seconds: float
    index: str = ""
    jobs: int = 1

    @property
    def ok(self) -> bool:
        runs = [*self.reports, *([self.compare] if self.compare else [])]
        return all(r.ok for r in runs)


def compare_notebooks(names: Sequence[str] | None = None) -> list[Path]:
    """The cross-district notebooks, optionally restricted like :func:`district_notebooks`."""
    available = sorted(paths.NOTEBOOKS_DIR.glob(COMPARE_PATTERN))
    if names is None:
        return available
    return [p for p in available if any(n in (p.name, p.stem, p.name[:2]) for n in names)]


def split_notebook_names(
    names: Sequence[str] | None,
) -> tuple[list[str] | None, list[str] | None]:
    """Split ``--notebooks`` names into per-district and cross-district ones.

    ``None`` means all of both. Names that match neither raise ``ValueError`` listing what
    is available.
    """
    if not names:
        return None, None
    compare = {p.name for p in compare_notebooks(names)}
    per_district = [n for n in names if not any(n in (c, Path(c).stem, c[:2]) for c in compare)]
    if per_district:
        district_notebooks(per_district)  # raises for unknown names
    return per_district, [n for n in names if n not in per_district]


def _quiet_papermill() -> None:
    """Silence papermill's parameter-type warnings ("Unable to parse line ..."): benign noise."""
    logging.getLogger("papermill.translators").setLevel(logging.ERROR)


def _worker(
    district: str,
    notebooks: list[str] | None,
    options: dict[str, Any],
    events: Any,
) -> ReportResult:
    """Run one district in a worker process; turn any crash into a failed result."""

    def notify(key: str, result: NotebookResult) -> None:
        events.put((key, asdict(result)))

    _quiet_papermill()
    started = time.perf_counter()
    try:
        return run_district_report(
            district, notebooks, keep_going=True, on_notebook=notify, **options
        )
    except Exception as exc:  # e.g. an unreadable catalog: report it for this district only
        failure = NotebookResult(
            "(district run)", FAILED, time.perf_counter() - started, f"{type(exc).__name__}: {exc}"
        )
        notify(district, failure)
        return ReportResult(district, FAILED, failure.seconds, [failure])


def progress_line(district: str, result: NotebookResult) -> str:
    """One progress line for a finished notebook."""
    line = (
        f"  {district:<15} {result.notebook:<40} {result.status.upper():<6} {result.seconds:7.1f} s"
    )
    if result.attempts > 1:
        line += f"  ({result.attempts} attempts)"
    if result.status != OK:
        line += f"\n      cell {result.cell}: {result.error}"
    return line


def run_batch(
    districts: Sequence[str],
    *,
    notebooks: Sequence[str] | None = None,
    jobs: int | None = None,
    notebook_timeout: float | None = DEFAULT_NOTEBOOK_TIMEOUT,
    cell_timeout: int = DEFAULT_TIMEOUT,
    retries: int = KERNEL_START_RETRIES,
    html_export: bool = True,
    compare: bool = True,
    progress: Callable[[str], None] = print,
) -> BatchResult:
    """Build the reports of ``districts`` in parallel, then the cross-district report.

    Parameters
    ----------
    districts
        Catalog keys (validated before anything runs).
    notebooks
        Restrict to these notebooks (file name, stem or number prefix); cross-district
        notebooks among them run after the districts. Default: all.
    jobs
        Districts run at the same time (default: number of CPU cores).
    notebook_timeout
        Wall-clock budget per notebook in seconds (``None``: only ``cell_timeout``).
    cell_timeout
        Budget per cell in seconds.
    retries
        Retries of a notebook whose kernel failed to start.
    html_export
        Export executed notebooks to HTML.
    compare
        Run the cross-district notebooks at the end.
    progress
        Receives one line per finished notebook and district.

    Returns
    -------
    BatchResult
        Results in the order of ``districts``; ``index`` is the path of ``index.html``
        relative to the output root.
    """
    keys = list(dict.fromkeys(districts))
    for key in keys:
        get_district(key)
    per_district, cross = split_notebook_names(notebooks)
    if per_district == []:  # only cross-district notebooks were asked for
        keys = []
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(keys) or 1))
    options = {
        "timeout": cell_timeout,
        "html": html_export,
        "notebook_timeout": notebook_timeout,
        "retries": retries,
    }
    started = time.perf_counter()
    results: dict[str, ReportResult] = {}
    progress(f"ikz batch: {len(keys)} district(s), {jobs} at a time")
    context = multiprocessing.get_context("spawn")  # no fork: kernels and zmq dislike it
    with (
        context.Manager() as manager,
        ProcessPoolExecutor(jobs, mp_context=context) as pool,
    ):
        events = manager.Queue()
        futures: dict[Future, str] = {
            pool.submit(_worker, key, per_district, options, events): key for key in keys
        }
        pending = set(futures)
        while pending:
            _drain(events, progress, block=True)
            for future in [f for f in pending if f.done()]:
                pending.discard(future)
                key = futures[future]
                results[key] = _result_of(future, key)
                progress(_district_line(results[key]))
        _drain(events, progress, block=False)
    ordered = [results[key] for key in keys]
    compare_result = None
    cross_books = compare_notebooks(cross) if compare else []
    if cross_books:
        _quiet_papermill()
        compare_result = run_compare(cross_books, options=options)
        for nb in compare_result.notebooks:
            progress(progress_line(COMPARE_KEY, nb))
        progress(_district_line(compare_result))
    batch = BatchResult(ordered, compare_result, time.perf_counter() - started, jobs=jobs)
    index = write_index(batch)
    batch.index = str(index.relative_to(paths.output_root()))
    return batch


def _drain(events: Any, progress: Callable[[str], None], block: bool) -> None:
    """Print the notebook events waiting in the queue (wait briefly for one if ``block``)."""
    try:
        item = events.get(timeout=0.2) if block else events.get_nowait()
    except queue.Empty:
        return
    while True:
        key, result = item
        progress(progress_line(key, NotebookResult(**result)))
        try:
            item = events.get_nowait()
        except queue.Empty:
            return


def _result_of(future: Future, key: str) -> ReportResult:
    """The worker's result, or a failed result when the worker process itself died."""
    try:
        return future.result()
    except Exception as exc:  # BrokenProcessPool and the like
        failure = NotebookResult("(worker process)", FAILED, 0.0, f"{type(exc).__name__}: {exc}")
        return ReportResult(key, FAILED, 0.0, [failure])


def _district_line(result: ReportResult) -> str:
    done = sum(nb.status == OK for nb in result.notebooks)
    return (
        f"{result.district}: {result.status.upper()} ({done}/{len(result.notebooks)} "
        f"notebooks, {result.seconds:.1f} s) -> {result.report_dir}"
    )


def run_compare(notebooks: Sequence[Path], *, options: dict[str, Any]) -> ReportResult:
    """Run the cross-district notebooks once over the published district summaries.

    The staging tree receives a copy of every published ``reports/<district>/summary.json``
    so the notebooks read the same files they would read in place, while their own outputs
    stay staged until they all succeeded.
    """
    keys = [d.key for d in load_catalog()]

    def copy_summaries(staging: Path) -> None:
        for key in keys:
            published = paths.reports_dir(key) / "summary.json"
            if published.exists():
                target = staging / "reports" / key / "summary.json"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(published, target)

    return run_staged(
        COMPARE_KEY,
        list(notebooks),
        {"districts": keys},
        keep_going=True,
        prepare=copy_summaries,
        **options,
    )


# --- summary table and index page ------------------------------------------------------------


def format_summary(batch: BatchResult) -> str:
    """Plain-text summary table of a batch for the terminal."""
    rows = [("district", "status", "notebooks", "seconds", "report")]
    runs = [*batch.reports, *([batch.compare] if batch.compare else [])]
    for result in runs:
        done = sum(nb.status == OK for nb in result.notebooks)
        report = result.report_dir
        if not result.ok and (paths.reports_dir(result.district) / "run.json").exists():
            report += f" (previous good report kept in reports/{result.district})"
        rows.append(
            (
                result.district,
                result.status.upper(),
                f"{done}/{len(result.notebooks)}",
                f"{result.seconds:.1f}",
                report,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 6)
    failures = [(r.district, nb) for r in runs for nb in r.notebooks if nb.status != OK]
    if failures:
        lines.append("")
        lines.append("failures:")
        lines += [f"  {key} / {nb.notebook}: cell {nb.cell}: {nb.error}" for key, nb in failures]
    lines.append("")
    lines.append(
        f"{'all OK' if batch.ok else 'FAILED'} in {batch.seconds:.1f} s "
        f"({batch.jobs} job(s)); index: {batch.index}"
    )
    return "\n".join(lines)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _as_result(data: dict[str, Any] | None) -> ReportResult | None:
    if not data:
        return None
    notebooks = [NotebookResult(**nb) for nb in data.get("notebooks", [])]
    return ReportResult(
        data["district"], data["status"], data["seconds"], notebooks, data.get("report_dir", "")
    )


def _failed_dir(key: str) -> Path:
    return paths.reports_root() / "_failed" / key / "reports" / key


def _entry(key: str, title: str, this_run: ReportResult | None) -> dict[str, Any]:
    """Everything the index shows for one district (or the cross-district report)."""
    published = _as_result(_read_json(paths.reports_dir(key) / "run.json"))
    if this_run is None:  # not part of this batch: show what is on disk
        latest = published or _as_result(_read_json(_failed_dir(key) / "run.json"))
        origin = "earlier run" if latest else "no report yet"
    else:
        latest, origin = this_run, "this run"
    notebooks = []
    for nb in latest.notebooks if latest else []:
        folder = f"{key}" if latest.ok else f"_failed/{key}/reports/{key}"
        html_file = Path(nb.notebook).with_suffix(".html").name
        exists = (paths.reports_root() / folder / html_file).exists()
        notebooks.append({**asdict(nb), "link": f"{folder}/{html_file}" if exists else None})
    good = published is not None and published.ok
    return {
        "key": key,
        "title": title,
        "status": latest.status if latest else "none",
        "origin": origin,
        "seconds": latest.seconds if latest else None,
        "notebooks": notebooks,
        "previous_good": good and latest is not None and not latest.ok,
        **(_summary_view(key) if good else key_figure_view(None)),
    }


def _summary_view(key: str) -> dict[str, Any]:
    """:func:`key_figure_view` of the published ``summary.json`` of ``key``."""
    try:
        document = summary.load_report_summary(key)
    except (OSError, ValueError, AttributeError) as exc:  # bad JSON, or not an object
        return {**key_figure_view(None), "problem": f"summary.json unreadable: {exc}"}
    return key_figure_view(document)


def write_index(batch: BatchResult) -> Path:
    """Write ``reports/index.html`` for every catalog district and the cross-district report."""
    this_run = {r.district: r for r in batch.reports}
    catalog: list[District] = load_catalog()
    entries = [
        _entry(d.key, f"{d.official_name} ({d.land}, Kreis {d.kreis_key})", this_run.get(d.key))
        for d in catalog
    ]
    compare_entry = _entry(COMPARE_KEY, "Cross-district comparison", batch.compare)
    target = paths.reports_root() / "index.html"
    write_text(target, render_index(entries, compare_entry, batch))
    return target


def key_figure_view(document: dict[str, Any] | None) -> dict[str, Any]:
    """What a card shows of a ``summary.json``: headline evidence, and apart, non-evidence.

    Returns
    -------
    dict
        ``sections``: per section in declared order its title, the declared headline figures
        that are evidence (label, name, text formatted as declared, kind) and how many other
        evidence figures ``summary.json`` holds; ``not_evidence``: the declared headline
        figures that are illustrative or synthetic, with section title and kind, and
        ``not_evidence_more``: how many others there are; ``problem``: why the summary could
        not be read, or ``None``.
    """
    view: dict[str, Any] = {
        "sections": [],
        "not_evidence": [],
        "not_evidence_more": 0,
        "problem": None,
    }
    if document is None:
        return view
    try:
        sections = compare.key_figures_of(document)
    except DataValidationError as exc:
        view["problem"] = str(exc)
        return view
    for section in sections:
        evidence = section.evidence()
        headline = [f for f in evidence if f.spec.headline]
        if evidence:
            view["sections"].append(
                {
                    "name": section.section.name,
                    "title": section.section.title,
                    "figures": [_figure_view(f) for f in headline],
                    "more": len(evidence) - len(headline),
                }
            )
        shown = [f for f in section.not_evidence() if f.spec.headline]
        view["not_evidence"] += [
            {**_figure_view(f), "section": section.section.title} for f in shown
        ]
        view["not_evidence_more"] += len(section.not_evidence()) - len(shown)
    return view


def _figure_view(figure: Figure) -> dict[str, str]:
    return {
        "name": figure.name,
        "label": figure.spec.label,
        "text": compare.figure_text(figure),
        "kind": str(figure.kind),
        "kind_label": KIND_LABELS[figure.kind],
    }


def render_index(
    entries: list[dict[str, Any]], compare_entry: dict[str, Any], batch: BatchResult
) -> str:
    """The index page (template ``templates/index.html.j2``): overview, then one card each."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("ikzlib", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    template = environment.get_template("index.html.j2")
    return template.render(
        entries=entries, compare_entry=compare_entry, batch=batch, ok=OK, failed=FAILED
    )
