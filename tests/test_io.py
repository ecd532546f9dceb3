"""Atomic output files."""

from __future__ import annotations

import os

from ikzlib.io import write_text


def test_outputs_get_the_usual_permissions(tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    target = write_text(tmp_path / "report.html", "<p>ok</p>")
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left
