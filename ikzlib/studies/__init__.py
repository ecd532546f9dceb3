"""The studies: one module per topic, each a function of a district that returns a result.

==========================  =====================  ==========================================
module                      section                notebook
==========================  =====================  ==========================================
:mod:`.structure`           ``structure``          ``01_municipal_structure``
:mod:`.network`             ``network``            ``02_cooperation_network``
:mod:`.interviews`          ``interviews``         ``03_interviews``
:mod:`.costs`               ``transaction_costs``  ``04_transaction_costs``
:mod:`.priorities`          ``task_fields``        ``05_task_field_priorities``
:mod:`.findings`            ``findings``           ``06_findings`` (reads the recorded others)
:mod:`.compare`             (reads the others)     ``90_compare_districts``
==========================  =====================  ==========================================

Each per-district module declares ``SECTION`` (its key figures, see :mod:`ikzlib.keyfigures`)
and ``run(district, **params)``. This module lists them in report order, so section order,
headline figures and ``ikz summary`` all follow the declarations.

Examples
--------
>>> from ikzlib import studies
>>> [s.name for s in studies.sections()]  # doctest: +NORMALIZE_WHITESPACE
['structure', 'network', 'interviews', 'transaction_costs', 'task_fields', 'findings']
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import Any

from ikzlib.catalog import District, resolve
from ikzlib.errors import ParameterError
from ikzlib.keyfigures import KeyFigures, Section
from ikzlib.studies.base import Study

DISTRICT_STUDIES = ("structure", "network", "interviews", "costs", "priorities", "findings")
# Studies that read the key figures of the others (passed in-process by :func:`run_all`).
READS_OTHERS = frozenset({"findings"})


def module(name: str) -> ModuleType:
    """The study module ``name`` (one of :data:`DISTRICT_STUDIES`)."""
    if name not in DISTRICT_STUDIES:
        raise ParameterError(f"unknown study {name!r}; choose one of {', '.join(DISTRICT_STUDIES)}")
    return import_module(f"ikzlib.studies.{name}")


def sections() -> list[Section]:
    """The declared key-figure sections of the per-district studies, in report order."""
    return sorted((module(name).SECTION for name in DISTRICT_STUDIES), key=lambda s: s.order)


def section(name: str) -> Section:
    """The declared section ``name`` (e.g. ``"transaction_costs"``)."""
    for declared in sections():
        if declared.name == name:
            return declared
    known = ", ".join(s.name for s in sections())
    raise ParameterError(f"unknown key-figure section {name!r}; sections: {known}")


def run(name: str, district: str | District, **params: Any) -> Study:
    """Run study ``name`` for ``district`` with ``params`` (the study's own keywords)."""
    return module(name).run(resolve(district), **params)


def run_all(district: str | District) -> dict[str, Study]:
    """Every per-district study with its default parameters, keyed by module name.

    A study of :data:`READS_OTHERS` gets the key figures of the studies before it, so it
    reads this run and not what a notebook recorded earlier.
    """
    resolved = resolve(district)
    results: dict[str, Study] = {}
    for name in DISTRICT_STUDIES:
        params = {"recorded": [r.key_figures for r in results.values()]}
        results[name] = run(name, resolved, **(params if name in READS_OTHERS else {}))
    return results


def key_figures(district: str | District) -> list[KeyFigures]:
    """The key figures of every per-district study, in report order."""
    results = run_all(district).values()
    return sorted((r.key_figures for r in results), key=lambda k: k.section.order)
