"""What every study result has in common, and the checks of study parameters.

A study is a function ``run(district, **params) -> <Topic>Study`` in its own module of
:mod:`ikzlib.studies`. It loads the district's inputs, computes every table its notebook shows
and returns a frozen result: tables, figure inputs, the key figures declared by the module's
``SECTION``, and notes for the parts whose data the district lacks. It draws nothing and
writes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from ikzlib.catalog import District
from ikzlib.errors import ParameterError
from ikzlib.keyfigures import KeyFigures


@dataclass(frozen=True, kw_only=True)
class Study:
    """Common part of every study result.

    Attributes
    ----------
    district
        The district the study ran for.
    key_figures
        The key figures, as declared by the study module's ``SECTION``.
    notes
        Plain sentences about this district's run: what is missing and how to add it,
        caveats that depend on the data. Generated from the data, never written for one
        district.
    """

    district: District
    key_figures: KeyFigures
    notes: tuple[str, ...] = ()


def check_choice(name: str, value: Any, choices: Collection[Any]) -> Any:
    """``value`` if it is one of ``choices``, else :class:`ParameterError`."""
    if value not in choices:
        listing = ", ".join(map(repr, sorted(choices, key=str)))
        raise ParameterError(f"parameter {name}={value!r}: choose one of {listing}")
    return value


def check_number(
    name: str,
    value: Any,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    integer: bool = False,
    exclusive_minimum: bool = False,
) -> float | int:
    """``value`` as a number within the bounds, else :class:`ParameterError`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ParameterError(f"parameter {name}={value!r}: a number is required") from None
    if math.isnan(value):
        raise ParameterError(f"parameter {name}: a number is required, not NaN")
    if integer:
        if value != int(value):
            raise ParameterError(f"parameter {name}={value!r}: a whole number is required")
        value = int(value)
    if minimum is not None and (value <= minimum if exclusive_minimum else value < minimum):
        relation = ">" if exclusive_minimum else ">="
        raise ParameterError(f"parameter {name}={value!r}: must be {relation} {minimum:g}")
    if maximum is not None and value > maximum:
        raise ParameterError(f"parameter {name}={value!r}: must be <= {maximum:g}")
    return value
