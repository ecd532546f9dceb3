"""``ikz register init``: a register skeleton that validates once one body and member are filled."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from ikzlib import cli, register, register_template
from ikzlib.errors import ParameterError
from ikzlib.municipalities import load_municipalities

SAALEKREIS = "15088"  # 20 Gemeinden, one Verbandsgemeinde (Weida-Land, 6 members), GV 31.12.2021


@pytest.fixture
def skeleton(tmp_path):
    return register_template.init_register(SAALEKREIS, tmp_path / "register")


def _append(path, row: dict) -> None:
    with path.open("a", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=pd.read_csv(path, nrows=0).columns.tolist())
        writer.writerow(row)


def _ags():
    return set(load_municipalities(SAALEKREIS)["ags"])


def test_files_and_prefilled_members(skeleton):
    names = {p.name for p in skeleton.iterdir()}
    assert names == {
        "bodies.csv", "memberships.csv", "aggregates.csv", "informal_fields.csv",
        "sources.csv", "members.csv", "README.md",
    }  # fmt: skip
    for name, columns in register_template.HEADER_ONLY.items():
        frame = pd.read_csv(skeleton / name, dtype=str)
        assert frame.empty and list(frame.columns) == columns
    members = pd.read_csv(skeleton / "members.csv", dtype=str)
    assert list(members.columns) == register.MEMBERSHIP_COLUMNS
    assert len(members) == 1 + 1 + 20  # the district, Weida-Land, 20 Gemeinden
    assert members["member_id"].iloc[:2].tolist() == ["kreis:15088", "vg:150885051"]
    assert set(members["member_id"].iloc[2:]) == _ags()
    evidence = ["body_id", "role", "source", "info_date", "confidence"]
    assert members[evidence].isna().all().all()
    assert (members["notes"] == "member of Verbandsgemeinde Weida-Land (vg:150885051)").sum() == 6


def test_empty_skeleton_validates_and_filled_one_validates(skeleton):
    empty = register.read_register(skeleton, _ags(), SAALEKREIS)
    assert empty.bodies.empty and empty.memberships.empty
    body = {column: "" for column in register.BODY_COLUMNS} | {
        "body_id": "zv-test",
        "name": "Zweckverband Test",
        "legal_form": "Zweckverband",
        "task_field": "water/wastewater",
        "category": "inter-municipal",
        "founding_year": "1992",
        "scope": "within district",
        "member_list": "partial",
        "status": "active",
        "source": "GV2021",
        "info_date": "2021-12-31",
    }
    _append(skeleton / "bodies.csv", body)
    member = pd.read_csv(skeleton / "members.csv", dtype=str, keep_default_na=False).iloc[1]
    _append(
        skeleton / "memberships.csv",
        member.to_dict()
        | {"body_id": "zv-test", "role": "member", "source": "GV2021", "info_date": "2021",
           "confidence": "documented"},
    )  # fmt: skip
    filled = register.read_register(skeleton, _ags(), SAALEKREIS)
    assert filled.bodies["formality"].tolist() == ["formal"]
    assert filled.memberships[["body_id", "member_id"]].values.tolist() == [
        ["zv-test", "vg:150885051"]
    ]


def test_readme_documents_the_vocabularies(skeleton):
    readme = (skeleton / "README.md").read_text(encoding="utf-8")
    for label in register.LEGAL_FORMS:
        assert f"| {label} |" in readme
    assert "| 53 | Verbandsgemeinde | Verbandsgemeinde |" in readme  # Sachsen-Anhalt's form
    assert "`documented`" in readme and "`service area only`" in readme


def test_other_land_gets_its_own_forms_and_a_law_note(tmp_path):
    folder = register_template.init_register("09677", tmp_path / "by")  # Main-Spessart, Bayern
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "Official Gemeindeverband forms in Bayern" in readme
    assert "Verwaltungsgemeinschaft" in readme
    assert "In Bayern the Land's own law on municipal cooperation applies" in readme


def test_refuses_to_overwrite(skeleton, tmp_path):
    before = (skeleton / "README.md").read_text(encoding="utf-8")
    with pytest.raises(ParameterError, match="never overwritten"):
        register_template.init_register(SAALEKREIS, skeleton)
    assert (skeleton / "README.md").read_text(encoding="utf-8") == before
    empty = tmp_path / "empty"
    empty.mkdir()
    assert register_template.init_register(SAALEKREIS, empty) == empty
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_default_folder_is_the_districts_register(tmp_path, monkeypatch, capsys):
    from ikzlib import paths

    monkeypatch.setattr(paths, "DATA_RAW", tmp_path)
    assert cli.main(["register", "init", "--district", SAALEKREIS]) == 0
    written = tmp_path / SAALEKREIS / "register"
    assert capsys.readouterr().out.strip() == str(written)
    assert cli.main(["register", "init", "--district", SAALEKREIS]) == 2
    assert "never overwritten" in capsys.readouterr().err
