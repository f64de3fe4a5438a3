"""The architecture the tree shows, kept so: no import cycles, imports only point down the layers.

Imports are read from the source (every `import` statement, function-level ones included: a lazy
import is still a dependency), so a cycle or a layer breach fails here before it can bite.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from monitors.naming import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "monitors"
# Layers from the bottom up; a module may import its own layer and the ones below it only.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "monitors.errors",
        "monitors.naming",
        "monitors.scrubber",
        "monitors.atomic",
        "monitors.version",
    ),
    ("monitors.declared",),
    ("monitors.desired",),
    ("monitors.export",),
    ("monitors.workspace",),
    ("monitors.program",),
    ("monitors.stackops", "monitors.change_report"),
    ("monitors.cli", "monitors.__main__"),
)
# The pure layers: data in, data out. No Pulumi, no Databricks, no processes.
PURE = (
    "monitors.errors",
    "monitors.naming",
    "monitors.scrubber",
    "monitors.atomic",
    "monitors.declared",
    "monitors.desired",
    "monitors.export",
)
IMPURE_MODULES = ("pulumi", "pulumi_databricks", "databricks", "subprocess", "requests", "grpc")


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, node: ast.ImportFrom) -> Iterator[str]:
    """Absolute names an ImportFrom brings in: the module, or its submodules where named."""
    base = node.module or ""
    if node.level:
        is_package = MODULES[module].name == "__init__.py"
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        yield candidate if candidate in MODULES else base


@cache
def imports_of(module: str) -> frozenset[str]:
    """Every module `module` imports, anywhere in its source."""
    tree = ast.parse(MODULES[module].read_text(), str(MODULES[module]))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.update(_resolve(module, node))
    return frozenset(found)


def internal_imports(module: str) -> set[str]:
    return {name for name in imports_of(module) if name in MODULES and name != module}


def layer_of(module: str) -> int:
    for rank, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    raise AssertionError(f"{module} belongs to no layer: add its package to LAYERS")


def find_cycle() -> list[str] | None:
    """One import cycle among our modules, as a path that returns to its start, or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        stack.append(module)
        for target in sorted(internal_imports(module)):
            if state.get(target) == "open":
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[module] = "done"
        return None

    for module in MODULES:
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_there_is_no_import_cycle():
    cycle = find_cycle()
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_point_down_the_layers(module):
    upward = sorted(t for t in internal_imports(module) if layer_of(t) > layer_of(module))
    assert upward == [], f"{module} (layer {layer_of(module)}) imports higher layers: {upward}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith(PURE)))
def test_pure_layers_import_no_pulumi_databricks_or_subprocess(module):
    impure = sorted(name for name in imports_of(module) if name.split(".")[0] in IMPURE_MODULES)
    assert impure == [], f"{module} is in a pure layer but imports {impure}"


def test_the_cycle_finder_finds_a_cycle(monkeypatch):
    """The guard itself can fail: two modules importing each other are reported."""
    fake = {"monitors.a": {"monitors.b"}, "monitors.b": {"monitors.a"}}
    monkeypatch.setattr(sys.modules[__name__], "MODULES", dict.fromkeys(fake, Path()))
    monkeypatch.setattr(sys.modules[__name__], "internal_imports", lambda m: fake[m])
    assert find_cycle() == ["monitors.a", "monitors.b", "monitors.a"]


def test_plan_loads_no_pulumi_databricks_or_subprocess():
    """`plan` answers in a blink because it never imports the heavy SDKs."""
    code = (
        "import contextlib, io, sys\n"
        "from monitors.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['plan', '--stack', 'dev']) == 0\n"
        f"print(sorted({{m for m in sys.modules if m.split('.')[0] in {IMPURE_MODULES!r}}}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.slow  # 4.7 s: the program in a fresh interpreter (--durations)
def test_the_program_loads_no_databricks_sdk_until_a_hook_runs():
    """A preview, and every run with unchanged monitors, never needs the SDK (about 1 s)."""
    code = (
        "import sys\n"
        "import monitors.program.entrypoint\n"
        "print(sorted({m for m in sys.modules if m.split('.')[0] == 'databricks'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
