"""The one place that knows where things live.

Inputs live under the project root (``data/raw/<district>/``). Outputs (``data/processed``,
``figures``, ``reports``) live under an *output root*: every output function takes it as the
``root`` argument (the report runner passes its staging folder, so a report is swapped into
place only when it succeeded). Without one, the root is the project root unless the user
points ``IKZ_OUTPUT_ROOT`` elsewhere.
Germany-wide reference files (Destatis, BKG) are looked up in ``IKZ_REFERENCE_DIR`` or, for
development, in ``../shared/data`` beside the project.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("IKZ_ROOT", Path(__file__).resolve().parents[1]))
# IKZ_NOTEBOOKS_DIR: run another notebook folder (tests of the batch runner use tiny ones).
NOTEBOOKS_DIR = Path(os.environ.get("IKZ_NOTEBOOKS_DIR", PROJECT_ROOT / "notebooks"))
DATA_RAW = PROJECT_ROOT / "data" / "raw"
DISTRICT_CATALOG = DATA_RAW / "districts.csv"
DEFAULT_DISTRICT = "harz"


def output_root(root: str | Path | None = None) -> Path:
    """``root`` if given, else the user's ``IKZ_OUTPUT_ROOT``, else the project root."""
    if root is not None:
        return Path(root)
    return Path(os.environ.get("IKZ_OUTPUT_ROOT", PROJECT_ROOT))


def raw_dir(district: str) -> Path:
    """Immutable input data of one district (committed)."""
    return DATA_RAW / district


def district_key(district: object) -> str:
    """The folder name of a district given as key, District or number.

    papermill's ``-p district 09677`` passes the int 9677; a Kreis key has five digits.
    """
    key = getattr(district, "key", district)
    if isinstance(key, int) and not isinstance(key, bool):
        return f"{key:05d}"
    return str(key)


def processed_dir(district: object, root: str | Path | None = None) -> Path:
    """Derived tables of one district (regenerated, git-ignored)."""
    return output_root(root) / "data" / "processed" / district_key(district)


def figures_dir(district: object, root: str | Path | None = None) -> Path:
    """Figures of one district (PNG for screens, SVG for papers)."""
    return output_root(root) / "figures" / district_key(district)


def reports_root(root: str | Path | None = None) -> Path:
    """Folder holding every district's report plus the batch index."""
    return output_root(root) / "reports"


def reports_dir(district: object, root: str | Path | None = None) -> Path:
    """Executed notebooks, HTML exports and ``summary.json`` of one district (git-ignored)."""
    return reports_root(root) / district_key(district)


def summary_parts_dir(district: object, root: str | Path | None = None) -> Path:
    """Per-study key figures; the runner merges them into ``summary.json``."""
    return processed_dir(district, root) / "summary"


def reference_dir() -> Path | None:
    """Folder with Germany-wide reference files, or ``None`` when there is none."""
    configured = os.environ.get("IKZ_REFERENCE_DIR")
    candidate = Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


def reference_file(relative: str) -> Path | None:
    """A reference file such as ``destatis/31122021_Auszug_GV.xlsx``, or ``None`` if absent."""
    base = reference_dir()
    if base is None:
        return None
    path = base / relative
    return path if path.exists() else None


FORMATS_ENV = "IKZ_FIGURE_FORMATS"
# What `ikz report --figures` offers: screen only, screen and vector, everything.
FORMAT_CHOICES = {"png": ("png",), "svg": ("png", "svg"), "all": ("png", "svg", "pdf")}


def figure_formats() -> tuple[str, ...]:
    """Formats :func:`ikzlib.figures.publish` writes: ``IKZ_FIGURE_FORMATS``, else png.

    The report runner sets the variable from ``ikz report --figures``; PNG is always written
    because the notebook shows it.
    """
    choice = os.environ.get(FORMATS_ENV, "png")
    if choice not in FORMAT_CHOICES:
        raise ValueError(f"{FORMATS_ENV}={choice!r}: choose one of {', '.join(FORMAT_CHOICES)}")
    return FORMAT_CHOICES[choice]
