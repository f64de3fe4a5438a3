"""The test suite is one suite: shared helpers live in `tests/helpers` (or `tests/fakes`), and a
`conftest.py` holds fixtures and hooks only, so nothing imports from one (pytest loads conftest
modules itself, under names of its own: an import of one is a second copy of it)."""

from __future__ import annotations

import ast

import pytest

from monitors.naming import PROJECT_ROOT

TESTS = PROJECT_ROOT / "tests"


def conftest_imports(source: str) -> list[str]:
    """The modules named `conftest` (or a `conftest` taken from a package) that `source` imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if "conftest" in a.name.split(".")]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if "conftest" in module.split("."):
                found.append(module)
            found += [f"{module}.{a.name}" for a in node.names if a.name == "conftest"]
    return found


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from tests.stackops.conftest import TABLES", ["tests.stackops.conftest"]),
        ("import tests.export.conftest as c", ["tests.export.conftest"]),
        ("from tests.stackops import conftest", ["tests.stackops.conftest"]),
        ("from conftest import fake", ["conftest"]),
        ("def f():\n    from tests.engine.conftest import Project", ["tests.engine.conftest"]),
        ("from tests.helpers.fake_cli import TABLES", []),
        ("import tests.helpers.conftest_like", []),
    ],
)
def test_an_import_of_a_conftest_module_is_found(source, found):
    assert conftest_imports(source) == found


def test_no_test_module_imports_from_a_conftest_module():
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): found
        for path in sorted(TESTS.rglob("*.py"))
        if (found := conftest_imports(path.read_text()))
    }
    assert offenders == {}, (
        "move what these import to tests/helpers (a fixture to a conftest above)"
    )


def non_fixtures(source: str) -> list[str]:
    """What a conftest module defines besides fixtures and `pytest_` hooks: classes, functions."""
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            found.append(node.name)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            fixture = any("fixture" in ast.unparse(d) for d in node.decorator_list)
            if not fixture and not node.name.startswith("pytest_"):
                found.append(node.name)
    return found


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("@pytest.fixture\ndef fake(): ...", []),
        ('@pytest.fixture(scope="module")\ndef fake(): ...', []),
        ("def pytest_collection_modifyitems(items): ...", []),
        ("def full_name(stack, table): ...", ["full_name"]),
        ("class Console: ...", ["Console"]),
    ],
)
def test_what_is_not_a_fixture_or_a_hook_is_found(source, found):
    assert non_fixtures(source) == found


def test_a_conftest_module_holds_fixtures_and_hooks_only():
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): found
        for path in sorted(TESTS.rglob("conftest.py"))
        if (found := non_fixtures(path.read_text()))
    }
    assert offenders == {}, "move these to tests/helpers"
