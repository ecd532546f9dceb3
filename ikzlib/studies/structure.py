"""Study ``structure`` (notebook ``01_municipal_structure``): placeholder while the pipeline moves here."""

from __future__ import annotations

from ikzlib.keyfigures import Section

SECTION = Section(
    "structure", "Municipal structure", (), order=10, notebook="01_municipal_structure"
)
