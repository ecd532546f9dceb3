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
