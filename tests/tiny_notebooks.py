"""Tiny notebooks for the runner and batch tests (shared by test_batch and test_batch_dask)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook


def write_notebook(path: Path, cells: list[tuple[str, list[str]]]) -> None:
    """Write a python3 notebook whose cells are ``(source, tags)`` pairs, with stable ids."""
    book = new_notebook()
    book.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    book.cells = []
    for i, (source, tags) in enumerate(cells):
        cell = new_code_cell(source)
        cell["id"] = f"c{i}"
        if tags:
            cell.metadata["tags"] = tags
        book.cells.append(cell)
    nbformat.write(book, path)


# Records a tiny key-figure section: one evidence figure and one synthetic one.
RECORDING_CELL = (
    "from ikzlib import summary\n"
    "from ikzlib.keyfigures import KeyFigure, KeyFigures, Kind, Section\n"
    'tiny = Section("tiny", "Tiny study", (\n'
    '    KeyFigure("n_chars", "Characters in the key", kind=Kind.DERIVED,\n'
    '              source="key", headline=True),\n'
    '    KeyFigure("demo", "Demo value", decimals=2, kind=Kind.SYNTHETIC,\n'
    '              source="demo", headline=True),\n'
    "))\n"
    'values = {"n_chars": len(district), "demo": 0.123}\n'
    "summary.record(district, KeyFigures(tiny, tiny.figures_from(values)),\n"
    "               root=output_root)"
)


def write_recording_notebook(path: Path) -> None:
    """A parameterised notebook (``district``, ``output_root``) running :data:`RECORDING_CELL`."""
    write_notebook(
        path, [('district = "harz"\noutput_root = None', ["parameters"]), (RECORDING_CELL, [])]
    )
