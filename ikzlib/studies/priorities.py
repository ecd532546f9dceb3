"""Study ``task_fields`` (notebook ``05_task_field_priorities``): placeholder while the pipeline moves here."""

from __future__ import annotations

from ikzlib.keyfigures import Section

SECTION = Section(
    "task_fields", "Task-field priorities", (), order=50, notebook="05_task_field_priorities"
)
