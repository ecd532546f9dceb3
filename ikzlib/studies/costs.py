"""Study ``transaction_costs`` (notebook ``04_transaction_costs``): placeholder while the pipeline moves here."""

from __future__ import annotations

from ikzlib.keyfigures import Section

SECTION = Section(
    "transaction_costs",
    "Transaction costs and gain sharing",
    (),
    order=40,
    notebook="04_transaction_costs",
)
