"""Timing of the coded-data readers and writers on a synthetic project.

A project of 60 interviews of ~30,000 characters each (about a study's worth of transcripts,
with emoji so that the UTF-16/code-point detection has work to do), 80 codes and 6,000
codings is written to and read back from a ``.qdpx`` archive and a tidy CSV folder. Prints
the timings, the time per coding and the ratio of reading to writing.
"""

from __future__ import annotations

import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ikzlib.qda import refi, tidy
from ikzlib.qda.model import CodedProject

N_DOCS, N_CODES, N_CODINGS, SEED = 60, 80, 6_000, 7


def synthetic_project(seed: int = SEED) -> CodedProject:
    """Random transcripts of words (some emoji) with codings on word boundaries."""
    rng = np.random.default_rng(seed)
    words = np.array(
        [
            "Bauhof",
            "Kläranlage",
            "Personal",
            "Geld",
            "Kreis",
            "Zweckverband",
            "gemeinsam",
            "Vergabe",
            "digital",
            "🚜",
            "💶",
        ]
    )
    texts, bounds = [], []
    for _ in range(N_DOCS):
        chosen = rng.choice(words, size=3_000)
        text = " ".join(chosen)
        starts = np.cumsum([0, *[len(w) + 1 for w in chosen[:-1]]])
        texts.append(text)
        bounds.append((starts, starts + np.array([len(w) for w in chosen])))
    codes = pd.DataFrame(
        {
            "code_id": [f"C{i:03d}" for i in range(N_CODES)],
            "parent_id": [None if i < 8 else f"C{i % 8:03d}" for i in range(N_CODES)],
            "name": [f"Code {i}" for i in range(N_CODES)],
        }
    )
    rows = []
    for k in range(N_CODINGS):
        d = int(rng.integers(N_DOCS))
        starts, ends = bounds[d]
        a = int(rng.integers(len(starts) - 20))
        b = a + int(rng.integers(1, 20))
        rows.append(
            {
                "coding_id": f"k{k:05d}",
                "doc_id": f"D{d:02d}",
                "code_id": f"C{int(rng.integers(N_CODES)):03d}",
                "start": int(starts[a]),
                "end": int(ends[b]),
                "text": texts[d][starts[a] : ends[b]],
                "coder": ["anna", "ben"][k % 2],
            }
        )
    documents = pd.DataFrame(
        {
            "doc_id": [f"D{d:02d}" for d in range(N_DOCS)],
            "name": [f"Interview {d}" for d in range(N_DOCS)],
            "text": texts,
        }
    )
    return CodedProject(documents=documents, codes=codes, codings=pd.DataFrame(rows))


def _guid(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


def variables_qde(n: int) -> bytes:
    """A foreign ``project.qde`` with ``n`` sources, each carrying two variable values."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<Project xmlns="{refi.PROJECT_NS}" name="bench" origin="bench">'
        f'<Variables><Variable guid="{_guid(1)}" name="age" typeOfVariable="Integer"/>'
        f'<Variable guid="{_guid(2)}" name="place" typeOfVariable="Text"/></Variables><Sources>'
    ]
    for i in range(n):
        parts.append(
            f'<TextSource guid="{_guid(10 + i)}" name="S{i}">'
            f"<PlainTextContent>Interview {i}</PlainTextContent>"
            f'<VariableValue><VariableRef targetGUID="{_guid(1)}"/>'
            f"<IntegerValue>{i % 90}</IntegerValue></VariableValue>"
            f'<VariableValue><VariableRef targetGUID="{_guid(2)}"/>'
            f"<TextValue>Ort {i % 7}</TextValue></VariableValue></TextSource>"
        )
    return "".join([*parts, "</Sources></Project>"]).encode()


def large_sources_qde(n: int, chars: int = 20_000) -> bytes:
    """``n`` non-ASCII sources of ``chars`` characters (emoji in every tenth), one coding each."""
    parts = [
        f'<Project xmlns="{refi.PROJECT_NS}" name="bench" origin="bench">'
        f'<CodeBook><Codes><Code guid="{_guid(1)}" name="c"/></Codes></CodeBook><Sources>'
    ]
    body = ("Kläranlage gemeinsam " * (chars // 21 + 1))[: chars - 2]
    for i in range(n):
        text = f"{i:06d} {body}" + (" 🚜" if i % 10 == 0 else " x")  # all texts differ
        parts.append(
            f'<TextSource guid="{_guid(10 + 2 * i)}" name="S{i}">'
            f"<PlainTextContent>{text}</PlainTextContent>"
            f'<PlainTextSelection guid="{_guid(11 + 2 * i)}" startPosition="0" endPosition="6">'
            f'<Coding guid="{_guid(1_000_000 + i)}"><CodeRef targetGUID="{_guid(1)}"/></Coding>'
            "</PlainTextSelection></TextSource>"
        )
    return "".join([*parts, "</Sources></Project>"]).encode()


def scaling(tmp: Path) -> None:
    """Times of the once-quadratic .qde paths at growing sizes (should grow linearly)."""
    cases = [
        ("sources with variables", variables_qde, (2_000, 8_000, 20_000)),
        ("large non-ASCII sources", large_sources_qde, (500, 1_000, 4_000)),
    ]
    for label, build, sizes in cases:
        figures = []
        for n in sizes:
            path = tmp / f"scale-{n}.qde"
            path.write_bytes(build(n))
            _, seconds = timed(refi.read_qde, path)
            figures.append(f"{n}: {seconds:.2f} s")
            path.unlink()
        print(f"read_qde, {label}: " + ", ".join(figures))


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


if __name__ == "__main__":
    project = synthetic_project()
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "bench.qdpx"
        _, t_write = timed(refi.write_qdpx, project, archive)
        back, t_read = timed(refi.read_qdpx, archive)
        foreign = Path(tmp) / "foreign.qdpx"  # another producer: positions are detected
        with zipfile.ZipFile(archive) as source, zipfile.ZipFile(foreign, "w") as out:
            for name in source.namelist():
                data = source.read(name)
                if name == "project.qde":
                    data = data.replace(b'origin="ikzlib"', b'origin="bench"')
                out.writestr(name, data)
        _, t_auto = timed(refi.read_qdpx, foreign)
        _, t_twrite = timed(tidy.write_tidy, project, Path(tmp) / "tidy")
        tidy_back, t_tread = timed(tidy.read_tidy, Path(tmp) / "tidy")
        size_kb = archive.stat().st_size / 1024
    assert len(back.codings) == len(tidy_back.codings) == N_CODINGS
    per = 1e6 / N_CODINGS
    print(
        f"project: {N_DOCS} documents, {N_CODES} codes, {N_CODINGS} codings; qdpx {size_kb:.0f} KiB"
    )
    print(f"write_qdpx {t_write:.2f} s ({t_write * per:.0f} us/coding)")
    print(
        f"read_qdpx  {t_read:.2f} s ({t_read * per:.0f} us/coding), read/write ratio "
        f"{t_read / t_write:.2f}"
    )
    print(f"read_qdpx with position detection {t_auto:.2f} s (x{t_auto / t_read:.2f} of read)")
    print(f"write_tidy {t_twrite:.2f} s, read_tidy {t_tread:.2f} s ({t_tread * per:.0f} us/coding)")
    with tempfile.TemporaryDirectory() as tmp:
        scaling(Path(tmp))
