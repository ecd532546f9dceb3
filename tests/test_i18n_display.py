"""Report language (English/German) and readable tables."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from ikzlib import i18n
from ikzlib.display import table
from ikzlib.i18n import Message, Number, format_number, register, tr

register(
    {
        "{n} Gemeinden, {share} in small ones": "{n} Gemeinden, davon {share} in kleinen",
        "Test inhabitants label": "Test-Einwohnerlabel",
    }
)


@pytest.mark.parametrize(
    ("value", "decimals", "lang", "text"),
    [
        (1234567.891, 2, "en", "1,234,567.89"),
        (1234567.891, 2, "de", "1.234.567,89"),
        (302849, -2, "en", "302,800"),
        (302849, -2, "de", "302.800"),
        (float("nan"), 1, "de", "–"),
        (None, 0, "en", "–"),
    ],
)
def test_numbers_follow_the_language(value, decimals, lang, text):
    assert format_number(value, decimals, lang) == text


def test_message_is_english_text_and_renders_german_with_german_numbers():
    message = Message("{n} Gemeinden, {share} in small ones", n=10997, share=Number(32.43, 1))
    assert message == "10,997 Gemeinden, 32.4 in small ones"
    assert message.upper().startswith("10,997")  # an ordinary str for existing code
    assert tr(message, "de") == "10.997 Gemeinden, davon 32,4 in kleinen"
    assert tr(message, "en") == message


def test_message_survives_pickling_for_process_pools():
    message = Message("{n} Gemeinden, {share} in small ones", n=3, share=Number(0.5, 2))
    again = pickle.loads(pickle.dumps(message))
    assert again == message and tr(again, "de") == "3 Gemeinden, davon 0,50 in kleinen"


def test_untranslated_text_stays_english_and_is_listed():
    assert tr("Some new label", "de") == "Some new label"
    assert i18n.missing_translations(["Test inhabitants label", "Some new label"]) == [
        "Some new label"
    ]


def test_conflicting_translations_are_refused():
    with pytest.raises(ValueError, match="conflicting German for 'Test inhabitants label'"):
        register({"Test inhabitants label": "Bevölkerung"})


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        i18n.check_language("fr")


def test_table_has_human_columns_no_index_and_full_cells():
    long_text = "A finding that is much longer than the pandas fifty-character column limit " * 3
    frame = pd.DataFrame(
        {"finding": [long_text], "population": [209117], "share": [0.32431], "ok": [True]},
        index=[7],
    )
    shown = table(
        frame,
        {
            "finding": "Test finding",
            "population": "Test inhabitants label",
            "share": "Test share",
            "ok": "Test ok",
        },
        lang="de",
        decimals={"share": 3},
    )
    html = shown._repr_html_()
    assert long_text.strip() in html and "…" not in html and "..." not in html
    assert "<th" in html and ">Test-Einwohnerlabel<" in html
    assert ">209.117<" in html and ">0,324<" in html and ">ja<" in html
    assert ">7<" not in html  # the index is not shown
    assert list(shown.cells.columns) == [
        "Test finding",
        "Test-Einwohnerlabel",
        "Test share",
        "Test ok",
    ]


def test_table_refuses_unknown_columns():
    with pytest.raises(KeyError, match="no column"):
        table(pd.DataFrame({"a": [1]}), {"b": "B"})


def test_columns_of_numbers_with_their_own_decimals_are_right_aligned():
    frame = pd.DataFrame({"value": pd.Series([Number(0.5, 2), Number(1234, 0)], dtype=object)})
    html = table(frame, lang="de")._repr_html_()
    assert 'text-align:right;white-space:normal">0,50<' in html
    assert ">1.234<" in html


def test_every_module_imports_without_conflicting_translations():
    """Each module registers its own German; two modules may share a label only verbatim."""
    import importlib
    import pkgutil

    import ikzlib

    names = [m.name for m in pkgutil.walk_packages(ikzlib.__path__, "ikzlib.")]
    for name in names:
        importlib.import_module(name)
    assert len(names) > 40
