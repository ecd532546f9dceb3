"""Malicious archives and XML are refused with clear errors: zip slip, zip bomb, entity attacks."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pytest

from ikzlib.errors import DataValidationError
from ikzlib.qda import refi
from ikzlib.qda.safezip import SafeZip, check_member_name, parse_xml

NS = "urn:QDA-XML:project:1.0"
MINIMAL_QDE = f'<Project xmlns="{NS}" name="p"/>'.encode()


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return path


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("../evil.txt", "contains '..'"),
        ("sources/../../etc/passwd", "contains '..'"),
        ("/etc/passwd", "is an absolute path"),
        ("C:/Windows/x.txt", "drive letter"),
        ("c:evil.txt", "drive letter"),
        ("sources\\..\\evil.txt", "backslash"),
    ],
)
def test_unsafe_member_names(name: str, problem: str) -> None:
    assert problem in check_member_name(name)


@pytest.mark.parametrize("name", ["project.qde", "sources/a..b.txt", "Sources/x y.txt", "a/b/c"])
def test_safe_member_names(name: str) -> None:
    assert check_member_name(name) is None


def test_zip_slip_archive_is_refused(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "slip.qdpx", {"project.qde": MINIMAL_QDE, "sources/../../../tmp/owned.txt": b"x"}
    )
    with pytest.raises(DataValidationError) as info:
        refi.read_qdpx(archive)
    message = str(info.value)
    assert "slip.qdpx" in message and "owned.txt" in message and "contains '..'" in message
    assert not (tmp_path.parent / "owned.txt").exists()


def _bomb(path: Path, megabytes: int = 50) -> Path:
    """A .qdpx whose only source is ``megabytes`` MB of zeros (deflates ~1000:1), streamed."""
    qde = (
        f'<Project xmlns="{NS}" name="p"><Sources><TextSource guid="'
        '00000000-0000-4000-8000-000000000001" plainTextPath="internal://big.txt"/>'
        "</Sources></Project>"
    ).encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        with archive.open("sources/big.txt", "w") as member:
            block = bytes(1024**2)
            for _ in range(megabytes):
                member.write(block)
    return path


def test_zip_bomb_is_refused_by_ratio(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.qdpx")
    assert bomb.stat().st_size < 200_000
    with (
        SafeZip(bomb, max_ratio=20, ratio_grace_bytes=64 * 1024) as archive,
        pytest.raises(DataValidationError) as info,
    ):
        archive.read("sources/big.txt")
    assert "compression ratio above 20" in str(info.value)
    assert "sources/big.txt" in str(info.value)
    assert archive.bytes_read < 5 * 1024**2  # gave up early, not after inflating 50 MB


def test_zip_bomb_in_project_is_refused_with_defaults(tmp_path: Path) -> None:
    with pytest.raises(
        DataValidationError,
        match=r"bomb\.qdpx, sources/big\.txt: compression "
        r"ratio above 200 \(possible zip bomb\)",
    ):
        refi.read_qdpx(_bomb(tmp_path / "bomb.qdpx"))


def test_member_and_total_caps_count_real_bytes(tmp_path: Path) -> None:
    data = {"a.txt": b"a" * 5000, "b.txt": b"b" * 5000}
    archive_path = _zip(tmp_path / "caps.zip", data, method=zipfile.ZIP_STORED)
    with (
        SafeZip(archive_path, max_member_bytes=4096) as archive,
        pytest.raises(DataValidationError, match="larger than 4096 bytes"),
    ):
        archive.read("a.txt")
    with SafeZip(archive_path, max_total_bytes=8000) as archive:
        assert archive.read("a.txt") == data["a.txt"]
        with pytest.raises(DataValidationError, match="more than 8000 bytes"):
            archive.read("b.txt")


def test_lying_header_size_does_not_help(tmp_path: Path) -> None:
    """A header that claims a tiny size is not trusted: real bytes are counted."""
    path = _zip(tmp_path / "liar.zip", {"x.txt": b"z" * 100_000}, method=zipfile.ZIP_STORED)
    raw = bytearray(path.read_bytes())
    # Patch the declared uncompressed size (central directory, offset 24) to 10 bytes.
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 24 : central + 28] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    with SafeZip(path, max_member_bytes=50_000) as archive, pytest.raises(DataValidationError):
        archive.read("x.txt")


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.qdpx"
    path.write_text("hello")
    with pytest.raises(DataValidationError, match=r"fake\.qdpx: not a readable zip archive"):
        refi.read_qdpx(path)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;"/>"""


def test_billion_laughs_in_qdpx_is_refused(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "laughs.qdpx", {"project.qde": BILLION_LAUGHS})
    with pytest.raises(DataValidationError) as info:
        refi.read_qdpx(archive)
    message = str(info.value)
    assert "laughs.qdpx" in message and "project.qde" in message
    assert "entities are refused" in message


def test_external_entity_in_bare_qde_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.qde"
    path.write_bytes(EXTERNAL_ENTITY)
    with pytest.raises(DataValidationError, match=r"xxe\.qde.*entity 'xxe'"):
        refi.read_qde(path)


def test_external_dtd_is_not_loaded(tmp_path: Path) -> None:
    """An external DTD is never read, so an entity it would define is not expanded."""
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY e "from the DTD">')
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE Project SYSTEM "{dtd.as_uri()}">'
        f'<Project xmlns="{NS}" name="&e;"/>'
    ).encode()
    assert parse_xml(xml, "x.qde").get("name") == ""


def test_malformed_xml_names_position() -> None:
    with pytest.raises(DataValidationError, match=r"x\.qde, project\.qde: malformed XML at line 1"):
        parse_xml(b"<Project><Code></Project>", "x.qde", "project.qde")


# --- issue 12: corrupt data, odd headers and bombs in every compression method -------------

SOURCE_QDE = (
    f'<Project xmlns="{NS}" name="p"><Sources><TextSource guid="'
    '00000000-0000-4000-8000-000000000001" name="d" plainTextPath="internal://big.txt"/>'
    "</Sources></Project>"
).encode()


def _single(path: Path, data: bytes, method: int, name: str = "sources/big.txt") -> Path:
    return _zip(path, {"project.qde": SOURCE_QDE, name: data}, method=method)


def _patch_member_data(path: Path, name: str, at: float = 0.5, length: int = 8) -> None:
    """Overwrite ``length`` bytes in the middle of a member's compressed data with 0xFF."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    raw = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(name.encode()) + len(info.extra)
    offset = start + int(info.compress_size * at)
    raw[offset : offset + length] = b"\xff" * length
    path.write_bytes(bytes(raw))


TEXT = ("Interview über den Bauhof 🚜, Zeile {}.\n" * 1).encode()
BIG_TEXT = b"".join(TEXT.replace(b"{}", str(i).encode()) for i in range(4_000))


@pytest.mark.parametrize(
    "method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, zipfile.ZIP_STORED]
)
@pytest.mark.parametrize("data", [b"", b"x", BIG_TEXT], ids=["empty", "one", "big"])
def test_every_method_reads_exactly(tmp_path: Path, method: int, data: bytes) -> None:
    """Valid members of every method come back byte for byte (bounded bzip2/LZMA path too)."""
    path = _single(tmp_path / "ok.qdpx", data, method)
    with SafeZip(path) as archive:
        assert archive.read("sources/big.txt") == data
        assert archive.bytes_read == len(data)


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_qdpx_with_bzip2_or_lzma_loads(tmp_path: Path, method: int) -> None:
    path = _single(tmp_path / "ok.qdpx", BIG_TEXT, method)
    project = refi.read_qdpx(path)
    assert project.documents.text.tolist() == [BIG_TEXT.decode()]


@pytest.mark.parametrize(
    "method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, zipfile.ZIP_STORED]
)
@pytest.mark.parametrize("at", [0.0, 0.5, 0.95])
def test_corrupt_member_data_is_a_clean_error(tmp_path: Path, method: int, at: float) -> None:
    """Before: zlib.error (deflate), LZMAError (LZMA), OSError (bzip2)."""
    path = _single(tmp_path / "corrupt.qdpx", BIG_TEXT, method)
    _patch_member_data(path, "sources/big.txt", at=at)
    with pytest.raises(DataValidationError) as info:
        refi.read_qdpx(path)
    message = str(info.value)
    assert "corrupt.qdpx" in message and "sources/big.txt" in message
    assert "corrupt" in message or "invalid" in message or "truncated" in message


def test_truncated_bzip2_member_is_a_clean_error(tmp_path: Path) -> None:
    path = _single(tmp_path / "short.qdpx", BIG_TEXT, zipfile.ZIP_BZIP2)
    raw = bytearray(path.read_bytes())
    central = raw.rfind(b"PK\x01\x02")
    size = int.from_bytes(raw[central + 20 : central + 24], "little")
    raw[central + 20 : central + 24] = (size // 2).to_bytes(4, "little")  # compressed size
    path.write_bytes(bytes(raw))
    with pytest.raises(DataValidationError, match=r"short\.qdpx, sources/big\.txt: .*trunc"):
        refi.read_qdpx(path)


def test_unsupported_zip_version_is_a_clean_error(tmp_path: Path) -> None:
    """Before: NotImplementedError('zip file version 9.9')."""
    path = _single(tmp_path / "version.qdpx", b"text", zipfile.ZIP_DEFLATED)
    raw = bytearray(path.read_bytes())
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 6 : central + 8] = (99).to_bytes(2, "little")  # version needed to extract
    path.write_bytes(bytes(raw))
    with pytest.raises(
        DataValidationError, match=r"version\.qdpx: unsupported zip feature \(zip file version 9\.9"
    ):
        refi.read_qdpx(path)


def test_unsupported_compression_method_is_a_clean_error(tmp_path: Path) -> None:
    path = _single(tmp_path / "method.qdpx", b"text", zipfile.ZIP_STORED)
    raw = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x01\x02", 10), (b"PK\x03\x04", 8)):
        at = raw.rfind(signature)
        raw[at + offset : at + offset + 2] = (97).to_bytes(2, "little")  # method 97 (WavPack)
    path.write_bytes(bytes(raw))
    with pytest.raises(DataValidationError, match=r"method\.qdpx.*unsupported zip feature"):
        refi.read_qdpx(path)


def test_invalid_utf8_member_name_is_a_clean_error(tmp_path: Path) -> None:
    """Before: UnicodeDecodeError for a name with general purpose bit 11 set and bad bytes."""
    path = _single(tmp_path / "name.qdpx", b"text", zipfile.ZIP_DEFLATED, name="sources/ä.txt")
    raw = path.read_bytes()
    assert raw.count("ä".encode()) == 2  # local and central header
    path.write_bytes(raw.replace("ä".encode(), b"\xff\xfe"))
    with pytest.raises(DataValidationError) as info:
        refi.read_qdpx(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "flagged UTF-8 but is not valid UTF-8" in message
    assert "sources/" in message  # shows where the bad bytes are


def _zeros(path: Path, name: str, megabytes: int, method: int, prefix: bytes = b"") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        if name != "project.qde":
            archive.writestr("project.qde", SOURCE_QDE)
        info = zipfile.ZipInfo(name)
        info.compress_type = method
        with archive.open(info, "w") as member:
            member.write(prefix)
            block = bytes(1024**2)
            for _ in range(megabytes):
                member.write(block)
    return path


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_bzip2_and_lzma_bombs_are_refused_before_expanding(tmp_path: Path, method: int) -> None:
    """Before: zipfile expanded a whole bzip2/LZMA block per read (10 GiB -> MemoryError)."""
    bomb = _zeros(tmp_path / "bomb.qdpx", "sources/big.txt", 32, method)
    assert bomb.stat().st_size < 40_000
    tracemalloc.start()
    try:
        with SafeZip(bomb) as archive, pytest.raises(DataValidationError) as info:
            archive.read("sources/big.txt")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Bounded steps (+ LZMA's 8 MiB dictionary); before, all 32 MB came out in one piece.
    assert peak < 16 * 1024**2
    assert "compression ratio above 200 (possible zip bomb)" in str(info.value)
    assert archive.bytes_read < 2 * 1024**2  # refused just past the 1 MB grace, not at 64 MB
    with pytest.raises(DataValidationError, match=r"bomb\.qdpx, sources/big\.txt: compression"):
        refi.read_qdpx(bomb)


def test_lzma_dictionary_size_is_clamped(tmp_path: Path) -> None:
    """A header asking for a 4 GiB LZMA dictionary does not allocate it; data still decodes."""
    path = _single(tmp_path / "dict.qdpx", BIG_TEXT, zipfile.ZIP_LZMA)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("sources/big.txt")
    raw = bytearray(path.read_bytes())
    props = info.header_offset + 30 + len(b"sources/big.txt") + len(info.extra) + 4
    raw[props + 1 : props + 5] = (0xFFFFFFFF).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    tracemalloc.start()
    try:
        with SafeZip(path) as archive:
            assert archive.read("sources/big.txt") == BIG_TEXT
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024**2


def test_bzip2_caps_are_checked_per_chunk(tmp_path: Path) -> None:
    """Member and total caps hold for bzip2 as they do for stored/deflated members."""
    path = _zeros(tmp_path / "caps.qdpx", "sources/big.txt", 3, zipfile.ZIP_BZIP2)
    with (
        SafeZip(path, max_member_bytes=100_000, max_ratio=1e12) as archive,
        pytest.raises(DataValidationError, match="larger than 100000 bytes"),
    ):
        archive.read("sources/big.txt")
    assert archive.bytes_read < 100_000 + 2 * 64 * 1024
    with (
        SafeZip(path, max_total_bytes=200_000, max_ratio=1e12) as archive,
        pytest.raises(DataValidationError, match="more than 200000 bytes"),
    ):
        archive.read("sources/big.txt")


def test_bzip2_project_qde_bomb_is_refused(tmp_path: Path) -> None:
    """Before: a 1 GiB bzip2 project.qde was refused only after 6 s and 2.1 GB."""
    bomb = _zeros(
        tmp_path / "qde.qdpx",
        "project.qde",
        32,
        zipfile.ZIP_BZIP2,
        prefix=f"<Project {NS}>".encode(),
    )
    with pytest.raises(DataValidationError, match=r"qde\.qdpx, project\.qde: compression ratio"):
        refi.read_qdpx(bomb)


def test_sources_lookup_is_case_insensitive_but_not_ambiguous(tmp_path: Path) -> None:
    """NVivo's ``Sources/``: found case-insensitively; two case variants are ambiguous."""
    path = _zip(tmp_path / "case.qdpx", {"Sources/A.txt": b"a", "x/B.TXT": b"1", "X/b.txt": b"2"})
    with SafeZip(path) as archive:
        assert archive.find("sources/a.txt") == "Sources/A.txt"
        assert archive.find("Sources/A.txt") == "Sources/A.txt"
        assert archive.find("x/b.txt") is None  # ambiguous
        assert archive.find("X/b.txt") == "X/b.txt"  # exact match wins
        assert archive.find("sources/missing.txt") is None


def test_unpacked_qde_finds_sources_case_insensitively(tmp_path: Path) -> None:
    """The sources folder of an unpacked .qde is indexed once; files match in any case."""
    guids = [f"00000000-0000-4000-8000-00000000000{i}" for i in range(3)]
    sources = "".join(
        f'<TextSource guid="{g}" name="d{i}" plainTextPath="internal://s{i}.txt"/>'
        for i, g in enumerate(guids)
    )
    qde = tmp_path / "project.qde"
    qde.write_text(f'<Project xmlns="{NS}" name="p"><Sources>{sources}</Sources></Project>')
    (tmp_path / "Sources").mkdir()
    (tmp_path / "Sources" / "S0.TXT").write_text("null")
    (tmp_path / "Sources" / "s1.txt").mkdir()  # a folder is not a source text
    project = refi.read_qde(qde)
    texts = dict(zip(project.documents.name, project.documents.text, strict=True))
    assert texts["d0"] == "null"
    assert texts["d1"] is None or texts["d1"] != texts["d1"]  # no text
    assert texts["d2"] is None or texts["d2"] != texts["d2"]
