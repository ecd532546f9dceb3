"""Fuzz harness: feed mutated inputs to every loader and classify how each one ends.

Run ``python -m ikzlib.fuzz`` (``make fuzz``: 10,000 inputs per loader) or a slice, e.g.
``python -m ikzlib.fuzz --n 200 --loader read_tidy``. For each loader, valid seed inputs are
built from ``tests/fixtures`` and ``data/raw`` into ``<out>/seeds``; input ``i`` is the seed
``i`` (unmutated) for the first seeds, then a deterministic mutation of a seed (the random
generator is seeded with ``seed:loader:i``, so any input can be rebuilt from its number):
byte flips/inserts/deletes, truncation, duplicated/dropped/swapped lines, added/removed
fields, huge numbers, other encodings; for zip containers (``.qdpx``, ``.xlsx``) also mutated
members re-packed with stored/deflate/bzip2/LZMA compression, dropped/renamed/duplicated
members and flipped header bytes. Folder loaders get one file of the folder mutated or removed.

Each input runs in a worker process (one per core) under a per-input time cap (an interval
timer in the worker, and a hard kill by the parent when the loader is stuck in C code) and an
address-space cap (``RLIMIT_AS``: the worker's size after imports plus ``--mem-mb``). Outcomes:

``loaded``
    the loader returned;
``clean``
    it raised :class:`ikzlib.errors.DataValidationError` (or a subclass);
``other``
    anything else: another exception, ``Timeout``, ``MemoryError``, or ``Crash`` (the worker
    died, e.g. a segfault in a C extension).

Per loader the harness prints inputs tried / loaded / clean errors / other, and for "other"
the distinct exception types with one example each, saved (input plus ``traceback.txt``) under
``<out>/<loader>/<type>/`` (default ``data/processed/fuzz``, git-ignored). The exit status is 1
when any "other" outcome occurred.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import multiprocessing
import os
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

from ikzlib.errors import DataValidationError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
RAW = ROOT / "data" / "raw"
DEFAULT_OUT = ROOT / "data" / "processed" / "fuzz"
ZIP_SUFFIXES = {".qdpx", ".xlsx", ".zip"}


class Timeout(Exception):  # noqa: N818 - reported by this name
    """The per-input time cap of the harness expired inside the loader."""


# --------------------------------------------------------------------------- loaders


@dataclass(frozen=True)
class Loader:
    """A loader under test: how to build its seeds and how to call it on an input."""

    name: str
    build_seeds: Callable[[Path], list[Path]]  # writes seeds into a folder, returns entries
    call: Callable[[Path], object]
    folder: bool = False  # the entry is a folder (mutate one of its files)


def _copy_file(source: Path, target_dir: Path, name: str | None = None) -> Path:
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / (name or source.name)
    shutil.copyfile(source, target)
    return target


def _copy_files(*sources: Path) -> Callable[[Path], list[Path]]:
    def build(dest: Path) -> list[Path]:
        return [_copy_file(s, dest / str(k)) for k, s in enumerate(sources)]

    return build


def _copy_dir(source: Path) -> Callable[[Path], list[Path]]:
    def build(dest: Path) -> list[Path]:
        target = dest / "0" / source.name
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.md"))
        return [target]

    return build


def _zip_folder(folder: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return target


def _qdpx_seeds(dest: Path) -> list[Path]:
    from ikzlib.qda import read_tidy, write_qdpx

    seeds = [_zip_folder(FIXTURES / "qda" / "crlf_project", dest / "0" / "crlf.qdpx")]
    (dest / "1").mkdir(parents=True, exist_ok=True)
    seeds.append(write_qdpx(read_tidy(RAW / "harz" / "interviews"), dest / "1" / "harz.qdpx"))
    return seeds


def _qde_seeds(dest: Path) -> list[Path]:
    crlf = dest / "0" / "crlf_project"
    shutil.copytree(FIXTURES / "qda" / "crlf_project", crlf)
    seeds = [crlf / "project.qde"]
    for k, name in enumerate(["utf16_emoji.qde", "atlas_flat.qde"], start=1):
        seeds.append(_copy_file(FIXTURES / "qda" / name, dest / str(k)))
    return seeds


def _maxqda_xlsx_seeds(dest: Path) -> list[Path]:
    import openpyxl

    seeds = []
    for k, (name, encoding, sep) in enumerate(
        [("maxqda_segments_de.csv", "cp1252", ";"), ("maxqda_segments_en.csv", "utf-8-sig", ",")]
    ):
        text = (FIXTURES / "qda" / name).read_text(encoding=encoding)
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Codings"
        for row in csv.reader(io.StringIO(text), delimiter=sep):
            sheet.append([int(v) if v.isdigit() else v for v in row])
        (dest / str(k)).mkdir(parents=True, exist_ok=True)
        book.save(dest / str(k) / "segments.xlsx")
        seeds.append(dest / str(k) / "segments.xlsx")
    return seeds


def _auszug_seeds(dest: Path) -> list[Path]:
    """The Auszug GV workbook of the Destatis tests (built from the Harz table)."""
    import importlib.util

    from ikzlib.municipalities import load_municipalities

    spec = importlib.util.spec_from_file_location(
        "_fuzz_destatis", ROOT / "tests" / "test_destatis.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    (dest / "0").mkdir(parents=True, exist_ok=True)
    rows = module.auszug_rows(load_municipalities("harz"))
    return [module.write_auszug_xlsx(dest / "0" / "31122021_Auszug_GV.xlsx", rows)]


def _shapefile_seeds(dest: Path) -> list[Path]:
    import geopandas as gpd
    import pandas as pd
    from shapely import wkt

    folder = dest / "0"
    folder.mkdir(parents=True, exist_ok=True)
    for level in ("gem", "krs"):
        frame = pd.read_csv(FIXTURES / "bkg" / f"vg_{level}.csv", dtype=str)
        geometry = frame.pop("wkt").map(wkt.loads)
        layer = gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:31467")
        layer.to_file(folder / f"VGTEST_{level.upper()}.shp")
    return [folder / "VGTEST_GEM.shp"]


def _call_qdpx(path: Path) -> object:
    from ikzlib import qda

    return qda.read_qdpx(path)


def _call_qde(path: Path) -> object:
    from ikzlib import qda

    return qda.read_qde(path)


def _call_qdc(path: Path) -> object:
    from ikzlib import qda

    return qda.read_qdc(path)


def _call_maxqda(path: Path) -> object:
    from ikzlib import qda

    return qda.read_maxqda(path)


def _call_tidy(path: Path) -> object:
    from ikzlib import qda

    return qda.read_tidy(path)


def _call_municipalities(path: Path) -> object:
    from ikzlib.municipalities import read_municipalities_csv

    return read_municipalities_csv(path)


_HARZ_AGS: set[str] = set()


def _call_register(path: Path) -> object:
    from ikzlib.municipalities import load_municipalities
    from ikzlib.register import read_register

    if not _HARZ_AGS:
        _HARZ_AGS.update(load_municipalities("harz")["ags"])
    return read_register(path, district_ags=set(_HARZ_AGS), kreis_key="15085")


def _call_auszug(path: Path) -> object:
    from ikzlib.destatis import read_auszug_gv

    return read_auszug_gv(path)


def _call_gv100ad(path: Path) -> object:
    from ikzlib.destatis import read_gv100ad

    return read_gv100ad(path)


def _call_layer(path: Path) -> object:
    from ikzlib.boundaries import read_layer

    return read_layer(path, "GEM", "15085")


def _call_published(path: Path) -> object:
    from ikzlib.structure import read_published_units

    return read_published_units(path)


def _call_task_fields(path: Path) -> object:
    from ikzlib.priorities import read_task_field_matrix

    return read_task_field_matrix(path)


def _call_motion_fields(path: Path) -> object:
    from ikzlib.priorities import read_motion_fields

    return read_motion_fields(path)


def _call_scenarios(path: Path) -> object:
    from ikzlib.uncertainty import load_scenarios

    return load_scenarios(path)


LOADERS: dict[str, Loader] = {
    spec.name: spec
    for spec in [
        Loader("read_qdpx", _qdpx_seeds, _call_qdpx),
        Loader("read_qde", _qde_seeds, _call_qde),
        Loader("read_qdc", _copy_files(FIXTURES / "qda" / "codebook.qdc"), _call_qdc),
        Loader(
            "read_maxqda_csv",
            _copy_files(
                FIXTURES / "qda" / "maxqda_segments_de.csv",
                FIXTURES / "qda" / "maxqda_segments_en.csv",
            ),
            _call_maxqda,
        ),
        Loader("read_maxqda_xlsx", _maxqda_xlsx_seeds, _call_maxqda),
        Loader("read_tidy", _copy_dir(RAW / "harz" / "interviews"), _call_tidy, folder=True),
        Loader(
            "read_municipalities_csv",
            _copy_files(*(RAW / d / "municipalities.csv" for d in ("harz", "helmstedt"))),
            _call_municipalities,
        ),
        Loader("read_register", _copy_dir(RAW / "harz" / "register"), _call_register, True),
        Loader("read_auszug_gv", _auszug_seeds, _call_auszug),
        Loader(
            "read_gv100ad",
            _copy_files(
                FIXTURES / "destatis" / "gv100ad_utf8bom.txt",
                FIXTURES / "destatis" / "gv100ad_latin1.txt",
            ),
            _call_gv100ad,
        ),
        Loader("read_layer", _shapefile_seeds, _call_layer),
        Loader(
            "read_published_units",
            _copy_files(RAW / "harz" / "table1_fallstudie.csv"),
            _call_published,
        ),
        Loader(
            "read_task_field_matrix",
            _copy_files(RAW / "helmstedt" / "task_fields.csv"),
            _call_task_fields,
        ),
        Loader(
            "read_motion_fields",
            _copy_files(RAW / "wolfenbuettel" / "candidate_fields.csv"),
            _call_motion_fields,
        ),
        Loader("load_scenarios", _copy_files(RAW / "scenarios.csv"), _call_scenarios),
    ]
}


def build_seeds(loader: str, out: Path) -> list[Path]:
    """(Re)build the seeds of ``loader`` under ``out/seeds/<loader>``; return their entries."""
    dest = out / "seeds" / loader
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    return LOADERS[loader].build_seeds(dest)


# --------------------------------------------------------------------------- mutations

_INTERESTING = [
    b"0",
    b"-1",
    b"9" * 30,
    b"-" + b"9" * 25,
    b"1e309",
    b"nan",
    b"inf",
    b"2147483648",
    b"18446744073709551616",
    b"",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xed\xa0\x80",  # a UTF-8-encoded lone surrogate
    b'"',
    b";",
    b",",
    b"\t",
    b"\r",
    b"\n",
    b"\\",
    b"<",
    b"&",
    b"]]>",
    "ä€😀".encode(),
]


def _split_lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [data]


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """One to four random byte- and line-level mutations of ``data``."""
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
        op = rng.randrange(18)
        n = len(data)
        if op == 0 and n:  # flip a bit
            i = rng.randrange(n)
            data = data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1 :]
        elif op == 1:  # insert random bytes
            i = rng.randrange(n + 1)
            data = data[:i] + rng.randbytes(rng.randint(1, 8)) + data[i:]
        elif op == 2 and n:  # delete a range
            i = rng.randrange(n)
            data = data[:i] + data[i + rng.randint(1, 32) :]
        elif op == 3:  # truncate
            data = data[: rng.randrange(n + 1)]
        elif op == 4:  # duplicate a line
            lines = _split_lines(data)
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
            data = b"".join(lines)
        elif op == 5:  # drop a line
            lines = _split_lines(data)
            del lines[rng.randrange(len(lines))]
            data = b"".join(lines)
        elif op == 6:  # swap two lines
            lines = _split_lines(data)
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            data = b"".join(lines)
        elif op == 7:  # add a field to a line (or to every line)
            sep = rng.choice([b",", b";", b"\t"])
            lines = _split_lines(data)
            targets = range(len(lines)) if rng.random() < 0.3 else [rng.randrange(len(lines))]
            for i in targets:
                body = lines[i].rstrip(b"\r\n")
                lines[i] = body + sep + rng.choice(_INTERESTING) + lines[i][len(body) :]
            data = b"".join(lines)
        elif op == 8:  # remove a field from a line
            lines = _split_lines(data)
            i = rng.randrange(len(lines))
            parts = re.split(rb"([,;\t])", lines[i])
            if len(parts) > 2:
                k = rng.randrange(0, len(parts) - 1, 2)
                del parts[k : k + 2]
                lines[i] = b"".join(parts)
            data = b"".join(lines)
        elif op == 9:  # replace a number by an extreme one
            numbers = list(re.finditer(rb"\d+", data))
            if numbers:
                m = rng.choice(numbers)
                data = data[: m.start()] + rng.choice(_INTERESTING[:9]) + data[m.end() :]
        elif op == 10 and n:  # overwrite with an interesting token
            i = rng.randrange(n)
            token = rng.choice(_INTERESTING)
            data = data[:i] + token + data[i + len(token) :]
        elif op == 11:  # re-encode
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            codec = rng.choice(
                ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "latin-1", "cp1252", "utf-32"]
            )
            data = text.encode(codec, errors="replace")
        elif op == 12:  # line ends
            data = rng.choice(
                [
                    data.replace(b"\r\n", b"\n"),
                    data.replace(b"\n", b"\r\n"),
                    data.replace(b"\n", b"\r"),
                ]
            )
        elif op == 13 and n:  # a very long field
            i = rng.randrange(n)
            data = (
                data[:i]
                + rng.choice([b"x", b"9", b"\xc3\xa4", b"<a>"]) * rng.choice([1000, 140_000])
                + data[i:]
            )
        elif op == 14 and n:  # insert a chunk of the file elsewhere
            i, j = sorted(rng.randrange(n) for _ in range(2))
            k = rng.randrange(n + 1)
            data = data[:k] + data[i : j + 1] + data[k:]
        elif op == 15:  # empty or whitespace
            data = rng.choice([b"", b"\n", b" ", data[:1]])
        elif op == 16:  # deep nesting of an element found in the file (or a made-up one)
            tags = re.findall(rb"<([A-Za-z][\w:.-]*)[ >]", data) or [b"a"]
            tag = rng.choice(tags)
            depth = rng.choice([50, 2000, 20_000])
            i = data.find(b"</" + tag + b">")
            i = i if i >= 0 else rng.randrange(n + 1)
            opened, closed = (b"<" + tag + b">") * depth, (b"</" + tag + b">") * depth
            data = data[:i] + opened + closed + data[i:]
        elif op == 17:  # an odd encoding declaration or byte-order mark
            name = rng.choice(
                [b"x-unknown", b"utf-16", b"utf-32", b"ebcdic", b"utf-7", b"latin-1", b""]
            )
            if rb"encoding=" in data:
                data = re.sub(rb'encoding="[^"]*"', b'encoding="' + name + b'"', data, count=1)
            else:
                data = (
                    rng.choice([b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\x00\x00\xfe\xff"])
                    + data
                )
    return data


_METHODS = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]


def _mutate_zip(data: bytes, rng: random.Random) -> bytes:
    """Mutate a zip container: its members (re-packed) or the raw archive bytes."""
    if rng.random() < 0.3:
        return _mutate_bytes(data, rng)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    except Exception:  # noqa: BLE001 - an already broken archive: mutate it as bytes
        return _mutate_bytes(data, rng)
    if not members:
        return _mutate_bytes(data, rng)
    i = rng.randrange(len(members))
    name, content = members[i]
    choice = rng.random()
    if choice < 0.65:
        members[i] = (name, _mutate_bytes(content, rng))
    elif choice < 0.75:
        del members[i]
    elif choice < 0.85:
        members.append((name, _mutate_bytes(content, rng)))  # duplicate name
    else:
        new = rng.choice(
            [
                name.upper(),
                name.lower(),
                "../" + name,
                "/" + name,
                name + "\\x",
                name.replace("/", "\\"),
            ]
        )
        members[i] = (new, content)
    method = rng.choice(_METHODS) if rng.random() < 0.5 else zipfile.ZIP_DEFLATED
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as archive:
        warnings.simplefilter("ignore")  # duplicate member names are intended
        for member, payload in members:
            archive.writestr(
                zipfile.ZipInfo(member, (2020, 1, 1, 0, 0, 0)), payload, compress_type=method
            )
    data = out.getvalue()
    if rng.random() < 0.1:  # flip a byte in a local or central header
        offsets = [m.start() for m in re.finditer(rb"PK(\x01\x02|\x03\x04|\x05\x06)", data)]
        if offsets:
            k = rng.choice(offsets) + rng.randrange(4, 30)
            if k < len(data):
                data = data[:k] + bytes([rng.randrange(256)]) + data[k + 1 :]
    return data


def _mutate_file(path: Path, rng: random.Random) -> None:
    data = path.read_bytes()
    mutate = _mutate_zip if path.suffix.lower() in ZIP_SUFFIXES else _mutate_bytes
    path.write_bytes(mutate(data, rng))


def generate(loader: str, index: int, seed: int, seeds: list[Path], work: Path) -> Path:
    """Build input ``index`` of ``loader`` under ``work``; return the path to pass to the loader.

    Inputs ``0 .. len(seeds)-1`` are the seeds themselves; later ones are mutations.
    """
    spec = LOADERS[loader]
    source = seeds[index % len(seeds)]
    rng = random.Random(f"{seed}:{loader}:{index}")
    # copy the seed's folder (the entry's parent): sibling files (sources, shapefile parts)
    base = source if spec.folder else source.parent
    target_base = work / f"in{index}"
    shutil.copytree(base, target_base)
    entry = target_base if spec.folder else target_base / source.name
    if index < len(seeds):
        return entry
    files = sorted(p for p in target_base.rglob("*") if p.is_file())
    if spec.folder or len(files) > 1:
        mostly_entry = not spec.folder and rng.random() < 0.7  # mostly the entry file itself
        victim = entry if mostly_entry else rng.choice(files)
        if rng.random() < 0.05:
            victim.unlink()
            return entry
    else:
        victim = entry
    _mutate_file(victim, rng)
    return entry


# --------------------------------------------------------------------------- running


def _type_name(error: BaseException) -> str:
    kind = type(error)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _on_alarm(signum, frame):  # noqa: ANN001, ARG001
    raise Timeout("per-input time cap expired")


def classify(loader: str, entry: Path, timeout: float | None = None) -> tuple[str, str, str]:
    """Run ``loader`` on ``entry``; return (outcome, exception type, traceback text)."""
    if timeout:
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        LOADERS[loader].call(entry)
    except DataValidationError as error:
        return "clean", _type_name(error), ""
    except BaseException as error:  # noqa: BLE001 - every other ending is an "other" outcome
        if isinstance(error, KeyboardInterrupt):
            raise
        return "other", _type_name(error), traceback.format_exc()
    finally:
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return "loaded", "", ""


def save_example(out: Path, loader: str, kind: str, entry: Path, text: str) -> Path | None:
    """Keep the first example of ``kind`` for ``loader`` (input, traceback); None if kept before."""
    folder = out / loader / re.sub(r"[^\w.-]", "_", kind)
    try:
        folder.mkdir(parents=True)
    except FileExistsError:
        return None
    if entry.is_dir():
        shutil.copytree(entry, folder / entry.name)
    elif entry.exists():
        shutil.copytree(entry.parent, folder / "input")
    (folder / "traceback.txt").write_text(text + "\n" + f"entry: {entry.name}\n", encoding="utf-8")
    return folder


def _vm_size() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _worker(
    conn, loader: str, seed: int, seeds: list[Path], out: Path, timeout: float, mem: int
) -> None:
    """Worker loop: receive input numbers, send back outcomes."""
    warnings.simplefilter("ignore")  # loaders warn about odd but valid inputs; not counted
    with contextlib.suppress(Exception):  # warm the imports before fixing the memory cap
        classify(loader, seeds[0])
    if mem:
        limit = _vm_size() + mem
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    work = Path(tempfile.mkdtemp(prefix=f"fuzz-{loader}-"))
    try:
        while True:
            index = conn.recv()
            if index is None:
                break
            try:
                entry = generate(loader, index, seed, seeds, work)
                outcome, kind, text = classify(loader, entry, timeout)
                if outcome == "other":
                    save_example(out, loader, kind, entry, f"input {index} (seed {seed})\n{text}")
            finally:
                shutil.rmtree(work / f"in{index}", ignore_errors=True)
            conn.send((index, outcome, kind))
    finally:
        shutil.rmtree(work, ignore_errors=True)


@dataclass
class Summary:
    """Outcome counts of one loader."""

    loader: str
    tried: int = 0
    loaded: int = 0
    clean: int = 0
    other: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def others(self) -> int:
        return sum(self.other.values())


def _record(summary: Summary, outcome: str, kind: str) -> None:
    summary.tried += 1
    if outcome == "loaded":
        summary.loaded += 1
    elif outcome == "clean":
        summary.clean += 1
    else:
        summary.other[kind] += 1


def run_loader(
    loader: str,
    n: int,
    *,
    seed: int = 0,
    jobs: int | None = None,
    timeout: float = 5.0,
    mem_mb: int = 1024,
    out: Path = DEFAULT_OUT,
) -> Summary:
    """Fuzz ``loader`` with ``n`` inputs on ``jobs`` worker processes; return the counts."""
    start = time.perf_counter()
    out = Path(out)
    shutil.rmtree(out / loader, ignore_errors=True)
    seeds = build_seeds(loader, out)
    summary = Summary(loader)
    context = multiprocessing.get_context("fork")
    jobs = max(1, min(jobs or os.cpu_count() or 1, n))
    pending = iter(range(n))
    workers: dict = {}  # connection -> [process, index, started]

    def spawn() -> None:
        parent, child = context.Pipe()
        process = context.Process(
            target=_worker,
            args=(child, loader, seed, seeds, out, timeout, mem_mb * 2**20),
            daemon=True,
        )
        process.start()
        child.close()
        workers[parent] = [process, None, 0.0]
        feed(parent)

    def feed(conn) -> None:
        index = next(pending, None)
        workers[conn][1:] = [index, time.monotonic()]
        conn.send(index)
        if index is None:
            workers[conn][0].join(timeout=10)
            del workers[conn]

    def lost(conn, kind: str) -> None:
        process, index, _ = workers.pop(conn)
        process.kill()
        process.join()
        conn.close()
        _record(summary, "other", kind)
        with tempfile.TemporaryDirectory() as work:  # rebuild the input to keep it
            entry = generate(loader, index, seed, seeds, Path(work))
            save_example(out, loader, kind, entry, f"input {index} (seed {seed}): {kind}")
        spawn()

    for _ in range(jobs):
        spawn()
    hard_cap = timeout + 10
    while workers:
        ready = wait(list(workers), timeout=1.0)
        for conn in ready:
            try:
                index, outcome, kind = conn.recv()
            except (EOFError, OSError):
                process = workers[conn][0]
                process.join(timeout=5)
                code = process.exitcode
                lost(conn, f"Crash(exit {code})")
                continue
            _record(summary, outcome, kind)
            feed(conn)
        now = time.monotonic()
        for conn, (_, index, started) in list(workers.items()):
            if conn not in ready and index is not None and now - started > hard_cap:
                lost(conn, "Timeout(hard)")
    summary.seconds = time.perf_counter() - start
    return summary


def format_summary(summary: Summary, out: Path = DEFAULT_OUT) -> str:
    """One table line per loader, then one line per distinct "other" type."""
    lines = [
        f"{summary.loader:<24} {summary.tried:>7} {summary.loaded:>7} {summary.clean:>7} "
        f"{summary.others:>7} {summary.seconds:>8.1f}"
    ]
    for kind, count in summary.other.most_common():
        folder = Path(out) / summary.loader / re.sub(r"[^\w.-]", "_", kind)
        lines.append(f"    other: {kind} x{count}  example: {folder}")
    return "\n".join(lines)


HEADER = f"{'loader':<24} {'tried':>7} {'loaded':>7} {'clean':>7} {'other':>7} {'seconds':>8}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ikzlib.fuzz", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--n", type=int, default=10_000, help="inputs per loader (default 10000)")
    parser.add_argument(
        "--loader",
        action="append",
        choices=sorted(LOADERS),
        help="loader(s) to fuzz (default: all)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores)")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per input (default 5)")
    parser.add_argument(
        "--mem-mb", type=int, default=1024, help="MB per input above the import size"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="example folder")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    print(HEADER, flush=True)
    others = 0
    for loader in args.loader or list(LOADERS):
        summary = run_loader(
            loader,
            args.n,
            seed=args.seed,
            jobs=args.jobs,
            timeout=args.timeout,
            mem_mb=args.mem_mb,
            out=args.out,
        )
        others += summary.others
        print(format_summary(summary, args.out), flush=True)
    print(f"total time {time.perf_counter() - start:.1f} s; {others} 'other' outcomes", flush=True)
    return 1 if others else 0


if __name__ == "__main__":
    sys.exit(main())
