"""Report language: English and German text and number formatting.

English is the source language; every module that shows text registers the German of its own
strings with :func:`register` (template strings may hold ``{placeholders}``). :func:`tr`
translates at display time, so a study computes once and shows in either language.

Sentences that hold values are built with :class:`Message`: it *is* the English string (it can be
printed, joined and compared like any ``str``) and remembers its template and values, so that
``tr(message, "de")`` renders the German template with German number formatting.

Examples
--------
>>> register({"{n} units have no tie": "{n} Einheiten haben keine Verbindung"})
>>> note = Message("{n} units have no tie", n=1234)
>>> note
'1,234 units have no tie'
>>> tr(note, "de")
'1.234 Einheiten haben keine Verbindung'
>>> format_number(0.6923, 2, "de")
'0,69'
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

LANGUAGES = ("en", "de")
DEFAULT_LANGUAGE = "en"

_GERMAN: dict[str, str] = {}


def check_language(lang: str) -> str:
    """Return ``lang`` if it is a supported language, else raise ``ValueError``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return lang


def register(german: Mapping[str, str]) -> None:
    """Add German translations (English source text -> German text).

    A later registration of the same English text must agree with the first one, so two
    modules cannot silently translate a shared label differently.
    """
    for english, text in german.items():
        known = _GERMAN.setdefault(english, text)
        if known != text:
            raise ValueError(f"conflicting German for {english!r}: {known!r} vs {text!r}")


def format_number(value: Any, decimals: int = 0, lang: str = DEFAULT_LANGUAGE) -> str:
    """Format a number with thousands separators in the language's convention.

    ``decimals`` below 0 rounds to tens, hundreds, ...; ``None`` and NaN give an en dash.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if decimals < 0:
        value = round(float(value), decimals)
        decimals = 0
    text = f"{value:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _value(value: Any, lang: str) -> Any:
    if isinstance(value, Message):
        return tr(value, lang)
    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        return value
    if isinstance(value, numbers.Integral):
        return format_number(int(value), 0, lang)
    return format_number(float(value), 2, lang)


class Message(str):
    """A sentence with values that can be rendered again in another language.

    Integers get thousands separators and floats two decimals; pass a string (e.g. from
    :func:`format_number`) for another precision, or a :class:`Number`.
    """

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Message:
        text = template.format(**{k: _value(v, "en") for k, v in values.items()})
        message = super().__new__(cls, text)
        message.template = template
        message.values = values
        return message

    def __reduce__(self):
        return (_rebuild, (self.template, self.values))

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The sentence in ``lang``."""
        template = _GERMAN.get(self.template, self.template) if lang == "de" else self.template
        return template.format(**{k: _value(v, lang) for k, v in self.values.items()})


class Number(Message):
    """A number with a fixed precision that follows the language's separators."""

    def __new__(cls, value: float, decimals: int = 0) -> Number:
        number = super().__new__(cls, "{text}", text=format_number(value, decimals, "en"))
        number.values = {"value": value, "decimals": decimals}
        return number

    def __reduce__(self):
        return (Number, (self.values["value"], self.values["decimals"]))

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return format_number(self.values["value"], self.values["decimals"], lang)


class Joined(Message):
    """Sentence parts (messages or names) joined by ``sep``, each rendered in the language.

    >>> tr(Joined([Message("{n} units", n=1200), "Harz"], ", ", capitalize=True), "de")
    '1.200 units, Harz'
    """

    def __new__(cls, parts: Sequence[str], sep: str = "; ", *, capitalize: bool = False):
        joined = super().__new__(cls, "{text}", text=_join(parts, sep, capitalize, "en"))
        joined.values = {"parts": tuple(parts), "sep": sep, "capitalize": capitalize}
        return joined

    def __reduce__(self):
        values = self.values
        return (_rebuild_joined, (values["parts"], values["sep"], values["capitalize"]))

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        values = self.values
        return _join(values["parts"], values["sep"], values["capitalize"], lang)


def _join(parts: Sequence[str], sep: str, capitalize: bool, lang: str) -> str:
    text = sep.join(tr(part, lang) for part in parts)
    return text[:1].upper() + text[1:] if capitalize else text


def _rebuild_joined(parts: Sequence[str], sep: str, capitalize: bool) -> Joined:
    return Joined(parts, sep, capitalize=capitalize)


def _rebuild(template: str, values: dict[str, Any]) -> Message:
    return Message(template, **values)


def tr(text: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """``text`` in ``lang``: registered German, else the English text unchanged."""
    if isinstance(text, Message):
        return text.render(lang)
    if lang == "de":
        return _GERMAN.get(text, text)
    return str(text)


def missing_translations(texts: list[str]) -> list[str]:
    """The texts (or message templates) among ``texts`` with no registered German."""
    templates = [t.template if isinstance(t, Message) else str(t) for t in texts]
    return sorted({t for t in templates if t not in _GERMAN})
