"""Register loader: the Harz register validates, bad registers fail with file/line errors."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from ikzlib import register as reg
from ikzlib.errors import DataValidationError
from ikzlib.municipalities import load_municipalities

HARZ_AGS = {"15085135", "15085190", "15085110", "15085090"}
KREIS = "15085"

SOURCES = [
    ["source_id", "citation", "url", "date"],
    ["S1", "A test source", "", "2020"],
    ["S2", "Another source", "", "undated"],
]
BODIES = [
    reg.BODY_COLUMNS,
    [
        "zv",
        "Test Zweckverband",
        "Zweckverband",
        "",
        "water/wastewater",
        "inter-municipal",
        "2011",
        "within district",
        "Town",
        "complete",
        "active",
        "S1",
        "2020",
        "",
    ],
    [
        "net",
        "Test network",
        "informal/network",
        "",
        "research",
        "inter-municipal",
        "unknown",
        "cross-district",
        "",
        "partial",
        "unknown",
        "S1;S2",
        "undated",
        "",
    ],
]
MEMBERSHIPS = [
    reg.MEMBERSHIP_COLUMNS,
    [
        "zv",
        "15085135",
        "Halberstadt",
        "municipality",
        "member",
        "",
        "",
        "",
        "S1",
        "2020",
        "documented",
        "false",
        "",
    ],
    [
        "zv",
        "15085190",
        "Ilsenburg",
        "municipality",
        "service area only",
        "",
        "",
        "",
        "S1",
        "2020",
        "inferred",
        "false",
        "",
    ],
    [
        "net",
        "kreis:15085",
        "Landkreis Harz",
        "district",
        "member",
        "",
        "",
        "",
        "S2",
        "2020",
        "documented",
        "false",
        "",
    ],
    [
        "net",
        "15089015",
        "Aschersleben",
        "municipality",
        "member",
        "",
        "",
        "",
        "S2",
        "2020",
        "inferred",
        "true",
        "",
    ],
    [
        "net",
        "body:zv",
        "Test Zweckverband",
        "public body",
        "shareholder",
        "50",
        "",
        "",
        "S2",
        "2020",
        "documented",
        "false",
        "",
    ],
]
AGGREGATES = [
    reg.AGGREGATE_COLUMNS,
    ["a1", "kreis:15085", "Landkreis Harz", "Zweckvereinbarung", "11", "2014", "no", "S1", ""],
]
FIELDS = [reg.FIELD_COLUMNS, ["f1", "fire brigade", "informal", "interviews", "S1", ""]]


def write(folder: Path, name: str, rows: list[list[str]]) -> Path:
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


@pytest.fixture
def register_folder(tmp_path: Path) -> Path:
    for name, rows in [
        ("sources.csv", SOURCES),
        ("bodies.csv", BODIES),
        ("memberships.csv", MEMBERSHIPS),
        ("aggregates.csv", AGGREGATES),
        ("informal_fields.csv", FIELDS),
    ]:
        write(tmp_path, name, [list(r) for r in rows])
    return tmp_path


def read(folder: Path) -> reg.Register:
    return reg.read_register(folder, district_ags=HARZ_AGS, kreis_key=KREIS)


def edit(folder: Path, name: str, line: int, column: str, value: str) -> None:
    """Set one cell (line counted as in an editor, header = 1)."""
    with (folder / name).open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[line - 1][rows[0].index(column)] = value
    write(folder, name, rows)


def test_valid_register_loads_typed_and_sorted(register_folder: Path) -> None:
    register = read(register_folder)
    assert list(register.bodies["body_id"]) == ["net", "zv"]
    assert register.bodies.set_index("body_id").loc["net", "formality"] == reg.INFORMAL
    # an empty legal_basis falls back to the vocabulary's basis
    assert register.bodies.set_index("body_id").loc["zv", "legal_basis"].startswith("GKG-LSA")
    assert register.memberships["external"].tolist().count(True) == 1
    assert register.memberships["share_percent"].notna().sum() == 1
    assert int(register.aggregates.loc[0, "count"]) == 11


@pytest.mark.parametrize(
    ("name", "line", "column", "value", "message"),
    [
        ("memberships.csv", 3, "body_id", "nope", "'nope' is not one of"),
        ("memberships.csv", 2, "member_id", "15085999", "not a municipality of the district"),
        ("memberships.csv", 5, "external", "false", "set external=true"),
        ("memberships.csv", 4, "external", "true", "lies inside the district"),
        ("memberships.csv", 2, "confidence", "", "value is missing"),
        ("memberships.csv", 2, "source", "", "value is missing"),
        ("memberships.csv", 2, "source", "S9", "source key 'S9' is not defined"),
        ("memberships.csv", 2, "confidence", "likely", "'likely' is not one of"),
        ("memberships.csv", 6, "member_id", "body:ghost", "names an unknown body"),
        ("memberships.csv", 2, "share_percent", "10", "only allowed for shareholders"),
        ("memberships.csv", 6, "share_percent", "150", "above the maximum"),
        ("bodies.csv", 2, "legal_form", "Zweckverein", "'Zweckverein' is not one of"),
        ("bodies.csv", 3, "body_id", "zv", "duplicate body_id 'zv' (first on line 2)"),
        ("bodies.csv", 2, "task_field", "everything", "'everything' is not one of"),
        ("bodies.csv", 2, "founding_year", "about 1990", "is not a year or 'unknown'"),
        ("sources.csv", 3, "source_id", "S1", "duplicate source_id"),
        ("aggregates.csv", 2, "count", "eleven", "is not a number"),
        ("informal_fields.csv", 2, "status", "secret", "'secret' is not one of"),
    ],
)
def test_bad_register_fails_with_file_line_column(
    register_folder: Path, name: str, line: int, column: str, value: str, message: str
) -> None:
    edit(register_folder, name, line, column, value)
    with pytest.raises(DataValidationError) as info:
        read(register_folder)
    text = str(info.value)
    assert message in text
    assert name in text and f"line {line}" in text


def test_duplicate_membership_names_both_lines(register_folder: Path) -> None:
    rows = [list(r) for r in MEMBERSHIPS] + [list(MEMBERSHIPS[1])]
    write(register_folder, "memberships.csv", rows)
    with pytest.raises(
        DataValidationError,
        match=r"line 7, member_id: duplicate member_id '15085135' "
        r"\(body_id 'zv', role 'member'; first on line 2\)",
    ):
        read(register_folder)


def test_shareholder_without_share_needs_a_note(register_folder: Path) -> None:
    edit(register_folder, "memberships.csv", 6, "share_percent", "")
    with pytest.raises(DataValidationError, match="needs share_percent or a note"):
        read(register_folder)
    edit(register_folder, "memberships.csv", 6, "notes", "share not published")
    assert read(register_folder).memberships["share_percent"].isna().all()


def test_missing_file_is_named(register_folder: Path) -> None:
    (register_folder / "aggregates.csv").unlink()
    with pytest.raises(DataValidationError, match="aggregates.csv: file not found"):
        read(register_folder)


def test_gaps_flag_incomplete_and_undocumented_bodies(register_folder: Path) -> None:
    table = reg.bodies_with_members(read(register_folder)).set_index("body_id")
    assert table.loc["zv", "gap"] == ""
    assert table.loc["net", "gap"] == "member list partial"
    assert table.loc["zv", ["n_documented", "n_inferred"]].tolist() == [1, 1]


def test_register_tables_count_forms_tasks_gaps_and_unpublished(register_folder: Path) -> None:
    register = read(register_folder)
    forms = reg.counts_by_form(register.bodies)
    assert forms.to_dict("records") == [
        {"formality": "formal", "legal_form": "Zweckverband", "bodies": 1},
        {"formality": "informal", "legal_form": "informal/network", "bodies": 1},
    ]
    tasks = reg.task_category_table(register.bodies)
    assert tasks.loc["total", "total"] == 2 and tasks.loc["research", "inter-municipal"] == 1
    gaps = reg.gap_table(register)
    assert list(gaps["body_id"]) == ["net"]
    assert list(gaps.columns) == [
        "body_id",
        "name",
        "n_documented",
        "n_inferred",
        "n_unknown",
        "gap",
    ]
    unpublished = reg.unpublished_counts(register, "kreis:15085")
    assert unpublished.to_dict("records") == [
        {"legal_form": "Zweckvereinbarung", "count": 11, "reference_year": "2014"}
    ]
    assert reg.unpublished_counts(register, "land:15").empty


def test_vocabulary_has_formality_and_legal_basis() -> None:
    table = reg.legal_form_table()
    assert set(table["formality"]) == {reg.FORMAL, reg.INFORMAL, reg.UNKNOWN}
    assert table["legal_basis"].str.len().gt(0).all()
    gkg = table.set_index("legal_form").loc[
        ["Zweckverband", "Zweckvereinbarung", "Arbeitsgemeinschaft"], "legal_basis"
    ]
    assert all("GKG-LSA" in text for text in gkg)


# --- the committed Harz register -------------------------------------------------------------


@pytest.fixture(scope="module")
def harz() -> reg.Register:
    return reg.load_register("harz")


def test_harz_register_loads_with_sources_and_confidence(harz: reg.Register) -> None:
    assert harz.memberships[["source", "confidence"]].notna().all().all()
    assert set(harz.memberships["confidence"]) <= set(reg.CONFIDENCE)
    required = {
        "wahb",
        "zvo",
        "tazv-vorharz",
        "uhv-ilse-holtemme",
        "theater",
        "vergabestelle",
        "kitu",
        "htv",
        "ein-harz",
        "rvh",
        "vg-vorharz",
        "research-group",
        "lag-harz",
        "lag-huy",
        "lag-nas",
        "hsb",
        "hvb",
        "rpg-harz",
        "awn",
        "enwi",
    }
    assert required <= set(harz.bodies["body_id"])


def test_harz_register_keeps_the_source_judgements(harz: reg.Register) -> None:
    bodies = harz.bodies.set_index("body_id")
    assert bodies.loc["vergabestelle", "legal_form"] == "agreement (legal basis unknown)"
    assert bodies.loc["research-group", "formality"] == reg.INFORMAL
    assert bodies.loc[["enwi", "awn"], "category"].eq("district body").all()
    members = harz.memberships.set_index(["body_id", "member_id"])
    # WAHB service areas stay service areas and stay inferred
    assert members.loc[("wahb", "15085190"), "role"] == "service area only"
    assert members.loc[("wahb", "15085190"), "confidence"] == "inferred"
    assert members.loc[("kitu", "vg:150855051"), "confidence"] == "inferred"
    # Halberstadt is not a WAHB member; the Land is not a theatre member
    assert ("wahb", "15085135") not in members.index
    assert not harz.memberships["member_id"].str.startswith("land:").any()
    aggregate = harz.aggregates.set_index("aggregate_id").loc["harz-2014-zweckvereinbarung"]
    assert (int(aggregate["count"]), aggregate["members_published"]) == (11, "no")


def test_register_functions_take_a_key_or_a_district(harz: reg.Register) -> None:
    from ikzlib.catalog import get_district

    district = get_district("harz")
    assert (
        reg.register_dir(district) == reg.register_dir("harz") == district.inputs.path("register")
    )
    assert reg.has_register(district) and not reg.has_register("helmstedt")
    assert len(reg.load_register(district).bodies) == len(harz.bodies)


def test_harz_member_ags_match_the_municipality_table(harz: reg.Register) -> None:
    ags = set(load_municipalities("harz")["ags"])
    inside = harz.memberships[
        harz.memberships["member_id"].str.fullmatch(r"\d{8}") & ~harz.memberships["external"]
    ]
    assert set(inside["member_id"]) <= ags
    assert len(set(inside["member_id"])) == 20  # every Gemeinde appears somewhere


def test_copied_harz_register_with_an_unflagged_outsider_fails(tmp_path: Path) -> None:
    folder = tmp_path / "register"
    shutil.copytree(reg.register_dir("harz"), folder)
    with (folder / "memberships.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    line = next(i for i, r in enumerate(rows, start=1) if r[1] == "15089015")
    edit(folder, "memberships.csv", line, "external", "false")
    ags = set(load_municipalities("harz")["ags"])
    with pytest.raises(DataValidationError, match=rf"line {line}, member_id: member AGS 15089015"):
        reg.read_register(folder, district_ags=ags, kreis_key=KREIS)


# --- area coverage, statutory forms per Land, published counts (issue 11 item 3) -----------


def test_area_role_is_validated_and_kept_apart_from_membership(register_folder: Path) -> None:
    edit(register_folder, "memberships.csv", 2, "role", "area")
    register = read(register_folder)
    assert register.memberships["role"].isin(reg.AREA_ROLES).sum() == 2  # area + service area
    assert register.land_key == "15"
    edit(register_folder, "memberships.csv", 2, "role", "areal")
    with pytest.raises(DataValidationError, match="memberships.csv.*line 2.*role"):
        read(register_folder)


def test_statutory_forms_per_land() -> None:
    """GKG-LSA § 2 (Arbeitsgemeinschaft, Zweckvereinbarung, Zweckverband) and NKomZG § 1 Abs. 1
    (gemeinsame kommunale Anstalt, Zweckvereinbarung, Zweckverband)."""
    lsa = reg.statutory_forms("15")
    assert (lsa.law, set(lsa.forms)) == (
        "GKG LSA",
        {"Arbeitsgemeinschaft", "Zweckvereinbarung", "Zweckverband"},
    )
    assert "Verbandsgemeinde" not in lsa.forms and "Verbandsgemeinde" in lsa.left_out
    nds = reg.statutory_forms("03")
    assert set(nds.forms) == {"Zweckvereinbarung", "Zweckverband", "kommunale Anstalt/AöR"}
    assert reg.statutory_forms("09") is None and reg.statutory_forms(None) is None
    assert all(f in reg.LEGAL_FORMS for s in reg.STATUTORY_FORMS.values() for f in s.forms)


def test_published_counts_beside_the_register(register_folder: Path) -> None:
    table = reg.aggregates_beside_register(read(register_folder))
    assert table[["legal_form", "count", "in_register", "possibly_in_register"]].to_dict(
        "records"
    ) == [
        {
            "legal_form": "Zweckvereinbarung",
            "count": 11,
            "in_register": 0,
            "possibly_in_register": 0,
        }
    ]


def test_harz_leader_areas_are_area_coverage(harz: reg.Register) -> None:
    """The 34 LEADER rows (issue 11: "34 of 123 rows") record the LEADER area, not members."""
    rows = harz.memberships.merge(harz.bodies[["body_id", "task_field"]], on="body_id")
    leader = rows[rows["task_field"].eq("rural development (LEADER)")]
    assert len(leader) == 34 and leader["role"].eq("area").all()
    assert harz.memberships["role"].eq("area").sum() == 34
    assert harz.kreis_key == "15085" and harz.land_key == "15"
