"""``summary.json``: the key figures of a district report, as the studies declared them.

A notebook calls :func:`record` with its study's :class:`~ikzlib.keyfigures.KeyFigures`; the
report runner merges the recorded sections into ``reports/<district>/summary.json``
(:func:`write_report_summary`). The batch index and the cross-district comparison read that
file back with :func:`load_report_summary`. Every figure carries value, label, unit, kind and
source (schema :data:`ikzlib.keyfigures.SCHEMA_VERSION`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ikzlib import paths
from ikzlib.io import write_json
from ikzlib.keyfigures import SCHEMA_VERSION, KeyFigures


def record(district: str, figures: KeyFigures, root: str | Path | None = None) -> Path:
    """Store one study's key figures (overwrites that section only); returns the file."""
    target = paths.summary_parts_dir(district, root) / f"{figures.section.name}.json"
    write_json(target, figures.as_json())
    return target


def collect(district: str, root: str | Path | None = None) -> dict[str, Any]:
    """All recorded sections of a district, keyed by section name (sorted)."""
    folder = paths.summary_parts_dir(district, root)
    if not folder.is_dir():
        return {}
    return {
        part.stem: json.loads(part.read_text(encoding="utf-8"))
        for part in sorted(folder.glob("*.json"))
    }


def summary_document(district: str, sections: Mapping[str, Any]) -> dict[str, Any]:
    """The ``summary.json`` document for ``sections`` (as from :func:`collect`)."""
    return {"schema": SCHEMA_VERSION, "district": district, "sections": dict(sections)}


def write_report_summary(
    district: str, target: Path, root: str | Path | None = None
) -> dict[str, Any]:
    """Merge the recorded sections of ``district`` into ``target`` (``summary.json``)."""
    document = summary_document(district, collect(district, root))
    write_json(target, document)
    return document


def load_report_summary(district: str, root: str | Path | None = None) -> dict[str, Any] | None:
    """The published ``reports/<district>/summary.json``, or ``None`` if there is none.

    Summaries of an older schema (bare values without kind) are treated as absent: their
    figures cannot be told apart from illustration.
    """
    path = paths.reports_dir(district, root) / "summary.json"
    if not path.exists():
        return None
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("schema") != SCHEMA_VERSION:
        return None
    return document
