"""Every dotted path `monitors.<package>.<module>` written in the code's docstrings and comments or in the docs
names a module, package or name that exists, so a reader following one is never lost."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from functools import cache
from pathlib import Path

import pytest

from monitors.naming import PROJECT_ROOT
from tests.docs.markdown import pages

DOTTED = re.compile(r"(?<![\w./-])monitors(?:\.[A-Za-z_]\w*)+")
DOCUMENTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
SOURCES = sorted(
    [
        *(PROJECT_ROOT / "monitors").rglob("*.py"),
        *(PROJECT_ROOT / "tests").rglob("*.py"),
        *(PROJECT_ROOT / "bench").rglob("*.py"),
        PROJECT_ROOT / "__main__.py",
        *pages(),
    ]
)


@cache
def defined_names(path: Path) -> frozenset[str]:
    """Every name a module defines or imports, at any depth (a class's methods included); read,
    not imported, since importing `monitors.__main__` would run the command line."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return frozenset(names)


def resolves(dotted: str) -> bool:
    """The longest prefix that is a module or package, the rest names defined in it."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        base = PROJECT_ROOT.joinpath(*parts[:cut])
        if cut == len(parts) and base.is_dir():  # a package, or a data folder (declarations)
            return True
        source = base.with_suffix(".py") if base.with_suffix(".py").is_file() else None
        source = source or (base / "__init__.py" if (base / "__init__.py").is_file() else None)
        if source is not None:
            return all(name in defined_names(source) for name in parts[cut:])
    return False


def prose(path: Path) -> str:
    """What a reader reads: a page whole; of Python source, its docstrings and comments."""
    text = path.read_text()
    if path.suffix != ".py":
        return text
    tree = ast.parse(text)
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, DOCUMENTED))]
    docstrings = [ast.get_docstring(n) or "" for n in nodes]
    lines = io.StringIO(text).readline
    comments = [t.string for t in tokenize.generate_tokens(lines) if t.type == tokenize.COMMENT]
    return "\n".join(docstrings + comments)


def mentions(path: Path) -> set[str]:
    # A trailing dot ends a sentence; a `.py` suffix names the module's file.
    return {m.removesuffix(".py") for m in DOTTED.findall(prose(path))}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_every_dotted_module_path_exists(path):
    stale = sorted(m for m in mentions(path) if not resolves(m))
    assert stale == [], f"{path.relative_to(PROJECT_ROOT)} names what does not exist: {stale}"
