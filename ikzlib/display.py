"""Tables as a reader sees them: human column names, formatted numbers, no index, nothing cut.

Notebooks show every table through :func:`table`. The result renders as HTML in JupyterLab
and in the exported report (full cell text, numbers right-aligned and formatted in the
report's language) and as plain text elsewhere, so nbval compares a stable text.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"name": ["Ilsenburg"], "population": [9617], "share": [0.1234]})
>>> table(frame, {"name": "Unit", "population": "Population", "share": "Share"},
...       decimals={"share": 3})
     Unit Population Share
Ilsenburg      9,617 0.123
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ikzlib.i18n import DEFAULT_LANGUAGE, Message, Number, format_number, register, tr

register({"(no rows)": "(keine Zeilen)"})


class Table:
    """A formatted table: ``_repr_html_`` for Jupyter and reports, ``repr`` for plain text."""

    def __init__(self, cells: pd.DataFrame, numeric: Sequence[bool], caption: str | None):
        self.cells = cells
        self.numeric = list(numeric)
        self.caption = caption

    def __repr__(self) -> str:
        if self.cells.empty:
            return tr("(no rows)")
        text = self.cells.to_string(index=False)
        return f"{self.caption}\n{text}" if self.caption else text

    def _repr_html_(self) -> str:
        head = "".join(
            f'<th style="text-align:{"right" if num else "left"}">{html.escape(str(c))}</th>'
            for c, num in zip(self.cells.columns, self.numeric, strict=True)
        )
        rows = []
        for values in self.cells.itertuples(index=False):
            cells = "".join(
                f'<td style="text-align:{"right" if num else "left"};white-space:normal">'
                f"{html.escape(str(v))}</td>"
                for v, num in zip(values, self.numeric, strict=True)
            )
            rows.append(f"<tr>{cells}</tr>")
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return (
            '<table class="ikz-table">'
            f"{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )


def _cell(value, decimals: int, lang: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, str):
        return tr(value, lang) if isinstance(value, Message) else value
    if isinstance(value, bool):
        return tr("yes" if value else "no", lang)
    if isinstance(value, numbers.Integral):
        return format_number(int(value), 0, lang)
    if isinstance(value, numbers.Real):
        return format_number(float(value), decimals, lang)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_cell(v, decimals, lang) for v in value)
    return str(value)


register({"yes": "ja", "no": "nein"})


def _is_numeric(series: pd.Series) -> bool:
    """Numbers (also :class:`~ikzlib.i18n.Number` cells with per-row decimals), not booleans."""
    if pd.api.types.is_bool_dtype(series):
        return False
    if pd.api.types.is_numeric_dtype(series):
        return True
    values = series.dropna().tolist()
    return bool(values) and all(
        isinstance(v, Number) or (isinstance(v, numbers.Real) and not isinstance(v, bool))
        for v in values
    )


def table(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    *,
    lang: str = DEFAULT_LANGUAGE,
    decimals: int | Mapping[str, int] = 2,
    translate: Sequence[str] = (),
    caption: str | None = None,
) -> Table:
    """Format ``frame`` for reading.

    Parameters
    ----------
    frame
        The table; its index is dropped (put anything worth showing into a column).
    columns
        Raw column name -> English label, in the order to show; ``None`` shows every column
        under its own name. Labels are translated with :func:`ikzlib.i18n.tr`.
    lang
        ``"en"`` or ``"de"``: labels and number format.
    decimals
        Decimals for non-integer numbers, one value or per raw column name (default 2).
        Integer columns always show thousands separators and no decimals.
    translate
        Raw columns whose text values are translated as well (categories such as legal forms
        or kinds).
    caption
        Shown above the table (translated).

    Returns
    -------
    Table
    """
    names = dict(columns) if columns is not None else {c: str(c) for c in frame.columns}
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise KeyError(f"table has no column(s) {missing}")
    cells = {}
    numeric = []
    for column, label in names.items():
        series = frame[column]
        places = decimals.get(column, 2) if isinstance(decimals, Mapping) else decimals
        values = [_cell(v, places, lang) for v in series.tolist()]
        if column in translate:
            values = [tr(v, lang) for v in values]
        numeric.append(_is_numeric(series))
        cells[tr(label, lang)] = values
    return Table(
        pd.DataFrame(cells, columns=list(cells)),
        numeric,
        tr(caption, lang) if caption else None,
    )


@dataclass(frozen=True)
class TableSpec:
    """How a study shows one of its tables: labels in display order, decimals, caption.

    ``columns`` maps raw column names to English labels; columns the frame lacks are left
    out; ``None`` when the study decides them at display time (one per division rule, per
    criterion). ``source`` may name the study attribute that holds the frame; ``ranges``
    marks a model table over parameter ranges (its caption says so).
    """

    columns: Mapping[str, str] | None
    caption: str | None = None
    decimals: int | Mapping[str, int] = 2
    translate: tuple[str, ...] = ()
    source: str | None = field(default=None, compare=False)
    ranges: bool = False

    def show(
        self,
        frame: pd.DataFrame,
        lang: str = DEFAULT_LANGUAGE,
        caption: str | None = None,
        columns: Mapping[str, str] | None = None,
    ) -> Table:
        """``frame`` as :func:`table`; ``caption`` and ``columns`` replace the spec's."""
        chosen = columns if columns is not None else self.columns
        if chosen is None:
            raise ValueError("this table's columns are chosen at display time: pass columns")
        labels = {c: label for c, label in chosen.items() if c in frame.columns}
        return table(
            frame,
            labels,
            lang=lang,
            decimals=self.decimals,
            translate=self.translate,
            caption=caption if caption is not None else self.caption,
        )
