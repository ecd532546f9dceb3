"""A short deterministic slice of the fuzz harness (``ikzlib.fuzz``; ``make fuzz`` runs 10,000).

Checks that the harness classifies correctly (a valid seed "loaded", a known-bad input a
"clean" error, a foreign exception, a hang and a crash "other") and that no loader shows an
"other" outcome in the slice.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ikzlib import fuzz

SLICE = 30


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def seeds(out: Path) -> dict[str, list[Path]]:
    return {}


def _seeds(loader: str, out: Path, cache: dict[str, list[Path]]) -> list[Path]:
    if loader not in cache:
        cache[loader] = fuzz.build_seeds(loader, out)
    return cache[loader]


@pytest.mark.parametrize("loader", sorted(fuzz.LOADERS))
def test_seeds_load(loader: str, out: Path, seeds: dict[str, list[Path]], tmp_path: Path) -> None:
    entries = _seeds(loader, out, seeds)
    for index in range(len(entries)):
        entry = fuzz.generate(loader, index, 0, entries, tmp_path)
        assert fuzz.classify(loader, entry)[0] == "loaded", (loader, entry)


def test_generation_is_deterministic(
    out: Path, seeds: dict[str, list[Path]], tmp_path: Path
) -> None:
    entries = _seeds("read_gv100ad", out, seeds)
    first = fuzz.generate("read_gv100ad", 17, 3, entries, tmp_path / "a").read_bytes()
    again = fuzz.generate("read_gv100ad", 17, 3, entries, tmp_path / "b").read_bytes()
    other = fuzz.generate("read_gv100ad", 17, 4, entries, tmp_path / "c").read_bytes()
    assert first == again
    assert first != other


def test_known_bad_input_is_a_clean_error(
    out: Path, seeds: dict[str, list[Path]], tmp_path: Path
) -> None:
    entry = fuzz.generate("read_gv100ad", 0, 0, _seeds("read_gv100ad", out, seeds), tmp_path)
    entry.write_bytes(entry.read_bytes()[:-40])  # a truncated record
    assert fuzz.classify("read_gv100ad", entry)[:2] == (
        "clean",
        "ikzlib.errors.DataValidationError",
    )


def test_other_outcomes_are_classified(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def boom(path: Path) -> None:
        raise KeyError("x")

    def hang(path: Path) -> None:
        time.sleep(5)

    monkeypatch.setitem(fuzz.LOADERS, "boom", fuzz.Loader("boom", lambda d: [], boom))
    monkeypatch.setitem(fuzz.LOADERS, "hang", fuzz.Loader("hang", lambda d: [], hang))
    outcome, kind, text = fuzz.classify("boom", tmp_path)
    assert (outcome, kind) == ("other", "KeyError") and "KeyError" in text
    started = time.perf_counter()
    assert fuzz.classify("hang", tmp_path, timeout=0.2)[:2] == ("other", "ikzlib.fuzz.Timeout")
    assert time.perf_counter() - started < 2


def test_worker_pool_counts_and_keeps_examples(tmp_path: Path) -> None:
    summary = fuzz.run_loader("read_gv100ad", 20, seed=1, jobs=2, timeout=5, out=tmp_path)
    assert summary.tried == 20
    assert summary.loaded + summary.clean + summary.others == 20
    assert summary.loaded >= 2  # the two seeds
    for kind in summary.other:  # one example kept per distinct type
        assert any((tmp_path / "read_gv100ad").glob("*/traceback.txt")), kind
    assert "read_gv100ad" in fuzz.format_summary(summary, tmp_path)


def test_crash_of_a_worker_is_an_outcome(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    def build(dest: Path) -> list[Path]:
        (dest / "0").mkdir(parents=True)
        (dest / "0" / "f.txt").write_text("x\n")
        return [dest / "0" / "f.txt"]

    def crash_on_mutated(path: Path) -> None:
        if path.parent.name != "in0" and "seeds" not in str(path):
            os._exit(3)

    monkeypatch.setitem(fuzz.LOADERS, "crash", fuzz.Loader("crash", build, crash_on_mutated))
    summary = fuzz.run_loader("crash", 3, jobs=1, timeout=5, out=tmp_path / "out")
    assert summary.tried == 3 and summary.loaded == 1
    assert summary.other == {"Crash(exit 3)": 2}


def _slice(loader: str, tmp_path: Path) -> fuzz.Summary:
    return fuzz.run_loader(loader, SLICE, seed=0, jobs=2, timeout=5, out=tmp_path)


@pytest.mark.parametrize("loader", sorted(fuzz.LOADERS))
def test_slice_has_no_other_outcome(loader: str, tmp_path: Path) -> None:
    summary = _slice(loader, tmp_path)
    assert summary.tried == SLICE
    assert summary.others == 0, fuzz.format_summary(summary, tmp_path)


def test_memory_cap_makes_a_blow_up_an_outcome(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def build(dest: Path) -> list[Path]:
        (dest / "0").mkdir(parents=True)
        (dest / "0" / "f.txt").write_text("x\n")
        return [dest / "0" / "f.txt"]

    def hog(path: Path) -> None:
        if "seeds" not in str(path):
            bytearray(4 * 2**30)

    monkeypatch.setitem(fuzz.LOADERS, "hog", fuzz.Loader("hog", build, hog))
    summary = fuzz.run_loader("hog", 2, jobs=1, timeout=5, mem_mb=256, out=tmp_path / "out")
    assert summary.other == {"MemoryError": 2}
    assert (tmp_path / "out" / "hog" / "MemoryError" / "traceback.txt").exists()
