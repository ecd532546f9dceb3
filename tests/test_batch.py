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
from tiny_notebooks import write_notebook, write_recording_notebook

from ikzlib import batch, catalog, cli, compare, paths, report, summary
from ikzlib.errors import ParameterError, UnknownDistrictError
from ikzlib.io import write_json
from ikzlib.keyfigures import KeyFigure, KeyFigures, Kind, Section

DISTRICTS = ["harz", "helmstedt", "wolfenbuettel"]
FAILING = "helmstedt"


@pytest.fixture
def tiny_suite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three tiny notebooks (02 raises for helmstedt) and an empty output root."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_recording_notebook(notebooks / "01_ok.ipynb")
    write_notebook(
        notebooks / "02_fails_for_one.ipynb",
        [
            ('district = "harz"', ["parameters"]),
            (f'if district == "{FAILING}":\n    raise ValueError(f"boom in {{district}}")', []),
        ],
    )
    write_notebook(
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


def _summary_document(district: str, values: dict) -> dict:
    parts = {TINY.name: KeyFigures(TINY, TINY.figures_from(values)).as_json()}
    return summary.summary_document(district, parts)


TINY = Section(
    "tiny",
    "Tiny study",
    (KeyFigure("n_chars", "Characters in the key", kind=Kind.DERIVED, source="key"),),
)


def _previous_good_report(out: Path, district: str) -> dict[str, str]:
    """A published report from an earlier run, to check that a failure leaves it alone."""
    folder = out / "reports" / district
    folder.mkdir(parents=True)
    files = {
        "01_ok.html": "<p>previous good report</p>",
        "summary.json": json.dumps(_summary_document(district, {"n_chars": 0})),
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
        assert published["sections"]["tiny"]["figures"]["n_chars"]["value"] == len(district)
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
    harz_card = index[index.index('<section class="card" id="harz">') :]
    harz_card = harz_card[: harz_card.index("</section>")]
    assert "Characters in the key</dt><dd>4</dd>" in harz_card
    # the synthetic figure is shown only in the labelled group, after the evidence
    group = harz_card.index("Illustrative / synthetic — not evidence")
    assert harz_card.index("0.12") > group
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
    write_notebook(
        notebooks / "01_slow.ipynb", [("x = 1", []), ("import time\ntime.sleep(60)", [])]
    )
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
    assert list(sections) == ["tiny"]
    assert sections["tiny"]["figures"]["n_chars"]["value"] == 4
    assert not (tiny_suite / "reports" / ".staging").exists()


INDEX_SECTIONS = (
    Section(
        "transaction_costs",
        "Transaction costs",
        (
            KeyFigure("optimal_size", "Optimal size", kind=Kind.MODEL, source="m", headline=True),
            KeyFigure("p_gain", "P(net gain)", "", 1, Kind.ILLUSTRATIVE, "invented", percent=True),
        ),
        order=40,
    ),
    Section(
        "structure",
        "Municipal structure",
        (
            KeyFigure("population", "Population", kind=Kind.OFFICIAL, source="D", headline=True),
            KeyFigure("n_units", "Units", kind=Kind.OFFICIAL, source="Destatis"),
            KeyFigure("density", "Density", "inhabitants/km²", 1, Kind.DERIVED, "a", headline=True),
            KeyFigure("demo_kappa", "Demo kappa", "", 3, Kind.SYNTHETIC, "demo", headline=True),
        ),
        order=10,
    ),
)
INDEX_VALUES = {
    "transaction_costs": {"optimal_size": 5, "p_gain": 0.62549},
    "structure": {"population": 209117, "n_units": 20, "density": 99.3456, "demo_kappa": 0.43219},
}


def _card(page: str, key: str) -> str:
    card = page[page.index(f'<section class="card" id="{key}">') :]
    return card[: card.index("</section>")]


def _publish_run(key: str, document: dict) -> None:
    run = {"district": key, "status": "ok", "seconds": 3.0, "notebooks": [], "report_dir": ""}
    write_json(paths.reports_dir(key) / "run.json", run)
    write_json(paths.reports_dir(key) / "summary.json", document)


def test_index_page_is_rendered_from_the_declarations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("IKZ_OUTPUT_ROOT", str(tmp_path))
    declared = {s.name: s for s in INDEX_SECTIONS}
    monkeypatch.setattr(compare, "declared_sections", lambda: declared)
    parts = {
        s.name: KeyFigures(s, s.figures_from(INDEX_VALUES[s.name])).as_json()
        for s in INDEX_SECTIONS
    }
    _publish_run("harz", summary.summary_document("harz", parts))
    _publish_run("helmstedt", {"district": "helmstedt", "sections": {"structure": {"x": 1}}})
    failed = report.NotebookResult("01_x.ipynb", "failed", 1.0, "KeyError: <tag> & more", 3)
    run = report.ReportResult("wolfenbuettel", "failed", 1.0, [failed])
    page = batch.write_index(batch.BatchResult([run], None, 2.0)).read_text(encoding="utf-8")

    assert page.startswith("<!DOCTYPE html>") and "{{" not in page and "{%" not in page
    assert "{'" not in page and "Figure(" not in page  # no Python repr of a value
    harz = _card(page, "harz")
    # sections in declared order; headline evidence figures in declaration order, as declared
    assert harz.index("Municipal structure") < harz.index("Transaction costs")
    assert harz.index(">Population<") < harz.index(">Density<")
    assert "Population</dt><dd>209,117</dd>" in harz
    assert "Density</dt><dd>99.3 inhabitants/km²</dd>" in harz
    assert "Optimal size</dt><dd>5</dd>" in harz
    assert ">Units<" not in harz and "1 more in summary.json" in harz  # not a headline
    # illustrative and synthetic figures only in the labelled group: headline ones with
    # their kind, the others counted
    group = harz.index("Illustrative / synthetic — not evidence")
    assert harz.index("Demo kappa") > group and harz.index("0.432") > group
    assert "synthetic</span>" in harz[group:]
    assert "62.5" not in harz and "P(net gain)" not in harz
    assert "1 more in summary.json" in harz[group:]
    # an old-schema summary shows no figures; notebook errors are escaped
    assert 'class="figures"' not in _card(page, "helmstedt")
    assert "cell 3: KeyError: &lt;tag&gt; &amp; more" in _card(page, "wolfenbuettel")
    assert 'badge none">no report</span>' in _card(page, "_compare")
    german = batch.write_index(batch.BatchResult([run], None, 2.0), lang="de").read_text(
        encoding="utf-8"
    )
    assert '<html lang="de">' in german and "<h1>IKZ-Berichte</h1>" in german
    assert "<dd>209.117</dd>" in _card(german, "harz")  # German separators
    assert "Illustrativ / synthetisch – kein Beleg" in _card(german, "harz")
    assert 'badge none">kein Bericht</span>' in _card(german, "_compare")


# --- district selection, fingerprints, incremental re-runs, shared kernel ---------------------


def test_select_districts_by_key_kreis_key_name_and_land():
    chosen = batch.select_districts(["harz", "15085", "09677", "Main-Spessart"])
    assert [d.key for d in chosen] == ["harz", "09677"]  # each once, in the given order
    saxony_anhalt = batch.select_districts(land="Sachsen-Anhalt")
    assert "harz" in {d.key for d in saxony_anhalt} and len(saxony_anhalt) == 14
    assert batch.select_districts(land="15") == saxony_anhalt
    assert len(batch.select_districts()) >= 400
    with pytest.raises(ParameterError, match="no district in a Land"):
        batch.select_districts(land="Atlantis")
    with pytest.raises(UnknownDistrictError):
        batch.select_districts(["nowhere"])


@pytest.fixture
def fingerprint_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Raw data, notebooks and code of the fingerprints in ``tmp_path`` (all under test control)."""
    raw = tmp_path / "raw"
    for district in ("harz", "helmstedt"):
        (raw / district / "register").mkdir(parents=True)
        (raw / district / "municipalities.csv").write_text("ags\n1\n", encoding="utf-8")
    (raw / "germany").mkdir()
    (raw / "germany" / "kreise.parquet").write_bytes(b"k1")
    (raw / "scenarios.csv").write_text("task\n", encoding="utf-8")
    code = tmp_path / "code"
    code.mkdir()
    (code / "module.py").write_text("X = 1\n", encoding="utf-8")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / "01_a.ipynb", [('district = "harz"', ["parameters"]), ("x = 1", [])])
    write_notebook(notebooks / "02_b.ipynb", [("y = 2", [])])
    monkeypatch.setattr(paths, "DATA_RAW", raw)
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", notebooks)
    monkeypatch.setattr(report, "PACKAGE_DIR", code)
    monkeypatch.setenv("IKZ_REFERENCE_DIR", str(tmp_path / "no-reference"))
    monkeypatch.setenv("IKZ_OUTPUT_ROOT", str(tmp_path / "out"))
    return tmp_path


def _fingerprints(**kwargs) -> dict[str, str]:
    books = report.district_notebooks()
    return {
        key: report.district_fingerprint(catalog.resolve(key), books, **kwargs)
        for key in ("harz", "helmstedt")
    }


def test_fingerprint_follows_inputs_notebook_sources_code_and_parameters(fingerprint_world: Path):
    world = fingerprint_world
    before = _fingerprints()
    assert before == _fingerprints() and before["harz"] != before["helmstedt"]
    assert all(len(value) == 64 for value in before.values())

    # a district's own input changes only its fingerprint (files of different sizes: the
    # digest cache is keyed by size and modification time)
    (world / "raw" / "harz" / "register" / "bodies.csv").write_text("id\nb1\n", encoding="utf-8")
    after = _fingerprints()
    assert after["harz"] != before["harz"] and after["helmstedt"] == before["helmstedt"]

    # stored outputs of a notebook do not count, its cell sources do
    book = world / "notebooks" / "02_b.ipynb"
    executed = nbformat.read(book, as_version=4)
    executed.cells[0].outputs = [nbformat.v4.new_output("stream", text="2\n")]
    nbformat.write(executed, book)
    assert _fingerprints() == after
    executed.cells[0].source = "y = 3  # changed"
    nbformat.write(executed, book)
    changed = _fingerprints()
    assert all(changed[k] != after[k] for k in changed)

    # shared inputs and the code reach every district; so do the parameters
    for path, text in (
        (world / "raw" / "germany" / "kreise.parquet", "k22"),
        (world / "raw" / "scenarios.csv", "task,x\n"),
        (world / "code" / "module.py", "X = 22\n"),
    ):
        previous = _fingerprints()
        path.write_text(text, encoding="utf-8")
        now = _fingerprints()
        assert all(now[k] != previous[k] for k in now), path
    assert _fingerprints(html=False)["harz"] != _fingerprints()["harz"]
    subset = report.district_fingerprint(catalog.resolve("harz"), report.district_notebooks(["01"]))
    assert subset != _fingerprints()["harz"]


def test_up_to_date_needs_an_ok_report_with_the_same_fingerprint(fingerprint_world: Path):
    assert not batch.up_to_date("harz", "abc")  # no report
    run = {"district": "harz", "status": "ok", "seconds": 1.0, "notebooks": []}
    write_json(paths.reports_dir("harz") / "run.json", {**run, "fingerprint": "abc"})
    assert batch.up_to_date("harz", "abc") and not batch.up_to_date("harz", "abd")
    write_json(paths.reports_dir("harz") / "run.json", {**run, "status": "failed"})
    assert not batch.up_to_date("harz", "abc")
    write_json(paths.reports_dir("harz") / "run.json", run)  # older runs had no fingerprint
    assert not batch.up_to_date("harz", "abc")


def test_an_up_to_date_batch_starts_no_cluster(
    fingerprint_world: Path, monkeypatch: pytest.MonkeyPatch
):
    fingerprints = _fingerprints()
    for key, value in fingerprints.items():
        run = {"district": key, "status": "ok", "seconds": 1.0, "notebooks": []}
        write_json(paths.reports_dir(key) / "run.json", {**run, "fingerprint": value})

    def no_cluster(*args, **kwargs):
        raise AssertionError("nothing should run")

    monkeypatch.setattr(batch, "_run_on_dask", no_cluster)
    lines: list[str] = []
    result = batch.run_batch(["harz", "helmstedt"], compare=False, progress=lines.append)
    assert result.ok and result.reports == [] and result.skipped == ["harz", "helmstedt"]
    assert "2 district(s), 0 to run, 2 up to date and skipped" in lines[0]
    assert (fingerprint_world / "out" / "reports" / "index.html").exists()

    # --force runs them again
    ran = []
    monkeypatch.setattr(
        batch,
        "_run_on_dask",
        lambda todo, fingerprints, **kwargs: (
            {d.key: report.ReportResult(d.key, "ok", 0.1, [], fingerprint="f") for d in todo},
            ran.extend(d.key for d in todo) or 1,
        ),
    )
    forced = batch.run_batch(["harz", "helmstedt"], compare=False, force=True, progress=print)
    assert ran == ["harz", "helmstedt"] and forced.skipped == []


@pytest.mark.slow
def test_shared_kernel_isolates_notebooks_and_survives_failures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    notebooks = tmp_path / "nbs"
    notebooks.mkdir()
    cells = {
        "01_define": "import os, matplotlib.pyplot as plt\nsecret = 1\nfig = plt.figure()\n"
        "print(os.getpid())",
        "02_look": "import os, sys, matplotlib.pyplot as plt\n"
        "print(os.getpid(), 'secret' in dir(), 'matplotlib' in sys.modules, plt.get_fignums())",
        "03_raise": "raise KeyError('x')",
        "04_hang": "import time\ntime.sleep(60)",
        "05_after": "import os\nprint(os.getpid(), 'secret' in dir())",
    }
    for name, source in cells.items():
        write_notebook(
            notebooks / f"{name}.ipynb", [('district = "harz"', ["parameters"]), (source, [])]
        )
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", notebooks)
    outputs = {}
    with report.KernelSession(notebooks) as kernel:
        for book in sorted(notebooks.glob("*.ipynb")):
            out = tmp_path / "out" / book.name
            out.parent.mkdir(exist_ok=True)
            result = report._execute(book, out, {}, 60, notebook_timeout=5, kernel=kernel)
            outputs[book.stem] = (result, out)
    assert kernel.manager is None  # shut down at the end

    def printed(stem: str) -> list[str]:
        executed = nbformat.read(outputs[stem][1], as_version=4)
        return executed.cells[-1].outputs[0]["text"].split()

    first_pid = printed("01_define")[0]
    # same kernel, variables and figures gone, modules still imported
    assert printed("02_look") == [first_pid, "False", "True", "[]"]
    assert outputs["03_raise"][0].error == "KeyError: 'x'"
    assert outputs["04_hang"][0].status == "failed" and "Timeout" in outputs["04_hang"][0].error
    # after the timeout a new kernel, with nothing of the old one
    assert outputs["05_after"][0].status == "ok"
    after = printed("05_after")
    assert after[0] != first_pid and after[1] == "False"
    assert kernel.starts == 2


def test_summary_of_a_large_batch_lists_only_its_failures():
    good = [report.ReportResult(f"{n:05d}", "ok", 1.0) for n in range(35)]
    failed = report.NotebookResult("01_x.ipynb", "failed", 2.0, "E")
    bad = report.ReportResult("99999", "failed", 2.0, [failed])
    result = batch.BatchResult([*good, bad], None, 40.0, index="reports/index.html")
    text = batch.format_summary(result)
    assert "99999" in text and "00001" not in text
    assert "35 more reports OK" in text
    assert text.rstrip().endswith("index: reports/index.html")


def test_a_notebook_gets_only_the_parameters_it_declares(tmp_path: Path):
    book = tmp_path / "01_a.ipynb"
    write_notebook(book, [('district = "harz"', ["parameters"]), ("x = 1", [])])
    offered = {"district": "09677", "districts": ["harz"], "output_root": "/out"}
    assert report._declared(book, offered) == {"district": "09677"}
    write_notebook(book, [("x = 1", [])])  # no parameters cell: papermill injects everything
    assert report._declared(book, offered) == offered
