"""Options shared by commands are spelled once, in monitors/cli/options.py (pip-tools' rule)."""

from __future__ import annotations

import argparse
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


def test_every_numeric_option_is_parsed_by_the_one_validated_number_type() -> None:
    """A bare `type=float` accepts nan, inf and 1e400 (a `--timeout nan` never ends)."""
    from monitors.cli.main import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    bare = [
        f"{name} {'/'.join(action.option_strings)}"
        for name, command in subparsers.choices.items()
        for action in command._actions
        if action.type in (int, float, complex)
    ]
    assert bare == [], f"parse these with monitors.cli.options.number: {bare}"
