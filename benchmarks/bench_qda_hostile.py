"""Hostile-input timings for the REFI-QDA readers (issue 12).

* an unpacked ``project.qde`` beside a ``sources/`` folder of N text files,
* a ``.qdpx`` whose sources use NVivo's ``Sources/`` spelling (case-insensitive lookup),

each at 2k/8k/20k sources with the time per source (linear = flat), and

* a bzip2 bomb: a small ``.qdpx`` whose only source is ``--bomb-gib`` GiB of zeros compressed
  with bzip2 (10 GiB -> a few KB), plus a 1 GiB bzip2 ``project.qde``; each is opened in a fresh
  subprocess that prints the time to refusal and its peak RSS (``resource.getrusage``).

The bomb archives take about 6 s per GiB to build and are cached in the temporary folder
(``ikz_bench_hostile/``). Run: ``python benchmarks/bench_qda_hostile.py [--sizes 2000 8000]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from ikzlib.qda import refi

NS = "urn:QDA-XML:project:1.0"
CACHE = Path(tempfile.gettempdir()) / "ikz_bench_hostile"


def _guid(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


def _qde(n: int) -> bytes:
    sources = "".join(
        f'<TextSource guid="{_guid(i)}" name="d{i}" plainTextPath="internal://s{i}.txt"/>'
        for i in range(n)
    )
    return f'<Project xmlns="{NS}" name="p"><Sources>{sources}</Sources></Project>'.encode()


def bench_unpacked_qde(n: int, root: Path) -> float:
    folder = root / f"qde{n}"
    (folder / "sources").mkdir(parents=True)
    for i in range(n):
        (folder / "sources" / f"S{i}.TXT").write_bytes(f"text {i}".encode())
    (folder / "project.qde").write_bytes(_qde(n))
    start = time.perf_counter()
    project = refi.read_qde(folder / "project.qde")
    elapsed = time.perf_counter() - start
    assert len(project.documents) == n and project.documents.text.notna().all()
    return elapsed


def bench_nvivo_sources(n: int, root: Path) -> float:
    path = root / f"nvivo{n}.qdpx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("project.qde", _qde(n))
        for i in range(n):
            archive.writestr(f"Sources/s{i}.txt", f"text {i}")
    start = time.perf_counter()
    project = refi.read_qdpx(path)
    elapsed = time.perf_counter() - start
    assert len(project.documents) == n and project.documents.text.notna().all()
    return elapsed


def _stream_zeros(archive: zipfile.ZipFile, name: str, gib: int, prefix: bytes = b"") -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_BZIP2
    block = bytes(64 * 1024**2)
    with archive.open(info, "w", force_zip64=True) as member:
        member.write(prefix)
        for _ in range(gib * 16):
            member.write(block)


def bzip2_bombs(gib: int) -> list[tuple[str, Path]]:
    CACHE.mkdir(exist_ok=True)
    source_bomb = CACHE / f"bzip2_source_{gib}gib.qdpx"
    if not source_bomb.exists():
        tmp = source_bomb.with_suffix(".part")
        with zipfile.ZipFile(tmp, "w") as archive:
            qde = (
                f'<Project xmlns="{NS}" name="p"><Sources><TextSource guid="{_guid(1)}" '
                'plainTextPath="internal://big.txt"/></Sources></Project>'
            )
            archive.writestr("project.qde", qde)
            _stream_zeros(archive, "sources/big.txt", gib)
        tmp.rename(source_bomb)
    qde_bomb = CACHE / "bzip2_qde_1gib.qdpx"
    if not qde_bomb.exists():
        tmp = qde_bomb.with_suffix(".part")
        with zipfile.ZipFile(tmp, "w") as archive:
            _stream_zeros(archive, "project.qde", 1, prefix=f'<Project xmlns="{NS}">'.encode())
        tmp.rename(qde_bomb)
    return [(f"{gib} GiB bzip2 source", source_bomb), ("1 GiB bzip2 project.qde", qde_bomb)]


CHILD = """
import resource, sys, time
from ikzlib.errors import DataValidationError
from ikzlib.qda import refi
start = time.perf_counter()
try:
    refi.read_qdpx(sys.argv[1])
    outcome = "LOADED (not refused!)"
except DataValidationError as exc:
    outcome = "refused: " + str(exc).split(": ", 1)[-1][:70]
except BaseException as exc:
    outcome = "CRASHED: " + type(exc).__name__
elapsed = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{elapsed:.2f}|{rss:.0f}|{outcome}")
"""


def bench_bomb(path: Path) -> tuple[float, float, str]:
    baseline = subprocess.run(
        [sys.executable, "-c", CHILD.replace("refi.read_qdpx(sys.argv[1])", "pass")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("|")
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0 or "|" not in result.stdout:
        died = f"child died ({result.returncode}) {result.stderr[-200:]}"
        return float("nan"), float("nan"), died
    elapsed, rss, outcome = result.stdout.strip().split("|", 2)
    return float(elapsed), float(rss) - float(baseline[1]), f"{outcome} (peak {rss} MB total)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 8_000, 20_000])
    parser.add_argument("--bomb-gib", type=int, default=10)
    parser.add_argument("--skip-bomb", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args()
    if not args.skip_scaling:
        for label, bench in [
            ("unpacked .qde + sources/ folder", bench_unpacked_qde),
            (".qdpx with NVivo 'Sources/'", bench_nvivo_sources),
        ]:
            print(label)
            for n in args.sizes:
                with tempfile.TemporaryDirectory() as tmp:
                    elapsed = bench(n, Path(tmp))
                print(f"  {n:>6} sources: {elapsed:7.2f} s  ({elapsed / n * 1e6:6.1f} us/source)")
    if not args.skip_bomb:
        for label, path in bzip2_bombs(args.bomb_gib):
            elapsed, extra, outcome = bench_bomb(path)
            size = path.stat().st_size / 1024
            print(f"{label} ({size:.0f} KB): {elapsed:.2f} s, +{extra:.0f} MB RSS, {outcome}")


if __name__ == "__main__":
    main()
