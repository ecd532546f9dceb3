"""Error types that name the offending file, row/element and problem."""

from __future__ import annotations

from pathlib import Path


class IkzError(Exception):
    """Base class of all errors raised by ikzlib."""


class DataValidationError(IkzError, ValueError):
    """Bad input data: says which file, which row or element, and what is wrong.

    Parameters
    ----------
    source
        File path (or a descriptive name for in-memory data).
    problem
        What is wrong, in plain words.
    row
        1-based line number in the file (header = line 1) or record number; ``None`` if the
        problem concerns the file as a whole.
    element
        Column name, XML element/attribute or archive member the problem concerns.
    """

    def __init__(
        self,
        source: str | Path,
        problem: str,
        *,
        row: int | None = None,
        element: str | None = None,
    ) -> None:
        self.source = str(source)
        self.problem = problem
        self.row = row
        self.element = element
        where = self.source
        if row is not None:
            where += f", line {row}"
        if element is not None:
            where += f", {element}"
        super().__init__(f"{where}: {problem}")


class UnknownDistrictError(IkzError, KeyError):
    """A district key that is not in the catalog."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0])


class ParameterError(IkzError, ValueError):
    """A bad parameter of a study, notebook or command: names the parameter and what it takes."""
