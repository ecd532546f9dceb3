"""Malicious archives and XML are refused with clear errors: zip slip, zip bomb, entity attacks."""

from __future__ import annotations

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
