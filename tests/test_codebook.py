"""``ikz codebook``: the district codebook as REFI-QDA .qdc, CSV, Markdown and interview guide."""

from __future__ import annotations

import pandas as pd
import pytest

from ikzlib import cli, codebook
from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.i18n import tr
from ikzlib.qda import read_qdc
from ikzlib.qda.model import CodedProject
from ikzlib.qda.refi import refi_guid, write_qdc


@pytest.fixture(scope="module")
def project() -> CodedProject:
    return codebook.load_codebook("harz")


def test_qdc_round_trip_keeps_tree_names_descriptions_and_colours(project, tmp_path):
    path = codebook.export_codebook("harz", "qdc", tmp_path / "harz.qdc")
    text = path.read_text(encoding="utf-8")
    assert 'xmlns="urn:QDA-XML:codebook:1.0"' in text and text.startswith("<?xml")
    back = read_qdc(path)
    assert len(back.codes) == len(project.codes) == 65
    guid = {c: refi_guid("code", c) for c in project.codes["code_id"]}

    def rows(codes, ids):
        return sorted(
            (
                ids(r.code_id),
                ids(r.parent_id) if r.parent_id else None,
                r.name,
                r.description,
                r.color,
            )
            for r in codes.itertuples(index=False)
        )

    assert rows(back.codes, str) == rows(project.codes, guid.get)
    assert (
        back.code_path(guid["potential.field.procurement"])
        == "Potentials > Task fields named > Procurement"
    )


def test_qdc_is_byte_stable_and_carries_code_sets(tmp_path):
    codes = pd.DataFrame(
        {
            "code_id": ["a", "a.b", "c"],
            "parent_id": [None, "a", None],
            "name": ["Obstacles", "Legal risk <&>", "Potentials"],
            "description": ["What hampers", None, None],
            "color": ["#b23a48", None, "#4c9a2a"],
        }
    )
    sets = pd.DataFrame(
        {"set_id": ["s"], "set_name": ["Barriers"], "member_type": ["code"], "member_id": ["a.b"]}
    )
    small = CodedProject(codes=codes, sets=sets)
    first = write_qdc(small, tmp_path / "one.qdc").read_bytes()
    second = write_qdc(small, tmp_path / "two.qdc").read_bytes()
    assert first == second
    back = read_qdc(tmp_path / "one.qdc")
    assert set(back.codes["name"]) == {"Obstacles", "Legal risk <&>", "Potentials"}
    assert back.sets["member_id"].tolist() == [refi_guid("code", "a.b")]
    with pytest.raises(DataValidationError, match="no codes"):
        write_qdc(CodedProject(), tmp_path / "empty.qdc")
    assert not (tmp_path / "empty.qdc").exists()


def test_table_is_in_tree_order_with_levels(project):
    table = codebook.codebook_table(project)
    assert list(table.columns) == codebook.TABLE_COLUMNS
    # codes.csv: 10 families; level 3 = 6 informal fields + 4 forms of exchange + 11 task fields
    assert table["level"].value_counts().sort_index().tolist() == [10, 34, 21]
    first = table.iloc[0]
    assert (first["code_id"], first["level"], first["parent_id"]) == ("informal", 1, None)
    # every code follows its parent
    position = {c: i for i, c in enumerate(table["code_id"])}
    assert all(
        position[p] < position[c]
        for c, p in zip(table["code_id"], table["parent_id"], strict=True)
        if p
    )


def test_csv_and_markdown_exports(tmp_path):
    csv = codebook.export_codebook("harz", "csv", tmp_path / "codebook.csv")
    frame = pd.read_csv(csv)
    assert len(frame) == 65 and frame.loc[0, "path"] == "Informal cooperation"
    md = codebook.export_codebook("harz", "md", tmp_path / "codebook.md").read_text("utf-8")
    assert md.startswith("# Codebook: Landkreis Harz")
    assert md.count("\n## ") == 10
    assert "| Procurement (`potential.field.procurement`) | 3 |" in md


def test_markdown_cells_cannot_break_tables_or_inject_html():
    assert codebook.markdown_cell("a | b\nc <script>") == "a \\| b c &lt;script&gt;"
    assert codebook.markdown_cell(None) == ""


def test_interview_guide_has_consent_and_one_section_per_top_level_code(tmp_path):
    guide = codebook.export_codebook("harz", "guide", tmp_path / "guide.md").read_text("utf-8")
    assert "consent" in guide and "pseudonymisation" in guide.lower()
    assert guide.count("\n## Topic ") == 10
    assert "What can you tell us about: Task fields named?" in guide
    assert "     - Procurement" in guide  # a sub-sub-code becomes a probe
    german = codebook.export_codebook("harz", "guide", tmp_path / "de.md", lang="de")
    text = german.read_text("utf-8")
    assert text.startswith("# Interviewleitfaden: Landkreis Harz") and "Einwilligung" in text
    assert tr("Probes", "de") == "Nachfragen"


def test_errors_for_districts_without_interviews_and_bad_parameters(tmp_path):
    with pytest.raises(DataValidationError, match="no coded interviews"):
        codebook.export_codebook("helmstedt", "qdc", tmp_path / "x.qdc")
    with pytest.raises(ParameterError, match="format must be one of"):
        codebook.export_codebook("harz", "xlsx", tmp_path / "x.xlsx")


def test_command_line_offers_every_format():
    assert set(cli.CODEBOOK_FORMATS) == set(codebook.FORMATS)


def test_command_line(tmp_path, capsys):
    args = ["codebook", "--district", "harz", "--format", "qdc", "--out", str(tmp_path / "c.qdc")]
    assert cli.main(args) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "c.qdc")
    assert len(read_qdc(tmp_path / "c.qdc").codes) == 65
