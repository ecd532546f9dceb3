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
