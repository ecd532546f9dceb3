"""The works the suite relies on: in-text citations and reference lists from one CSL-JSON file.

``ikzlib/references.json`` (CSL-JSON, package data) holds the case study and every method,
data set and model source the suite uses. Code and reports cite a work by its key::

    cite("shapley1953")              # '(Shapley 1953)'
    cite("guest2020", page="e0232076")
    references(["shapley1953", "young1982"], lang="de")

Every call of ``cite`` with a key in :mod:`ikzlib` must name a key of the file (tests grep for
:data:`CITE_PATTERN`). Formatting is author-year in the style of APA with the small German
variants (``Hrsg.``, ``S.``, ``Aufl.``, ``o. J.``); titles are in italics as Markdown, and
every string is HTML-escaped, so the result is safe in Markdown and HTML reports alike.
Fields the sources do not give are left out of the file, never guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.i18n import DEFAULT_LANGUAGE, check_language

REFERENCES_FILE = Path(__file__).with_name("references.json")
CITE_PATTERN = re.compile(r"""\bcite\(\s*["']([^"']+)["']""")
REQUIRED_FIELDS = ("id", "type", "title")

# Bibliographic abbreviations per language. Kept here rather than in the global i18n table:
# short words such as "In" or "Note" mean other things in other modules.
TERMS = {
    "en": {
        "n.d.": "n.d.",
        "et al.": "et al.",
        "and": " & ",
        "ed.": "ed.",
        "In": "In",
        "Ed.": "Ed.",
        "Eds.": "Eds.",
        "p.": "p.",
        "pp.": "pp.",
        "Note": "Note",
        "and_list": " & ",
    },
    "de": {
        "n.d.": "o. J.",
        "et al.": "et al.",
        "and": "/",
        "ed.": "Aufl.",
        "In": "In",
        "Ed.": "Hrsg.",
        "Eds.": "Hrsg.",
        "p.": "S.",
        "pp.": "S.",
        "Note": "Anmerkung",
        "and_list": " und ",
    },
}


def _term(name: str, lang: str) -> str:
    return TERMS[lang][name]


@lru_cache(maxsize=4)
def _load(path: Path, _mtime: int) -> dict[str, dict[str, Any]]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataValidationError(path, f"not readable as CSL-JSON ({exc})") from None
    if not isinstance(entries, list):
        raise DataValidationError(path, "CSL-JSON must be a list of entries")
    works: dict[str, dict[str, Any]] = {}
    for number, entry in enumerate(entries, start=1):
        missing = [f for f in REQUIRED_FIELDS if not entry.get(f)]
        if missing:
            raise DataValidationError(path, f"missing {', '.join(missing)}", row=number)
        if entry["id"] in works:
            raise DataValidationError(path, f"duplicate id {entry['id']!r}", row=number)
        if not (entry.get("author") or entry.get("title-short")):
            raise DataValidationError(
                path, "an entry needs an author or a title-short to be cited", row=number
            )
        works[entry["id"]] = entry
    return works


def load_references(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """The CSL-JSON entries by key (validated: ids unique, type and title present)."""
    path = Path(path) if path is not None else REFERENCES_FILE
    if not path.is_file():
        raise DataValidationError(path, "file not found")
    return _load(path, path.stat().st_mtime_ns)


def _entry(key: str, works: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if key not in works:
        close = sorted(k for k in works if k[:4] == key[:4]) or sorted(works)[:8]
        raise ParameterError(
            f"unknown reference key {key!r}; known keys include: {', '.join(close)} "
            f"(all keys are in {REFERENCES_FILE.name})"
        )
    return works[key]


def _year(entry: dict[str, Any], lang: str) -> str:
    parts = entry.get("issued", {}).get("date-parts", [[]])
    return str(parts[0][0]) if parts and parts[0] else _term("n.d.", lang)


def _family(name: dict[str, str]) -> str:
    return name.get("literal") or name["family"]


def _citation_names(entry: dict[str, Any], lang: str) -> str:
    authors = entry.get("author") or []
    if not authors:
        return entry["title-short"]
    families = [_family(a) for a in authors]
    if len(families) == 1:
        return families[0]
    if len(families) == 2:
        return _term("and", lang).join(families)
    return f"{families[0]} {_term('et al.', lang)}"


def cite(key: str, lang: str = DEFAULT_LANGUAGE, page: str | None = None) -> str:
    """Short author-year citation in parentheses, e.g. ``(Shapley 1953)``.

    Two authors are joined by ``&`` (English) or ``/`` (German), three or more shortened to
    the first with ``et al.``; works without a personal author use their ``title-short``.
    ``page`` adds ``, p. 22`` (``S. 22``).

    Raises
    ------
    ParameterError
        For a key the bibliography does not hold (the message lists similar keys).
    """
    check_language(lang)
    entry = _entry(key, load_references())
    text = f"{_citation_names(entry, lang)} {_year(entry, lang)}"
    if page is not None:
        text += f", {_term('p.', lang)} {page}"
    return f"({_safe(text)})"


def _safe(text: str) -> str:
    """``text`` without markup: ``<`` and ``>`` become entities (``&`` alone is harmless)."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _ordinal(number: str, lang: str) -> str:
    if lang == "de" or not number.isdigit():
        return f"{number}."
    value = int(number)
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def _initials(given: str) -> str:
    parts = re.split(r"([\s-])", given.strip())
    return "".join(p if p in (" ", "-") else f"{p[0]}." for p in parts if p)


def _person(name: dict[str, str], inverted: bool) -> str:
    if "literal" in name:
        return name["literal"]
    given = _initials(name.get("given", ""))
    if not given:
        return name["family"]
    return f"{name['family']}, {given}" if inverted else f"{given} {name['family']}"


def _names(names: list[dict[str, str]], lang: str, inverted: bool) -> str:
    people = [_person(n, inverted) for n in names]
    if len(people) == 1:
        return people[0]
    head = ", ".join(people[:-1])
    if lang == "en":  # APA: a comma before "&" except between two editors
        comma = "" if len(people) == 2 and not inverted else ","
        return f"{head}{comma} & {people[-1]}"
    return f"{head}{_term('and_list', lang)}{people[-1]}"


def _pages(entry: dict[str, Any], lang: str) -> str:
    page = entry["page"].replace("-", "–")
    return f"{_term('pp.' if '–' in page else 'p.', lang)} {page}"


def _container(entry: dict[str, Any], lang: str) -> str:
    """The part after the title: journal, book of a chapter, or publisher."""
    kind = entry["type"]
    if kind == "article-journal":
        text = f"*{entry.get('container-title', '')}*"
        if entry.get("volume"):
            text += f", *{entry['volume']}*"
        if entry.get("issue"):
            text += f"({entry['issue']})"
        if entry.get("page"):
            text += f", {entry['page'].replace('-', '–')}"
        return text + "."
    parts = []
    if kind == "chapter":
        editors = entry.get("editor") or []
        label = _term("Eds." if len(editors) > 1 else "Ed.", lang)
        lead = (
            f"{_term('In', lang)} {_names(editors, lang, inverted=False)} ({label}), "
            if editors
            else ""
        )
        book = f"{lead}*{entry.get('container-title', '')}*"
        details = [
            s for s in (_series(entry), _pages(entry, lang) if entry.get("page") else "") if s
        ]
        parts.append(book + (f" ({'; '.join(details)})" if details else "") + ".")
    elif entry.get("collection-title"):
        parts.append(f"{_series(entry)}.")
    publisher = ": ".join(s for s in (entry.get("publisher-place"), entry.get("publisher")) if s)
    if publisher:
        parts.append(f"{publisher}.")
    return " ".join(parts)


def _series(entry: dict[str, Any]) -> str:
    series = entry.get("collection-title", "")
    number = entry.get("collection-number")
    return f"{series} {number}" if series and number else series


def _title(entry: dict[str, Any], lang: str) -> str:
    title = entry["title"]
    edition = (
        f" ({_ordinal(entry['edition'], lang)} {_term('ed.', lang)})"
        if entry.get("edition")
        else ""
    )
    if entry["type"] in ("article-journal", "chapter"):
        return f"{title}{edition}."
    return f"*{title}*{edition}."


def reference(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """One formatted reference (Markdown, HTML-escaped): author, year, title, source, link."""
    check_language(lang)
    entry = _entry(key, load_references())
    authors = entry.get("author") or []
    lead = _names(authors, lang, inverted=True) if authors else entry["title-short"]
    pieces = [f"{lead} ({_year(entry, lang)}).", _title(entry, lang), _container(entry, lang)]
    if entry.get("ISBN"):
        pieces.append(f"ISBN {entry['ISBN']}.")
    if entry.get("DOI"):
        pieces.append(f"https://doi.org/{entry['DOI']}")
    elif entry.get("URL"):
        pieces.append(entry["URL"])
    if entry.get("note"):
        pieces.append(f"{_term('Note', lang)}: {entry['note']}")
    return _safe(" ".join(p for p in pieces if p and p != "."))


def _sort_key(entry: dict[str, Any]) -> tuple[str, str, str]:
    authors = entry.get("author") or []
    lead = _family(authors[0]) if authors else entry["title-short"]
    parts = entry.get("issued", {}).get("date-parts", [[]])
    year = str(parts[0][0]) if parts and parts[0] else ""
    return (lead.casefold(), year, entry["title"].casefold())


def references(keys: Iterable[str], lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Formatted reference list of ``keys`` (duplicates dropped), sorted by author and year.

    Raises
    ------
    ParameterError
        For a key the bibliography does not hold.
    """
    works = load_references()
    entries = [_entry(k, works) for k in dict.fromkeys(keys)]
    return [reference(e["id"], lang) for e in sorted(entries, key=_sort_key)]


def cited_keys(text: str) -> list[str]:
    """Keys of every call of ``cite`` with a literal key in ``text``, in order of appearance."""
    return list(dict.fromkeys(CITE_PATTERN.findall(text)))
