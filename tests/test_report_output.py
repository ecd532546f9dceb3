"""What a report writes: figure formats, offline HTML, language and figure options."""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from ikzlib import figures, paths
from ikzlib.catalog import resolve
from ikzlib.errors import ParameterError
from ikzlib.report import (
    check_options,
    district_fingerprint,
    district_notebooks,
    export_html,
    longest_first,
    reads_previous,
)


def _figure():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1])
    return fig


def test_publish_writes_png_by_default_and_shows_the_saved_file(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.FORMATS_ENV, raising=False)
    fig = _figure()
    image = figures.publish(fig, "harz", "00_line", source="test", root=tmp_path)
    folder = tmp_path / "figures" / "harz"
    assert sorted(p.name for p in folder.iterdir()) == ["00_line.png"]
    assert image.data == (folder / "00_line.png").read_bytes()
    assert not plt.fignum_exists(fig.number)  # closed: the inline backend draws nothing more


@pytest.mark.parametrize(
    ("choice", "suffixes"), [("svg", {".png", ".svg"}), ("all", {".png", ".svg", ".pdf"})]
)
def test_figure_choice_adds_print_formats(choice, suffixes, tmp_path, monkeypatch):
    monkeypatch.setenv(paths.FORMATS_ENV, choice)
    figures.publish(_figure(), "harz", "00_line", source="test", root=tmp_path)
    assert {p.suffix for p in (tmp_path / "figures" / "harz").iterdir()} == suffixes


def test_unknown_figure_choice_is_refused(monkeypatch):
    monkeypatch.setenv(paths.FORMATS_ENV, "gif")
    with pytest.raises(ValueError, match="IKZ_FIGURE_FORMATS='gif'"):
        paths.figure_formats()


@pytest.mark.parametrize(
    ("lang", "formats", "message"),
    [("fr", "png", "unknown report language 'fr'"), ("de", "jpg", "unknown figure choice")],
)
def test_report_options_are_checked(lang, formats, message):
    with pytest.raises(ParameterError, match=message):
        check_options(lang, formats)


def test_language_and_figures_change_the_fingerprint():
    district = resolve("harz")
    books = district_notebooks(["01"])
    english = district_fingerprint(district, books)
    assert district_fingerprint(district, books, lang="de") != english
    assert district_fingerprint(district, books, figure_formats="all") != english
    assert district_fingerprint(district, books, lang="en", figure_formats="png") == english


def test_html_export_loads_nothing_from_the_network(tmp_path: Path):
    book = new_notebook()
    book.cells = [
        new_markdown_cell("# Title\n\nCost per case: C(n) = F + v·n"),
        new_code_cell(
            "x = 1",
            outputs=[new_output("stream", name="stdout", text="1,234 Gemeinden\n")],
        ),
    ]
    executed = tmp_path / "book.ipynb"
    nbformat.write(book, executed)
    export_html(executed, tmp_path / "book.html", lang="de")
    html = (tmp_path / "book.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in html
    assert "1,234 Gemeinden" in html
    assert not re.search(r"<(script|link)[^>]*(src|href)=\"https?:", html)
    assert "mathjax" not in html.lower()


def test_notebooks_start_longest_first_after_a_previous_run(tmp_path: Path):
    books = [Path(f"{n}.ipynb") for n in ("01_a", "02_b", "03_c")]
    last_run = tmp_path / "run.json"
    assert longest_first(books, last_run) == books  # no previous run: order as given
    last_run.write_text(
        json.dumps(
            {
                "notebooks": [
                    {"notebook": "01_a.ipynb", "seconds": 2.0},
                    {"notebook": "02_b.ipynb", "seconds": 5.0},
                ]
            }
        )
    )
    assert [b.stem for b in longest_first(books, last_run)] == ["02_b", "01_a", "03_c"]


def test_only_the_findings_notebook_reads_the_others_records():
    assert [nb.stem for nb in district_notebooks() if reads_previous(nb)] == ["06_findings"]


def test_html_shows_the_markdown_of_the_report_language(tmp_path: Path):
    book = new_notebook()
    english = new_markdown_cell("## Findings per research question")
    english.metadata["tags"] = ["lang-en"]
    german = new_markdown_cell("## Befunde je Forschungsfrage")
    german.metadata["tags"] = ["lang-de"]
    book.cells = [english, german, new_markdown_cell("Landkreis Harz")]
    executed = tmp_path / "book.ipynb"
    nbformat.write(book, executed)
    for lang, shown, hidden in (("de", "Befunde", "Findings"), ("en", "Findings", "Befunde")):
        export_html(executed, tmp_path / f"{lang}.html", lang=lang)
        html = (tmp_path / f"{lang}.html").read_text(encoding="utf-8")
        assert shown in html and hidden not in html and "Landkreis Harz" in html
