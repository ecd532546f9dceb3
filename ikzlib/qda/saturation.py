"""Thematic saturation after Guest, Namey & Chen (2020, PLOS ONE 15(5): e0232076).

The method has three settings:

* **base size** ``b``: the first ``b`` interviews; the number of distinct codes found in them
  is the *base* and stays the denominator;
* **run length** ``r``: a window of ``r`` consecutive interviews after those already seen;
* **new-information threshold**: the largest share of new codes (codes in the run that no
  earlier interview had), relative to the base, that still counts as "no new information".

The first run starts right after the base; while its new information exceeds the threshold,
the run moves on by one interview. Saturation is reached at the first run at or below the
threshold and is reported as ``n+r``: ``n`` interviews, confirmed by ``r`` more that added
(almost) nothing. With fewer than ``b + r`` interviews no run can be formed, so saturation
cannot be confirmed at all. Because the result depends on the order of the interviews, a
bootstrap over random orders says how often, and after how many interviews, it is reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ikzlib.i18n import Message, Number, register
from ikzlib.qda.analysis import document_code_matrix
from ikzlib.qda.model import CodedProject

register(
    {
        "reached at b+r = {before}+{run}": "erreicht bei b+r = {before}+{run}",
        "not reached": "nicht erreicht",
        "cannot be confirmed: too few interviews ({n} < base + run = {base} + {run})": (
            "nicht bestätigbar: zu wenige Interviews ({n} < Basis + Durchlauf = {base} + {run})"
        ),
        "{head} (in the given order; {reached} of {total} random orders reach it)": (
            "{head} (in der gegebenen Reihenfolge; {reached} von {total} Zufallsreihenfolgen "
            "erreichen sie)"
        ),
        "{head} (in the given order; {reached} of {total} random orders reach it, median "
        "b+r = {median}+{run})": "{head} (in der gegebenen Reihenfolge; {reached} von {total} "
        "Zufallsreihenfolgen erreichen sie, Median b+r = {median}+{run})",
    }
)


@dataclass(frozen=True)
class SaturationResult:
    """Outcome for one interview order.

    Attributes
    ----------
    order
        Document ids in the order assessed.
    base_codes
        Number of distinct codes in the first ``base`` interviews.
    runs
        One row per run: ``run_start`` (1-based position of its first interview),
        ``n_before`` (interviews before the run), ``new_codes``, ``new_share``.
    interviews_before
        ``n`` of the reported ``n+r`` (``None`` when not reached).
    run
        Run length ``r``.
    status
        ``"reached"``, ``"not reached"`` or ``"too few interviews"``.
    """

    order: tuple[str, ...]
    base_codes: int
    runs: pd.DataFrame
    interviews_before: int | None
    run: int
    status: str

    @property
    def reached(self) -> bool:
        """Whether a run at or below the threshold was found."""
        return self.status == "reached"


def code_sets(project: CodedProject) -> dict[str, frozenset[str]]:
    """Codes present in each document (``doc_id`` -> set of ``code_id``)."""
    presence = document_code_matrix(project, value="presence")
    return {doc: frozenset(presence.columns[presence.loc[doc] > 0]) for doc in presence.index}


def assess_saturation(
    codes_by_document: dict[str, frozenset[str]],
    order: Sequence[str] | None = None,
    *,
    base: int = 4,
    run: int = 2,
    threshold: float = 0.05,
    all_runs: bool = False,
) -> SaturationResult:
    """Saturation for one interview order (default: sorted ``doc_id``).

    Parameters
    ----------
    codes_by_document
        Codes found in each interview, e.g. from :func:`code_sets`.
    order
        Interview order to assess.
    base, run
        Base size and run length (interviews, at least 1).
    threshold
        New-information threshold as a share of the base (``0.05`` = 5 %; ``0`` = none new).
    all_runs
        Keep assessing runs after saturation is reached (for a curve); the result is the same.
    """
    if base < 1 or run < 1:
        raise ValueError("base and run must be at least 1")
    if not 0 <= threshold < 1:
        raise ValueError("threshold must be a share in [0, 1)")
    order = tuple(sorted(codes_by_document) if order is None else order)
    sets = [codes_by_document[doc] for doc in order]
    base_codes = len(frozenset().union(*sets[:base])) if sets else 0
    rows = []
    status, before = "too few interviews", None
    if len(sets) >= base + run:
        status = "not reached"
        for n_before in range(base, len(sets) - run + 1):
            seen = frozenset().union(*sets[:n_before])
            new = frozenset().union(*sets[n_before : n_before + run]) - seen
            share = len(new) / base_codes if base_codes else np.nan
            rows.append((n_before + 1, n_before, len(new), share))
            # Equal to the threshold counts as saturated ("<= 5 %"); tolerance for 0.05 etc.
            if status != "reached" and base_codes and share <= threshold + 1e-12:
                status, before = "reached", n_before
                if not all_runs:
                    break
    runs = pd.DataFrame(rows, columns=["run_start", "n_before", "new_codes", "new_share"])
    return SaturationResult(order, base_codes, runs, before, run, status)


def bootstrap_saturation(
    codes_by_document: dict[str, frozenset[str]],
    *,
    base: int = 4,
    run: int = 2,
    threshold: float = 0.05,
    n_bootstrap: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Assess saturation for ``n_bootstrap`` random interview orders (seeded permutations).

    Returns
    -------
    pandas.DataFrame
        One row per order: ``replicate``, ``status``, ``interviews_before`` (``<NA>`` when
        not reached) and ``interviews_needed`` (``n + r``).
    """
    rng = np.random.default_rng(seed)
    docs = sorted(codes_by_document)
    rows = []
    for replicate in range(n_bootstrap):
        order = [docs[i] for i in rng.permutation(len(docs))]
        result = assess_saturation(
            codes_by_document, order, base=base, run=run, threshold=threshold
        )
        before = result.interviews_before
        rows.append((replicate, result.status, before, None if before is None else before + run))
    frame = pd.DataFrame(
        rows, columns=["replicate", "status", "interviews_before", "interviews_needed"]
    )
    for column in ("interviews_before", "interviews_needed"):
        frame[column] = frame[column].astype("Int64")
    return frame


def saturation_verdict(
    result: SaturationResult,
    bootstrap: pd.DataFrame | None = None,
    *,
    base: int = 4,
) -> Message:
    """One sentence on saturation, with the bootstrap share when given.

    ``"reached at b+r = n+r (… of … random orders reach it, median n+r)"``, ``"not reached"``
    or ``"cannot be confirmed: too few interviews (… < base + run = …)"``; a
    :class:`~ikzlib.i18n.Message`, so it renders in German too.
    """
    if result.status == "too few interviews":
        return Message(
            "cannot be confirmed: too few interviews ({n} < base + run = {base} + {run})",
            n=len(result.order),
            base=base,
            run=result.run,
        )
    if result.reached:
        head = Message(
            "reached at b+r = {before}+{run}", before=result.interviews_before, run=result.run
        )
    else:
        head = Message("not reached")
    if bootstrap is None or not len(bootstrap):
        return head
    reached = bootstrap["status"] == "reached"
    # Plain digits, as the verdict has always printed them ("87 of 1000").
    values = {"head": head, "reached": str(int(reached.sum())), "total": str(len(bootstrap))}
    if not reached.any():
        return Message(
            "{head} (in the given order; {reached} of {total} random orders reach it)", **values
        )
    median = float(np.median(bootstrap.loc[reached, "interviews_before"].astype(int)))
    return Message(
        "{head} (in the given order; {reached} of {total} random orders reach it, median "
        "b+r = {median}+{run})",
        **values,
        median=Number(median, 0 if median.is_integer() else 1),
        run=result.run,
    )
