"""Keep the committed notebooks as nbval baselines: execute in place, drop embedded images.

nbval never compares images, and embedded PNGs made up most of the notebooks' size; the
committed notebooks therefore keep their text outputs only (the figures are files under
``figures/<district>/`` and in the HTML reports). ``python -m ikzlib.notebooks [NB ...]``
re-executes the given notebooks (default: all numbered notebooks) and strips them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from ikzlib import paths

IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")


def strip_images(notebook: dict) -> int:
    """Remove embedded images from every output of ``notebook`` (a nbformat node); count them."""
    removed = 0
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in IMAGE_TYPES:
                if mime in data:
                    del data[mime]
                    removed += 1
            if "metadata" in output:
                for mime in IMAGE_TYPES:
                    output["metadata"].pop(mime, None)
    return removed


def refresh(path: Path, timeout: int = 900) -> int:
    """Execute ``path`` in place with the current kernel and strip its images."""
    import nbformat
    from nbclient import NotebookClient

    from ikzlib.io import write_text

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,  # no execution timestamps: a re-run changes only what changed
    ).execute()
    removed = strip_images(notebook)
    write_text(path, nbformat.writes(notebook) + "\n")
    return removed


def main(argv: Sequence[str] | None = None) -> int:
    """Refresh the named notebooks (file names or number prefixes), default all."""
    names = list(sys.argv[1:] if argv is None else argv)
    available = sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    chosen = [
        p for p in available if not names or any(n in (p.name, p.stem, p.name[:2]) for n in names)
    ]
    for path in chosen:
        removed = refresh(path)
        print(f"{path.name}: executed, {removed} embedded image(s) dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
