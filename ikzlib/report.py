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

Every run records a *fingerprint* in ``run.json`` (:func:`district_fingerprint`): a digest of
everything the district's notebooks read and run (their inputs, the nationwide extract, the
notebooks' cell sources, the ``ikzlib`` sources, the parameters). ``ikz batch`` skips a
district whose published report is ok and carries the fingerprint it would get now.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack, suppress
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ikzlib import paths, summary
from ikzlib.errors import ParameterError
from ikzlib.io import write_json, write_text

if TYPE_CHECKING:
    from ikzlib.catalog import District

# nbformat -> jsonschema imports rfc3987_syntax when it is installed (a jupyterlab extra) and
# builds its IRI grammar: about 2 s at every start of the runner, which never checks IRIs.
# A None entry makes that optional import fail fast, as if the extra were absent.
sys.modules.setdefault("rfc3987_syntax", None)

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
# Kernels run side by side (two per report, one per batch worker): a BLAS thread pool in each
# would oversubscribe the cores and made the QAP fits several times slower.
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


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
    fingerprint: str | None = None  # see district_fingerprint; None: not recorded

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


def _declared(notebook: Path, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The runner's parameters that ``notebook`` declares in its parameters cell.

    The runner offers every notebook the same set (``district``, ``output_root``; the
    cross-district ones ``districts``); a notebook takes the ones it declares, so a notebook
    without ``districts`` gets no "unknown parameter" warning. Without a tagged parameters
    cell, all are passed.
    """
    import papermill

    try:
        declared = papermill.inspect_notebook(str(notebook))
    except (OSError, ValueError):  # unreadable: the run itself reports the error
        return dict(parameters)
    if not declared:
        return dict(parameters)
    return {name: value for name, value in parameters.items() if name in declared}


def check_options(lang: str, figure_formats: str) -> None:
    """Raise :class:`~ikzlib.errors.ParameterError` for an unknown language or figure choice."""
    from ikzlib.i18n import LANGUAGES

    if lang not in LANGUAGES:
        raise ParameterError(f"unknown report language {lang!r}; choose one of {LANGUAGES}")
    if figure_formats not in paths.FORMAT_CHOICES:
        raise ParameterError(
            f"unknown figure choice {figure_formats!r}; choose one of {tuple(paths.FORMAT_CHOICES)}"
        )


def _execute(
    notebook: Path,
    output: Path,
    parameters: Mapping[str, Any],
    timeout: int,
    *,
    notebook_timeout: float | None = None,
    retries: int = KERNEL_START_RETRIES,
    kernel: KernelSession | None = None,
) -> NotebookResult:
    """Run one notebook with papermill; never raises for notebook, kernel or timeout errors.

    ``timeout`` bounds every cell; ``notebook_timeout`` (seconds, wall clock) bounds the whole
    notebook: each cell may use at most the budget that is left. A kernel that fails to
    start is retried ``retries`` times. With ``kernel`` the notebook runs in that session's
    kernel (see :class:`KernelSession`), else in a kernel of its own.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    parameters = _declared(notebook, parameters)
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
            shared = {} if kernel is None else {"km": kernel.acquire()}
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
                **shared,
            )
        except PapermillExecutionError as exc:  # an error in a cell: the kernel is fine
            if kernel is not None:
                kernel.release(healthy=True)
            return NotebookResult(
                notebook.name,
                "failed",
                time.perf_counter() - started,
                f"{exc.ename}: {exc.evalue}",
                exc.cell_index,
                attempts,
            )
        except Exception as exc:  # kernel, timeout, bad notebook: report, never crash the batch
            if kernel is not None:
                kernel.release(healthy=False)
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
        if kernel is not None:
            kernel.release(healthy=True)
        return NotebookResult(notebook.name, "ok", time.perf_counter() - started, attempts=attempts)


# Run in a shared kernel between two notebooks: no figure, no variable of the last one left.
_RESET_CODE = """\
import sys as _sys
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
del _sys
get_ipython().run_line_magic("reset", "-f")
"""


class KernelSession:
    """One kernel for the notebooks of a run, reset in between, replaced after a failure.

    Starting a kernel and importing the scientific stack costs seconds per notebook; a
    session pays it once per district. Between two notebooks every variable is deleted
    (``%reset -f``) and every figure closed, so a notebook cannot use what an earlier one
    defined; imported modules (and their caches) stay loaded. A notebook that failed other
    than by an error in a cell (timeout, dead kernel) gets the kernel shut down, and the next
    one a new kernel. Use as a context manager; the kernel is shut down at the end.
    """

    def __init__(self, cwd: Path, *, startup_timeout: float = 60) -> None:
        self.cwd = cwd
        self.startup_timeout = startup_timeout
        self.manager: Any = None
        self.starts = 0
        self._clients: list[Any] = []

    def __enter__(self) -> KernelSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def acquire(self) -> Any:
        """A running kernel manager with an empty namespace (started on first use)."""
        from jupyter_core.utils import run_sync

        if self.manager is not None:
            try:
                run_sync(self._reset)()
                return self.manager
            except Exception:  # a kernel that cannot be reset is replaced
                self.close(now=True)
        self.manager = self._new_manager()
        self.starts += 1
        # Errors only: the kernel's start-up warning about unencrypted local TCP sockets
        # is not something a report user can act on.
        run_sync(self.manager.start_kernel)(
            cwd=str(self.cwd),
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
            env={**os.environ, **ONE_BLAS_THREAD},
        )
        return self.manager

    def release(self, *, healthy: bool) -> None:
        """Close the clients a notebook opened; shut the kernel down unless ``healthy``."""
        for client in self._clients:
            with suppress(Exception):
                client.stop_channels()
        self._clients.clear()
        if not healthy:
            self.close(now=True)

    def close(self, *, now: bool = False) -> None:
        """Shut the kernel down (at once with ``now``)."""
        from jupyter_core.utils import run_sync

        manager, self.manager = self.manager, None
        self.release(healthy=True)
        if manager is None:
            return
        with suppress(Exception):
            if run_sync(manager.is_alive)():
                run_sync(manager.shutdown_kernel)(now=now)
        with suppress(Exception):
            run_sync(manager.cleanup_resources)()

    def _new_manager(self) -> Any:
        """A kernel manager whose clients are remembered, so that they can be closed."""
        from jupyter_client.manager import AsyncKernelManager

        manager = AsyncKernelManager(kernel_name=KERNEL_NAME)
        make_client = manager.client

        def client(**kwargs: Any) -> Any:
            made = make_client(**kwargs)
            self._clients.append(made)
            return made

        manager.client = client
        return manager

    async def _reset(self) -> None:
        if not await self.manager.is_alive():
            raise RuntimeError("the kernel died")
        client = self.manager.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=self.startup_timeout)
            reply = await client.execute_interactive(
                _RESET_CODE,
                silent=True,
                store_history=False,
                timeout=self.startup_timeout,
                output_hook=lambda _message: None,
            )
        finally:
            self.release(healthy=True)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel reset failed: {reply['content'].get('evalue')}")


REPORT_TEMPLATE = Path(__file__).resolve().parent / "templates" / "report.html.j2"


def export_html(executed: Path, target: Path, *, lang: str = "en") -> None:
    """Write an HTML rendering of an executed notebook without its input cells.

    The page loads nothing from the network (``templates/report.html.j2``), so a report
    reads the same offline. ``lang`` goes into ``<html lang=...>`` and picks the markdown
    cells: a cell tagged ``lang-de`` shows only in German reports, ``lang-en`` only in English
    ones, untagged cells in both.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    from ikzlib.i18n import LANGUAGES

    exporter = HTMLExporter(
        template_file=str(REPORT_TEMPLATE),
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code=lang,
    )
    # Markdown is written in both languages, each cell tagged lang-en or lang-de.
    other = {f"lang-{code}" for code in LANGUAGES if code != lang}
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=other, enabled=True), enabled=True
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
    fingerprint: str | None = None,
    shared_kernel: bool = True,
    kernel: KernelSession | None = None,
    lang: str = "en",
    figure_formats: str = "png",
    jobs: int = 1,
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
    fingerprint
        Recorded in ``run.json``; default: :func:`district_fingerprint` of this run (the
        batch passes the one it computed before deciding to run the district).
    shared_kernel
        Run the notebooks one after the other in one kernel, reset in between (see
        :class:`KernelSession`); ``False``: a kernel of its own for every notebook.
    kernel
        Run the notebooks in this session's kernel and leave it running (a batch worker
        reuses one kernel for several districts); implies ``shared_kernel``.
    lang
        Report language, ``"en"`` or ``"de"`` (the notebooks' ``lang`` parameter).
    figure_formats
        ``"png"`` (screen), ``"svg"`` (PNG and SVG) or ``"all"`` (PNG, SVG and PDF); see
        :func:`ikzlib.paths.figure_formats`.
    jobs
        Kernels that run independent notebooks at the same time (``ikz report`` uses one per
        core; a batch worker runs its district's notebooks one after the other). Notebooks
        that read what the others recorded (:func:`reads_previous`) run after them.

    Returns
    -------
    ReportResult
        Status per notebook. On failure nothing is published and the partial outputs are in
        ``reports/_failed/<district>/``.
    """
    from ikzlib.catalog import resolve

    check_options(lang, figure_formats)
    resolved = resolve(district)  # fail fast on an unknown district; names become keys
    key = resolved.key
    chosen = district_notebooks(notebooks)
    if fingerprint is None:
        fingerprint = district_fingerprint(
            resolved, chosen, html=html, lang=lang, figure_formats=figure_formats
        )
    return run_staged(
        key,
        chosen,
        {"district": key, "lang": lang},
        figure_formats=figure_formats,
        jobs=jobs,
        fingerprint=fingerprint,
        shared_kernel=shared_kernel,
        kernel=kernel,
        timeout=timeout,
        html=html,
        notebook_timeout=notebook_timeout,
        retries=retries,
        keep_going=keep_going,
        on_notebook=on_notebook,
        merge=chosen != district_notebooks(),
    )


def reads_previous(notebook: Path) -> bool:
    """Whether ``notebook`` reads what the notebooks before it recorded (it runs after them).

    Declared in the notebook's metadata as ``"ikz": {"reads_previous": true}``; the others
    are independent of each other and may run in parallel.
    """
    metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    return bool(metadata.get("ikz", {}).get("reads_previous", False))


def longest_first(notebooks: Sequence[Path], last_run: Path) -> list[Path]:
    """``notebooks`` ordered by their duration in the last published run, longest first.

    With two kernels taking the next notebook in turn, starting the long ones first keeps both
    busy to the end (LPT scheduling). Without a readable last run the order stays as given.
    """
    try:
        seconds = {
            nb["notebook"]: nb["seconds"] for nb in json.loads(last_run.read_text())["notebooks"]
        }
    except (OSError, ValueError, KeyError, TypeError):
        return list(notebooks)
    return sorted(notebooks, key=lambda nb: -float(seconds.get(nb.name, 0.0)))


def _run_pool(
    notebooks: Sequence[Path],
    sessions: Sequence[KernelSession | None],
    run_one: Callable[[Path, KernelSession | None], NotebookResult],
    stop: threading.Event,
) -> dict[Path, NotebookResult]:
    """Run ``notebooks`` on one thread per session, each taking the next notebook in order."""
    pending = queue.SimpleQueue()
    for notebook in notebooks:
        pending.put(notebook)
    done: dict[Path, NotebookResult] = {}

    def work(session: KernelSession | None) -> None:
        while not stop.is_set():
            try:
                notebook = pending.get_nowait()
            except queue.Empty:
                return
            done[notebook] = run_one(notebook, session)

    if len(sessions) == 1:
        work(sessions[0])
        return done
    threads = [threading.Thread(target=work, args=(session,)) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done


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
    fingerprint: str | None = None,
    shared_kernel: bool = True,
    kernel: KernelSession | None = None,
    figure_formats: str = "png",
    jobs: int = 1,
) -> ReportResult:
    """Run ``notebooks`` in the staging tree of ``key`` and publish them as one report.

    The engine of :func:`run_district_report`, also used for the cross-district notebooks
    (``key = "_compare"``). ``prepare(staging_root)`` may place inputs into the staging tree
    before the first notebook runs. ``merge`` publishes file by file into an existing report
    (used when only some notebooks ran). ``fingerprint`` is recorded in ``run.json``. Other
    keyword arguments (``shared_kernel``, ``kernel``, ...) as in :func:`run_district_report`.
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
    lang = parameters.get("lang", "en")
    stop = threading.Event()  # set by a failure unless keep_going: start no further notebook

    def run_one(notebook: Path, session: KernelSession | None) -> NotebookResult:
        executed = staged_reports / notebook.name
        result = _execute(
            notebook,
            executed,
            parameters,
            timeout,
            notebook_timeout=notebook_timeout,
            retries=retries,
            kernel=session,
        )
        if executed.exists() and html:
            try:
                export_html(executed, executed.with_suffix(".html"), lang=lang)
            except Exception as exc:  # a broken executed notebook is a failure, not a crash
                result.status = "failed"
                result.error = result.error or f"HTML export: {type(exc).__name__}: {exc}"
        if on_notebook is not None:
            on_notebook(key, result)
        if result.status != "ok" and not keep_going:
            stop.set()
        return result

    # Kernels inherit the variable when they start (a batch sets it before its workers start).
    os.environ[paths.FORMATS_ENV] = figure_formats
    independent = longest_first(
        [nb for nb in notebooks if not reads_previous(nb)], paths.reports_dir(key) / "run.json"
    )
    dependent = [nb for nb in notebooks if reads_previous(nb)]
    workers = 1 if kernel is not None else max(1, min(jobs, len(independent)))
    with ExitStack() as stack:
        if kernel is not None:  # the caller's session: used, not shut down
            sessions: list[KernelSession | None] = [kernel]
        elif shared_kernel:
            sessions = [
                stack.enter_context(KernelSession(paths.NOTEBOOKS_DIR)) for _ in range(workers)
            ]
        else:
            sessions = [None] * workers
        done = _run_pool(independent, sessions, run_one, stop)
        for notebook in dependent:  # they read what the others recorded
            if not stop.is_set():
                done[notebook] = run_one(notebook, sessions[0])
    results = [done[nb] for nb in notebooks if nb in done]
    status = "ok" if all(r.status == "ok" for r in results) and results else "failed"
    outcome = ReportResult(
        key, status, time.perf_counter() - started, results, fingerprint=fingerprint
    )
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


# --- fingerprints ----------------------------------------------------------------------------

FINGERPRINT_VERSION = 2  # bump when the recipe of district_fingerprint changes
PACKAGE_DIR = Path(__file__).resolve().parent


def district_fingerprint(
    district: District,
    notebooks: Sequence[Path],
    *,
    html: bool = True,
    shared: Mapping[str, str] | None = None,
    lang: str = "en",
    figure_formats: str = "png",
) -> str:
    """Digest of everything a district's report depends on; equal digests, equal reports.

    Covers the district's record (its ``districts.csv`` row, or its Kreis record), the
    contents of its existing input files (:attr:`ikzlib.catalog.District.inputs`), and what
    :func:`shared_digests` covers for every district: the nationwide extract
    (``data/raw/germany``), ``data/raw/scenarios.csv``, the cell sources of ``notebooks``
    (outputs do not count), the Python sources of ``ikzlib``, and the name, size and
    modification time of the files in the reference folder (``IKZ_REFERENCE_DIR`` or
    ``../shared/data``), plus the parameters (which notebooks, HTML export, language, figure
    formats). Installed package
    versions are not covered: re-run with ``--force`` after an upgrade.

    Parameters
    ----------
    district
        The resolved district.
    notebooks
        The notebooks the run executes, in order.
    html
        Whether the run exports HTML.
    shared
        :func:`shared_digests` of ``notebooks`` when already computed (a batch computes it
        once for all districts).
    """
    from ikzlib.catalog import INPUTS

    shared = shared_digests(notebooks) if shared is None else shared
    inputs = district.inputs
    document = {
        **shared,
        "district": asdict(district),
        "inputs": {
            spec.name: _tree_digest(inputs.path(spec.name))
            for spec in INPUTS
            if inputs.has(spec.name)
        },
        "parameters": {
            "notebooks": [nb.name for nb in notebooks],
            "html": html,
            "lang": lang,
            "figures": figure_formats,
        },
    }
    return _digest(json.dumps(document, sort_keys=True, default=str).encode())


def shared_digests(notebooks: Sequence[Path]) -> dict[str, str]:
    """Digests of what every district's run reads (see :func:`district_fingerprint`)."""
    notebook_digests = [f"{nb.name}:{_notebook_digest(nb)}" for nb in notebooks]
    return {
        "version": str(FINGERPRINT_VERSION),
        "ikzlib": _tree_digest(PACKAGE_DIR, suffix=".py"),
        "notebooks": _digest("\n".join(notebook_digests).encode()),
        "germany": _tree_digest(paths.DATA_RAW / "germany"),
        "scenarios": _tree_digest(paths.DATA_RAW / "scenarios.csv"),
        "reference": _reference_digest(),
    }


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(root: Path, suffix: str = "") -> list[Path]:
    """The files of a file or folder (no hidden files, no ``__pycache__``), sorted."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        return []
    return sorted(
        path
        for path in root.rglob(f"*{suffix}")
        if path.is_file()
        and not any(
            part.startswith(".") or part == "__pycache__" for part in path.relative_to(root).parts
        )
    )


def _tree_digest(root: Path, suffix: str = "") -> str:
    """Digest of the names and contents of the files of ``root`` (a file or a folder)."""
    files = _files(root, suffix)
    if not files:
        return "absent"
    base = root.parent if root.is_file() else root
    lines = [f"{path.relative_to(base).as_posix()}:{_file_digest(path)}" for path in files]
    return _digest("\n".join(lines).encode())


def _file_digest(path: Path) -> str:
    stat = path.stat()
    return _cached_file_digest(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4096)
def _cached_file_digest(path: str, _size: int, _mtime_ns: int) -> str:
    """Content digest, cached while size and modification time stay the same."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _notebook_digest(path: Path) -> str:
    """Digest of the cell types and sources of a notebook (its stored outputs do not count)."""
    stat = path.stat()
    return _cached_notebook_digest(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _cached_notebook_digest(path: str, _size: int, _mtime_ns: int) -> str:
    cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    sources = [
        [cell.get("cell_type"), cell.get("metadata", {}).get("tags", []), _text(cell)]
        for cell in cells
    ]
    return _digest(json.dumps(sources).encode())


def _text(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _reference_digest() -> str:
    """Names, sizes and modification times of the reference files (they may be large)."""
    base = paths.reference_dir()
    if base is None:
        return "absent"
    lines = [
        f"{path.relative_to(base).as_posix()}:{path.stat().st_size}:{path.stat().st_mtime_ns}"
        for path in _files(base)
    ]
    return _digest("\n".join(lines).encode())


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
