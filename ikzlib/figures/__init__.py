"""Every drawing of the suite: one style, one save helper, one module per topic.

Topic modules (:mod:`.structure`, :mod:`.network`, :mod:`.interviews`, :mod:`.costs`,
:mod:`.priorities`, :mod:`.compare`) follow one convention: a drawing function takes a study's
data (and ``ax=None`` where it draws a single panel) and returns the
:class:`~matplotlib.figure.Figure`; it neither saves nor shows. :func:`save_figure` adds the
source line and writes ``figures/<district>/<name>.png`` (screens), plus ``.svg`` and
``.pdf`` (papers) when :func:`ikzlib.paths.figure_formats` asks for them. A notebook calls
:func:`publish`: it saves, closes the figure and returns the saved PNG for display, so
every figure is rendered once per format and never again inline. Files are byte-stable
between runs (no timestamps, fixed SVG ids) so they can be compared.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ikzlib import i18n, paths
from ikzlib.io import atomic_path

BKG_ATTRIBUTION = "© GeoBasis-DE / BKG 2021 (Daten verändert)"
PALETTE = ["#1b6a8f", "#e07b39", "#4c9a2a", "#b23a48", "#7a5195", "#8c8c8c", "#d4a017", "#2f4858"]

_STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "legend.frameon": False,
    "svg.hashsalt": "ikz",
    "svg.fonttype": "none",
}


def apply_style() -> None:
    """Apply the suite's matplotlib style (idempotent)."""
    mpl.rcParams.update(_STYLE)


def format_number(value: float, decimals: int = 0, german: bool = False) -> str:
    """Format a number with thousands separators, English (1,234.5) or German (1.234,5)."""
    return i18n.format_number(value, decimals, "de" if german else "en")


def number_formatter(decimals: int = 0, german: bool = False) -> FuncFormatter:
    """Axis tick formatter using :func:`format_number`."""
    return FuncFormatter(lambda value, _pos: format_number(value, decimals, german))


def plot_shapes(shapes, ax: Axes, **style) -> Axes:
    """``shapes.plot(ax=ax, **style)`` (GeoPandas) without its redraw of the whole figure.

    GeoPandas ends every plot with ``canvas.draw_idle()``, which the Agg canvas of a report
    carries out at once: a figure with seven map panels was drawn seven extra times (2.5 s).
    The figure is drawn once, when it is saved.
    """
    canvas = ax.figure.canvas
    canvas.draw_idle = lambda *args, **kwargs: None  # instance attribute, removed below
    try:
        return shapes.plot(ax=ax, **style)
    finally:
        del canvas.draw_idle


def add_source_note(fig: Figure, text: str) -> None:
    """Write a source/caveat line under the figure (bottom left, small grey type)."""
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=7.5, color="#555555", wrap=True)


def save_figure(
    fig: Figure,
    district: str,
    name: str,
    *,
    source: str,
    formats: tuple[str, ...] | None = None,
    root: str | Path | None = None,
) -> list[Path]:
    """Add the source line and save ``fig`` as ``figures/<district>/<name>.<fmt>``.

    Parameters
    ----------
    fig
        The figure.
    district
        District key (folder under ``figures/``).
    name
        File stem, e.g. ``"01_size_classes"``.
    source
        Source and caveat line printed under the figure (mandatory: every number has a
        provenance). Include :data:`BKG_ATTRIBUTION` when BKG geometry is drawn.
    formats
        File formats to write (default: :func:`ikzlib.paths.figure_formats`).
    root
        Output root (see :mod:`ikzlib.paths`); the report runner passes its staging folder.

    Returns
    -------
    list of pathlib.Path
        The written files, relative to the output root (stable for printing in notebooks).
    """
    add_source_note(fig, source)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    folder = paths.figures_dir(district, root)
    written = []
    for fmt in formats or paths.figure_formats():
        target = folder / f"{name}.{fmt}"
        metadata = {"Date": None} if fmt in ("svg", "pdf") else {"Software": None}
        with atomic_path(target) as tmp:
            fig.savefig(tmp, format=fmt, metadata=metadata, bbox_inches="tight")
        written.append(target.relative_to(paths.output_root(root)))
    return written


def publish(fig: Figure, district: str, name: str, *, source: str, root: str | Path | None = None):
    """Save ``fig`` in :func:`ikzlib.paths.figure_formats`, close it and return the PNG for display.

    The notebook shows exactly the file the report links, and matplotlib's inline backend
    does not draw the figure a second time.

    Returns
    -------
    IPython.display.Image
    """
    from IPython.display import Image

    written = save_figure(fig, district, name, source=source, root=root)
    plt.close(fig)
    png = next(p for p in written if p.suffix == ".png")
    return Image(data=(paths.output_root(root) / png).read_bytes(), format="png")
