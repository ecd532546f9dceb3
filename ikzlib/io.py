"""Atomic file output: write to a temporary file beside the target, then rename.

A crash or a validation error half-way never leaves a truncated output behind, and a
previous good file survives until the new one is complete.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path; on success rename it to ``target``, on error remove it."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.chmod(0o666 & ~_UMASK)  # mkstemp creates 0600; outputs get the usual permissions
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text(target: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Atomically write ``text`` to ``target``."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(target)


def write_json(target: str | Path, data: Any) -> Path:
    """Atomically write ``data`` as sorted, indented UTF-8 JSON (stable for diffs)."""
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=_json_default)
    return write_text(target, text + "\n")


def write_csv(target: str | Path, frame: pd.DataFrame, **kwargs: Any) -> Path:
    """Atomically write a DataFrame as UTF-8 CSV with ``\\n`` line endings and no index."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    with atomic_path(target) as tmp:
        frame.to_csv(tmp, **kwargs)
    return Path(target)


def _json_default(value: Any) -> Any:
    """Convert numpy/pandas scalars so summaries serialise without surprises."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if value is pd.NA:
        return None
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
