"""Packaging: pyproject.toml is the single source of dependencies; the rest must follow it."""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml  # installed with papermill

from ikzlib import paths

ROOT = paths.PROJECT_ROOT

# What the foundation issue names as the suite's dependencies.
REQUIRED = {
    "pandas",
    "geopandas",
    "matplotlib",
    "networkx",
    "statsmodels",
    "papermill",
    "nbval",
    "jupyterlab",
    "ipykernel",
    "openpyxl",
}
REQUIRED_DEV = {"pytest", "ruff"}


def _name(requirement: str) -> str:
    """Distribution name of a PEP 508 requirement, normalised."""
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def test_pyproject_declares_the_named_dependencies(pyproject: dict):
    project = pyproject["project"]
    names = {_name(r) for r in project["dependencies"]}
    assert names >= REQUIRED, REQUIRED - names
    dev = {_name(r) for r in project["optional-dependencies"]["dev"]}
    assert dev >= REQUIRED_DEV, REQUIRED_DEV - dev
    assert not names & dev, "a dependency is listed both as runtime and dev"
    assert project["scripts"]["ikz"] == "ikzlib.cli:main"


def test_environment_installs_the_package_with_dev_extra(environment: dict, pyproject: dict):
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    pip_sections = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    assert len(pip_sections) == 1
    assert pip_sections[0] == ["-e .[dev]"]
    # conda provides only the interpreter and pip; everything else comes from pyproject
    assert sorted(_name(d) for d in conda) == ["pip", "python"]
    python = next(d for d in conda if _name(d) == "python")
    assert python.replace(" ", "") == "python" + pyproject["project"]["requires-python"]


def test_requires_python_is_at_least_311(pyproject: dict):
    match = re.fullmatch(r">=\s*3\.(\d+)", pyproject["project"]["requires-python"])
    assert match and int(match.group(1)) >= 11


def test_make_and_ci_entry_points():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, flags=re.MULTILINE))
    assert {"report", "test", "lab", "lint", "clean", "help"} <= targets
    for target in ("report", "test"):  # both bootstrap the virtualenv themselves
        line = re.search(rf"^{target}:(.*)$", makefile, flags=re.MULTILINE).group(1)
        assert "$(STAMP)" in line
    assert "-e '.[dev]'" in makefile or '-e ".[dev]"' in makefile or "-e .[dev]" in makefile
    ci = ROOT / ".ci" / "run"
    assert ci.stat().st_mode & 0o111, ".ci/run must be executable"
    text = ci.read_text(encoding="utf-8")
    assert "set -e" in text and re.search(r"^make test$", text, flags=re.MULTILINE)
