"""The notebooks narrate: no definitions, little code, no embedded images, no Harz prose."""

from __future__ import annotations

import ast
import re

import nbformat
import papermill
import pytest

from ikzlib import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
MAX_CODE_LINES = 600  # all notebooks together
HARZ_ONLY = re.compile(r"Vorharz|Halberstadt|Wernigerode|Quedlinburg|Table 1|Harz interview")


def _cells(path, kind):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == kind]


def _code_lines(cell) -> list[str]:
    return [line for line in cell.source.splitlines() if line.strip()]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_function_or_class_definitions(notebook):
    for cell in _cells(notebook, "code"):
        source = "\n".join(
            line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        defined = [
            node
            for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Lambda))
        ]
        assert not defined, f"{notebook.name}: {cell.source[:80]}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_with_district_output_root_and_language(notebook):
    tagged = [c for c in _cells(notebook, "code") if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = {t.id for node in ast.parse(tagged[0].source).body for t in node.targets}
    assert {"output_root", "lang"} <= names
    assert "district" in names or "districts" in names
    # papermill skips a line with a second "=" (e.g. in its comment): that parameter could
    # not be passed by the runner, and every report run would warn about it.
    assert set(papermill.inspect_notebook(str(notebook))) == names


def _calls(cell, name: str) -> list[ast.Call]:
    source = "\n".join(
        line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    return [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and (getattr(node.func, "id", None) == name or getattr(node.func, "attr", None) == name)
    ]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_tables_are_formatted_and_figures_rendered_once(notebook):
    for cell in _cells(notebook, "code"):
        for call in _calls(cell, "display"):
            shown = [getattr(a.func, "id", getattr(a.func, "attr", "")) for a in call.args]
            assert all(isinstance(a, ast.Call) for a in call.args), cell.source[:120]
            allowed = {"table", "as_table", "Markdown", "publish"}
            assert set(shown) <= allowed, f"{notebook.name}: {cell.source[:120]}"
        assert not _calls(cell, "show"), f"{notebook.name}: use figures.publish, not plt.show"
        assert not _calls(cell, "DataFrame"), f"{notebook.name}: show tables with display.table"
        assert not _calls(cell, "save_figure"), f"{notebook.name}: use figures.publish"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_markdown_has_no_tex_that_would_need_mathjax(notebook):
    for cell in _cells(notebook, "markdown"):
        assert not re.search(r"\$[^$\s][^$]*\$", cell.source), (
            f"{notebook.name}: {cell.source[:120]}"
        )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_outputs_hold_no_embedded_images(notebook):
    for cell in _cells(notebook, "code"):
        for output in cell.get("outputs", []):
            assert not {"image/png", "image/svg+xml"} & set(output.get("data", {}))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_markdown_is_not_written_for_one_district(notebook):
    for cell in _cells(notebook, "markdown"):
        assert not HARZ_ONLY.search(cell.source), f"{notebook.name}: {cell.source[:120]}"


def test_notebooks_hold_little_code():
    total = sum(len(_code_lines(c)) for nb in NOTEBOOKS for c in _cells(nb, "code"))
    assert total <= MAX_CODE_LINES, f"{total} code lines in {len(NOTEBOOKS)} notebooks"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_markdown_in_both_report_languages(notebook):
    """Each English cell (tag lang-en) is followed by its German version (tag lang-de)."""
    cells = _cells(notebook, "markdown")
    tags = [tuple(c.metadata.get("tags", [])) for c in cells]
    english = [i for i, t in enumerate(tags) if "lang-en" in t]
    assert english and all(i + 1 < len(cells) and "lang-de" in tags[i + 1] for i in english)
    assert sum("lang-de" in t for t in tags) == len(english)
