"""REFI-QDA reading (real exports and handwritten quirk fixtures) and the .qdpx writer."""

from __future__ import annotations

import re
import shutil
import uuid
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from ikzlib import paths
from ikzlib.errors import DataValidationError
from ikzlib.qda import refi
from ikzlib.qda.model import CodedProject
from ikzlib.qda.safezip import parse_xml

FIXTURES = Path(__file__).parent / "fixtures" / "qda"
NS = "{urn:QDA-XML:project:1.0}"
TABLES = ("documents", "codes", "codings", "doc_variables", "sets")
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _assert_same(a: CodedProject, b: CodedProject) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(
            getattr(a.sorted(), table), getattr(b.sorted(), table), obj=table
        )


def _shared(name: str) -> Path:
    path = paths.reference_file(f"qdpx/{name}")
    if path is None:
        pytest.skip(f"reference export qdpx/{name} not available")
    return path


def _names(project: CodedProject, ids) -> list[str]:
    by_id = dict(zip(project.codes["code_id"], project.codes["name"], strict=True))
    return sorted(by_id[i] for i in ids)


# --------------------------------------------------------------------------- real exports


@pytest.mark.shared
def test_atlasti_annex_example() -> None:
    project = refi.read_qdpx(_shared("atlasti_8_4_refi_annex_example.qdpx"))
    assert project.name == "ATLAS.ti standard project"
    # 12 sources of all kinds; the archive has an empty Sources/ folder, so no transcripts.
    assert len(project.documents) == 12
    assert project.documents["text"].isna().all()
    # 14 codes; "Coke::diet Coke" and "Coke::full-fat Coke" hang under the existing "Coke".
    assert len(project.codes) == 14
    coke = project.codes.loc[project.codes["name"] == "Coke", "code_id"].item()
    assert _names(project, project.codes.loc[project.codes["parent_id"] == coke, "code_id"]) == [
        "diet Coke",
        "full-fat Coke",
    ]
    assert project.codes["parent_id"].notna().sum() == 2
    # 17 Coding elements; two PDF region codings duplicate text selections (same GUID and
    # code) and are dropped: 7 text-source + 2 PDF-representation codings with positions,
    # 5 region/interval codings without.
    assert len(project.codings) == 14
    assert project.codings["start"].notna().sum() == 9
    assert set(project.codings["coder"]) == {"Friedrich Markgraf"}
    mabel = project.documents.loc[project.documents["name"] == "Mabel.txt", "doc_id"].item()
    assert _names(project, project.codings.loc[project.codings["doc_id"] == mabel, "code_id"]) == [
        "bacon and eggs",
        "cornflakes",
        "happiness",
    ]
    simon_memo = project.codings.dropna(subset=["memo"])["memo"].tolist()
    assert simon_memo == ["why does Simon feel the need to do this?"]
    video = project.codings.dropna(subset=["evidence"])
    assert "VideoSelection 14706-17706 ms" in set(video["evidence"])
    # 16 sets; "<3" is empty, so 15 appear, with 42 memberships (23 sources, 19 codes).
    assert project.sets["set_id"].nunique() == 15
    assert project.sets["member_type"].value_counts().to_dict() == {"document": 23, "code": 19}
    assert "negative feelings" in set(project.sets["set_name"])
    # Attribute sets "gender: ..." and "age: ..." become document variables.
    wide = project.variables_wide()
    simon = project.documents.loc[project.documents["name"] == "Simon.docx", "doc_id"].item()
    assert wide.loc[simon, "gender"] == "male" and wide.loc[simon, "age"] == "67"
    assert set(project.doc_variables["type"]) == {"integer", "text"}
    skipped = refi.read_qdpx(
        _shared("atlasti_8_4_refi_annex_example.qdpx"), media_selections="skip"
    )
    assert len(skipped.codings) == 9 and skipped.codings["start"].notna().all()


@pytest.mark.shared
def test_qc_demo_with_nonconformant_source_paths() -> None:
    project = refi.read_qdpx(_shared("qc_1_3_2_demo.qdpx"))
    assert list(project.documents["name"]) == ["board_2017.txt", "admin-1.txt"]
    assert project.documents["text"].notna().all()  # "board_2017.txt" without internal://
    assert len(project.codes) == 262
    assert len(project.codings) == 205
    first = project.codings.iloc[0]
    text = project.documents["text"].iloc[0]
    assert first["text"] == text[first["start"] : first["end"]]
    assert first["text"].startswith("This district goal")
    assert set(project.codings["coder"]) == {"cp"}


@pytest.mark.shared
def test_nvivo_degenerate_export_loads() -> None:
    project = refi.read_qdpx(_shared("nvivo_mac_15_empty.qdpx"))
    assert len(project.documents) == 2 and len(project.codes) == 262
    assert project.codings.empty and project.sets.empty


@pytest.mark.shared
@pytest.mark.parametrize(
    "name", ["atlasti_8_4_refi_annex_example.qdpx", "qc_1_3_2_demo.qdpx", "nvivo_mac_15_empty.qdpx"]
)
def test_real_exports_round_trip_through_writer(name: str, tmp_path: Path) -> None:
    project = refi.read_qdpx(_shared(name))
    refi.write_qdpx(project, tmp_path / "copy.qdpx")
    _assert_same(refi.read_qdpx(tmp_path / "copy.qdpx"), project)


# --------------------------------------------------------------------------- fixtures


def test_utf16_positions_detected_and_guids_normalised() -> None:
    project = refi.read_qde(FIXTURES / "utf16_emoji.qde")
    assert list(project.codings["text"]) == ["Bauhof", "Kläranlage", "fehlt überall"]
    assert list(project.codings["start"]) == [15, 32, 55]  # code points, not UTF-16 units
    assert all(GUID.fullmatch(i) for i in project.codes["code_id"])
    assert project.codes.loc[1, "parent_id"] == "bbbbbbbb-0000-4000-8000-000000000001"
    assert project.codes.loc[1, "color"] == "#aabbcc"  # #abc expanded
    assert set(project.codings["coder"]) == {"Coder A"}
    assert project.codings.loc[1, "memo"] == "sewage plant"
    # The source's own value wins over the case's; the case supplies the other variable.
    assert project.variables_wide().iloc[0].to_dict() == {
        "format": "telephone",
        "participants": "2",
    }
    explicit = refi.read_qde(FIXTURES / "utf16_emoji.qde", positions="utf16")
    _assert_same(explicit, project)


def test_wrong_position_convention_is_an_error() -> None:
    with pytest.raises(DataValidationError) as info:
        refi.read_qde(FIXTURES / "utf16_emoji.qde", positions="codepoints")
    message = str(info.value)
    assert "utf16_emoji.qde" in message
    assert '<PlainTextSelection guid="{FFFFFFFF-0000-4000-8000-000000000003}">' in message
    assert "does not fit the document text (69 characters" in message


def test_segments_off_word_boundaries_warn(tmp_path: Path) -> None:
    text = (FIXTURES / "utf16_emoji.qde").read_text(encoding="utf-8")
    # Drop the selection that does not fit as code points; the others then land mid-word.
    text = re.sub(
        r'<PlainTextSelection guid="\{FFFFFFFF-0000-4000-8000-000000000003\}".*?'
        r"</PlainTextSelection>",
        "",
        text,
        flags=re.S,
    )
    path = tmp_path / "shifted.qde"
    path.write_text(text, encoding="utf-8")
    with pytest.warns(
        UserWarning,
        match=r"1 of 2 coded selections do not start and end at "
        r"word boundaries with positions counted as codepoints",
    ):
        project = refi.read_qde(path, positions="codepoints")
    assert project.codings.loc[1, "text"] == "läranlage."


def test_flat_atlas_names_attribute_sets_and_repeated_spans() -> None:
    project = refi.read_qde(FIXTURES / "atlas_flat.qde")
    paths_ = sorted(project.code_path(c, "::") for c in project.codes["code_id"])
    assert paths_ == [
        "Digitalisation",
        "Digitalisation::for cooperation",
        "Obstacles",
        "Obstacles::Legal risk",
        "Obstacles::Resources",
    ]
    # Span 0-30 repeated in three selections: one coding per code, text not duplicated.
    span = project.codings[project.codings["start"] == 0]
    assert _names(project, span["code_id"]) == ["Legal risk", "Resources"]
    assert len(project.codings) == 4
    whole = project.codings[project.codings["start"].isna()]
    assert _names(project, whole["code_id"]) == ["Obstacles"]
    wide = project.variables_wide()
    assert wide["size"].tolist() == ["small", "large"]
    assert project.doc_variables.set_index("variable").at["participants", "type"] == "integer"
    assert len(project.sets) == 5  # sets are kept as sets too
    flat = refi.read_qde(
        FIXTURES / "atlas_flat.qde", split_code_names=False, sets_as_variables=False
    )
    assert "Obstacles::Resources" in set(flat.codes["name"]) and flat.doc_variables.empty


def test_crlf_bom_and_capitalised_sources_folder(tmp_path: Path) -> None:
    folder = FIXTURES / "crlf_project"
    archive = tmp_path / "crlf.qdpx"
    with zipfile.ZipFile(archive, "w") as out:
        for file in sorted(folder.rglob("*")):
            if file.is_file():  # the project file gets a BOM too
                data = file.read_bytes()
                data = b"\xef\xbb\xbf" + data if file.suffix == ".qde" else data
                out.writestr(file.relative_to(folder).as_posix(), data)
    for project in (refi.read_qdpx(archive), refi.read_qde(folder / "project.qde")):
        assert project.codings["text"].tolist() == ["Gemeinsamer Bauhof", "Winterdienst"]
        assert not project.documents.at[0, "text"].startswith("\ufeff")


def test_codebook_qdc() -> None:
    project = refi.read_qdc(FIXTURES / "codebook.qdc")
    assert project.code_path("a0000000-0000-4000-8000-000000000003") == "Obstacles > Legal risk"
    assert project.codes.loc[0, "description"] == "What stands in the way of cooperation"
    assert _names(project, project.sets["member_id"]) == ["Legal risk", "Resources"]
    assert project.documents.empty


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (
            '<CodeBook><Codes><Code guid="{A0000000-0000-4000-8000-000000000001}" '
            'isCodable="true"/></Codes></CodeBook>',
            'bad.qde, <Code guid="{A0000000-0000-4000-8000-000000000001}">: missing name',
        ),
        (
            '<CodeBook><Codes><Code name="x" isCodable="true"/></Codes></CodeBook>',
            'bad.qde, <Code name="x">: missing GUID',
        ),
        (
            '<Sources><TextSource guid="d0000000-0000-4000-8000-000000000001"><PlainTextSelection '
            'guid="e0000000-0000-4000-8000-000000000001" startPosition="a" endPosition="3"/>'
            "</TextSource></Sources>",
            "startPosition 'a' is not a whole number",
        ),
        (
            '<Sources><TextSource guid="d0000000-0000-4000-8000-000000000001"><Coding guid='
            '"e0000000-0000-4000-8000-000000000001"><CodeRef targetGUID="f0000000-0000-4000-8000-'
            '000000000001"/></Coding></TextSource></Sources>',
            "<CodeRef>: refers to unknown code f0000000-0000-4000-8000-000000000001",
        ),
        (
            '<Sets><Set guid="e0000000-0000-4000-8000-000000000001" name="s"><MemberSource '
            'targetGUID="d0000000-0000-4000-8000-000000000009"/></Set></Sets>',
            "<MemberSource>: set member d0000000-0000-4000-8000-000000000009 is not a known "
            "document",
        ),
    ],
)
def test_bad_elements_are_named(tmp_path: Path, xml: str, message: str) -> None:
    path = tmp_path / "bad.qde"
    path.write_text(f'<Project xmlns="urn:QDA-XML:project:1.0" name="p">{xml}</Project>')
    with pytest.raises(DataValidationError) as info:
        refi.read_qde(path)
    assert message in str(info.value)


def test_wrong_root_and_missing_project(tmp_path: Path) -> None:
    path = tmp_path / "other.qde"
    path.write_text('<Project xmlns="urn:example" name="p"/>')
    with pytest.raises(DataValidationError, match="not a REFI-QDA file: root element <Project>"):
        refi.read_qde(path)
    archive = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("sources/a.txt", "x")
    with pytest.raises(DataValidationError, match="expected one project.qde"):
        refi.read_qdpx(archive)
    with pytest.raises(DataValidationError, match="expected .qdpx, .qde or .qdc"):
        refi.read_refi(tmp_path / "x.txt")


# --------------------------------------------------------------------------- writer


def _gid(label: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, label))


def _demo_project(ids=_gid) -> CodedProject:
    text = "Gemeinsamer Bauhof 🚜.\r\nKein Personal, kein Geld.\r\n"
    d1, d2, c1, c2, c3 = ids("d1"), ids("d2"), ids("c1"), ids("c2"), ids("c3")
    return CodedProject(
        documents=pd.DataFrame(
            {
                "doc_id": [d1, d2],
                "name": ["Interview 1", "Interview 2"],
                "text": [text, None],
                "group": ["Individual", None],
            }
        ),
        codes=pd.DataFrame(
            {
                "code_id": [c1, c2, c3],
                "parent_id": [None, c1, c1],
                "name": ["Obstacles", "Resources", "Legal risk"],
                "description": ["What blocks <cooperation> & more", None, None],
                "color": ["#d62728", None, "#1f77b4"],
            }
        ),
        codings=pd.DataFrame(
            {
                "coding_id": [ids("k1"), ids("k2"), ids("k3"), ids("k4"), ids("k5")],
                "doc_id": [d1, d1, d1, d2, d1],
                "code_id": [c1, c2, c3, c3, c2],
                "start": [0, 23, 23, None, 23],
                "end": [18, 48, 48, None, 48],
                "text": [text[0:18], text[23:48], text[23:48], "legal worries", text[23:48]],
                "coder": ["anna", "anna", "ben", None, "ben"],
                "weight": [None, 80, None, None, 20],
                "memo": [None, "two\nlines", None, None, None],
                "section": [None, None, None, "3.5.4", None],
                "evidence": [None, None, None, "footnote 107", None],
            }
        ),
        doc_variables=pd.DataFrame(
            {
                "doc_id": [d1, d1, d1, d1, d2, d2],
                "variable": [
                    "participants",
                    "telephone",
                    "share",
                    "date",
                    "participants",
                    "telephone",
                ],
                "value": ["1", "true", "0.5", "2021-05-04", None, "false"],
                "type": ["integer", "boolean", "float", "date", "integer", "boolean"],
            }
        ),
        sets=pd.DataFrame(
            {
                "set_id": [ids("s1"), ids("s1"), ids("s2")],
                "set_name": ["Key", "Key", "Small towns"],
                "member_type": ["code", "code", "document"],
                "member_id": [c2, c3, d2],
            }
        ),
        name="Demo",
    )


def test_write_read_round_trip_is_identical(tmp_path: Path) -> None:
    project = _demo_project()
    written = refi.write_qdpx(project, tmp_path / "demo.qdpx")
    back = refi.read_qdpx(written)
    _assert_same(back, project)
    assert back.name == "Demo"
    refi.write_qdpx(back, tmp_path / "again.qdpx")
    assert (tmp_path / "again.qdpx").read_bytes() == written.read_bytes()  # deterministic


def test_round_trip_with_plain_ids_maps_them_to_stable_guids(tmp_path: Path) -> None:
    project = _demo_project(ids=lambda label: label)
    back = refi.read_qdpx(refi.write_qdpx(project, tmp_path / "plain.qdpx"))
    expected = _demo_project(
        ids=lambda label: refi.refi_guid(
            {"d": "document", "c": "code", "k": "coding", "s": "set"}[label[0]], label
        )
    )
    _assert_same(back, expected)


def test_written_xml_follows_the_standard(tmp_path: Path) -> None:
    path = refi.write_qdpx(_demo_project(), tmp_path / "demo.qdpx")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        root = parse_xml(archive.read("project.qde"), path, "project.qde")
    assert names[0] == "project.qde" and all(n.startswith("sources/") for n in names[1:])
    assert root.tag == f"{NS}Project" and root.get("name") == "Demo"
    order = ["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets"]
    children = [c.tag.removeprefix(NS) for c in root]
    assert children == sorted(children, key=order.index)
    required = {
        "User": ["guid"],
        "Code": ["guid", "name", "isCodable"],
        "Variable": ["guid", "name", "typeOfVariable"],
        "TextSource": ["guid"],
        "PlainTextSelection": ["guid", "startPosition", "endPosition"],
        "Coding": ["guid"],
        "CodeRef": ["targetGUID"],
        "VariableRef": ["targetGUID"],
        "NoteRef": ["targetGUID"],
        "Note": ["guid"],
        "Set": ["guid", "name"],
        "MemberCode": ["targetGUID"],
        "MemberSource": ["targetGUID"],
    }
    guids = set()
    for element in root.iter():
        tag = element.tag.removeprefix(NS)
        assert element.tag.startswith(NS), tag
        for attribute in required.get(tag, []):
            assert element.get(attribute), f"<{tag}> lacks {attribute}"
        if element.get("guid"):
            assert GUID.fullmatch(element.get("guid"))
            guids.add(element.get("guid"))
    for element in root.iter():
        if element.get("targetGUID"):
            assert element.get("targetGUID") in guids  # every reference resolves
    source_order = [
        "Description",
        "PlainTextContent",
        "PlainTextSelection",
        "Coding",
        "NoteRef",
        "VariableValue",
    ]
    for source in root.iter(f"{NS}TextSource"):
        tags = [c.tag.removeprefix(NS) for c in source]
        assert tags == sorted(tags, key=source_order.index)
        assert (source.get("plainTextPath") is None) != (
            source.find(f"{NS}PlainTextContent") is None
        )
    for coding in root.iter(f"{NS}Coding"):
        assert coding[0].tag == f"{NS}CodeRef"
    # Positions are code points: the emoji counts as one.
    starts = sorted(int(s.get("startPosition")) for s in root.iter(f"{NS}PlainTextSelection"))
    assert starts == [0, 23]


def test_writer_is_atomic_and_refuses_invalid_projects(tmp_path: Path) -> None:
    target = tmp_path / "out.qdpx"
    refi.write_qdpx(_demo_project(), target)
    before = target.read_bytes()
    broken = _demo_project()
    broken.codings.loc[0, "code_id"] = "no such code"
    with pytest.raises(DataValidationError, match="unknown code 'no such code'"):
        refi.write_qdpx(broken, target)
    paragraphs = CodedProject(position_unit="paragraph")
    with pytest.raises(DataValidationError, match="positions are characters"):
        refi.write_qdpx(paragraphs, target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.qdpx"]  # no temp files left


def test_bare_qde_next_to_sources_folder(tmp_path: Path) -> None:
    project = _demo_project()
    archive = refi.write_qdpx(project, tmp_path / "demo.qdpx")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(archive) as zipped:
        for name in zipped.namelist():
            (unpacked / name).parent.mkdir(parents=True, exist_ok=True)
            (unpacked / name).write_bytes(zipped.read(name))
    shutil.move(unpacked / "sources", unpacked / "Sources")
    _assert_same(refi.read_qde(unpacked / "project.qde"), project)
