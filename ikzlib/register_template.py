"""A register skeleton for any district: ``ikz register init --district KEY [--out DIR]``.

Writes the five files :func:`ikzlib.register.read_register` reads, with the loader's own
column lists, plus two aids:

``members.csv``
    The district's Gemeinden, its Gemeindeverbände (as ``vg:`` ids) and the district itself
    in the layout of ``memberships.csv``: member id, name and type are filled in from the
    embedded extract (Destatis GV-ISys 31.12.2021), ``body_id``, ``role`` and the evidence
    columns (``source``, ``info_date``, ``confidence``) are empty. A researcher copies the
    rows of a body's members into ``memberships.csv`` and fills the empty cells.
``README.md``
    How to fill the files, the vocabularies the loader checks (legal forms with their legal
    basis, task fields, roles, confidence ...) and the Land's official Gemeindeverband forms
    (:func:`ikzlib.gemeindeverband.legal_forms`).

``bodies.csv``, ``memberships.csv``, ``aggregates.csv`` and ``informal_fields.csv`` hold
only their header, so the folder validates as soon as one body and one membership (with a
source of ``sources.csv``) are filled in; ``sources.csv`` starts with the key of the official
extract. An existing register is never overwritten: the folder is built beside the target
and renamed into place only if the target does not exist or is empty.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from ikzlib import io as ikz_io
from ikzlib import register
from ikzlib.catalog import District, resolve
from ikzlib.errors import ParameterError
from ikzlib.gemeindeverband import EXTRACT_SOURCE, district_verbaende, legal_forms
from ikzlib.municipalities import load_municipalities

EXTRACT_KEY = "GV2021"
EXTRACT_URL = (
    "https://www.destatis.de/DE/Themen/Laender-Regionen/Regionales/Gemeindeverzeichnis/_inhalt.html"
)
EXTRACT_DATE = "2021-12-31"
MEMBERS_FILE = "members.csv"
# Lands whose laws the legal bases of register.LEGAL_FORMS cite (GKG-LSA/KVG LSA, NKomZG/NKomVG).
LANDS_WITH_BASES = {"15": "Sachsen-Anhalt", "03": "Niedersachsen"}
HEADER_ONLY = {
    "bodies.csv": register.BODY_COLUMNS,
    "memberships.csv": register.MEMBERSHIP_COLUMNS,
    "aggregates.csv": register.AGGREGATE_COLUMNS,
    "informal_fields.csv": register.FIELD_COLUMNS,
}


def member_rows(district: str | District) -> pd.DataFrame:
    """Candidate members of the district in the ``memberships.csv`` layout.

    One row for the district (``kreis:<key>``), one per Gemeindeverband of several Gemeinden
    (``vg:<9-digit ARS prefix>``, type ``joint administration``) and one per Gemeinde (AGS,
    type ``municipality``); ``notes`` names the Gemeindeverband a Gemeinde belongs to.
    ``body_id``, ``role`` and the evidence columns are empty.
    """
    info = resolve(district)
    municipalities = load_municipalities(info).sort_values("ags")
    verbaende = district_verbaende(info).sort_values("unit_key")
    rows = [
        {
            "member_id": f"kreis:{info.kreis_key}",
            "member_name": info.name,
            "member_type": "district",
            "notes": "the district itself",
        }
    ]
    rows += [
        {
            "member_id": f"vg:{unit['unit_key']}",
            "member_name": unit["name"],
            "member_type": "joint administration",
            "notes": f"{unit['gemeindeverband_type']} of {unit['n_municipalities']} Gemeinden",
        }
        for _, unit in verbaende.iterrows()
    ]
    in_verband = set(verbaende["unit_key"])
    for _, gemeinde in municipalities.iterrows():
        unit_key = gemeinde["ars"][:9]
        note = (
            f"member of {gemeinde['gemeindeverband_type']} {gemeinde['gemeindeverband_name']} "
            f"(vg:{unit_key})"
            if unit_key in in_verband
            else "verbandsfreie Gemeinde"
        )
        rows.append(
            {
                "member_id": gemeinde["ags"],
                "member_name": gemeinde["name"],
                "member_type": "municipality",
                "notes": note,
            }
        )
    frame = pd.DataFrame(rows).reindex(columns=register.MEMBERSHIP_COLUMNS)
    frame["external"] = "false"
    return frame


def sources_rows() -> pd.DataFrame:
    """``sources.csv`` with the official extract the member ids come from."""
    return pd.DataFrame(
        [
            {
                "source_id": EXTRACT_KEY,
                "citation": "Destatis GV-ISys Gemeindeverzeichnis, Auszug GV 31.12.2021 "
                "(member ids and names of members.csv)",
                "url": EXTRACT_URL,
                "date": EXTRACT_DATE,
            }
        ],
        columns=register.SOURCE_COLUMNS,
    )


def _markdown_table(frame: pd.DataFrame) -> list[str]:
    def cell(value: object) -> str:
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else value
        return " ".join(str(text).split()).replace("|", "\\|")

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return lines


def _vocabulary(title: str, values: list[str] | dict[str, str]) -> list[str]:
    if isinstance(values, dict):
        items = [f"- `{k}`: {v}" for k, v in values.items()]
    else:
        items = [f"- `{v}`" for v in values]
    return ["", f"### {title}", "", *items]


def _foreign_law_note(info: District) -> list[str]:
    """A warning where the vocabulary's legal bases are not the Land's own law."""
    if info.land_key in LANDS_WITH_BASES:
        return []
    return [
        f"The legal bases above are those of {', '.join(LANDS_WITH_BASES.values())}. In "
        f"{info.land} the Land's own law on municipal cooperation applies: name it in "
        "`legal_basis` of each body.",
        "",
    ]


def readme_text(info: District) -> str:
    """The README of the skeleton: what to fill in and every vocabulary the loader checks."""
    land_forms = legal_forms()
    land_forms = land_forms[land_forms["land_key"] == info.land_key]
    lines = [
        f"# Cooperation register of {info.name} ({info.kreis_key}) - skeleton",
        "",
        "Written by `ikz register init`. The files follow the layout of "
        "`ikzlib/register.py` (module docstring) and are validated by "
        f"`ikzlib.register.load_register({info.key!r})`.",
        "",
        "## How to fill it in",
        "",
        "1. Add each source to `sources.csv` (`source_id`, `citation`, `url`, `date`); "
        f"`{EXTRACT_KEY}` (the official Gemeindeverzeichnis) is already there.",
        "2. Add one row per cooperation body to `bodies.csv`. `legal_form`, `task_field`, "
        "`category`, `scope`, `member_list` and `status` take the values listed below; "
        "`legal_basis` may stay empty (the legal form's basis applies).",
        "3. For each member, copy its row from `members.csv` into `memberships.csv`, then fill "
        "`body_id`, `role` and the evidence: `source` (keys from `sources.csv`, `;`-separated), "
        "`info_date` (`YYYY[-MM[-DD]]`, `undated` or `unknown`) and `confidence` "
        "(`documented` only when a source names the member). Members outside the district get "
        "`external=true` and their own AGS.",
        "4. `aggregates.csv` takes published counts without member lists; `informal_fields.csv` "
        "cooperation fields named without partners. Both may stay empty.",
        '5. Check with `python -c "from ikzlib.register import load_register; '
        f'load_register({info.key!r})"`: every error names file, line and column.',
        "",
        f"`{MEMBERS_FILE}` lists {EXTRACT_SOURCE.split(' via ')[0]} ids and names of the "
        "district, its Gemeindeverbände and its Gemeinden. It is an aid, not part of the "
        "register: the loader does not read it.",
        "",
        "## Vocabularies",
        "",
        "### Legal forms of cooperation bodies (`legal_form`)",
        "",
        *_markdown_table(register.legal_form_table()),
        "",
        *_foreign_law_note(info),
        f"### Official Gemeindeverband forms in {info.land}",
        "",
    ]
    if land_forms.empty:
        lines.append(
            "The Gemeindeverzeichnis records no joint administration of several Gemeinden "
            f"in {info.land}."
        )
    else:
        shown = land_forms[["text_code", "type", "form", "legal_form", "legal_basis"]]
        lines += _markdown_table(shown)
        lines += [
            "",
            "A Gemeindeverband acting as a whole is a member with id `vg:<9-digit ARS "
            "prefix>`. Entered as a body itself, it needs a `legal_form` of the list above "
            "(Verbandsgemeinde, Samtgemeinde); other forms are not yet in the register's "
            "vocabulary.",
        ]
    lines += _vocabulary("Task fields (`task_field`)", register.TASK_FIELDS)
    lines += _vocabulary("Categories (`category`)", register.CATEGORIES)
    lines += _vocabulary("Scopes (`scope`)", register.SCOPES)
    lines += _vocabulary("Completeness of the member list (`member_list`)", register.MEMBER_LISTS)
    lines += _vocabulary("Status (`status`)", register.STATUSES)
    lines += _vocabulary("Member types (`member_type`)", register.MEMBER_TYPES)
    lines += _vocabulary("Roles (`role`)", register.ROLES)
    lines += _vocabulary("Confidence (`confidence`)", register.CONFIDENCE)
    lines += _vocabulary("Status of informal fields (`status`)", register.FIELD_STATUSES)
    return "\n".join(lines) + "\n"


def _refuse_existing(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ParameterError(
            f"{target} already exists and is not empty; a register is never overwritten "
            "(choose another --out or remove it yourself)"
        )


def init_register(district: str | District, out: str | Path | None = None) -> Path:
    """Write the register skeleton of ``district`` to ``out`` (default: its register folder).

    Returns
    -------
    pathlib.Path
        The folder written.

    Raises
    ------
    ParameterError
        If ``out`` exists and is not an empty folder.
    """
    info = resolve(district)
    target = Path(out) if out is not None else info.inputs.path("register")
    _refuse_existing(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, columns in HEADER_ONLY.items():
            ikz_io.write_csv(staging / name, pd.DataFrame(columns=columns))
        ikz_io.write_csv(staging / "sources.csv", sources_rows())
        ikz_io.write_csv(staging / MEMBERS_FILE, member_rows(info))
        ikz_io.write_text(staging / "README.md", readme_text(info))
        staging.chmod(0o755)  # mkdtemp makes 0700; a register is shared data
        _refuse_existing(target)  # again: someone may have written it meanwhile
        os.replace(staging, target)  # atomic; replaces an empty folder, never a full one
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target
