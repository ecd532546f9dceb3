"""Study ``network`` (notebook ``02_cooperation_network``): placeholder while the pipeline moves here."""

from __future__ import annotations

from ikzlib.keyfigures import Section

SECTION = Section("network", "Cooperation network", (), order=20, notebook="02_cooperation_network")
