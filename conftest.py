"""Project-wide pytest set-up: the reference-data rule for notebooks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ikzlib import paths


def _uses_reference_data(notebook: Path) -> bool:
    """Whether the notebook metadata ``ikz.uses_reference_data`` says it reads ../shared."""
    metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    return bool(metadata.get("ikz", {}).get("uses_reference_data", False))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the nbval check of notebooks that use the reference files when ../shared is absent.

    Those notebooks add the national comparison and BKG boundaries when the Germany-wide files
    are available, and their committed outputs were recorded with them; without the files the
    outputs legitimately differ, so the comparison would test the environment, not the code.
    """
    if paths.reference_dir() is not None:
        return
    skip = pytest.mark.skip(
        reason="reference data ../shared/data absent; this notebook's outputs were recorded with it"
    )
    for item in items:
        path = Path(str(item.fspath))
        if path.suffix == ".ipynb" and _uses_reference_data(path):
            item.add_marker(skip)
