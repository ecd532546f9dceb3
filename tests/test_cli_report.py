"""End to end: ``ikz report`` builds the Harz report, and a failed run keeps the previous one."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from ikzlib import paths

FIGURES = ["01_size_classes", "01_density", "01_map", "01_demography"]
# Words only a sentence written for Landkreis Harz would contain (its towns, its table, its study
# data); citing the case study as the method source is allowed.
HARZ_ONLY = re.compile(
    r"Vorharz|Halberstadt|Wernigerode|Quedlinburg|Ilsenburg|Table 1|Harz interview"
)


def _ikz(*args: str, root: Path, output: Path) -> subprocess.CompletedProcess:
    """Run the installed ``ikz`` console script with its own project and output roots."""
    script = Path(sys.executable).with_name("ikz")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "ikzlib.cli"]
    env = dict(os.environ, IKZ_ROOT=str(root), IKZ_OUTPUT_ROOT=str(output))
    reference = paths.reference_dir()
    if reference is not None:  # the copied project has no ../shared beside it
        env["IKZ_REFERENCE_DIR"] = str(reference)
    return subprocess.run(
        [*command, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project copy whose input data the tests may break (notebooks are shared)."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(paths.DATA_RAW, root / "data" / "raw")
    (root / "notebooks").symlink_to(paths.NOTEBOOKS_DIR)
    return root


@pytest.fixture(scope="module")
def first_run(project: Path, tmp_path_factory: pytest.TempPathFactory):
    output = tmp_path_factory.mktemp("output")
    result = _ikz(
        "report",
        "--district",
        "harz",
        "--notebooks",
        "01",
        "--figures",
        "svg",
        root=project,
        output=output,
    )
    return result, output


@pytest.mark.slow
def test_report_produces_notebook_html_summary_and_figures(first_run):
    result, output = first_run
    assert result.returncode == 0, result.stdout + result.stderr
    assert "harz: OK" in result.stdout
    report = output / "reports" / "harz"
    executed = nbformat.read(report / "01_municipal_structure.ipynb", as_version=4)
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.get("outputs") is not None for c in code)
    assert any(c.get("outputs") for c in code)
    html = (report / "01_municipal_structure.html").read_text(encoding="utf-8")
    assert "209,117" in html
    assert "load_municipalities(" not in html and "summary.record(" not in html  # no code
    assert not re.search(r"<(script|link)[^>]*(src|href)=\"https?:", html)  # reads offline
    assert "running over TCP" not in result.stderr  # no kernel noise a user cannot act on
    summary = json.loads((report / "summary.json").read_text(encoding="utf-8"))
    assert summary["district"] == "harz"
    structure = summary["sections"]["structure"]["figures"]
    assert structure["population"]["value"] == 209_117
    assert structure["population"]["kind"] == "official"
    assert structure["published_population"]["value"] == 209_117
    assert structure["published_population"]["kind"] == "published"
    assert structure["n_area_disagreements"]["value"] == 4
    for name in FIGURES:
        for fmt in ("png", "svg"):
            path = output / "figures" / "harz" / f"{name}.{fmt}"
            assert path.stat().st_size > 1000, path
    assert not (output / "reports" / ".staging" / "harz").exists()


@pytest.mark.slow
def test_unknown_district_is_a_clear_error(first_run, project: Path):
    _, output = first_run
    result = _ikz("report", "--district", "atlantis", root=project, output=output)
    assert result.returncode == 2
    assert "unknown district 'atlantis'" in result.stderr
    assert "harz" in result.stderr  # lists the configured keys
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("report", "--notebooks", "99"), "no notebook matches '99'"),
        (("batch", "--districts", "harz", "--notebooks", "nope"), "no notebook matches 'nope'"),
        (("summary", "--district", "atlantis"), "unknown district 'atlantis'"),
    ],
)
def test_bad_arguments_are_one_line_errors(args, message, first_run, project: Path):
    _, output = first_run
    result = _ikz(*args, root=project, output=output)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_failed_run_keeps_the_previous_report(first_run, project: Path):
    _, output = first_run
    report = output / "reports" / "harz"
    before = {
        p.relative_to(output): p.read_bytes()
        for p in [*report.iterdir(), *(output / "figures" / "harz").iterdir()]
    }
    csv = project / "data" / "raw" / "harz" / "municipalities.csv"
    good = csv.read_text(encoding="utf-8")
    csv.write_text(good.replace("15085135,150850135135", "15085135,150850135999"), encoding="utf-8")
    try:
        result = _ikz(
            "report", "--district", "harz", "--notebooks", "01", root=project, output=output
        )
    finally:
        csv.write_text(good, encoding="utf-8")
    assert result.returncode == 1
    assert "harz: FAILED" in result.stdout
    assert "ARS 150850135999 implies AGS 15085999" in result.stdout
    after = {
        p.relative_to(output): p.read_bytes()
        for p in [*report.iterdir(), *(output / "figures" / "harz").iterdir()]
    }
    assert after == before
    failed = json.loads(
        (output / "reports" / "_failed" / "harz" / "reports" / "harz" / "run.json").read_text(
            encoding="utf-8"
        )
    )
    assert failed["status"] == "failed"


@pytest.mark.slow
def test_another_districts_report_holds_no_harz_sentence(project: Path, tmp_path: Path):
    """Every notebook of the Wolfenbüttel report, rendered, mentions nothing written for Harz."""
    result = _ikz("report", "--district", "wolfenbuettel", root=project, output=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = sorted((tmp_path / "reports" / "wolfenbuettel").glob("*.html"))
    assert len(pages) == len(list(paths.NOTEBOOKS_DIR.glob("[0-8][0-9]_*.ipynb")))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "Wolfenbüttel" in text, page.name
        assert not HARZ_ONLY.findall(text), f"{page.name}: {HARZ_ONLY.findall(text)[:5]}"
