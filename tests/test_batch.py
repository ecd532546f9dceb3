"""Batch runner: isolation of failures, index page, exit code, retries and timeouts.

The batch runs tiny notebooks from a temporary folder (``IKZ_NOTEBOOKS_DIR``) into a
temporary output root, so the test exercises the real worker processes and kernels without
the real notebooks.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from ikzlib import batch, cli, paths, report

DISTRICTS = ["harz", "helmstedt", "wolfenbuettel"]
FAILING = "helmstedt"


def _notebook(path: Path, cells: list[tuple[str, list[str]]]) -> None:
    book = new_notebook()
    book.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    book.cells = []
    for i, (source, tags) in enumerate(cells):
        cell = new_code_cell(source)
        cell["id"] = f"c{i}"
        if tags:
            cell.metadata["tags"] = tags
        book.cells.append(cell)
    nbformat.write(book, path)


@pytest.fixture
def tiny_suite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three tiny notebooks (02 raises for helmstedt) and an empty output root."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(
        notebooks / "01_ok.ipynb",
        [
            ('district = "harz"', ["parameters"]),
            (
                "from ikzlib import summary\n"
                'summary.record(district, "tiny", {"n_chars": len(district)})',
                [],
            ),
        ],
    )
    _notebook(
        notebooks / "02_fails_for_one.ipynb",
        [
            ('district = "harz"', ["parameters"]),
            (f'if district == "{FAILING}":\n    raise ValueError(f"boom in {{district}}")', []),
        ],
    )
    _notebook(
        notebooks / "90_compare.ipynb",
        [
            ("districts = []", ["parameters"]),
            (
                "from ikzlib.summary import load_report_summary\n"
                "print(sorted(d for d in districts if load_report_summary(d)))",
                [],
            ),
        ],
    )
    out = tmp_path / "out"
    monkeypatch.setenv("IKZ_NOTEBOOKS_DIR", str(notebooks))  # for the worker processes
    monkeypatch.setenv("IKZ_OUTPUT_ROOT", str(out))
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", notebooks)  # for this process
    return out


def _previous_good_report(out: Path, district: str) -> dict[str, str]:
    """A published report from an earlier run, to check that a failure leaves it alone."""
    folder = out / "reports" / district
    folder.mkdir(parents=True)
    files = {
        "01_ok.html": "<p>previous good report</p>",
        "summary.json": json.dumps({"district": district, "sections": {"tiny": {"n_chars": 0}}}),
        "run.json": json.dumps(
            {
                "district": district,
                "status": "ok",
                "seconds": 1.0,
                "notebooks": [],
                "report_dir": f"reports/{district}",
            }
        ),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return files


@pytest.mark.slow
def test_failing_notebook_is_isolated(tiny_suite: Path, capsys: pytest.CaptureFixture[str]):
    out = tiny_suite
    previous = _previous_good_report(out, FAILING)

    code = cli.main(["batch", "--districts", *DISTRICTS, "--jobs", "2", "--timeout", "120"])
    stdout = capsys.readouterr().out

    assert code == 1
    # the other districts completed and were published
    for district in ("harz", "wolfenbuettel"):
        published = json.loads((out / "reports" / district / "summary.json").read_text())
        assert published["sections"]["tiny"] == {"n_chars": len(district)}
        assert (out / "reports" / district / "02_fails_for_one.html").exists()
    # the failure names notebook, cell (after papermill's injected-parameters cell) and error
    assert "helmstedt / 02_fails_for_one.ipynb: cell 2: ValueError: boom in helmstedt" in stdout
    assert "harz           OK" in stdout and "helmstedt      FAILED" in stdout
    # the previous good report is untouched; partial outputs are kept apart
    for name, text in previous.items():
        assert (out / "reports" / FAILING / name).read_text(encoding="utf-8") == text
    failed = out / "reports" / "_failed" / FAILING / "reports" / FAILING
    assert (failed / "02_fails_for_one.ipynb").exists()
    run = json.loads((failed / "run.json").read_text())
    assert [nb["status"] for nb in run["notebooks"]] == ["ok", "failed"]  # kept going
    # the cross-district notebook ran once over the published summaries
    executed = nbformat.read(out / "reports" / "_compare" / "90_compare.ipynb", as_version=4)
    assert "['harz', 'helmstedt', 'wolfenbuettel']" in executed.cells[-1].outputs[0]["text"]
    # the index lists every district with status, links, the error and key figures
    index = (out / "reports" / "index.html").read_text(encoding="utf-8").replace("<wbr>", "")
    assert 'href="harz/01_ok.html"' in index
    assert f'href="_failed/{FAILING}/reports/{FAILING}/02_fails_for_one.html"' in index
    assert "ValueError: boom in helmstedt" in index
    assert "previous good report" in index.lower()
    assert "n_chars" in index
    assert 'href="_compare/90_compare.html"' in index


def test_kernel_start_failure_is_retried_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import papermill

    calls = []

    def flaky(input_path, output_path, **kwargs):
        calls.append(output_path)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        Path(output_path).write_text("{}", encoding="utf-8")

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    result = report._execute(tmp_path / "01_x.ipynb", tmp_path / "o.ipynb", {}, 10)
    assert (result.status, result.attempts, len(calls)) == ("ok", 2, 2)


def test_persistent_kernel_failure_gives_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import papermill
    import zmq

    calls = []

    def broken(input_path, output_path, **kwargs):
        calls.append(1)
        raise zmq.ZMQError(98, "Address already in use")

    monkeypatch.setattr(papermill, "execute_notebook", broken)
    result = report._execute(tmp_path / "01_x.ipynb", tmp_path / "o.ipynb", {}, 10, retries=1)
    assert result.status == "failed" and result.attempts == 2 and len(calls) == 2
    assert "ZMQError" in result.error


def test_notebook_errors_are_not_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    calls = []

    def failing(input_path, output_path, **kwargs):
        calls.append(1)
        raise PapermillExecutionError(3, 4, "KeyError: 'x'", "KeyError", "'x'", [])

    monkeypatch.setattr(papermill, "execute_notebook", failing)
    result = report._execute(tmp_path / "01_x.ipynb", tmp_path / "o.ipynb", {}, 10)
    assert (result.status, result.cell, result.attempts, len(calls)) == ("failed", 3, 1, 1)
    assert result.error == "KeyError: 'x'"


def test_kernel_start_classification():
    assert report.is_kernel_start_failure(
        RuntimeError("Kernel didn't respond in 60 seconds"), cell_started=False
    )
    assert not report.is_kernel_start_failure(
        RuntimeError("Kernel didn't respond"), cell_started=True
    )
    assert not report.is_kernel_start_failure(ValueError("kernel_info"), cell_started=False)


@pytest.mark.slow
def test_notebook_timeout_stops_a_slow_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    notebooks = tmp_path / "nbs"
    notebooks.mkdir()
    _notebook(notebooks / "01_slow.ipynb", [("x = 1", []), ("import time\ntime.sleep(60)", [])])
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", notebooks)
    result = report._execute(
        notebooks / "01_slow.ipynb", tmp_path / "o.ipynb", {}, 600, notebook_timeout=4
    )
    assert result.status == "failed"
    assert result.cell == 1
    assert "Timeout" in result.error
    assert result.seconds < 30


def test_split_notebook_names(tiny_suite: Path):
    assert batch.split_notebook_names(None) == (None, None)
    assert batch.split_notebook_names(["01", "90"]) == (["01"], ["90"])
    assert batch.split_notebook_names(["90_compare"]) == ([], ["90_compare"])
    with pytest.raises(ValueError, match="no notebook matches '07'"):
        batch.split_notebook_names(["07"])


def test_partial_run_keeps_the_other_notebooks_outputs(tiny_suite: Path):
    full = report.run_district_report("harz", html=False)
    assert full.ok
    published = tiny_suite / "reports" / "harz"
    assert (published / "01_ok.ipynb").exists()

    partial = report.run_district_report("harz", ["02"], html=False)
    assert partial.ok
    assert [nb.notebook for nb in partial.notebooks] == ["02_fails_for_one.ipynb"]
    # notebook 01's executed copy and summary section survive a run of notebook 02 only
    assert (published / "01_ok.ipynb").exists()
    assert (published / "02_fails_for_one.ipynb").exists()
    sections = json.loads((published / "summary.json").read_text(encoding="utf-8"))["sections"]
    assert sections == {"tiny": {"n_chars": 4}}
    assert not (tiny_suite / "reports" / ".staging").exists()
