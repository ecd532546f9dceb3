"""Key figures of a report: each notebook records its own section, the runner merges them.

Notebooks call :func:`record` with plain numbers/strings; the runner writes the merged
``reports/<district>/summary.json`` that the batch index and the cross-district comparison
read. Values must be JSON-serialisable; numpy scalars are converted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ikzlib import paths
from ikzlib.io import write_json


def record(district: str, section: str, values: Mapping[str, Any]) -> Path:
    """Store the key figures of one notebook section (overwrites that section only)."""
    target = paths.summary_parts_dir(district) / f"{section}.json"
    write_json(target, dict(values))
    return target.relative_to(paths.output_root())


def collect(district: str) -> dict[str, Any]:
    """All recorded sections of a district, keyed by section name (sorted)."""
    folder = paths.summary_parts_dir(district)
    if not folder.is_dir():
        return {}
    return {
        part.stem: json.loads(part.read_text(encoding="utf-8"))
        for part in sorted(folder.glob("*.json"))
    }


def load_report_summary(district: str) -> dict[str, Any] | None:
    """The published ``reports/<district>/summary.json``, or ``None`` if there is none."""
    path = paths.reports_dir(district) / "summary.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
