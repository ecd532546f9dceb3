"""The examples in the library's docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "ikzlib.keyfigures",
    "ikzlib.catalog",
    "ikzlib.studies",
    "ikzlib.gemeindeverband",
    "ikzlib.i18n",
    "ikzlib.display",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
