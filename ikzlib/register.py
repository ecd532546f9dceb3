"""Cooperation register: bodies, memberships, aggregates, informal fields and their sources.

A district's register lives in ``data/raw/<district>/register/`` as five UTF-8 CSV files.
Every fact carries a source key (resolved in ``sources.csv``) and every membership a
confidence, so documented and inferred ties can be kept apart in every analysis.

``bodies.csv`` (one row per cooperation body)
    ``body_id`` (``[a-z0-9_-]+``), ``name``, ``legal_form`` (see :data:`LEGAL_FORMS`),
    ``legal_basis`` (free text; the vocabulary entry's basis applies when empty),
    ``task_field`` (see :data:`TASK_FIELDS`), ``category`` (see :data:`CATEGORIES`),
    ``founding_year`` (``YYYY`` or ``unknown``), ``scope`` (see :data:`SCOPES`), ``seat``,
    ``member_list`` (see :data:`MEMBER_LISTS`: how complete the recorded members are),
    ``status`` (:data:`STATUSES`; ``ended`` bodies are left out of current networks),
    ``source`` (keys separated by ``;``), ``info_date``, ``notes``.
``memberships.csv`` (one row per body and member)
    ``body_id``, ``member_id`` (see below), ``member_name``, ``member_type``
    (:data:`MEMBER_TYPES`), ``role`` (:data:`ROLES`; the :data:`AREA_ROLES` record that the
    municipality lies in the body's area, which is coverage, not membership),
    ``share_percent`` (shareholders only),
    ``since``, ``until`` (last year of a dated member list; such rows are historical),
    ``source``, ``info_date``, ``confidence`` (:data:`CONFIDENCE`), ``external``
    (``true``/``false``: member outside the district), ``notes``.
``aggregates.csv``
    Published counts without member lists: ``aggregate_id``, ``area_id``, ``area_name``,
    ``legal_form``, ``count``, ``reference_year``, ``members_published``, ``source``, ``notes``.
``informal_fields.csv``
    Task fields of informal (or unclassified) cooperation named in interviews, without pairs:
    ``field_id``, ``field``, ``status`` (:data:`FIELD_STATUSES`), ``evidence``, ``source``,
    ``notes``.
``sources.csv``
    ``source_id``, ``citation``, ``url``, ``date``.

Which legal forms are the statutory forms of municipal cooperation depends on the Land's law
(GKG-LSA, NKomZG, ...): :data:`STATUTORY_FORMS` records them per Land, with the provisions.

Member ids: an 8-digit AGS for a municipality (it must be in the district's
``municipalities.csv`` unless ``external`` is true), ``kreis:<5 digits>`` for a district,
``land:<2 digits>`` for a state, ``vg:<9-digit ARS prefix>`` for a Verbandsgemeinde or
Samtgemeinde acting as a whole, ``body:<body_id>`` for another body of the register, and
``org:<slug>`` for any other organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ikzlib import i18n
from ikzlib.errors import DataValidationError
from ikzlib.tables import (
    LINE,
    check_pattern,
    check_unique,
    check_vocabulary,
    read_csv_strict,
    require_values,
    to_number,
)

if TYPE_CHECKING:
    from ikzlib.catalog import District

REGISTER_DIR = "register"

FORMAL, INFORMAL, UNKNOWN = "formal", "informal", "unknown"


@dataclass(frozen=True)
class LegalForm:
    """One entry of the legal-form vocabulary."""

    label: str
    formality: str  # FORMAL, INFORMAL or UNKNOWN
    legal_basis: str
    description: str


# Legal bases from the Harz case study section 2.3 (GKG-LSA) and the NKomZG/NKomVG texts.
LEGAL_FORMS: dict[str, LegalForm] = {
    f.label: f
    for f in [
        LegalForm(
            "Zweckverband",
            FORMAL,
            "GKG-LSA §§ 6-7, 10; NKomZG §§ 7-18",
            "public-law corporation with members, own organs and legal personality",
        ),
        LegalForm(
            "Zweckvereinbarung",
            FORMAL,
            "GKG-LSA § 3; NKomZG §§ 5-6",
            "public-law contract transferring a task or the right to use a facility",
        ),
        LegalForm(
            "Arbeitsgemeinschaft",
            FORMAL,
            "GKG-LSA § 2 Abs. 2 (no NKomZG counterpart)",
            "lowest-threshold form: joint work, no transfer of responsibility",
        ),
        LegalForm(
            "Verbandsgemeinde",
            FORMAL,
            "KVG LSA (Verbandsgemeinde provisions)",
            "joint administration of member municipalities (Saxony-Anhalt)",
        ),
        LegalForm(
            "Samtgemeinde",
            FORMAL,
            "NKomVG §§ 97 ff.",
            "joint administration of member municipalities (Lower Saxony)",
        ),
        LegalForm(
            "kommunale Anstalt/AöR",
            FORMAL,
            "KVG LSA (kommunale Anstalt); NKomZG §§ 3-4 (gemeinsame kommunale Anstalt)",
            "public-law institution of one or several local authorities",
        ),
        LegalForm(
            "GmbH",
            FORMAL,
            "GmbHG; municipal participation under the Land's municipal code",
            "private-law limited company",
        ),
        LegalForm("gGmbH", FORMAL, "GmbHG, § 52 AO (non-profit)", "non-profit limited company"),
        LegalForm("eG", FORMAL, "GenG", "registered cooperative"),
        LegalForm("e.V.", FORMAL, "BGB §§ 21 ff.", "registered association"),
        LegalForm(
            "Unterhaltungsverband",
            FORMAL,
            "WG LSA (statutory membership)",
            "statutory water association for second-order watercourses",
        ),
        LegalForm(
            "Eigenbetrieb",
            FORMAL,
            "KVG LSA; EigBG LSA",
            "enterprise of one authority without legal personality (not IKZ)",
        ),
        LegalForm(
            "informal/network",
            INFORMAL,
            "none (no legal entity)",
            "working group, network or exchange without a legal form",
        ),
        LegalForm(
            "agreement (legal basis unknown)",
            FORMAL,
            "unknown: written agreement; whether GKG-LSA § 3 applies is not stated",
            "signed agreement whose legal character the sources leave open",
        ),
        LegalForm("unknown", UNKNOWN, "unknown", "legal form not stated in the sources"),
    ]
}

TASK_FIELDS = [
    "water/wastewater",
    "watercourse maintenance",
    "waste",
    "IT",
    "procurement",
    "culture",
    "tourism",
    "regional development",
    "rural development (LEADER)",
    "nature and landscape",
    "planning",
    "transport",
    "shared administration",
    "finance",
    "education",
    "research",
]
CATEGORIES = {
    "inter-municipal": "IKZ body with municipalities of the district as members or partners",
    "regional": "region-wide body (several districts or states, mixed membership)",
    "district body": "owned or run by the district; not IKZ among municipalities",
}
SCOPES = ["within district", "cross-district", "cross-state", "unknown"]
STATUSES = ["active", "ended", "unknown"]
MEMBER_LISTS = {
    "complete": "the sources give the full member list",
    "partial": "some members are known, others are not",
    "none known": "no member is known from the sources",
}
MEMBER_TYPES = [
    "municipality",
    "joint administration",
    "district",
    "state",
    "public body",
    "company",
    "association",
    "university",
]
ROLES = [
    "member",
    "area",
    "shareholder",
    "owner",
    "host",
    "agreement partner",
    "contract partner",
    "service area only",
    "supervisory seat",
    "academic partner",
]
# Roles that record coverage, not membership: a municipality in a LEADER region ("area") or in
# a body's supply area or catchment ("service area only"). They never count as membership.
AREA_ROLES = ("area", "service area only")
CONFIDENCE = ["documented", "inferred", "unknown"]
CONFIDENCE_RANK = {"unknown": 0, "inferred": 1, "documented": 2}
FIELD_STATUSES = [
    "informal",
    "working group",
    "unclear (formal or informal)",
    "formal, parties not named",
]

MEMBER_ID_PATTERN = r"\d{8}|kreis:\d{5}|land:\d{2}|vg:\d{9}|body:[a-z0-9_-]+|org:[a-z0-9_-]+"
_DATE_PART = r"\d{4}(-\d{2}(-\d{2})?)?"
INFO_DATE_PATTERN = rf"undated|unknown|{_DATE_PART}(;{_DATE_PART})*"

BODY_COLUMNS = [
    "body_id",
    "name",
    "legal_form",
    "legal_basis",
    "task_field",
    "category",
    "founding_year",
    "scope",
    "seat",
    "member_list",
    "status",
    "source",
    "info_date",
    "notes",
]
MEMBERSHIP_COLUMNS = [
    "body_id",
    "member_id",
    "member_name",
    "member_type",
    "role",
    "share_percent",
    "since",
    "until",
    "source",
    "info_date",
    "confidence",
    "external",
    "notes",
]
AGGREGATE_COLUMNS = [
    "aggregate_id",
    "area_id",
    "area_name",
    "legal_form",
    "count",
    "reference_year",
    "members_published",
    "source",
    "notes",
]
FIELD_COLUMNS = ["field_id", "field", "status", "evidence", "source", "notes"]
SOURCE_COLUMNS = ["source_id", "citation", "url", "date"]


@dataclass(frozen=True)
class StatutoryForms:
    """The statutory forms of inter-municipal cooperation under one Land's law.

    Attributes
    ----------
    land_key
        Two-digit Land key.
    law
        Short name of the law, as used in labels (``"GKG LSA"``).
    forms
        Labels of :data:`LEGAL_FORMS` that are forms of that law.
    provisions
        Where the law lists the forms.
    left_out
        Forms a reader might expect and why they are not statutory IKZ here.
    """

    land_key: str
    law: str
    forms: tuple[str, ...]
    provisions: str
    left_out: str


# The Verbandsgemeinde/Samtgemeinde is a Gemeindeverband under the municipal code (KVG LSA,
# NKomVG), not a form of the cooperation law; the official layer shows it.
STATUTORY_FORMS: dict[str, StatutoryForms] = {
    s.land_key: s
    for s in [
        StatutoryForms(
            "15",
            "GKG LSA",
            ("Arbeitsgemeinschaft", "Zweckvereinbarung", "Zweckverband"),
            "GKG-LSA § 2 (Zweckvereinbarung §§ 3-5, Zweckverband §§ 6-17, Arbeitsgemeinschaft "
            "§ 2 Abs. 2; since 2024 all three in § 2 Abs. 1)",
            "Verbandsgemeinde (KVG LSA, the official layer); private-law forms (§ 2 Abs. 3)",
        ),
        StatutoryForms(
            "03",
            "NKomZG",
            ("Zweckvereinbarung", "Zweckverband", "kommunale Anstalt/AöR"),
            "NKomZG § 1 Abs. 1 (gemeinsame kommunale Anstalt §§ 3-4, Zweckvereinbarung §§ 5-6, "
            "Zweckverband §§ 7-18)",
            "Samtgemeinde (NKomVG, the official layer); private-law forms (§ 1 Abs. 2)",
        ),
    ]
}


def statutory_forms(land_key: str | None) -> StatutoryForms | None:
    """The statutory cooperation forms of a Land; ``None`` where the table has no entry."""
    return STATUTORY_FORMS.get(land_key or "")


@dataclass(frozen=True)
class Register:
    """A validated cooperation register (all tables sorted by their keys, no ``_line``).

    ``kreis_key`` is the district's 5-digit key (empty for a register built in memory); its
    first two digits name the Land whose statutory forms apply.
    """

    bodies: pd.DataFrame
    memberships: pd.DataFrame
    aggregates: pd.DataFrame
    informal_fields: pd.DataFrame
    sources: pd.DataFrame
    kreis_key: str = ""

    @property
    def land_key(self) -> str | None:
        """Two-digit key of the district's Land (``None`` without a Kreis key)."""
        return self.kreis_key[:2] or None


def register_dir(district: str | District) -> Path:
    """Folder of a district's register."""
    from ikzlib.catalog import resolve  # local import: keep the register free of the catalog

    return resolve(district).inputs.path("register")


def has_register(district: str | District) -> bool:
    """Whether the district has a register (its ``bodies.csv``)."""
    return (register_dir(district) / "bodies.csv").exists()


def load_register(district: str | District) -> Register:
    """Load and validate ``data/raw/<district>/register/`` against the district's municipalities.

    Raises
    ------
    DataValidationError
        For any violation; the message names file, line and column.
    """
    from ikzlib.catalog import resolve
    from ikzlib.municipalities import load_municipalities

    info = resolve(district)
    ags = set(load_municipalities(info.key)["ags"])
    return read_register(register_dir(info), district_ags=ags, kreis_key=info.kreis_key)


def read_register(folder: str | Path, district_ags: set[str], kreis_key: str) -> Register:
    """Read and validate the five register files in ``folder``.

    Parameters
    ----------
    folder
        Folder holding ``bodies.csv``, ``memberships.csv``, ``aggregates.csv``,
        ``informal_fields.csv`` and ``sources.csv``.
    district_ags
        AGS of the district's municipalities; a member AGS not in this set must be flagged
        ``external``.
    kreis_key
        5-digit key of the district (an external AGS must not carry it).
    """
    folder = Path(folder)
    sources = _read_sources(folder / "sources.csv")
    known_sources = set(sources["source_id"])
    bodies = _read_bodies(folder / "bodies.csv", known_sources)
    memberships = _read_memberships(
        folder / "memberships.csv", set(bodies["body_id"]), known_sources, district_ags, kreis_key
    )
    aggregates = _read_aggregates(folder / "aggregates.csv", known_sources)
    fields = _read_fields(folder / "informal_fields.csv", known_sources)
    return Register(
        bodies=bodies.drop(columns=LINE).sort_values("body_id").reset_index(drop=True),
        memberships=memberships.drop(columns=LINE)
        .sort_values(["body_id", "member_id", "role"])
        .reset_index(drop=True),
        aggregates=aggregates.drop(columns=LINE).sort_values("aggregate_id").reset_index(drop=True),
        informal_fields=fields.drop(columns=LINE).sort_values("field_id").reset_index(drop=True),
        sources=sources.drop(columns=LINE).sort_values("source_id").reset_index(drop=True),
        kreis_key=kreis_key,
    )


def _require_all_but(frame: pd.DataFrame, path: Path, *optional: str) -> None:
    """Every column except ``optional`` ones (which may be left empty) must be filled."""
    require_values(frame, [c for c in frame.columns if c != LINE and c not in optional], path)


def _read_sources(path: Path) -> pd.DataFrame:
    frame = read_csv_strict(path, SOURCE_COLUMNS)
    _require_all_but(frame, path, "url")
    check_pattern(frame, "source_id", r"[A-Za-z0-9][A-Za-z0-9.\-]*", path, "a source key")
    check_unique(frame, "source_id", path)
    return frame


def _check_source_keys(frame: pd.DataFrame, known: set[str], path: Path) -> None:
    """Every ``;``-separated key in ``source`` must be defined in ``sources.csv``."""
    for index, value in frame["source"].items():
        for key in (k.strip() for k in str(value).split(";")):
            if key not in known:
                raise DataValidationError(
                    path,
                    f"source key {key!r} is not defined in sources.csv",
                    row=int(frame.at[index, LINE]),
                    element="source",
                )


def _read_bodies(path: Path, known_sources: set[str]) -> pd.DataFrame:
    frame = read_csv_strict(path, BODY_COLUMNS)
    _require_all_but(frame, path, "legal_basis", "seat", "notes")
    check_pattern(frame, "body_id", r"[a-z0-9_-]+", path, "a body id (a-z, 0-9, _ or -)")
    check_unique(frame, "body_id", path)
    check_vocabulary(frame, "legal_form", LEGAL_FORMS, path)
    check_vocabulary(frame, "task_field", TASK_FIELDS, path)
    check_vocabulary(frame, "category", CATEGORIES, path)
    check_vocabulary(frame, "scope", SCOPES, path)
    check_vocabulary(frame, "member_list", MEMBER_LISTS, path)
    check_vocabulary(frame, "status", STATUSES, path)
    check_pattern(frame, "founding_year", r"\d{4}|unknown", path, "a year or 'unknown'")
    check_pattern(frame, "info_date", INFO_DATE_PATTERN, path, "a date (YYYY[-MM[-DD]]; ...)")
    _check_source_keys(frame, known_sources, path)
    frame["legal_basis"] = frame["legal_basis"].where(
        frame["legal_basis"].notna(), frame["legal_form"].map(lambda f: LEGAL_FORMS[f].legal_basis)
    )
    frame["formality"] = frame["legal_form"].map(lambda f: LEGAL_FORMS[f].formality)
    return frame


def _read_memberships(
    path: Path,
    body_ids: set[str],
    known_sources: set[str],
    district_ags: set[str],
    kreis_key: str,
) -> pd.DataFrame:
    frame = read_csv_strict(path, MEMBERSHIP_COLUMNS)
    _require_all_but(frame, path, "share_percent", "since", "until", "notes")
    check_vocabulary(frame, "body_id", body_ids, path)
    check_pattern(
        frame,
        "member_id",
        MEMBER_ID_PATTERN,
        path,
        "a member id (AGS, kreis:, land:, vg:, body: or org:)",
    )
    check_vocabulary(frame, "member_type", MEMBER_TYPES, path)
    check_vocabulary(frame, "role", ROLES, path)
    check_vocabulary(frame, "confidence", CONFIDENCE, path)
    check_vocabulary(frame, "external", ["true", "false"], path)
    check_pattern(frame, "info_date", INFO_DATE_PATTERN, path, "a date (YYYY[-MM[-DD]]; ...)")
    for column in ("since", "until"):
        check_pattern(frame, column, _DATE_PART, path, "a date YYYY[-MM[-DD]]")
    _check_source_keys(frame, known_sources, path)
    frame["share_percent"] = to_number(
        frame, "share_percent", path, minimum=0, maximum=100, allow_missing=True
    )
    frame["external"] = frame["external"].eq("true")
    check_unique(frame, "member_id", path, within=["body_id", "role"])
    for _, row in frame.iterrows():
        line = int(row[LINE])
        member = row["member_id"]
        _check_external(path, row, line, kreis_key)
        if member.startswith("body:") and member[5:] not in body_ids:
            raise DataValidationError(
                path, f"member {member!r} names an unknown body", row=line, element="member_id"
            )
        if member == f"body:{row['body_id']}":
            raise DataValidationError(
                path, "a body cannot be its own member", row=line, element="member_id"
            )
        if member.isdigit():
            if row["member_type"] != "municipality":
                raise DataValidationError(
                    path,
                    "an AGS member must have member_type 'municipality'",
                    row=line,
                    element="member_type",
                )
            inside = member in district_ags
            if not inside and not row["external"]:
                raise DataValidationError(
                    path,
                    f"member AGS {member} is not a municipality of the district "
                    f"(Kreis {kreis_key}); set external=true if it lies outside",
                    row=line,
                    element="member_id",
                )
            if row["external"] and (inside or member.startswith(kreis_key)):
                raise DataValidationError(
                    path,
                    f"member AGS {member} is flagged external but has the district's "
                    f"Kreis key {kreis_key}",
                    row=line,
                    element="external",
                )
        if row["role"] == "shareholder" and pd.isna(row["share_percent"]) and not row["notes"]:
            raise DataValidationError(
                path,
                "a shareholder needs share_percent or a note why it is unknown",
                row=line,
                element="share_percent",
            )
        if row["role"] != "shareholder" and pd.notna(row["share_percent"]):
            raise DataValidationError(
                path,
                "share_percent is only allowed for shareholders",
                row=line,
                element="share_percent",
            )
    return frame


def _check_external(path: Path, row: pd.Series, line: int, kreis_key: str) -> None:
    """District and Verbandsgemeinde ids must agree with the ``external`` flag."""
    member = row["member_id"]
    prefix, _, key = member.partition(":")
    if prefix not in ("kreis", "vg"):
        return
    inside = key.startswith(kreis_key)
    if inside == row["external"]:
        state = "inside" if inside else "outside"
        raise DataValidationError(
            path,
            f"member {member} lies {state} the district (Kreis {kreis_key}) but "
            f"external={str(row['external']).lower()}",
            row=line,
            element="external",
        )


def _read_aggregates(path: Path, known_sources: set[str]) -> pd.DataFrame:
    frame = read_csv_strict(path, AGGREGATE_COLUMNS)
    _require_all_but(frame, path, "notes")
    check_unique(frame, "aggregate_id", path)
    check_pattern(frame, "area_id", r"kreis:\d{5}|land:\d{2}", path, "a kreis: or land: id")
    check_vocabulary(frame, "legal_form", LEGAL_FORMS, path)
    check_vocabulary(frame, "members_published", ["yes", "no"], path)
    check_pattern(frame, "reference_year", r"\d{4}", path, "a year")
    _check_source_keys(frame, known_sources, path)
    frame["count"] = to_number(frame, "count", path, integer=True, minimum=0)
    return frame


def _read_fields(path: Path, known_sources: set[str]) -> pd.DataFrame:
    frame = read_csv_strict(path, FIELD_COLUMNS)
    _require_all_but(frame, path, "notes")
    check_unique(frame, "field_id", path)
    check_vocabulary(frame, "status", FIELD_STATUSES, path)
    _check_source_keys(frame, known_sources, path)
    return frame


i18n.register(
    {
        "informal/network": "informell/Netzwerk",
        "agreement (legal basis unknown)": "Vereinbarung (Rechtsgrundlage unbekannt)",
        "unknown": "unbekannt",
        "Published counts by legal form beside the register": (
            "Veröffentlichte Zahlen nach Rechtsform neben dem Register"
        ),
    }
)


def legal_form_table() -> pd.DataFrame:
    """The legal-form vocabulary as a table (label, formality, legal basis, description)."""
    return pd.DataFrame(
        [(f.label, f.formality, f.legal_basis, f.description) for f in LEGAL_FORMS.values()],
        columns=["legal_form", "formality", "legal_basis", "description"],
    )


def bodies_with_members(register: Register) -> pd.DataFrame:
    """Bodies with counts of recorded members by confidence and a ``gap`` description.

    A body is a gap when its member list is not complete or when no membership of it is
    documented.
    """
    counts = (
        register.memberships.pivot_table(
            index="body_id", columns="confidence", values="member_id", aggfunc="count", fill_value=0
        )
        .reindex(columns=CONFIDENCE, fill_value=0)
        .add_prefix("n_")
    )
    frame = register.bodies.merge(counts, left_on="body_id", right_index=True, how="left")
    for column in [f"n_{c}" for c in CONFIDENCE]:
        frame[column] = frame[column].fillna(0).astype(int)
    frame["n_recorded"] = frame[[f"n_{c}" for c in CONFIDENCE]].sum(axis=1)

    def describe(row: pd.Series) -> str:
        parts = []
        if row["member_list"] != "complete":
            parts.append(f"member list {row['member_list']}")
        if row["n_documented"] == 0:
            parts.append("no documented membership")
        return "; ".join(parts)

    frame["gap"] = frame.apply(describe, axis=1)
    return frame


BODY_DISPLAY_COLUMNS = [
    "body_id",
    "name",
    "legal_form",
    "task_field",
    "category",
    "founding_year",
    "scope",
    "status",
    "member_list",
]


def counts_by_form(bodies: pd.DataFrame) -> pd.DataFrame:
    """Number of bodies per formality and legal form (``formality``, ``legal_form``, ``bodies``)."""
    return (
        bodies.groupby(["formality", "legal_form"])
        .size()
        .rename("bodies")
        .reset_index()
        .sort_values(["formality", "legal_form"])
        .reset_index(drop=True)
    )


def task_category_table(bodies: pd.DataFrame) -> pd.DataFrame:
    """Bodies by task field (rows) and category (columns), with ``total`` margins."""
    return pd.crosstab(bodies["task_field"], bodies["category"], margins=True, margins_name="total")


def gap_table(register: Register) -> pd.DataFrame:
    """The bodies of :func:`bodies_with_members` that are gaps, with their member counts."""
    gaps = bodies_with_members(register)
    columns = ["body_id", "name", "n_documented", "n_inferred", "n_unknown", "gap"]
    return gaps.loc[gaps["gap"].ne(""), columns].reset_index(drop=True)


def unpublished_counts(register: Register, area_id: str) -> pd.DataFrame:
    """Published counts of bodies in ``area_id`` (e.g. ``kreis:15085``) without member lists.

    Returns
    -------
    pandas.DataFrame
        ``legal_form``, ``count`` and ``reference_year`` of the aggregates whose members are
        not published: bodies the register knows exist but cannot place in the network.
    """
    aggregates = register.aggregates
    rows = aggregates["area_id"].eq(area_id) & aggregates["members_published"].eq("no")
    columns = ["legal_form", "count", "reference_year"]
    return aggregates.loc[rows, columns].reset_index(drop=True)


# A body whose legal basis the sources leave open may be an instance of these forms.
POSSIBLE_FORMS = {"Zweckvereinbarung": "agreement (legal basis unknown)"}


def aggregates_beside_register(register: Register) -> pd.DataFrame:
    """Every published count beside the register's active bodies of the same legal form.

    District bodies are left out (they are not cooperation among municipalities). A count
    for a Land includes the district's bodies, so ``in_register`` is "k of the count" for
    either area.

    Returns
    -------
    pandas.DataFrame
        ``area_id``, ``area_name``, ``legal_form``, ``count`` (published), ``reference_year``,
        ``source``, ``in_register`` (active bodies of that form) and ``possibly_in_register``
        (active bodies whose legal basis is unknown but may be that form, see
        :data:`POSSIBLE_FORMS`); ordered district first, then by legal form.
    """
    bodies = register.bodies
    active = bodies[bodies["status"].eq("active") & bodies["category"].ne("district body")]
    per_form = active["legal_form"].value_counts()
    frame = register.aggregates[
        ["area_id", "area_name", "legal_form", "count", "reference_year", "source"]
    ].copy()
    frame["in_register"] = frame["legal_form"].map(per_form).fillna(0).astype(int)
    frame["possibly_in_register"] = (
        frame["legal_form"].map(POSSIBLE_FORMS).map(per_form).fillna(0).astype(int)
    )
    order = frame["area_id"].str.startswith("land:")
    return (
        frame.assign(_land=order)
        .sort_values(["_land", "legal_form"], kind="stable")
        .drop(columns="_land")
        .reset_index(drop=True)
    )
