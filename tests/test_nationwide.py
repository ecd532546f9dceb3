"""Key figures of many districts on worker processes (ikzlib.nationwide)."""

from __future__ import annotations

import doctest
import os

import pytest

from ikzlib import nationwide, studies
from ikzlib.nationwide import Outcome


def _values(figures):
    return [(s.section.name, [(f.name, f.value) for f in s.figures]) for s in figures]


def crash_on_01001(key: str) -> Outcome:
    """A worker task that kills its process for one key (module level: workers import it)."""
    if key == "01001":
        os._exit(3)
    return Outcome(key, [], None, 0.0)


def test_docstring_example():
    result = doctest.testmod(nationwide, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_workers_give_the_in_process_figures_and_report_failures():
    calls = []
    result = nationwide.key_figures_all(
        ["14612", "no such district", "01001", "14612"],
        jobs=2,
        progress=lambda key, done, total: calls.append((key, done, total)),
    )
    assert [o.key for o in result.outcomes] == ["14612", "no such district", "01001"]
    assert list(result.failures) == ["no such district"]
    assert "UnknownDistrictError" in result.failures["no such district"]
    assert sorted(result.figures) == ["01001", "14612"]
    for key in ("14612", "01001"):
        assert _values(result.figures[key]) == _values(studies.key_figures(key))
    assert sorted(done for _, done, _ in calls) == [1, 2, 3]
    assert {total for *_, total in calls} == {3}
    assert result.jobs == 2 and result.wall_seconds > 0
    assert set(result.seconds) == {"14612", "no such district", "01001"}


def test_a_dead_worker_fails_only_its_district():
    keys = ["01001", "01002", "01003", "01004"]
    result = nationwide.key_figures_all(keys, jobs=2, compute=crash_on_01001)
    assert list(result.failures) == ["01001"]
    assert "worker process died" in result.failures["01001"]
    assert sorted(result.figures) == ["01002", "01003", "01004"]


def test_in_process_run_and_bad_jobs():
    seen = []
    result = nationwide.key_figures_all(
        ["01001", "01002"],
        jobs=1,
        compute=lambda key: seen.append(key) or Outcome(key, [], None, 0),
    )
    assert seen == ["01001", "01002"]  # in this process, in the given order
    assert result.failures == {} and list(result.figures) == ["01001", "01002"]
    with pytest.raises(ValueError, match="jobs"):
        nationwide.key_figures_all(["01001"], jobs=0)
