"""Batch reports: every district as one Dask task, then the cross-district notebooks.

:func:`run_batch` runs :func:`ikzlib.report.run_district_report` for each district as one
task on a ``dask.distributed`` cluster: by default a ``LocalCluster`` of ``jobs`` worker
processes with one thread each (one district at a time per worker), or an existing cluster
given by its scheduler address. A district's notebooks run one after the other in one kernel,
reset between notebooks (:class:`ikzlib.report.KernelSession`), and a worker keeps that kernel
for its next districts (:data:`KERNEL_REUSE` at most), so the kernel start-up and the imports
are paid once per worker, not once per notebook (``shared_kernel=False``: a kernel of its own
for every notebook). When the districts are done, the
cross-district notebooks (``9x_*.ipynb``) run once in this process, staged the same way
(``reports/_compare/``), and ``reports/index.html`` lists every configured district and
notebook with status, duration, links and the key figures of each published
``summary.json`` (written by the notebooks from the in-process studies of
:mod:`ikzlib.studies`, the figures ``ikz summary`` prints), so the index needs no extra runs.

Isolation and failures
    A failing notebook fails only its district: the task runs the remaining notebooks (to
    report them all), the partial outputs go to ``reports/_failed/<district>/`` and the
    previous good report stays in place. The task turns every exception into a failed
    result, so Dask never retries a task (a notebook error would only repeat). When a worker
    process dies (killed, out of memory, a crash of the interpreter), the scheduler gives the
    district to another worker; on the local cluster that happens
    :data:`WORKER_DEATH_RETRIES` time(s), an existing cluster applies its own
    ``distributed.scheduler.allowed-failures``. After that the district is failed
    (``KilledWorker``), its orphaned staging folder moves to ``reports/_failed/<district>/``
    and the batch goes on. The batch fails (non-zero exit) when any district failed.

Incremental re-runs
    Every run records a fingerprint in ``run.json`` (:func:`ikzlib.report.district_fingerprint`:
    the district's inputs, the nationwide extract, the notebooks' cell sources, the ``ikzlib``
    sources, the parameters). A district whose published report is ok and carries the
    fingerprint it would get now is skipped unless ``force``; so is the cross-district run when
    its notebooks, the code and the summaries it reads did not change.

Workers of an existing cluster must run this project from the same path (the same machine or
a shared file system): each task checks the project root and uses the batch's output root and
notebook folder, whatever the worker's environment says.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import queue
import shutil
import sys
import threading
import time
import uuid
from asyncio import CancelledError
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from ikzlib import compare, paths, summary
from ikzlib.catalog import District, all_districts, load_catalog, resolve
from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.i18n import Message, Number, register, tr
from ikzlib.io import write_json, write_text
from ikzlib.keyfigures import KIND_LABELS, Figure
from ikzlib.report import (
    DEFAULT_TIMEOUT,
    KERNEL_START_RETRIES,
    KernelSession,
    NotebookResult,
    ReportResult,
    check_options,
    district_fingerprint,
    district_notebooks,
    run_district_report,
    run_staged,
    shared_digests,
)

COMPARE_KEY = "_compare"
COMPARE_PATTERN = "9[0-9]_*.ipynb"  # cross-district notebooks, run once per batch
DEFAULT_NOTEBOOK_TIMEOUT = 1800  # seconds of wall-clock time per notebook
FAILED = "failed"
OK = "ok"
MAX_SUMMARY_ROWS = 30  # larger batches list only their failures in the terminal summary
WORKER_DEATH_RETRIES = 1  # local cluster: a district whose worker died runs once more
KERNEL_REUSE = 25  # districts one worker kernel serves before a fresh one is started
_WORKER_STATE = threading.local()  # in a Dask worker: its kernel (see _worker_kernel)
CONNECT_TIMEOUT = 30  # seconds to reach an existing scheduler and see a worker


@dataclass
class BatchResult:
    """Outcome of a batch: one report per district run plus the cross-district report.

    ``skipped`` names the districts (and ``_compare``) that were up to date and not re-run;
    ``jobs`` is the number of Dask workers.
    """

    reports: list[ReportResult]
    compare: ReportResult | None
    seconds: float
    index: str = ""
    jobs: int = 1
    skipped: list[str] = field(default_factory=list)

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


def select_districts(
    keys: Sequence[str | District] | None = None, *, land: str | None = None
) -> list[District]:
    """The districts of a batch, each once, in the given or catalog order.

    Parameters
    ----------
    keys
        Curated keys, 5-digit Kreis keys or unambiguous names (see
        :func:`ikzlib.catalog.resolve`); ``None``: every district (of ``land``).
    land
        Only the districts of this Land (name or 2-digit key, case-insensitive).

    Raises
    ------
    UnknownDistrictError
        A key that names no district, or a name that matches several.
    ParameterError
        A Land with no district.
    """
    everything = all_districts()
    if keys:
        by_key = {d.kreis_key: d for d in everything} | {d.key: d for d in everything}
        chosen = [k if isinstance(k, District) else by_key.get(k) or resolve(k) for k in keys]
    else:
        chosen = everything
    if land:
        wanted = land.casefold().strip()
        chosen = [d for d in chosen if wanted in (d.land.casefold(), d.land_key)]
        if not chosen:
            raise ParameterError(f"no district in a Land {land!r} (name or 2-digit key)")
    return list({d.key: d for d in chosen}.values())


def up_to_date(key: str, fingerprint: str) -> bool:
    """Whether the published report of ``key`` is ok and was made with ``fingerprint``."""
    try:
        run = json.loads((paths.reports_dir(key) / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(run, dict) and run.get("status") == OK and run.get("fingerprint") == fingerprint
    )


def _quiet_papermill() -> None:
    """Silence papermill's parameter-type warnings ("Unable to parse line ..."): benign noise."""
    logging.getLogger("papermill.translators").setLevel(logging.ERROR)


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
    districts: Sequence[str | District],
    *,
    notebooks: Sequence[str] | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    notebook_timeout: float | None = DEFAULT_NOTEBOOK_TIMEOUT,
    cell_timeout: int = DEFAULT_TIMEOUT,
    retries: int = KERNEL_START_RETRIES,
    html_export: bool = True,
    compare: bool = True,
    progress: Callable[[str], None] = print,
    quiet: bool = False,
    progress_bar: bool | None = None,
    shared_kernel: bool = True,
    lang: str = "en",
    figure_formats: str = "png",
) -> BatchResult:
    """Build the reports of ``districts`` on Dask, then the cross-district report.

    Parameters
    ----------
    districts
        Keys, Kreis keys or names (all resolved before anything runs), or districts.
    notebooks
        Restrict to these notebooks (file name, stem or number prefix); cross-district
        notebooks among them run after the districts. Default: all.
    jobs
        Worker processes of the local cluster (default: number of CPU cores, at most one per
        district to run); ignored with ``scheduler``.
    scheduler
        Address of the scheduler of an existing Dask cluster (``tcp://host:8786``) instead of
        a local cluster.
    force
        Re-run districts whose published report is up to date (see :func:`up_to_date`).
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
        Receives the progress lines: one per finished notebook and per district.
    quiet
        Only failed notebooks get a line (districts still do).
    progress_bar
        Show a progress bar of the districts on standard error (default: when it is a
        terminal).
    shared_kernel
        Run the notebooks of a district in one kernel, reset between notebooks
        (:class:`ikzlib.report.KernelSession`); ``False``: one kernel per notebook.
    lang, figure_formats
        Report language and figure formats (see :func:`ikzlib.report.run_district_report`).

    Returns
    -------
    BatchResult
        Results of the districts that ran, in the order of ``districts``; ``index`` is the
        path of ``index.html`` relative to the output root.
    """
    chosen = select_districts(districts) if districts else []
    per_district, cross = split_notebook_names(notebooks)
    if per_district == []:  # only cross-district notebooks were asked for
        chosen = []
    options = {
        "timeout": cell_timeout,
        "html": html_export,
        "notebook_timeout": notebook_timeout,
        "retries": retries,
        "shared_kernel": shared_kernel,
        "lang": lang,
        "figure_formats": figure_formats,
    }
    check_options(lang, figure_formats)
    # Set before the workers start: their kernels inherit it (see ikzlib.paths.figure_formats).
    os.environ[paths.FORMATS_ENV] = figure_formats
    started = time.perf_counter()
    fingerprints, skipped = _plan(chosen, per_district, options, force=force)
    todo = [d for d in chosen if d.key not in skipped]
    progress(
        f"ikz batch: {len(chosen)} district(s), {len(todo)} to run, {len(skipped)} up to date "
        f"and skipped{'' if force or not skipped else ' (--force re-runs them)'}"
    )
    results, workers = {}, 0
    if todo:
        display = _Display(progress, len(todo), quiet=quiet, bar=progress_bar)
        with display:
            results, workers = _run_on_dask(
                todo,
                fingerprints,
                notebooks=per_district,
                options=options,
                jobs=jobs,
                scheduler=scheduler,
                display=display,
            )
    compare_result = None
    cross_books = compare_notebooks(cross) if compare else []
    if cross_books:
        compare_result = _compare_step(
            cross_books, [d.key for d in chosen], options, force=force, progress=progress
        )
        if compare_result is None:
            skipped.append(COMPARE_KEY)
    batch = BatchResult(
        [results[d.key] for d in todo],
        compare_result,
        time.perf_counter() - started,
        jobs=workers,
        skipped=skipped,
    )
    index = write_index(batch, lang=lang)
    batch.index = str(index.relative_to(paths.output_root()))
    return batch


def _plan(
    districts: list[District], notebooks: list[str] | None, options: dict[str, Any], *, force: bool
) -> tuple[dict[str, str], list[str]]:
    """The fingerprint of every district, and the keys of those that are up to date."""
    books = district_notebooks(notebooks)
    shared = shared_digests(books)
    fingerprints = {
        d.key: district_fingerprint(
            d,
            books,
            html=options["html"],
            shared=shared,
            lang=options["lang"],
            figure_formats=options["figure_formats"],
        )
        for d in districts
    }
    if force:
        return fingerprints, []
    return fingerprints, [d.key for d in districts if up_to_date(d.key, fingerprints[d.key])]


def _compare_step(
    books: list[Path],
    keys: list[str],
    options: dict[str, Any],
    *,
    force: bool,
    progress: Callable[[str], None],
) -> ReportResult | None:
    """Run the cross-district notebooks unless they are up to date (then ``None``)."""
    fingerprint = compare_fingerprint(books, keys, html=options["html"], lang=options["lang"])
    if not force and up_to_date(COMPARE_KEY, fingerprint):
        progress(f"{COMPARE_KEY}: up to date, skipped")
        return None
    _quiet_papermill()
    result = run_compare(books, options=options, districts=keys, fingerprint=fingerprint)
    for nb in result.notebooks:
        progress(progress_line(COMPARE_KEY, nb))
    progress(_district_line(result))
    return result


# --- running the districts on Dask -----------------------------------------------------------


class _Display:
    """Progress lines and the progress bar of the district runs (in the client process)."""

    def __init__(
        self, progress: Callable[[str], None], total: int, *, quiet: bool, bar: bool | None
    ) -> None:
        from tqdm import tqdm

        self.progress = progress
        self.quiet = quiet
        self.total = total
        self.done = 0
        self.shown: dict[str, list[NotebookResult]] = {}
        self.finished: set[str] = set()
        self.bar = tqdm(
            total=total,
            desc="ikz batch",
            unit="district",
            file=sys.stderr,
            disable=None if bar is None else not bar,
            dynamic_ncols=True,
        )

    def __enter__(self) -> _Display:
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.close()

    def line(self, text: str) -> None:
        from tqdm import tqdm

        with tqdm.external_write_mode():
            self.progress(text)

    def notebook(self, key: str, result: NotebookResult) -> None:
        """Show a finished notebook once (events may repeat after a worker died)."""
        seen = self.shown.setdefault(key, [])
        if key in self.finished or any(r.notebook == result.notebook for r in seen):
            return
        seen.append(result)
        if not self.quiet or result.status != OK:
            self.line(progress_line(key, result))

    def district(self, result: ReportResult) -> None:
        """Show a finished district (and any of its notebooks not yet shown)."""
        for notebook in result.notebooks:
            self.notebook(result.district, notebook)
        self.finished.add(result.district)
        self.done += 1
        self.line(f"[{self.done}/{self.total}] {_district_line(result)}")
        self.bar.update(1)

    def drain(self, events: queue.SimpleQueue) -> None:
        """Show the notebook events that arrived from the workers."""
        while True:
            try:
                message = events.get_nowait()
            except queue.Empty:
                return
            self.notebook(message["district"], NotebookResult(**message["result"]))


def _run_on_dask(
    todo: list[District],
    fingerprints: dict[str, str],
    *,
    notebooks: list[str] | None,
    options: dict[str, Any],
    jobs: int | None,
    scheduler: str | None,
    display: _Display,
) -> tuple[dict[str, ReportResult], int]:
    """Run every district of ``todo`` as one task; returns the results and the worker count."""
    from distributed import wait

    since = time.time()
    results: dict[str, ReportResult] = {}
    n_workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    with _dask_client(scheduler, n_workers) as client:
        workers = len(client.nthreads())
        where = f"the Dask cluster at {scheduler}" if scheduler else "a local Dask cluster"
        display.line(f"running {len(todo)} district(s) on {where} with {workers} worker(s)")
        topic = f"ikz-batch-{uuid.uuid4().hex}"
        events: queue.SimpleQueue = queue.SimpleQueue()
        client.subscribe_topic(topic, lambda event: events.put(event[1]))
        context = {
            "topic": topic,
            "project_root": str(paths.PROJECT_ROOT),
            "output_root": str(paths.output_root()),
            "notebooks_dir": str(paths.NOTEBOOKS_DIR),
        }
        futures = {  # submitted (and so started) longest first: a shorter tail
            client.submit(
                _district_task,
                d.key,
                notebooks,
                options,
                fingerprints[d.key],
                context,
                key=f"ikz-report-{d.key}-{topic[-12:]}",
                pure=False,
                retries=0,
            ): d.key
            for d in _longest_first(todo)
        }
        remaining = set(futures)
        while remaining:
            try:
                done, _ = wait(list(remaining), timeout=0.5, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            display.drain(events)
            for future in done:
                remaining.discard(future)
                key = futures.pop(future)
                results[key] = _task_result(future, key, fingerprints[key], display, since)
                # a result the client still holds would be recomputed if its worker died
                future.release()
                display.district(results[key])
        client.unsubscribe_topic(topic)
    return results, workers


def _longest_first(districts: list[District]) -> list[District]:
    """Districts by expected run time: more own inputs first, then more Gemeinden."""
    from ikzlib import germany

    try:
        sizes = germany.kreise().set_index("kreis_key")["n_inhabited"].to_dict()
    except (OSError, KeyError):  # no extract: keep the order
        sizes = {}

    def cost(district: District) -> tuple[int, int]:
        inputs = sum(district.inputs.available().values())
        return -inputs, -int(sizes.get(district.kreis_key, 0))

    return sorted(districts, key=cost)


@contextmanager
def _dask_client(scheduler: str | None, n_workers: int) -> Iterator[Any]:
    """A client of the cluster at ``scheduler``, or of a new local cluster of ``n_workers``."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise ParameterError(
                f"--scheduler {scheduler}: no Dask scheduler with a worker answered within "
                f"{CONNECT_TIMEOUT} s ({type(exc).__name__}: {exc})"
            ) from exc
        with client:
            yield client
        return
    cluster = LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
        scheduler_kwargs={"allowed_failures": WORKER_DEATH_RETRIES},
    )
    with cluster, Client(cluster) as client:
        yield client


def _task_result(
    future: Any, key: str, fingerprint: str, display: _Display, since: float
) -> ReportResult:
    """The task's result, or a failed result when its worker died or the task was lost."""
    try:
        return future.result()
    except (Exception, CancelledError) as exc:  # KilledWorker, a lost scheduler, ...
        shown = display.shown.get(key, [])
        failure = NotebookResult("(worker process)", FAILED, 0.0, f"{type(exc).__name__}: {exc}")
        result = ReportResult(
            key,
            FAILED,
            sum(nb.seconds for nb in shown),
            [*shown, failure],
            fingerprint=fingerprint,
        )
        _keep_orphaned_staging(result, since)
        return result


def _keep_orphaned_staging(result: ReportResult, since: float) -> None:
    """Move the staging folder a dead worker left behind to ``reports/_failed/<district>/``."""
    key = result.district
    staging_parent = paths.reports_root() / ".staging"
    orphans = sorted(
        (p for p in staging_parent.glob(f"{key}-*") if p.is_dir() and p.stat().st_mtime >= since),
        key=lambda p: p.stat().st_mtime,
    )
    if not orphans:
        return
    failed = paths.reports_root() / "_failed" / key
    if failed.exists():
        shutil.rmtree(failed)
    failed.parent.mkdir(parents=True, exist_ok=True)
    orphans[-1].rename(failed)
    for older in orphans[:-1]:
        shutil.rmtree(older, ignore_errors=True)
    result.report_dir = str(failed.relative_to(paths.output_root()))
    write_json(failed / "reports" / key / "run.json", asdict(result))
    with suppress(OSError):  # leave no empty staging folder behind
        staging_parent.rmdir()


def _district_task(
    key: str,
    notebooks: list[str] | None,
    options: dict[str, Any],
    fingerprint: str,
    context: dict[str, str],
) -> ReportResult:
    """One district on a Dask worker; never raises, sends each notebook result as an event."""
    started = time.perf_counter()

    def notify(district: str, result: NotebookResult) -> None:
        _log_event(context["topic"], {"district": district, "result": asdict(result)})

    try:
        with _batch_environment(context):
            _quiet_papermill()
            kernel = _worker_kernel(context) if options.get("shared_kernel") else None
            return run_district_report(
                key,
                notebooks,
                keep_going=True,
                on_notebook=notify,
                fingerprint=fingerprint,
                kernel=kernel,
                **options,
            )
    except Exception as exc:  # e.g. an unreadable catalog: report it for this district only
        failure = NotebookResult(
            "(district run)", FAILED, time.perf_counter() - started, f"{type(exc).__name__}: {exc}"
        )
        notify(key, failure)
        return ReportResult(key, FAILED, failure.seconds, [failure], fingerprint=fingerprint)


def _worker_kernel(context: dict[str, str]) -> KernelSession:
    """The kernel this worker thread keeps for the districts of a batch.

    One kernel serves :data:`KERNEL_REUSE` districts one after the other (reset between
    notebooks, see :class:`ikzlib.report.KernelSession`), which saves its start-up and
    imports; then, or for another notebook folder or output root, a new one is started. The
    kernel ends with its worker process.
    """
    wanted = (context["notebooks_dir"], context["output_root"])
    current = getattr(_WORKER_STATE, "kernel", None)
    if current is not None:
        session, used, made_for = current
        if made_for == wanted and used < KERNEL_REUSE:
            _WORKER_STATE.kernel = (session, used + 1, made_for)
            return session
        session.close()
    session = KernelSession(Path(context["notebooks_dir"]))
    _WORKER_STATE.kernel = (session, 1, wanted)
    return session


def _log_event(topic: str, message: dict[str, Any]) -> None:
    """Send ``message`` to the batch's client through the scheduler (no-op off a worker)."""
    from distributed import get_worker

    try:
        worker = get_worker()
    except ValueError:  # not running on a worker
        return
    worker.log_event(topic, message)


@contextmanager
def _batch_environment(context: dict[str, str]) -> Iterator[None]:
    """Use the batch's output root and notebook folder in this worker, then restore them."""
    here = paths.PROJECT_ROOT.resolve()
    if Path(context["project_root"]).resolve() != here:
        raise RuntimeError(
            f"this Dask worker runs the project at {here}, the batch the one at "
            f"{context['project_root']}: start the workers from the same checkout"
        )
    saved = os.environ.get("IKZ_OUTPUT_ROOT"), paths.NOTEBOOKS_DIR
    os.environ["IKZ_OUTPUT_ROOT"] = context["output_root"]
    paths.NOTEBOOKS_DIR = Path(context["notebooks_dir"])
    try:
        yield
    finally:
        if saved[0] is None:
            os.environ.pop("IKZ_OUTPUT_ROOT", None)
        else:
            os.environ["IKZ_OUTPUT_ROOT"] = saved[0]
        paths.NOTEBOOKS_DIR = saved[1]


def _district_line(result: ReportResult) -> str:
    done = sum(nb.status == OK for nb in result.notebooks)
    return (
        f"{result.district}: {result.status.upper()} ({done}/{len(result.notebooks)} "
        f"notebooks, {result.seconds:.1f} s) -> {result.report_dir}"
    )


# --- the cross-district notebooks --------------------------------------------------------------


def compare_fingerprint(
    notebooks: Sequence[Path], districts: Sequence[str], *, html: bool, lang: str = "en"
) -> str:
    """Digest of what the cross-district run reads: notebooks, code, the published summaries."""
    keys = _compared(districts)
    published = {}
    for key in keys:
        path = paths.reports_dir(key) / "summary.json"
        published[key] = path.read_text(encoding="utf-8") if path.exists() else None
    document = {
        **shared_digests(notebooks),
        "summaries": published,
        "parameters": {"notebooks": [nb.name for nb in notebooks], "html": html, "lang": lang},
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def _compared(districts: Sequence[str]) -> list[str]:
    """The curated districts, then the other districts of the batch (their summaries)."""
    return list(dict.fromkeys([*(d.key for d in load_catalog()), *districts]))


def run_compare(
    notebooks: Sequence[Path],
    *,
    options: dict[str, Any],
    districts: Sequence[str] = (),
    fingerprint: str | None = None,
) -> ReportResult:
    """Run the cross-district notebooks once over the published district summaries.

    The notebooks compare the curated districts (their ``districts`` parameter); the staging
    tree receives a copy of the published ``reports/<district>/summary.json`` of those and of
    the batch's ``districts``, so the notebooks read the same files they would read in place,
    while their own outputs stay staged until they all succeeded.
    """
    keys = [d.key for d in load_catalog()]
    copied = _compared(districts)

    def copy_summaries(staging: Path) -> None:
        for key in copied:
            published = paths.reports_dir(key) / "summary.json"
            if published.exists():
                target = staging / "reports" / key / "summary.json"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(published, target)

    staged = {k: v for k, v in options.items() if k != "lang"}
    return run_staged(
        COMPARE_KEY,
        list(notebooks),
        {"districts": keys, "lang": options.get("lang", "en")},
        keep_going=True,
        prepare=copy_summaries,
        fingerprint=fingerprint,
        **staged,
    )


# --- summary table and index page ------------------------------------------------------------


def format_summary(batch: BatchResult) -> str:
    """Plain-text summary table of a batch for the terminal."""
    rows = [("district", "status", "notebooks", "seconds", "report")]
    runs = [*batch.reports, *([batch.compare] if batch.compare else [])]
    shown = runs if len(runs) <= MAX_SUMMARY_ROWS else [r for r in runs if not r.ok]
    for result in shown:
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
    if len(shown) < len(runs):
        lines.append(f"{len(runs) - len(shown)} more reports OK (not listed; see the index page)")
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


def _entry(key: str, title: str, this_run: ReportResult | None, lang: str) -> dict[str, Any]:
    """Everything the index shows for one district (or the cross-district report)."""
    published = _as_result(_read_json(paths.reports_dir(key) / "run.json"))
    if this_run is None:  # not part of this batch: show what is on disk
        latest = published or _as_result(_read_json(_failed_dir(key) / "run.json"))
        origin = tr("earlier run" if latest else "no report yet", lang)
    else:
        latest, origin = this_run, tr("this run", lang)
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
        **(_summary_view(key, lang) if good else key_figure_view(None)),
    }


def _summary_view(key: str, lang: str) -> dict[str, Any]:
    """:func:`key_figure_view` of the published ``summary.json`` of ``key``."""
    try:
        document = summary.load_report_summary(key)
    except (OSError, ValueError, AttributeError) as exc:  # bad JSON, or not an object
        return {**key_figure_view(None), "problem": f"summary.json unreadable: {exc}"}
    return key_figure_view(document, lang)


def write_index(batch: BatchResult, lang: str = "en") -> Path:
    """Write ``reports/index.html`` in ``lang``: the curated districts, every district of this
    batch and every district with a published report, then the cross-district report."""
    this_run = {r.district: r for r in batch.reports}
    listed: list[District] = [
        d
        for d in all_districts()
        if d.curated or d.key in this_run or (paths.reports_dir(d.key) / "run.json").exists()
    ]
    entries = [
        _entry(d.key, f"{d.name} ({d.land}, Kreis {d.kreis_key})", this_run.get(d.key), lang)
        for d in listed
    ]
    compare_entry = _entry(COMPARE_KEY, tr("Cross-district comparison", lang), batch.compare, lang)
    target = paths.reports_root() / "index.html"
    write_text(target, render_index(entries, compare_entry, batch, lang))
    return target


def key_figure_view(document: dict[str, Any] | None, lang: str = "en") -> dict[str, Any]:
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
                    "title": tr(section.section.title, lang),
                    "figures": [_figure_view(f, lang) for f in headline],
                    "more": len(evidence) - len(headline),
                }
            )
        shown = [f for f in section.not_evidence() if f.spec.headline]
        view["not_evidence"] += [
            {**_figure_view(f, lang), "section": tr(section.section.title, lang)} for f in shown
        ]
        view["not_evidence_more"] += len(section.not_evidence()) - len(shown)
    return view


def _figure_view(figure: Figure, lang: str) -> dict[str, str]:
    return {
        "name": figure.name,
        "label": tr(figure.spec.label, lang),
        "text": compare.figure_text(figure, lang=lang),
        "kind": tr(str(figure.kind), lang),
        "kind_label": tr(KIND_LABELS[figure.kind], lang),
    }


register(
    {
        "no report": "kein Bericht",
        "ok": "ok",
        "failed": "fehlgeschlagen",
        "earlier run": "früherer Lauf",
        "no report yet": "noch kein Bericht",
        "this run": "dieser Lauf",
        "Cross-district comparison": "Vergleich der Kreise",
        "This run failed; its partial outputs are in": (
            "Dieser Lauf ist fehlgeschlagen; seine Teilergebnisse liegen in"
        ),
        "The previous good report is kept:": "Der letzte gute Bericht bleibt erhalten:",
        "the key figures below are from it.": "die Kennzahlen unten stammen aus ihm.",
        "Key figures not shown:": "Kennzahlen nicht angezeigt:",
        "notebook": "Notebook",
        "status": "Status",
        "duration": "Dauer",
        "cell": "Zelle",
        "more in summary.json": "weitere in summary.json",
        "Illustrative / synthetic — not evidence": "Illustrativ / synthetisch – kein Beleg",
        "These figures rest on invented parameters or generated demo data. They show a "
        "mechanism or a method and describe no district.": (
            "Diese Zahlen beruhen auf erfundenen Parametern oder erzeugten Demodaten. Sie "
            "zeigen einen Mechanismus oder eine Methode und beschreiben keinen Kreis."
        ),
        "IKZ reports": "IKZ-Berichte",
        "Last batch: {n} district(s), {state}, {seconds} s with {jobs} parallel job(s).": (
            "Letzter Lauf: {n} Kreis(e), {state}, {seconds} s mit {jobs} parallelen Aufträgen."
        ),
        "all reports built": "alle Berichte erstellt",
        "some reports failed": "einige Berichte fehlgeschlagen",
        "Key figures come from each district's summary.json, rounded as their studies declare "
        "them: each card shows the headline figures that are evidence (official, derived, "
        "published or model output); illustrative and synthetic figures are set apart.": (
            "Die Kennzahlen stammen aus der summary.json jedes Kreises, gerundet wie ihre "
            "Studien es festlegen: Jede Karte zeigt die Leitkennzahlen, die Belege sind "
            "(amtlich, abgeleitet, veröffentlicht oder Modellergebnis); illustrative und "
            "synthetische Zahlen stehen gesondert."
        ),
        "key": "Schlüssel",
        "district": "Kreis",
        "notebooks ok": "Notebooks ok",
        "shown": "angezeigt",
    }
)


def render_index(
    entries: list[dict[str, Any]],
    compare_entry: dict[str, Any],
    batch: BatchResult,
    lang: str = "en",
) -> str:
    """The index page (template ``templates/index.html.j2``): overview, then one card each.

    The template's words go through the filter ``t`` (:func:`ikzlib.i18n.tr` in ``lang``).
    """
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("ikzlib", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["t"] = lambda text: tr(text, lang)
    template = environment.get_template("index.html.j2")
    lead = Message(
        "Last batch: {n} district(s), {state}, {seconds} s with {jobs} parallel job(s).",
        n=len(batch.reports),
        state=Message("all reports built" if batch.ok else "some reports failed"),
        seconds=Number(batch.seconds, 0),
        jobs=batch.jobs,
    )
    return template.render(
        entries=entries,
        compare_entry=compare_entry,
        batch=batch,
        ok=OK,
        failed=FAILED,
        lang=lang,
        lead=tr(lead, lang),
    )
    template = environment.get_template("index.html.j2")
    return template.render(
        entries=entries, compare_entry=compare_entry, batch=batch, ok=OK, failed=FAILED
    )
