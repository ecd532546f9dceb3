"""Hostile and malformed REFI-QDA XML and source texts end in DataValidationError (issue 12)."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from ikzlib.errors import DataValidationError
from ikzlib.qda import refi
from ikzlib.qda.model import CodedProject

NS = "urn:QDA-XML:project:1.0"
CODE = "c0000000-0000-4000-8000-000000000001"
DOC = "d0000000-0000-4000-8000-000000000001"
NOTE = "e0000000-0000-4000-8000-000000000001"


def _g(i: int) -> str:
    return f"a0000000-0000-4000-8000-{i:012d}"


def _project(body: str, declaration: str = "") -> str:
    return f'{declaration}<Project xmlns="{NS}" name="p">{body}</Project>'


CODEBOOK = f'<CodeBook><Codes><Code guid="{CODE}" name="c"/></Codes></CodeBook>'


def _coded_source(start: str, end: str, text: str = "ab cd", notes: str = "") -> str:
    note_ref = f'<NoteRef targetGUID="{NOTE}"/>' if notes else ""
    return _project(
        f'{CODEBOOK}<Sources><TextSource guid="{DOC}" name="d">'
        f"<PlainTextContent>{text}</PlainTextContent>"
        f'<PlainTextSelection guid="{_g(1)}" startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="{_g(2)}"><CodeRef targetGUID="{CODE}"/>{note_ref}</Coding>'
        f"</PlainTextSelection></TextSource></Sources>{notes}"
    )


def _weight_note(value: str) -> str:
    return (
        f'<Notes><Note guid="{NOTE}" name="ikz:weight">'
        f"<PlainTextContent>{value}</PlainTextContent></Note></Notes>"
    )


def _qde(tmp_path: Path, xml: str | bytes, sources: dict[str, bytes] | None = None) -> Path:
    path = tmp_path / "project.qde"
    path.write_bytes(xml if isinstance(xml, bytes) else xml.encode())
    for name, data in (sources or {}).items():
        (tmp_path / "sources").mkdir(exist_ok=True)
        (tmp_path / "sources" / name).write_bytes(data)
    return path


def _qdpx(tmp_path: Path, xml: str | bytes, sources: dict[str, bytes] | None = None) -> Path:
    path = tmp_path / "project.qdpx"
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("project.qde", xml if isinstance(xml, bytes) else xml.encode())
        for name, data in (sources or {}).items():
            out.writestr(f"sources/{name}", data)
    return path


def _text_source() -> str:
    return _project(
        f'<Sources><TextSource guid="{DOC}" name="d" plainTextPath="internal://a.txt"/></Sources>'
    )


# --------------------------------------------------------------------------- text decoding


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xfea\x00b", "truncated data"),  # odd byte count after a little-endian BOM
        (b"\xfe\xff\x00a\x00", "truncated data"),  # odd byte count after a big-endian BOM
        (b"\xff\xfea\x00\n\x00\x00\xd8b\x00", "illegal UTF-16 surrogate"),  # lone high surrogate
        (b"\xff\xfe\x00\xdcb\x00", "illegal"),  # lone low surrogate
    ],
)
@pytest.mark.parametrize("packed", [False, True])
def test_broken_utf16_source_is_named(
    tmp_path: Path, raw: bytes, reason: str, packed: bool
) -> None:
    make, read = (_qdpx, refi.read_qdpx) if packed else (_qde, refi.read_qde)
    path = make(tmp_path, _text_source(), {"a.txt": raw})
    with pytest.raises(DataValidationError, match="not valid UTF-16") as info:
        read(path)
    assert reason in info.value.problem
    assert "a.txt" in info.value.source


def test_broken_utf16_error_names_the_line(tmp_path: Path) -> None:
    raw = "eins\nzwei\n".encode("utf-16") + b"\x00\xd8x\x00"
    with pytest.raises(DataValidationError) as info:
        refi.read_qde(_qde(tmp_path, _text_source(), {"a.txt": raw}))
    assert info.value.row == 3


def test_valid_utf16_sources_still_load(tmp_path: Path) -> None:
    for encoding in ("utf-16", "utf-16-be"):
        raw = ("\ufeffKläranlage 🚜" if encoding == "utf-16-be" else "Kläranlage 🚜").encode(
            encoding
        )
        project = refi.read_qde(_qde(tmp_path, _text_source(), {"a.txt": raw}))
        assert project.documents["text"].tolist() == ["Kläranlage 🚜"]


# --------------------------------------------------------------------------- XML declaration


@pytest.mark.parametrize("encoding", ["x-no-such-codec", "utf-99", "rot13"])
def test_unknown_or_unusable_declared_encoding(tmp_path: Path, encoding: str) -> None:
    xml = _project(CODEBOOK, f'<?xml version="1.0" encoding="{encoding}"?>')
    for path, read in (
        (_qde(tmp_path, xml), refi.read_qde),
        (_qdpx(tmp_path, xml), refi.read_qdpx),
    ):
        with pytest.raises(DataValidationError) as info:
            read(path)
        assert "encoding" in str(info.value) or "malformed XML" in str(info.value)
    codebook = tmp_path / "book.qdc"
    codebook.write_text(
        f'<?xml version="1.0" encoding="{encoding}"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
        f'<Codes><Code guid="{CODE}" name="c"/></Codes></CodeBook>'
    )
    with pytest.raises(DataValidationError):
        refi.read_qdc(codebook)


def test_unknown_encoding_message(tmp_path: Path) -> None:
    xml = _project(CODEBOOK, '<?xml version="1.0" encoding="x-nope"?>')
    with pytest.raises(DataValidationError, match="unknown encoding") as info:
        refi.read_qde(_qde(tmp_path, xml))
    assert info.value.source.endswith("project.qde")


def test_declared_latin1_still_loads(tmp_path: Path) -> None:
    xml = _project(
        f'<CodeBook><Codes><Code guid="{CODE}" name="Kläranlage"/></Codes></CodeBook>',
        '<?xml version="1.0" encoding="ISO-8859-1"?>',
    )
    project = refi.read_qde(_qde(tmp_path, xml.encode("latin-1")))
    assert project.codes["name"].tolist() == ["Kläranlage"]


# --------------------------------------------------------------------------- nesting depth


def _nested_codes(depth: int) -> str:
    opening = "".join(f'<Code guid="{_g(10 + i)}" name="c{i}">' for i in range(depth))
    return _project(f"<CodeBook><Codes>{opening}{'</Code>' * depth}</Codes></CodeBook>")


@pytest.mark.parametrize("depth", [2_000, 20_000])
def test_very_deep_code_tree_is_refused(tmp_path: Path, depth: int) -> None:
    with pytest.raises(DataValidationError, match="nested more than") as info:
        refi.read_qde(_qde(tmp_path, _nested_codes(depth)))
    assert info.value.element == "<Code>"


def test_code_tree_depth_limit(tmp_path: Path) -> None:
    limit = refi.MAX_CODE_DEPTH
    project = refi.read_qde(_qde(tmp_path, _nested_codes(limit)))
    assert len(project.codes) == limit
    parents = dict(zip(project.codes["code_id"], project.codes["parent_id"], strict=True))
    assert parents[_g(10 + limit - 1)] == _g(10 + limit - 2)
    assert project.code_path(_g(10 + limit - 1)).count(" > ") == limit - 1
    with pytest.raises(DataValidationError, match=f"codes are nested more than {limit}") as info:
        refi.read_qde(_qde(tmp_path, _nested_codes(limit + 1)))
    assert _g(10 + limit) in str(info.value.element)


def test_code_order_is_document_order(tmp_path: Path) -> None:
    xml = _project(
        f'<CodeBook><Codes><Code guid="{_g(1)}" name="a"><Code guid="{_g(2)}" name="a1">'
        f'<Code guid="{_g(3)}" name="a11"/></Code><Code guid="{_g(4)}" name="a2"/></Code>'
        f'<Code guid="{_g(5)}" name="b"/></Codes></CodeBook>'
    )
    codes = refi.read_qde(_qde(tmp_path, xml)).codes
    assert codes["name"].tolist() == ["a", "a1", "a11", "a2", "b"]
    assert codes["parent_id"].tolist() == [None, _g(1), _g(2), _g(1), None]


def test_deep_nesting_elsewhere_is_refused(tmp_path: Path) -> None:
    body = "<Description>" * 5_000 + "</Description>" * 5_000
    with pytest.raises(DataValidationError, match="nested more than"):
        refi.read_qde(_qde(tmp_path, _project(body)))


def test_deep_codebook_qdc(tmp_path: Path) -> None:
    path = tmp_path / "book.qdc"
    opening = "".join(f'<Code guid="{_g(10 + i)}" name="c{i}">' for i in range(3_000))
    path.write_text(
        f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{opening}{"</Code>" * 3_000}'
        "</Codes></CodeBook>"
    )
    with pytest.raises(DataValidationError, match="nested more than"):
        refi.read_qdc(path)


def test_flat_code_names_with_thousands_of_levels(tmp_path: Path) -> None:
    name = "::".join(f"l{i}" for i in range(2_000))
    xml = _project(f'<CodeBook><Codes><Code guid="{CODE}" name="{name}"/></Codes></CodeBook>')
    with pytest.raises(DataValidationError, match="'::' levels"):
        refi.read_qde(_qde(tmp_path, xml))
    name = "::".join(f"l{i}" for i in range(150))  # deep but allowed: built without recursion
    xml = _project(f'<CodeBook><Codes><Code guid="{CODE}" name="{name}"/></Codes></CodeBook>')
    codes = refi.read_qde(_qde(tmp_path, xml)).codes
    assert len(codes) == 150
    assert codes.set_index("code_id").at[CODE, "name"] == "l149"


def test_flat_code_names_reuse_existing_prefixes(tmp_path: Path) -> None:
    xml = _project(
        f'<CodeBook><Codes><Code guid="{_g(1)}" name="a"/><Code guid="{_g(2)}" name="a::b::c"/>'
        f'<Code guid="{_g(3)}" name="a::b::d"/></Codes></CodeBook>'
    )
    codes = refi.read_qde(_qde(tmp_path, xml)).codes.set_index("code_id")
    assert len(codes) == 4  # a, the added a::b, c and d
    b = codes.at[_g(2), "parent_id"]
    assert codes.at[_g(3), "parent_id"] == b
    assert codes.at[b, "parent_id"] == _g(1) and codes.at[b, "name"] == "b"


# --------------------------------------------------------------------------- huge integers


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("0", str(2**63)),
        ("0", str(2**70)),
        (str(2**64), str(2**64 + 1)),
        ("0", "9" * 5_000),  # beyond Python's int-from-string digit limit
        ("-" + str(2**70), "1"),
    ],
)
def test_positions_beyond_int64(tmp_path: Path, start: str, end: str) -> None:
    with pytest.raises(DataValidationError, match="is not a whole number from 0 to") as info:
        refi.read_qde(_qde(tmp_path, _coded_source(start, end)))
    assert info.value.element.startswith("<PlainTextSelection")


def test_largest_int64_position_without_text_is_kept(tmp_path: Path) -> None:
    xml = _coded_source("0", str(2**63 - 1)).replace(
        "<PlainTextContent>ab cd</PlainTextContent>", ""
    )
    project = refi.read_qde(_qde(tmp_path, xml))
    assert project.codings["end"].tolist() == [2**63 - 1]


@pytest.mark.parametrize("weight", [str(2**63), str(-(2**63) - 1), str(2**70), "9" * 5_000, "x"])
def test_weights_beyond_int64_or_not_numbers(tmp_path: Path, weight: str) -> None:
    xml = _coded_source("0", "2", notes=_weight_note(weight))
    with pytest.raises(DataValidationError, match="weight") as info:
        refi.read_qde(_qde(tmp_path, xml))
    assert info.value.element.startswith("<Coding")


@pytest.mark.parametrize("weight", [str(2**63 - 1), str(-(2**63)), "7", " 3 "])
def test_weights_within_int64(tmp_path: Path, weight: str) -> None:
    xml = _coded_source("0", "2", notes=_weight_note(weight))
    project = refi.read_qde(_qde(tmp_path, xml))
    assert project.codings["weight"].tolist() == [int(weight)]


# --------------------------------------------------------------------------- linear time


def _reference_astral(text: str) -> tuple[list[int], int]:
    offsets, units = [], 0
    for ch in text:
        if ord(ch) > 0xFFFF:
            offsets.append(units)
        units += 2 if ord(ch) > 0xFFFF else 1
    return offsets, units


def test_astral_offsets_match_a_per_character_scan() -> None:
    rng = random.Random(12)
    alphabet = ["a", " ", "ä", "\u20ac", "\uffff", "\U00010000", "🚜", "💶", "\U0010ffff", "\n"]
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        refi._astral_offsets.cache_clear()
        assert refi._astral_offsets(text) == _reference_astral(text)
        units = _reference_astral(text)[1]
        for position in range(units + 2):
            expected = None
            seen = 0
            for index, ch in enumerate(text + "\0"):
                if seen == position:
                    expected = index
                    break
                if seen > position:
                    break
                seen += 2 if ord(ch) > 0xFFFF else 1
            if position > units:
                expected = None
            assert refi._utf16_position(text, position) == expected, (text, position)


def test_utf16_positions_with_astral_characters(tmp_path: Path) -> None:
    text = "🚜 Bauhof und 💶 Geld"
    # "Geld" starts at code point 15, UTF-16 unit 17
    xml = _coded_source("17", "21", text=text).replace('name="p"', 'name="p" origin="other"')
    project = refi.read_qde(_qde(tmp_path, xml), positions="utf16")
    assert project.codings["text"].tolist() == ["Geld"]
    assert project.codings[["start", "end"]].values.tolist() == [[15, 19]]


def _sources_with_variables(n: int) -> str:
    variables = (
        f'<Variables><Variable guid="{_g(1)}" name="age" typeOfVariable="Integer"/></Variables>'
    )
    sources = "".join(
        f'<TextSource guid="{_g(100 + i)}" name="S{i}"><PlainTextContent>t</PlainTextContent>'
        f'<VariableValue><VariableRef targetGUID="{_g(1)}"/><IntegerValue>{i}</IntegerValue>'
        f'</VariableValue><VariableValue><VariableRef targetGUID="{_g(1)}"/>'
        "<IntegerValue>999</IntegerValue></VariableValue></TextSource>"
        for i in range(n)
    )
    return _project(f"{variables}<Sources>{sources}</Sources>")


def test_many_sources_with_variables_load(tmp_path: Path) -> None:
    # scaling (formerly quadratic) is measured in benchmarks/bench_qda_io.py
    project = refi.read_qde(_qde(tmp_path, _sources_with_variables(10_000)))
    values = project.doc_variables
    assert len(values) == 10_000  # the first value of a source wins, the repeat is ignored
    assert values["value"].tolist() == [str(i) for i in range(10_000)]


def test_case_values_do_not_override_source_values(tmp_path: Path) -> None:
    xml = _sources_with_variables(2).replace(
        "</Project>",
        f'<Cases><Case guid="{_g(50)}" name="k"><SourceRef targetGUID="{_g(100)}"/>'
        f'<SourceRef targetGUID="{_g(101)}"/><VariableValue><VariableRef targetGUID="{_g(1)}"/>'
        "<IntegerValue>42</IntegerValue></VariableValue></Case></Cases></Project>",
    )
    xml = xml.replace(
        f'<VariableValue><VariableRef targetGUID="{_g(1)}"/><IntegerValue>1</IntegerValue>'
        f'</VariableValue><VariableValue><VariableRef targetGUID="{_g(1)}"/>'
        "<IntegerValue>999</IntegerValue></VariableValue>",
        "",
    )
    values = refi.read_qde(_qde(tmp_path, xml)).doc_variables
    assert values["value"].tolist() == ["0", "42"]


def test_deep_nesting_in_an_archive_names_the_member(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="nested more than") as info:
        refi.read_qdpx(_qdpx(tmp_path, _nested_codes(1_000)))
    assert info.value.element == "project.qde, <Code>"


def test_long_parent_chain_validates() -> None:
    n = 20_000
    codes = pd.DataFrame(
        {
            "code_id": [f"c{i}" for i in range(n)],
            "parent_id": [None, *[f"c{i}" for i in range(n - 1)]],
            "name": [f"c{i}" for i in range(n)],
        }
    )
    CodedProject(codes=codes).validate()  # scaling: benchmarks/bench_qda_io.py
    cyclic = codes.assign(parent_id=[f"c{n - 1}", *codes["parent_id"][1:]])
    with pytest.raises(DataValidationError, match="code tree has a cycle through 'c0'"):
        CodedProject(codes=cyclic).validate()
