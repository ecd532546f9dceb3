"""Defensive reading of zip archives and XML from untrusted files (e.g. ``.qdpx`` projects).

Nothing is ever extracted to disk. Member names that could escape a target folder are refused
outright (absolute paths, ``..``, drive letters, backslashes), and every member is read in
chunks while counting the real number of bytes, so a lying header cannot smuggle in a zip
bomb: the per-member size, the total size and the compression ratio are all capped. XML is
parsed only with :mod:`defusedxml`, which refuses entity declarations (billion laughs) and
external entities/DTDs.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from types import TracebackType
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
        except (zipfile.BadZipFile, OSError) as exc:
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
        matches = [n for n in self._files if n.casefold() == name.casefold()]
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
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    self.bytes_read += len(chunk)
                    self._check(name, size, info.compress_size)
                    chunks.append(chunk)
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            EOFError,
            OSError,
            NotImplementedError,
            RuntimeError,
        ) as exc:
            raise DataValidationError(
                self.path, f"cannot read member ({exc})", element=name
            ) from None
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
