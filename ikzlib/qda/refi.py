"""REFI-QDA files: read ``.qdpx``/``.qde`` projects and ``.qdc`` codebooks; write both.

The REFI-QDA standard (versions 1.0-1.5 share the namespace ``urn:QDA-XML:project:1.0``) is
what MAXQDA, ATLAS.ti, NVivo, QualCoder and others export. Real exports deviate from it; the
reader copes with the known deviations:

* text positions counted in UTF-16 code units instead of Unicode code points, and positions
  that ignore the ``\\r`` of CRLF line ends (``positions="auto"`` picks the convention under
  which segment boundaries fall on word boundaries, and warns about segments that do not);
* ``Sources/`` vs ``sources/`` and source paths without ``internal://``; byte-order marks;
* GUIDs with braces or in upper case (normalised to lower case without braces);
* the same span repeated in several selections (one coding per document, code, span and
  coder is kept);
* ATLAS.ti's flat code names ``a::b`` (``split_code_names``) and document attributes stored
  as sets named ``attribute: value`` (``sets_as_variables``).

Non-text selections (picture regions, PDF areas, audio/video intervals) become codings
without positions whose ``evidence`` says what was selected (``media_selections="document"``),
or are left out (``"skip"``). Nothing outside the archive is ever read: sources stored as
``relative://``/``absolute://`` paths have ``text = None``.
"""

from __future__ import annotations

import bisect
import functools
import re
import uuid
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element

import pandas as pd

from ikzlib import io as ikz_io
from ikzlib.errors import DataValidationError
from ikzlib.qda.model import CodedProject
from ikzlib.qda.safezip import SafeZip, parse_xml
from ikzlib.tables import decode_strict

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.UUID("6f1c3d5e-2b7a-5c4e-9f0d-8a1b2c3d4e5f")  # fixed: stable GUIDs
ORIGIN = "ikzlib"
GROUP_SET_MARKER = "ikz:document-group"
NOTE_PREFIX = "ikz:"  # coding notes that carry model columns REFI-QDA has no place for
NOTE_COLUMNS = ("text", "weight", "section", "evidence")
MEDIA_SELECTIONS = (
    "PictureSelection",
    "PDFSelection",
    "AudioSelection",
    "VideoSelection",
    "TranscriptSelection",
)
SOURCE_TAGS = ("TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource")
VARIABLE_TYPES = {
    "Text": "text",
    "Boolean": "boolean",
    "Integer": "integer",
    "Float": "float",
    "Date": "date",
    "DateTime": "text",
}
VALUE_ELEMENTS = {
    "text": "TextValue",
    "boolean": "BooleanValue",
    "integer": "IntegerValue",
    "float": "FloatValue",
    "date": "DateValue",
}
_GUID = re.compile(
    r"\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12})\}?"
)
_COLOR = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_ATTRIBUTE_SET = re.compile(r"([^:]+?)\s*:\s*([^:].*)")
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # characters taking two UTF-16 code units
MAX_CODE_DEPTH = 200  # code-tree levels; deeper trees are refused, not recursed into
MAX_XML_DEPTH = 256  # element nesting of a project file (codes nest inside 3 levels)
MAX_INT64 = 2**63 - 1  # positions and weights are stored as Int64


# --------------------------------------------------------------------------- reading


def read_refi(path: str | Path, **options: Any) -> CodedProject:
    """Read a ``.qdpx``, ``.qde`` or ``.qdc`` file, chosen by its suffix (see the readers)."""
    suffix = Path(path).suffix.lower()
    readers: dict[str, Callable[..., CodedProject]] = {
        ".qdpx": read_qdpx,
        ".qde": read_qde,
        ".qdc": read_qdc,
    }
    if suffix not in readers:
        raise DataValidationError(path, "not a REFI-QDA file (expected .qdpx, .qde or .qdc)")
    return readers[suffix](path, **options)


def read_qdpx(
    path: str | Path,
    *,
    positions: str = "auto",
    split_code_names: bool | None = None,
    sets_as_variables: bool | None = None,
    media_selections: str = "document",
    zip_limits: dict[str, int | float] | None = None,
) -> CodedProject:
    """Read a REFI-QDA project archive (``project.qde`` plus embedded sources).

    Parameters
    ----------
    path
        The ``.qdpx`` file.
    positions
        ``"auto"`` (detect), ``"codepoints"`` (the standard) or ``"utf16"``: how the
        export counted ``startPosition``/``endPosition``. The result is always code points.
    split_code_names
        Build the code tree from ``::`` in code names (ATLAS.ti); ``None`` = when every code
        is top-level and at least one name contains ``::``.
    sets_as_variables
        Also turn document sets named ``attribute: value`` into document variables;
        ``None`` = when the project has no variables of its own.
    media_selections
        ``"document"`` or ``"skip"`` for codings of non-text selections.
    zip_limits
        Keyword overrides for :class:`~ikzlib.qda.safezip.SafeZip` caps.

    Raises
    ------
    DataValidationError
        Naming the archive, member and XML element of the first problem.
    """
    path = Path(path)
    with SafeZip(path, **(zip_limits or {})) as archive:
        qde = [n for n in archive.names if "/" not in n and n.lower().endswith(".qde")]
        if len(qde) != 1:
            raise DataValidationError(
                path, f"expected one project.qde at the top of the archive, found {qde or 'none'}"
            )
        source = f"{path}:{qde[0]}"
        root = _parse_xml(archive.read(qde[0]), path, qde[0])

        def load(text_path: str) -> str | None:
            for candidate in _candidate_members(text_path):
                member = archive.find(candidate)
                if member is not None:
                    return _decode(archive.read(member), f"{path}:{member}")
            return None

        return _build(
            root,
            source,
            load,
            positions=positions,
            split_code_names=split_code_names,
            sets_as_variables=sets_as_variables,
            media_selections=media_selections,
        )


def read_qde(path: str | Path, **options: Any) -> CodedProject:
    """Read a bare ``project.qde`` (options as :func:`read_qdpx`, without ``zip_limits``).

    Texts come from ``PlainTextContent`` or, for ``internal://`` paths, from a ``sources``
    folder beside the file (an unpacked archive); other paths are not followed.
    """
    path = Path(path)
    if not path.is_file():
        raise DataValidationError(path, "file not found")
    root = _parse_xml(path.read_bytes(), path)
    folders = [p for p in path.parent.iterdir() if p.is_dir() and p.name.lower() == "sources"]
    files: dict[str, Path] | None = None  # lower-cased name -> first matching file, built once

    def load(text_path: str) -> str | None:
        nonlocal files
        name = _internal_name(text_path)
        if name is None or "/" in name or "\\" in name or name.startswith("."):
            return None
        if files is None:
            files = {}
            for folder in folders:
                for file in folder.iterdir():
                    key = file.name.lower()
                    if key not in files and file.is_file():
                        files[key] = file
        file = files.get(name.lower())
        return None if file is None else _decode(file.read_bytes(), file)

    return _build(root, str(path), load, **options)


def read_qdc(path: str | Path) -> CodedProject:
    """Read a REFI-QDA codebook (``.qdc``): codes and code sets, no documents."""
    path = Path(path)
    if not path.is_file():
        raise DataValidationError(path, "file not found")
    root = _parse_xml(path.read_bytes(), path)
    _strip_namespaces(root, str(path), expected="CodeBook")
    context = _Context(str(path))
    codes = _read_codes(root.find("Codes"), context)
    sets = []
    for element in _children(root, "Sets", "Set"):
        set_id, name = context.guid(element), context.attr(element, "name")
        for member in element.findall("MemberCode"):
            target = member.get("targetGUID") or member.get("guid")
            sets.append(
                {
                    "set_id": set_id,
                    "set_name": name,
                    "member_type": "code",
                    "member_id": context.normalise(target, member),
                }
            )
    project = CodedProject(
        codes=pd.DataFrame(codes, dtype=object),
        sets=pd.DataFrame(sets, dtype=object),
        name=path.stem,
        source=str(path),
    )
    return context.validate(project)


@dataclass
class _Context:
    """Error reporting and GUID normalisation for one file."""

    source: str
    guids: set[str] = field(default_factory=set)

    def fail(self, element: Element | None, problem: str) -> DataValidationError:
        return DataValidationError(self.source, problem, element=_describe(element))

    def attr(self, element: Element, name: str) -> str:
        value = element.get(name)
        if value is None or not value.strip():
            raise self.fail(element, f"missing {name}")
        return value

    def normalise(self, guid: str | None, element: Element) -> str:
        if guid is None or not guid.strip():
            raise self.fail(element, "missing GUID")
        match = _GUID.fullmatch(guid.strip())
        return match.group(1).lower() if match else guid.strip()

    def guid(self, element: Element) -> str:
        return self.normalise(element.get("guid"), element)

    def validate(self, project: CodedProject) -> CodedProject:
        try:
            return project.validate()
        except DataValidationError as exc:  # name the file, not the in-memory table
            raise DataValidationError(self.source, exc.problem, element=exc.element) from None


def _build(
    root: Element,
    source: str,
    load: Callable[[str], str | None],
    *,
    positions: str = "auto",
    split_code_names: bool | None = None,
    sets_as_variables: bool | None = None,
    media_selections: str = "document",
) -> CodedProject:
    if positions not in ("auto", "codepoints", "utf16"):
        raise ValueError("positions must be 'auto', 'codepoints' or 'utf16'")
    if media_selections not in ("document", "skip"):
        raise ValueError("media_selections must be 'document' or 'skip'")
    _strip_namespaces(root, source, expected="Project")
    context = _Context(source)
    ours = root.get("origin", "").startswith(ORIGIN)  # our own files need no heuristics
    users = {
        context.guid(u): u.get("name") or u.get("id") or context.guid(u)
        for u in _children(root, "Users", "User")
    }
    codes = _read_codes(root.find("CodeBook/Codes"), context)
    if split_code_names is None:
        split_code_names = not ours and (
            all(c["parent_id"] is None for c in codes) and any("::" in c["name"] for c in codes)
        )
    if split_code_names:
        codes = _split_code_names(codes, source)
    code_ids = {c["code_id"] for c in codes}
    notes = {
        context.guid(n): (n.get("name") or "", _note_text(n, load))
        for n in _children(root, "Notes", "Note")
    }
    links = _note_links(root, notes, context)
    variables = {
        context.guid(v): (
            context.attr(v, "name"),
            VARIABLE_TYPES.get(v.get("typeOfVariable", "Text"), "text"),
        )
        for v in _children(root, "Variables", "Variable")
    }
    reader = _SourceReader(
        context, users, code_ids, notes, links, variables, load, media_selections
    )
    sources_element = root.find("Sources")
    for element in [] if sources_element is None else list(sources_element):
        if element.tag in SOURCE_TAGS:
            reader.read_source(element)
    reader.read_cases(_children(root, "Cases", "Case"))
    sets, groups = _read_sets(root, context, reader)
    documents = pd.DataFrame(reader.documents, dtype=object)
    if groups:
        documents["group"] = [groups.get(d) for d in documents["doc_id"]]
    if sets_as_variables is None:
        sets_as_variables = not ours and root.find("Variables") is None
    doc_variables = reader.variables
    if sets_as_variables:
        doc_variables = doc_variables + _variables_from_sets(sets, doc_variables)
    convention = "codepoints" if ours and positions == "auto" else positions
    texts = (
        dict(zip(documents["doc_id"], documents["text"], strict=True)) if reader.documents else {}
    )
    codings, texts = _resolve_positions(reader.codings, texts, convention, source)
    if reader.documents:
        documents["text"] = [texts[d] for d in documents["doc_id"]]
    project = CodedProject(
        documents=documents if reader.documents else None,
        codes=pd.DataFrame(codes, dtype=object) if codes else None,
        codings=pd.DataFrame(codings, dtype=object) if codings else None,
        doc_variables=pd.DataFrame(doc_variables, dtype=object) if doc_variables else None,
        sets=pd.DataFrame(sets, dtype=object) if sets else None,
        name=root.get("name") or "",
        source=source,
    )
    return context.validate(project)


def _read_codes(codes_element: Element | None, context: _Context) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    top = codes_element.findall("Code") if codes_element is not None else []
    stack: list[tuple[Element, str | None, int]] = [(e, None, 1) for e in reversed(top)]
    while stack:  # depth-first in document order, without recursion
        element, parent, depth = stack.pop()
        if depth > MAX_CODE_DEPTH:
            raise context.fail(element, f"codes are nested more than {MAX_CODE_DEPTH} levels deep")
        code_id = context.guid(element)
        if code_id in context.guids:
            raise context.fail(element, f"GUID {code_id} is used twice")
        context.guids.add(code_id)
        name = context.attr(element, "name")
        color = element.get("color")
        if color is not None and not _COLOR.fullmatch(color.strip()):
            warnings.warn(
                f"{context.source}, {_describe(element)}: colour {color!r} is not #rrggbb; ignored",
                stacklevel=3,
            )
            color = None
        elif color is not None and len(color.strip()) == 4:
            color = "#" + "".join(ch * 2 for ch in color.strip()[1:])
        rows.append(
            {
                "code_id": code_id,
                "parent_id": parent,
                "name": name,
                "description": _text(element.find("Description")),
                "color": color,
            }
        )
        stack.extend((child, code_id, depth + 1) for child in reversed(element.findall("Code")))
    return rows


def _split_code_names(codes: list[dict[str, Any]], source: str = "") -> list[dict[str, Any]]:
    """Turn flat ``a::b::c`` names into a tree, reusing codes named by a path prefix."""
    by_path = {c["name"].strip(): c["code_id"] for c in codes}
    added: list[dict[str, Any]] = []

    def ensure(parts: list[str]) -> str | None:
        missing = len(parts)  # length of the longest prefix that is already a code
        while missing and "::".join(parts[:missing]) not in by_path:
            missing -= 1
        for k in range(missing + 1, len(parts) + 1):  # create missing ancestors, root first
            path = "::".join(parts[:k])
            code_id = str(uuid.uuid5(GUID_NAMESPACE, f"code-path:{path}"))
            added.append(
                {
                    "code_id": code_id,
                    "parent_id": by_path["::".join(parts[: k - 1])] if k > 1 else None,
                    "name": parts[k - 1],
                    "description": None,
                    "color": None,
                }
            )
            by_path[path] = code_id
        return by_path["::".join(parts)] if parts else None

    out = []
    for code in codes:
        parts = [p.strip() for p in code["name"].split("::")]
        if len(parts) > MAX_CODE_DEPTH:
            raise DataValidationError(
                source,
                f"code name has more than {MAX_CODE_DEPTH} '::' levels",
                element=f'<Code guid="{code["code_id"]}">',
            )
        if len(parts) > 1 and all(parts):
            code = {**code, "name": parts[-1], "parent_id": ensure(parts[:-1])}
        out.append(code)
    return out + added


class _SourceReader:
    """Collects documents, raw codings and variables from the ``<Sources>`` element."""

    def __init__(
        self,
        context: _Context,
        users: dict[str, str],
        code_ids: set[str],
        notes: dict[str, tuple[str, str]],
        links: dict[str, list[str]],
        variables: dict[str, tuple[str, str]],
        load: Callable[[str], str | None],
        media_selections: str,
    ) -> None:
        self.context, self.users, self.code_ids = context, users, code_ids
        self.notes, self.links, self.variable_defs = notes, links, variables
        self.load, self.media_selections = load, media_selections
        self.documents: list[dict[str, Any]] = []
        self.codings: list[dict[str, Any]] = []
        self.variables: list[dict[str, Any]] = []
        self.doc_ids: set[str] = set()
        self.present: set[tuple[str, str]] = set()  # (doc_id, variable) already valued

    def read_source(self, element: Element) -> None:
        doc_id = self.context.guid(element)
        if doc_id in self.doc_ids or doc_id in self.context.guids:
            raise self.context.fail(element, f"GUID {doc_id} is used twice")
        self.doc_ids.add(doc_id)
        text_holder = element if element.tag == "TextSource" else element.find("Representation")
        text = self._source_text(text_holder) if text_holder is not None else None
        path = element.get("plainTextPath") or element.get("path") or ""
        name = element.get("name") or path.rsplit("/", 1)[-1] or doc_id
        self.documents.append({"doc_id": doc_id, "name": name, "text": text, "group": None})
        for coding in element.findall("Coding"):  # whole-document codings
            self._add(doc_id, coding, element, None, None, evidence=None)
        for selection in element.iter("PlainTextSelection"):
            start = self._position(selection, "startPosition")
            end = self._position(selection, "endPosition")
            for coding in selection.findall("Coding"):
                self._add(doc_id, coding, selection, start, end, evidence=None)
        if self.media_selections == "document":
            for tag in MEDIA_SELECTIONS:
                for selection in element.iter(tag):
                    for coding in selection.findall("Coding"):
                        self._add(
                            doc_id,
                            coding,
                            selection,
                            None,
                            None,
                            evidence=_media_evidence(selection),
                        )
        self._read_values(doc_id, element.findall("VariableValue"))

    def read_cases(self, cases: Iterable[Element]) -> None:
        """Case variables apply to the case's sources unless a source sets its own value."""
        for case in cases:
            for ref in case.findall("SourceRef"):
                doc_id = self.context.normalise(ref.get("targetGUID"), ref)
                if doc_id in self.doc_ids:
                    self._read_values(doc_id, case.findall("VariableValue"))

    def _read_values(self, doc_id: str, values: list[Element]) -> None:
        present = self.present
        for value in values:
            ref = value.find("VariableRef")
            if ref is None:
                raise self.context.fail(value, "VariableValue without VariableRef")
            guid = self.context.normalise(ref.get("targetGUID"), ref)
            if guid not in self.variable_defs:
                raise self.context.fail(ref, f"unknown variable {guid}")
            name, kind = self.variable_defs[guid]
            if (doc_id, name) in present:
                continue
            present.add((doc_id, name))
            content = next((c for c in value if c.tag != "VariableRef"), None)
            raw = None if content is None or content.text is None else content.text.strip()
            self.variables.append(
                {"doc_id": doc_id, "variable": name, "value": raw or None, "type": kind}
            )

    def _source_text(self, holder: Element) -> str | None:
        content = holder.find("PlainTextContent")
        if content is not None and content.text:
            return content.text
        text_path = holder.get("plainTextPath")
        return self.load(text_path) if text_path else None

    def _position(self, selection: Element, name: str) -> int:
        raw = self.context.attr(selection, name)
        value = _int64(raw)
        if value is None or value < 0:
            raise self.context.fail(
                selection, f"{name} {raw[:40]!r} is not a whole number from 0 to {MAX_INT64}"
            )
        return value

    def _add(
        self,
        doc_id: str,
        coding: Element,
        selection: Element,
        start: int | None,
        end: int | None,
        evidence: str | None,
    ) -> None:
        ref = coding.find("CodeRef")
        if ref is None:
            raise self.context.fail(coding, "Coding without CodeRef")
        code_id = self.context.normalise(ref.get("targetGUID"), ref)
        if code_id not in self.code_ids:
            raise self.context.fail(ref, f"refers to unknown code {code_id}")
        user = coding.get("creatingUser") or selection.get("creatingUser")
        user_id = self.context.normalise(user, coding) if user else None
        whole = selection.tag in SOURCE_TAGS  # a coding of the whole source, no selection
        selection_id = (
            None
            if whole or not selection.get("guid")
            else self.context.normalise(selection.get("guid"), selection)
        )
        coding_id = (
            self.context.normalise(coding.get("guid"), coding) if coding.get("guid") else None
        )
        refs = coding.findall("NoteRef") + ([] if whole else selection.findall("NoteRef"))
        note_ids = [self.context.normalise(r.get("targetGUID"), r) for r in refs]
        note_ids += self.links.get(selection_id or "", []) + self.links.get(coding_id or "", [])
        memo_parts = [] if whole else [_text(selection.find("Description"))]
        extra: dict[str, str] = {}
        for note_id in note_ids:
            if note_id not in self.notes:
                continue
            name, text = self.notes[note_id]
            column = name[len(NOTE_PREFIX) :] if name.startswith(NOTE_PREFIX) else None
            if column in NOTE_COLUMNS:
                extra[column] = text
            else:
                memo_parts.append(text)
        memo = "\n\n".join(dict.fromkeys(p for p in memo_parts if p)) or None
        weight = extra.get("weight")
        if weight is not None and weight.strip() and _int64(weight) is None:
            raise self.context.fail(
                coding, f"weight {weight[:40]!r} is not a whole number within +-{MAX_INT64}"
            )
        self.codings.append(
            {
                "coding_id": coding_id
                or str(uuid.uuid5(GUID_NAMESPACE, f"coding:{selection_id}:{code_id}")),
                "doc_id": doc_id,
                "code_id": code_id,
                "start": start,
                "end": end,
                "text": extra.get("text"),
                "coder": self.users.get(user_id, user_id),
                "weight": _int64(weight) if weight and weight.strip() else None,
                "memo": memo,
                "section": extra.get("section"),
                "evidence": extra.get("evidence", evidence),
                "_selection": selection_id,
                "_element": _describe(selection),
            }
        )


def _read_sets(
    root: Element, context: _Context, reader: _SourceReader
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    sets: list[dict[str, Any]] = []
    groups: dict[str, str] = {}
    for element in _children(root, "Sets", "Set"):
        set_id, name = context.guid(element), context.attr(element, "name")
        is_group = _text(element.find("Description")) == GROUP_SET_MARKER
        for kind, tag, known in (
            ("code", "MemberCode", reader.code_ids),
            ("document", "MemberSource", reader.doc_ids),
        ):
            for member in element.findall(tag):
                target = context.normalise(member.get("targetGUID"), member)
                if target not in known:
                    raise context.fail(member, f"set member {target} is not a known {kind}")
                if is_group and kind == "document":
                    groups[target] = name
                else:
                    sets.append(
                        {
                            "set_id": set_id,
                            "set_name": name,
                            "member_type": kind,
                            "member_id": target,
                        }
                    )
    return sets, groups


def _variables_from_sets(
    sets: list[dict[str, Any]], existing: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Document sets named ``attribute: value`` (ATLAS.ti document groups) as variables."""
    members: dict[str, list[dict[str, Any]]] = {}
    for row in sets:
        members.setdefault(row["set_id"], []).append(row)
    values: dict[tuple[str, str], set[str]] = {}
    for rows in members.values():
        match = _ATTRIBUTE_SET.fullmatch(rows[0]["set_name"].strip())
        if (
            not match
            or "::" in rows[0]["set_name"]
            or any(r["member_type"] != "document" for r in rows)
        ):
            continue
        for row in rows:
            values.setdefault((row["member_id"], match.group(1)), set()).add(match.group(2))
    taken = {(v["doc_id"], v["variable"]) for v in existing}
    out = []
    by_variable: dict[str, list[str]] = {}
    for (doc_id, variable), found in sorted(values.items()):
        if (doc_id, variable) in taken:
            continue
        if len(found) > 1:
            warnings.warn(
                f"document {doc_id} is in several sets for {variable!r} "
                f"({sorted(found)}); value left unknown",
                stacklevel=4,
            )
        value = next(iter(found)) if len(found) == 1 else None
        out.append({"doc_id": doc_id, "variable": variable, "value": value, "type": "text"})
        if value is not None:
            by_variable.setdefault(variable, []).append(value)
    for row in out:
        seen = by_variable.get(row["variable"], [])
        if seen and all(_INT.fullmatch(v) for v in seen):
            row["type"] = "integer"
        elif seen and all(_FLOAT.fullmatch(v) for v in seen):
            row["type"] = "float"
    return out


def _resolve_positions(
    codings: list[dict[str, Any]], texts: dict[str, str | None], positions: str, source: str
) -> tuple[list[dict[str, Any]], dict[str, str | None]]:
    """Pick the position convention, convert to code points, fill texts, drop repeats."""
    candidates = _conventions(texts, positions)
    best = max(candidates, key=lambda c: _score(codings, c[1], c[2]))
    label, variant_texts, convert = best
    resolved: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    text_keys: set[tuple[Any, ...]] = set()
    misaligned: list[str] = []
    for row in codings:
        row = dict(row)
        text = variant_texts.get(row["doc_id"])
        if row["start"] is not None and text is not None:
            start, end = convert(text, row["start"]), convert(text, row["end"])
            if start is None or end is None or start > end:
                raise DataValidationError(
                    source,
                    f"selection {row['start']}-{row['end']} does not fit the document "
                    f"text ({len(text)} characters, positions counted as {label})",
                    element=row["_element"],
                )
            row["start"], row["end"] = start, end
            row["text"] = text[start:end]
            if not (_on_boundary(text, start) and _on_boundary(text, end)):
                misaligned.append(row["_element"])
        key = (row["doc_id"], row["code_id"], row["start"], row["end"], row["coder"])
        if row["start"] is not None and key in seen:
            continue
        if row["start"] is not None:
            seen.add(key)
            text_keys.add((row["_selection"], row["code_id"]))
        resolved.append(row)
    # A media selection that duplicates a text selection (same GUID and code) is dropped.
    resolved = [
        r
        for r in resolved
        if r["start"] is not None
        or r["evidence"] is None
        or (r["_selection"], r["code_id"]) not in text_keys
    ]
    if misaligned:
        warnings.warn(
            f"{source}: {len(misaligned)} of {len(codings)} coded selections do not "
            f"start and end at word boundaries with positions counted as {label} "
            f"(first: {misaligned[0]}); check the position convention",
            stacklevel=3,
        )
    used: dict[str, int] = {}
    for row in resolved:
        row.pop("_selection")
        row.pop("_element")
        count = used[row["coding_id"]] = used.get(row["coding_id"], 0) + 1
        if count > 1:  # a producer reused a Coding GUID: keep both, distinguishably
            row["coding_id"] = f"{row['coding_id']}-{count}"
    return resolved, variant_texts


def _conventions(texts: dict[str, str | None], positions: str) -> list[tuple[str, dict, Any]]:
    """Candidate (label, texts, converter) combinations; the first wins ties."""
    kinds = ["codepoints", "utf16"] if positions == "auto" else [positions]
    has_astral = any(t and not t.isascii() and _ASTRAL.search(t) for t in texts.values())
    if positions == "auto" and not has_astral:
        kinds = ["codepoints"]  # both conventions coincide
    variants = [("", texts)]
    if positions == "auto" and any(t and "\r\n" in t for t in texts.values()):
        lf = {d: (t.replace("\r\n", "\n") if t else t) for d, t in texts.items()}
        variants.append((", CRLF counted as one", lf))
    out = []
    for suffix, variant in variants:
        for kind in kinds:
            convert = _codepoint_position if kind == "codepoints" else _utf16_position
            out.append((kind + suffix, variant, convert))
    return out


def _score(codings: list[dict[str, Any]], texts: dict[str, str | None], convert: Any) -> int:
    """Boundaries that land on word boundaries; positions that do not fit count heavily."""
    score = 0
    for row in codings:
        text = texts.get(row["doc_id"])
        if row["start"] is None or text is None:
            continue
        for raw in (row["start"], row["end"]):
            position = convert(text, raw)
            score += -1000 if position is None else int(_on_boundary(text, position))
    return score


def _codepoint_position(text: str, position: int) -> int | None:
    return position if position <= len(text) else None


def _utf16_position(text: str, position: int) -> int | None:
    """Code-point index of a UTF-16 offset (``None`` inside a surrogate pair or past the end)."""
    astral, length = _astral_offsets(text)
    before = bisect.bisect_left(astral, position)  # astral characters starting before it
    if position > length or (before and astral[before - 1] == position - 1):
        return None
    return position - before


@functools.lru_cache(maxsize=64)
def _astral_offsets(text: str) -> tuple[list[int], int]:
    """UTF-16 offsets where characters outside the BMP start, and the UTF-16 length."""
    if text.isascii():
        return [], len(text)
    # the k-th astral character (0-based) at code-point index i starts at UTF-16 offset i + k
    offsets = [m.start() + k for k, m in enumerate(_ASTRAL.finditer(text))]
    return offsets, len(text) + len(offsets)


def _on_boundary(text: str, position: int) -> bool:
    if position <= 0 or position >= len(text):
        return True
    return not (text[position - 1].isalnum() and text[position].isalnum())


def _note_text(note: Element, load: Callable[[str], str | None]) -> str:
    content = note.find("PlainTextContent")
    if content is not None and content.text:
        return content.text
    if note.get("plainTextPath"):
        return load(note.get("plainTextPath", "")) or ""
    return _text(note.find("Description")) or ""


def _note_links(
    root: Element, notes: dict[str, tuple[str, str]], context: _Context
) -> dict[str, list[str]]:
    """Notes linked to a selection or coding through ``<Link>`` (ATLAS.ti memo relations)."""
    links: dict[str, list[str]] = {}
    for link in _children(root, "Links", "Link"):
        origin, target = link.get("originGUID"), link.get("targetGUID")
        if not origin or not target:
            continue
        origin, target = context.normalise(origin, link), context.normalise(target, link)
        if origin in notes:
            links.setdefault(target, []).append(origin)
        elif target in notes:
            links.setdefault(origin, []).append(target)
    return links


def _media_evidence(selection: Element) -> str:
    get = selection.get
    if selection.tag in ("PictureSelection", "PDFSelection"):
        page = f" page {get('page')}" if get("page") is not None else ""
        return (
            f"{selection.tag}{page} ({get('firstX')},{get('firstY')})-"
            f"({get('secondX')},{get('secondY')})"
        )
    if selection.tag in ("AudioSelection", "VideoSelection"):
        return f"{selection.tag} {get('begin')}-{get('end')} ms"
    return selection.tag


def _int64(raw: str) -> int | None:
    """``raw`` as an integer that fits Int64 (checked before any huge conversion), else None."""
    raw = raw.strip()
    if not _INT.fullmatch(raw) or len(raw.lstrip("+-").lstrip("0")) > 19:
        return None
    value = int(raw)
    return value if -MAX_INT64 - 1 <= value <= MAX_INT64 else None


def _candidate_members(text_path: str) -> list[str]:
    """Archive members that may hold a source: ``sources/<name>`` (any case) or the path."""
    name = _internal_name(text_path)
    if name is None:
        return []
    return [f"sources/{name}", name]


def _internal_name(text_path: str) -> str | None:
    text_path = text_path.strip()
    if text_path.lower().startswith("internal://"):
        return text_path[len("internal://") :]
    if "://" in text_path or text_path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", text_path):
        return None  # outside the archive: never followed
    return text_path


def _decode(raw: bytes, source: str | Path) -> str:
    """Source texts are UTF-8 (BOM tolerated); UTF-16 with a BOM is accepted too."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:  # odd byte count, lone surrogate
            offset = exc.start
            before = raw[: offset - offset % 2].decode("utf-16", errors="replace")
            line = before.count("\n") + 1
            raise DataValidationError(
                source,
                f"not valid UTF-16 ({exc.reason} at byte offset {offset}); "
                "source texts must be UTF-8, or UTF-16 with a BOM",
                row=line,
            ) from None
    return decode_strict(raw, source, hint="source texts must be UTF-8, or UTF-16 with a BOM")


def _parse_xml(data: bytes, source: str | Path, member: str | None = None) -> Element:
    """:func:`parse_xml` that also refuses unknown declared encodings and deep nesting."""
    try:
        root = parse_xml(data, source, member)
    except DataValidationError:
        raise
    except LookupError as exc:  # encoding="..." names no codec Python knows
        raise DataValidationError(
            source, f"XML declares an unknown encoding ({exc})", element=member
        ) from None
    except (UnicodeError, ValueError) as exc:  # a codec failing inside the parser
        raise DataValidationError(
            source, f"XML cannot be decoded ({exc})", element=member
        ) from None
    stack = [(root, 1)]  # iterative: a file cannot drive recursion
    while stack:
        element, depth = stack.pop()
        if depth > MAX_XML_DEPTH:
            raise DataValidationError(
                source,
                f"XML elements are nested more than {MAX_XML_DEPTH} levels deep",
                element=", ".join(filter(None, [member, f"<{str(element.tag).split('}')[-1]}>"])),
            )
        stack.extend((child, depth + 1) for child in element)
    return root


def _strip_namespaces(root: Element, source: str, expected: str) -> None:
    """Drop namespaces (1.0-1.5 share them) after checking the root is a REFI-QDA element."""
    namespace, _, local = (
        root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
    )
    if local != expected or not namespace.startswith("urn:QDA-XML:"):
        raise DataValidationError(
            source,
            f"not a REFI-QDA file: root element <{local}> in "
            f"namespace {namespace or '(none)'!r}, expected <{expected}> "
            "in urn:QDA-XML:...",
            element=f"<{local}>",
        )
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = element.tag.split("}", 1)[1]


def _children(root: Element, container: str, tag: str) -> list[Element]:
    parent = root.find(container)
    return [] if parent is None else parent.findall(tag)


def _text(element: Element | None) -> str | None:
    if element is None or element.text is None or not element.text.strip():
        return None
    return element.text


def _describe(element: Element | None) -> str | None:
    if element is None:
        return None
    keys = [k for k in ("guid", "name") if element.get(k)]
    attributes = "".join(f' {k}="{element.get(k)}"' for k in keys[:1])
    return f"<{element.tag}{attributes}>"


# --------------------------------------------------------------------------- writing


def refi_guid(kind: str, identifier: str) -> str:
    """The GUID the writer uses for an id: the id itself if it is a GUID, else a stable uuid5."""
    match = _GUID.fullmatch(identifier.strip())
    if match:
        return match.group(1).lower()
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{identifier}"))


def write_qdpx(project: CodedProject, path: str | Path) -> Path:
    """Write ``project`` as a REFI-QDA 1.0 ``.qdpx`` (``project.qde`` + ``sources/<guid>.txt``).

    Output is deterministic (GUIDs from :func:`refi_guid`, sorted elements, fixed zip
    timestamps) and written atomically. Columns REFI-QDA has no place for (``weight``,
    ``section``, ``evidence``, and ``text`` when the document has no transcript) travel as
    coding notes named ``ikz:<column>``; memos as ordinary notes; document groups as sets
    described ``ikz:document-group``. :func:`read_qdpx` restores all of them.

    Raises
    ------
    DataValidationError
        If the project does not validate, positions are paragraphs, or a variable has two types.
    """
    project = project.validate().sorted()
    if project.position_unit != "codepoint":
        raise DataValidationError(
            project.source,
            f"REFI-QDA positions are characters; this project counts {project.position_unit}s",
        )
    root, sources = _project_xml(project)
    ET.indent(root)
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    with ikz_io.atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in [("project.qde", xml), *sorted(sources.items())]:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, data)
    return Path(path)


def write_qdc(project: CodedProject, path: str | Path) -> Path:
    """Write the codes and code sets of ``project`` as a REFI-QDA codebook (``.qdc``).

    The file follows the REFI-QDA Codebook standard 1.0 (namespace :data:`CODEBOOK_NS`):
    the code tree with descriptions and colours, and the sets whose members are codes.
    GUIDs come from :func:`refi_guid`, so the same codebook always gives the same file;
    :func:`read_qdc` reads it back. Written atomically.

    Raises
    ------
    DataValidationError
        If the project does not validate or has no codes.
    """
    project = project.validate()
    if project.codes.empty:
        raise DataValidationError(project.source or "codebook", "the project has no codes")
    holder = ET.Element("holder")
    _codebook_xml(holder, project.codes)  # builds <CodeBook><Codes>, the root of a .qdc
    root = holder[0]
    root.attrib.update({"xmlns": CODEBOOK_NS, "origin": ORIGIN})
    code_sets = project.sets[project.sets["member_type"] == "code"]
    if not code_sets.empty:
        sets = ET.SubElement(root, "Sets")
        for set_id, members in code_sets.groupby("set_id", sort=True):
            name = members["set_name"].iloc[0]
            element = ET.SubElement(sets, "Set", {"guid": refi_guid("set", set_id), "name": name})
            for member in sorted(members["member_id"]):
                ET.SubElement(element, "MemberCode", {"targetGUID": refi_guid("code", member)})
    ET.indent(root)
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    with ikz_io.atomic_path(path) as tmp:
        tmp.write_bytes(xml)
    return Path(path)


def _project_xml(project: CodedProject) -> tuple[Element, dict[str, bytes]]:
    root = ET.Element(
        "Project", {"xmlns": PROJECT_NS, "name": project.name or "ikz project", "origin": ORIGIN}
    )
    codings = project.codings
    coders = sorted({c for c in codings["coder"] if c is not None})
    user_guid = {c: refi_guid("user", c) for c in coders}
    if coders:
        users = ET.SubElement(root, "Users")
        for coder in coders:
            ET.SubElement(users, "User", {"guid": user_guid[coder], "name": coder})
    _codebook_xml(root, project.codes)
    var_guid = _variables_xml(root, project.doc_variables)
    notes: list[tuple[str, str, str]] = []
    sources: dict[str, bytes] = {}
    by_doc: dict[str, list[Any]] = {}
    for row in codings.itertuples(index=False):  # one pass; rows stay sorted by coding_id
        by_doc.setdefault(row.doc_id, []).append(row)
    sources_el = ET.SubElement(root, "Sources") if len(project.documents) else None
    for doc in project.documents.itertuples(index=False):
        guid = refi_guid("document", doc.doc_id)
        element = ET.SubElement(sources_el, "TextSource", {"guid": guid, "name": doc.name})
        if doc.text is None:
            ET.SubElement(element, "PlainTextContent")
        else:
            element.set("plainTextPath", f"internal://{guid}.txt")
            sources[f"sources/{guid}.txt"] = doc.text.encode("utf-8")
        mine = by_doc.get(doc.doc_id, [])
        spans: dict[tuple[int, int], list[Any]] = {}
        for row in mine:
            if not pd.isna(row.start):
                spans.setdefault((int(row.start), int(row.end)), []).append(row)
        for (start, end), rows in sorted(spans.items()):
            selection = ET.SubElement(
                element,
                "PlainTextSelection",
                {
                    "guid": refi_guid("selection", f"{doc.doc_id}:{start}:{end}"),
                    "startPosition": str(start),
                    "endPosition": str(end),
                },
            )
            for row in rows:
                _coding_xml(selection, row, user_guid, notes, derived_text=doc.text is not None)
        for row in mine:
            if pd.isna(row.start):
                _coding_xml(element, row, user_guid, notes, derived_text=False)
        values = project.doc_variables[project.doc_variables["doc_id"] == doc.doc_id]
        for row in values.itertuples(index=False):
            value = ET.SubElement(element, "VariableValue")
            ET.SubElement(value, "VariableRef", {"targetGUID": var_guid[row.variable]})
            if row.value is not None:
                ET.SubElement(value, VALUE_ELEMENTS[row.type]).text = row.value
    if notes:
        notes_el = ET.SubElement(root, "Notes")
        for guid, name, text in notes:
            note = ET.SubElement(notes_el, "Note", {"guid": guid, "name": name})
            ET.SubElement(note, "PlainTextContent").text = text
    _sets_xml(root, project)
    return root, sources


def _codebook_xml(root: Element, codes: pd.DataFrame) -> None:
    if codes.empty:
        return
    children: dict[str | None, list[Any]] = {}
    for row in codes.itertuples(index=False):
        children.setdefault(row.parent_id, []).append(row)
    holder = ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes")

    def add(parent_el: Element, parent_id: str | None) -> None:
        for row in children.get(parent_id, []):
            attributes = {
                "guid": refi_guid("code", row.code_id),
                "name": row.name,
                "isCodable": "true",
            }
            if row.color is not None:
                attributes["color"] = row.color
            element = ET.SubElement(parent_el, "Code", attributes)
            if row.description is not None:
                ET.SubElement(element, "Description").text = row.description
            add(element, row.code_id)

    add(holder, None)


def _variables_xml(root: Element, variables: pd.DataFrame) -> dict[str, str]:
    types: dict[str, str] = {}
    for i, row in enumerate(variables.itertuples(index=False)):
        if types.setdefault(row.variable, row.type) != row.type:
            raise DataValidationError(
                "doc_variables",
                f"variable {row.variable!r} has types {types[row.variable]!r} and {row.type!r}",
                row=i,
                element="type",
            )
    guids = {name: refi_guid("variable", name) for name in types}
    if types:
        holder = ET.SubElement(root, "Variables")
        reverse = {v: k for k, v in VARIABLE_TYPES.items() if k != "DateTime"}
        for name in sorted(types):
            ET.SubElement(
                holder,
                "Variable",
                {"guid": guids[name], "name": name, "typeOfVariable": reverse[types[name]]},
            )
    return guids


def _coding_xml(
    parent: Element,
    row: Any,
    user_guid: dict[str, str],
    notes: list[tuple[str, str, str]],
    *,
    derived_text: bool,
) -> None:
    attributes = {"guid": refi_guid("coding", row.coding_id)}
    if row.coder is not None:
        attributes["creatingUser"] = user_guid[row.coder]
    element = ET.SubElement(parent, "Coding", attributes)
    ET.SubElement(element, "CodeRef", {"targetGUID": refi_guid("code", row.code_id)})
    extra = {
        "memo": row.memo,
        "weight": None if pd.isna(row.weight) else str(int(row.weight)),
        "section": row.section,
        "evidence": row.evidence,
        "text": None if derived_text else row.text,
    }
    for column, value in extra.items():
        if value is None:
            continue
        guid = refi_guid("note", f"{row.coding_id}:{column}")
        notes.append((guid, "Memo" if column == "memo" else NOTE_PREFIX + column, value))
        ET.SubElement(element, "NoteRef", {"targetGUID": guid})


def _sets_xml(root: Element, project: CodedProject) -> None:
    groups: dict[str, list[str]] = {}
    for doc_id, group in zip(project.documents["doc_id"], project.documents["group"], strict=True):
        if group is not None:
            groups.setdefault(group, []).append(doc_id)
    if project.sets.empty and not groups:
        return
    holder = ET.SubElement(root, "Sets")
    for set_id, members in project.sets.groupby("set_id", sort=True):
        element = ET.SubElement(
            holder, "Set", {"guid": refi_guid("set", set_id), "name": members["set_name"].iloc[0]}
        )
        for tag, kind in (("MemberCode", "code"), ("MemberSource", "document")):
            for member in sorted(members.loc[members["member_type"] == kind, "member_id"]):
                ET.SubElement(element, tag, {"targetGUID": refi_guid(kind, member)})
    for group, doc_ids in sorted(groups.items()):
        element = ET.SubElement(holder, "Set", {"guid": refi_guid("group", group), "name": group})
        ET.SubElement(element, "Description").text = GROUP_SET_MARKER
        for doc_id in sorted(doc_ids):
            ET.SubElement(element, "MemberSource", {"targetGUID": refi_guid("document", doc_id)})
