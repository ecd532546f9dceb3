"""Key figures of many districts at once, in-process, on a pool of worker processes.

:func:`key_figures_all` runs :func:`ikzlib.studies.key_figures` (every per-district study with
its default parameters) for every district of :func:`ikzlib.catalog.all_districts`, or for the
given ones, on ``jobs`` worker processes. A district that fails is reported with its error and
never stops the others; a worker process that dies (a crash, not an exception) takes only the
districts it was running at that moment with it, and those are retried one at a time, each in a
fresh process.

The districts are handed out longest first (the curated districts, with their extra data, then
by number of Gemeinden), so the slowest ones do not finish last on an otherwise idle pool.

Examples
--------
>>> from ikzlib import nationwide
>>> result = nationwide.key_figures_all(["14612"], jobs=1)
>>> result.failures, [s.section.name for s in result.figures["14612"]][:2]
({}, ['structure', 'network'])
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from ikzlib import studies
from ikzlib.catalog import District, all_districts, resolve
from ikzlib.keyfigures import KeyFigures

Progress = Callable[[str, int, int], None]
"""Called as ``progress(key, done, total)`` after each district."""


@dataclass(frozen=True)
class Outcome:
    """The result of one district: its key figures or its error, and the time it took
    (``seconds`` wall time, ``cpu_seconds`` processor time of its worker)."""

    key: str
    figures: list[KeyFigures] | None
    error: str | None
    seconds: float
    cpu_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """The district's studies ran."""
        return self.error is None


@dataclass(frozen=True)
class NationwideFigures:
    """Key figures of many districts.

    Attributes
    ----------
    outcomes
        One :class:`Outcome` per district, in the order the districts were given.
    wall_seconds
        Wall time of the whole run (pool start included).
    jobs
        Worker processes used.
    """

    outcomes: tuple[Outcome, ...]
    wall_seconds: float
    jobs: int
    figures: dict[str, list[KeyFigures]] = field(init=False, repr=False)
    failures: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        figures = {o.key: o.figures for o in self.outcomes if o.figures is not None}
        failures = {o.key: o.error for o in self.outcomes if o.error is not None}
        object.__setattr__(self, "figures", figures)
        object.__setattr__(self, "failures", failures)

    @property
    def seconds(self) -> dict[str, float]:
        """Wall time per district (in its worker), by key."""
        return {o.key: o.seconds for o in self.outcomes}

    @property
    def cpu_seconds(self) -> dict[str, float]:
        """Processor time per district (in its worker), by key."""
        return {o.key: o.cpu_seconds for o in self.outcomes}


def key_figures_all(
    districts: Iterable[str | District] | None = None,
    jobs: int = 2,
    progress: Progress | None = None,
    compute: Callable[[str], Outcome] | None = None,
) -> NationwideFigures:
    """The key figures of every district (default: all of :func:`~ikzlib.catalog.all_districts`).

    Parameters
    ----------
    districts
        Keys, names or :class:`~ikzlib.catalog.District` objects; ``None`` for all districts.
        A key that does not resolve is reported as a failure of that key.
    jobs
        Worker processes (``1``: run in this process, one district after the other).
    progress
        Called after each district with its key, the number done and the total.
    compute
        The work per district key (default :func:`district_figures`); with ``jobs > 1`` a
        module-level function, so that worker processes can import it.

    Returns
    -------
    NationwideFigures
        ``figures`` by key, ``failures`` (key -> error) and the time per district.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    keys = _keys(districts)
    compute = compute or district_figures
    start = time.perf_counter()
    if jobs == 1:
        outcomes = {}
        for key in keys:
            outcomes[key] = compute(key)
            _report(progress, key, len(outcomes), len(keys))
    else:
        outcomes = _run_pool(keys, jobs, progress, compute)
    wall = time.perf_counter() - start
    return NationwideFigures(tuple(outcomes[key] for key in keys), wall, jobs)


def district_figures(key: str) -> Outcome:
    """:func:`ikzlib.studies.key_figures` of one district, or the error it raised."""
    start, cpu = time.perf_counter(), time.process_time()
    try:
        figures, error = studies.key_figures(key), None
    except Exception as exc:  # continue-on-error: the caller reports it
        figures, error = None, traceback.format_exception_only(type(exc), exc)[-1].strip()
    return Outcome(key, figures, error, time.perf_counter() - start, time.process_time() - cpu)


def _keys(districts: Iterable[str | District] | None) -> list[str]:
    """District keys, without repeats; resolved ones by their catalog key."""
    if districts is None:
        return [d.key for d in all_districts()]
    keys = []
    for district in districts:
        keys.append(district.key if isinstance(district, District) else str(district))
    return list(dict.fromkeys(keys))


def _longest_first(keys: Sequence[str]) -> list[str]:
    """Curated districts first, then by number of Gemeinden (a proxy of the work), largest
    first; keys that do not resolve last (they fail fast)."""

    def cost(key: str) -> tuple[int, int]:
        try:
            district = resolve(key)
        except Exception:
            return (2, 0)
        return (0 if district.curated else 1, -_n_municipalities().get(district.kreis_key, 0))

    return sorted(keys, key=cost)


def _n_municipalities() -> dict[str, int]:
    """Inhabited Gemeinden per Kreis key from the nationwide extract (empty without it)."""
    from ikzlib import germany

    try:
        kreise = germany.kreise()
    except Exception:  # noqa: BLE001 - without the extract every Kreis counts the same
        return {}
    return dict(zip(kreise["kreis_key"], kreise["n_inhabited"].astype(int), strict=True))


def _context() -> multiprocessing.context.BaseContext:
    """``forkserver`` where available (workers fork from a clean server that has imported the
    studies), else ``spawn``."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["ikzlib.nationwide", "ikzlib.studies"])
        return context
    return multiprocessing.get_context("spawn")


def _warm_up() -> None:
    """Load the nationwide extract and the catalog once per worker (best effort: a problem
    shows up again, as the error of the districts it concerns)."""
    from ikzlib import catalog, germany

    try:
        germany.municipalities()
        germany.kreise()
        catalog.all_districts()
    except Exception:  # noqa: BLE001 - warming up is optional
        pass


def _run_pool(
    keys: Sequence[str], jobs: int, progress: Progress | None, compute: Callable[[str], Outcome]
) -> dict[str, Outcome]:
    """Run the districts on ``jobs`` workers.

    A dead worker breaks the whole pool: the districts not finished by then run again on a
    fresh pool (at most :data:`POOL_ROUNDS` pools), and the rest one at a time, each in a
    fresh process, so that only a district that kills its process fails for that reason.
    """
    outcomes: dict[str, Outcome] = {}
    remaining = _longest_first(keys)
    for _ in range(POOL_ROUNDS):
        if not remaining:
            break
        remaining = _pool_round(remaining, jobs, compute, outcomes, progress, len(keys))
    for key in remaining:
        _pool_round([key], 1, compute, outcomes, progress, len(keys), lost_error=True)
    return outcomes


POOL_ROUNDS = 3


def _pool_round(
    keys: Sequence[str],
    jobs: int,
    compute: Callable[[str], Outcome],
    outcomes: dict[str, Outcome],
    progress: Progress | None,
    total: int,
    lost_error: bool = False,
) -> list[str]:
    """Submit ``keys`` to a new pool; fill ``outcomes``; return the keys lost with a dead
    worker (recorded as failures when ``lost_error``)."""
    lost: list[str] = []
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(keys)), mp_context=_context(), initializer=_warm_up
    ) as pool:
        pending: dict[Future[Outcome], str] = {pool.submit(compute, key): key for key in keys}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                key = pending.pop(future)
                try:
                    outcomes[key] = future.result()
                except BrokenProcessPool as exc:
                    if not lost_error:
                        lost.append(key)
                        continue
                    outcomes[key] = Outcome(key, None, f"worker process died: {exc}", 0.0)
                _report(progress, key, len(outcomes), total)
    return lost


def _report(progress: Progress | None, key: str, done: int, total: int) -> None:
    if progress is not None:
        progress(key, done, total)
