"""Options shared by commands are spelled once, in monitors/cli/options.py (pip-tools' rule)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import monitors.cli

CLI_DIR = Path(monitors.cli.__file__).parent


def _options_spelled_in(module: Path) -> set[str]:
    """The `--long` option strings a module passes to `add_argument` itself."""
    spelled: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_argument"
        ):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and str(arg.value).startswith("--"):
                    spelled.add(str(arg.value))
    return spelled


def test_no_option_is_spelled_in_two_command_modules() -> None:
    owners: dict[str, list[str]] = defaultdict(list)
    for module in sorted(CLI_DIR.glob("*.py")):
        if module.name == "options.py":
            continue
        for option in _options_spelled_in(module):
            owners[option].append(module.name)
    twice = {option: names for option, names in owners.items() if len(names) > 1}
    assert twice == {}, f"define these once in monitors/cli/options.py: {twice}"
