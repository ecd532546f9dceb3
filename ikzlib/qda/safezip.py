"""Defensive reading of zip archives and XML from untrusted files (e.g. ``.qdpx`` projects).

Nothing is ever extracted to disk. Member names that could escape a target folder are refused
outright (absolute paths, ``..``, drive letters, backslashes), and every member is read in
chunks while counting the real number of bytes, so a lying header cannot smuggle in a zip
bomb: the per-member size, the total size and the compression ratio are all capped, and
checked after every step of at most :data:`CHUNK` bytes for every compression method (bzip2 and
LZMA members are decompressed here with an output limit, since :mod:`zipfile` lets them expand
a whole block at once). Corrupt data, unsupported zip features and undecodable member names all
become :class:`~ikzlib.errors.DataValidationError`. XML is
parsed only with :mod:`defusedxml`, which refuses entity declarations (billion laughs) and
external entities/DTDs.
"""

from __future__ import annotations

import bz2
import lzma
import re
import struct
import zipfile
import zlib
from pathlib import Path
from types import TracebackType
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

import defusedxml
from defusedxml import ElementTree as SafeElementTree

from ikzlib.errors import DataValidationError

MAX_MEMBER_BYTES = 256 * 1024**2
MAX_TOTAL_BYTES = 1024**3
MAX_RATIO = 200.0
RATIO_GRACE_BYTES = 1024**2  # small members may compress extremely well; judge ratio above this
MAX_MEMBERS = 100_000
CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


def check_member_name(name: str) -> str | None:
    """Why a member name is unsafe, or ``None`` when it stays inside the archive root."""
    if "\\" in name:
        return "contains a backslash"
    if "\x00" in name:
        return "contains a NUL character"
    if name.startswith("/"):
        return "is an absolute path"
    if _DRIVE.match(name):
        return "starts with a drive letter"
    if ".." in name.split("/"):
        return "contains '..'"
    return None


class SafeZip:
    """A zip archive opened read-only with name checks and size/ratio caps.

    Parameters
    ----------
    path
        The archive.
    max_member_bytes, max_total_bytes
        Caps on the uncompressed bytes of one member and of everything read from the archive.
    max_ratio
        Cap on uncompressed/compressed size of a member (checked once a member exceeds
        ``ratio_grace_bytes``).
    ratio_grace_bytes
        Size below which a high compression ratio is tolerated.
    max_members
        Cap on the number of entries.

    Raises
    ------
    DataValidationError
        When the file is not a zip archive or any member name is unsafe (the archive is
        refused as a whole: a crafted name is a sign of a malicious file).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        max_member_bytes: int = MAX_MEMBER_BYTES,
        max_total_bytes: int = MAX_TOTAL_BYTES,
        max_ratio: float = MAX_RATIO,
        ratio_grace_bytes: int = RATIO_GRACE_BYTES,
        max_members: int = MAX_MEMBERS,
    ) -> None:
        self.path = Path(path)
        self.max_member_bytes = max_member_bytes
        self.max_total_bytes = max_total_bytes
        self.max_ratio = max_ratio
        self.ratio_grace_bytes = ratio_grace_bytes
        self.bytes_read = 0
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, EOFError, struct.error) as exc:
            raise DataValidationError(self.path, f"not a readable zip archive ({exc})") from None
        except NotImplementedError as exc:  # e.g. "zip file version 9.9" in the central directory
            raise DataValidationError(
                self.path, f"unsupported zip feature ({exc}); refusing the archive"
            ) from None
        except UnicodeDecodeError as exc:  # general purpose bit 11 (UTF-8) with invalid bytes
            raise DataValidationError(
                self.path,
                f"a member name is flagged UTF-8 but is not valid UTF-8 ({exc.reason} at byte "
                f"{exc.start}: {exc.object[max(exc.start - 20, 0) : exc.end + 20]!r})",
            ) from None
        except ValueError as exc:
            raise DataValidationError(self.path, f"not a readable zip archive ({exc})") from None
        infos = self._zip.infolist()
        if len(infos) > max_members:
            self._zip.close()
            raise DataValidationError(
                self.path, f"archive has {len(infos)} entries (more than {max_members})"
            )
        for info in infos:
            problem = check_member_name(info.filename)
            if problem:
                self._zip.close()
                raise DataValidationError(
                    self.path,
                    f"unsafe member name {problem}; refusing the archive",
                    element=repr(info.filename),
                )
        self._files = {i.filename: i for i in infos if not i.is_dir()}
        self._folded: dict[str, list[str]] | None = None

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying archive."""
        self._zip.close()

    @property
    def names(self) -> list[str]:
        """File members (no directories), in archive order."""
        return list(self._files)

    def find(self, name: str) -> str | None:
        """The member called ``name``, matched exactly or else case-insensitively."""
        if name in self._files:
            return name
        if self._folded is None:  # built once: a lookup per source must not rescan all names
            self._folded = {}
            for member in self._files:
                self._folded.setdefault(member.casefold(), []).append(member)
        matches = self._folded.get(name.casefold(), [])
        return matches[0] if len(matches) == 1 else None

    def read(self, name: str) -> bytes:
        """Read one member, counting real bytes against the caps.

        Raises
        ------
        DataValidationError
            Naming the archive and member when a cap is exceeded or the data is corrupt.
        """
        info = self._files.get(name)
        if info is None:
            raise DataValidationError(self.path, "no such member", element=name)
        try:
            if info.compress_type in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
                return self._read_bounded(name, info)
            chunks: list[bytes] = []
            size = 0
            with self._zip.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    self.bytes_read += len(chunk)
                    self._check(name, size, info.compress_size)
                    chunks.append(chunk)
            return b"".join(chunks)
        except DataValidationError:
            raise
        except NotImplementedError as exc:
            raise DataValidationError(
                self.path, f"unsupported zip feature ({exc})", element=name
            ) from None
        except UnicodeDecodeError as exc:
            raise DataValidationError(
                self.path,
                f"member name is flagged UTF-8 but is not valid UTF-8 ({exc.reason})",
                element=name,
            ) from None
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            zlib.error,
            lzma.LZMAError,
            EOFError,
            OSError,
            RuntimeError,
            ValueError,
            struct.error,
        ) as exc:
            raise DataValidationError(
                self.path, f"cannot read member: corrupt or unreadable data ({exc})", element=name
            ) from None

    def _read_bounded(self, name: str, info: zipfile.ZipInfo) -> bytes:
        """Decompress a bzip2/LZMA member with an output limit per step.

        :mod:`zipfile` hands every compressed block to these decompressors without a limit, so a
        few KB of bzip2 can expand to gigabytes inside one ``read``. Here the raw member data is
        fed in small pieces and each decompression step returns at most :data:`CHUNK` bytes, so
        the caps are checked before more memory is spent.
        """
        if info.flag_bits & 0x1:
            raise DataValidationError(self.path, "member is encrypted", element=name)
        chunks: list[bytes] = []
        size = 0
        crc = 0
        with open(self.path, "rb") as raw:
            raw.seek(info.header_offset)
            header = raw.read(30)
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                raise DataValidationError(self.path, "bad local file header", element=name)
            flags, name_length, extra_length = struct.unpack("<H18xHH", header[6:30])
            local_name = raw.read(name_length).decode("utf-8" if flags & 0x800 else "cp437")
            if local_name != info.orig_filename:
                raise DataValidationError(
                    self.path,
                    f"local header names a different member ({local_name!r})",
                    element=name,
                )
            raw.seek(extra_length, 1)
            left = info.compress_size
            decompressor: bz2.BZ2Decompressor | lzma.LZMADecompressor
            if info.compress_type == zipfile.ZIP_BZIP2:
                decompressor = bz2.BZ2Decompressor()
            else:
                limit = min(self.max_member_bytes, max(info.file_size, 4096))
                decompressor, left = _lzma_decompressor(raw, left, limit, self.path, name)
            while not decompressor.eof:
                data = b""
                if decompressor.needs_input:
                    if left <= 0:
                        break  # input exhausted (LZMA without end marker, or truncated)
                    data = raw.read(min(CHUNK // 16, left))
                    if not data:
                        raise DataValidationError(
                            self.path, "member data is truncated", element=name
                        )
                    left -= len(data)
                chunk = decompressor.decompress(data, max_length=CHUNK)
                if not chunk:
                    if not data and not decompressor.needs_input:
                        break  # no progress possible; the CRC check below reports it
                    continue
                size += len(chunk)
                self.bytes_read += len(chunk)
                self._check(name, size, info.compress_size)
                crc = zlib.crc32(chunk, crc)
                chunks.append(chunk)
        if info.compress_type == zipfile.ZIP_BZIP2 and not decompressor.eof:
            raise DataValidationError(
                self.path, "member data is truncated (bzip2 stream not finished)", element=name
            )
        if crc != info.CRC:
            raise DataValidationError(
                self.path, "member data is corrupt (CRC-32 does not match)", element=name
            )
        return b"".join(chunks)

    def _check(self, name: str, size: int, compressed: int) -> None:
        if size > self.max_member_bytes:
            raise DataValidationError(
                self.path,
                f"member is larger than {self.max_member_bytes} bytes uncompressed",
                element=name,
            )
        if self.bytes_read > self.max_total_bytes:
            raise DataValidationError(
                self.path,
                f"archive holds more than {self.max_total_bytes} bytes uncompressed",
                element=name,
            )
        if size > self.ratio_grace_bytes and size / max(compressed, 1) > self.max_ratio:
            raise DataValidationError(
                self.path,
                f"compression ratio above {self.max_ratio:g} (possible zip bomb)",
                element=name,
            )


def _lzma_decompressor(
    raw: BinaryIO, left: int, max_dict: int, path: Path, name: str
) -> tuple[lzma.LZMADecompressor, int]:
    """A raw LZMA1 decompressor for a zip member (APPNOTE 5.8.8: version, props size, props).

    The dictionary is allocated up front, so a header asking for 4 GiB is clamped to
    ``max_dict`` (the member's size or the member cap): back-references never reach further
    than the data already produced, so a valid member still decodes.
    """
    head = raw.read(min(4, left))
    if len(head) < 4:
        raise DataValidationError(path, "LZMA member header is truncated", element=name)
    (props_size,) = struct.unpack("<H", head[2:4])
    props = raw.read(min(props_size, left - 4))
    if props_size != 5 or len(props) != 5 or props[0] >= 9 * 5 * 5:
        raise DataValidationError(path, "LZMA member has invalid properties", element=name)
    lc_lp_pb, dict_size = props[0], struct.unpack("<I", props[1:5])[0]
    lzma1 = {
        "id": lzma.FILTER_LZMA1,
        "lc": lc_lp_pb % 9,
        "lp": (lc_lp_pb // 9) % 5,
        "pb": lc_lp_pb // 45,
        "dict_size": max(min(dict_size, max_dict), 4096),
    }
    try:
        decompressor = lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[lzma1])
    except (lzma.LZMAError, ValueError) as exc:
        raise DataValidationError(
            path, f"LZMA member has invalid properties ({exc})", element=name
        ) from None
    return decompressor, left - 4 - props_size


def parse_xml(data: bytes, source: str | Path, member: str | None = None) -> Element:
    """Parse XML bytes with entity expansion, external entities and DTD fetching refused.

    Raises
    ------
    DataValidationError
        Naming ``source`` (and ``member``) for malformed XML or forbidden constructs.
    """
    try:
        return SafeElementTree.fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except defusedxml.EntitiesForbidden as exc:
        problem = (
            f"XML declares entity {exc.name!r}; entities are refused (possible entity "
            "expansion or external-entity attack)"
        )
    except defusedxml.ExternalReferenceForbidden as exc:
        problem = f"XML refers to an external resource ({exc.sysid}); refused"
    except defusedxml.DTDForbidden:
        problem = "XML has a DTD; refused"
    except ParseError as exc:
        line, column = exc.position
        problem = f"malformed XML at line {line}, column {column + 1} ({exc.msg})"
    raise DataValidationError(source, problem, element=member)
