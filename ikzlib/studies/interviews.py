"""Study ``interviews`` (notebook ``03_interviews``): placeholder while the pipeline moves here."""

from __future__ import annotations

from ikzlib.keyfigures import Section

SECTION = Section("interviews", "Coded interviews", (), order=30, notebook="03_interviews")
