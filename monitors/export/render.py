"""A declaration's data as the YAML text of a shipped file (pure).

The layout of `monitors/declarations/*.yaml`: the schema modeline, comment lines, then the
fields in the order the data gives (profile first), two-space indents, block lists, and flow
lists for `input_columns` and `granularities` (`[":table"]`). Output is stable: the same data
gives the same bytes, so exporting twice changes nothing and a `--force` shows as a git diff.

A string is written plain only when the project's own YAML reader (`monitors.declared.yamlfile`,
YAML 1.2 core like Pulumi's) reads it back as the same string; otherwise it is double-quoted
(JSON escapes are valid YAML). The whole text is read back before it is returned.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from monitors.declared.files import printable
from monitors.declared.yamlfile import YamlError, load_yaml

MODELINE = "# yaml-language-server: $schema=./monitor.schema.json"
FLOW_LISTS = frozenset({"input_columns", "granularities"})
INDENT = "  "
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]|^\s|\s$")


class RenderError(ValueError):
    """The text would not read back as the data (a bug here, never a user's mistake)."""


def _reads_back(text: str, expected: Any) -> bool:
    try:
        return bool(load_yaml(text) == expected)
    except YamlError:
        return False


def quoted(value: str) -> str:
    """A double-quoted scalar: JSON's escapes are YAML's; non-ASCII is kept readable unless YAML
    would fold it (U+0085, U+2028 and U+2029 are line breaks to YAML, not to JSON)."""
    text = json.dumps(value, ensure_ascii=False)
    if _reads_back(f"k: {text}\n", {"k": value}):
        return text
    return json.dumps(value, ensure_ascii=True)


def scalar(value: Any, *, in_list: bool = False) -> str:
    """One value as YAML: `true`, `42`, a plain string when it reads back as itself, else JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if not isinstance(value, str):
        raise RenderError(f"cannot write {type(value).__name__} values")
    if value and not _UNSAFE.search(value):
        if in_list and _reads_back(f"- {value}\n", [value]):
            return value
        if not in_list and _reads_back(f"k: {value}\n", {"k": value}):
            return value
    return quoted(value)


def _flow(values: Sequence[Any]) -> str:
    return "[" + ", ".join(quoted(v) for v in values) + "]"


def _lines(data: Mapping[str, Any], depth: int) -> Iterator[str]:
    pad = INDENT * depth
    for key, value in data.items():
        if isinstance(value, Mapping):
            if value:
                yield f"{pad}{key}:"
                yield from _lines(value, depth + 1)
            else:
                yield f"{pad}{key}: {{}}"
        elif isinstance(value, list):
            if not value:
                yield f"{pad}{key}: []"
            elif key in FLOW_LISTS and all(isinstance(v, str) for v in value):
                yield f"{pad}{key}: {_flow(value)}"
            else:
                yield f"{pad}{key}:"
                yield from _items(value, depth + 1)
        else:
            yield f"{pad}{key}: {scalar(value)}"


def _items(values: Sequence[Any], depth: int) -> Iterator[str]:
    pad = INDENT * depth
    for value in values:
        if isinstance(value, Mapping) and value:
            first, *rest = list(_lines(value, depth + 1))
            yield f"{pad}- {first.lstrip()}"
            yield from rest
        elif isinstance(value, Mapping):
            yield f"{pad}- {{}}"
        elif isinstance(value, list):
            yield f"{pad}- {_flow(value)}"
        else:
            yield f"{pad}- {scalar(value, in_list=True)}"


def comment(line: str) -> str:
    """A comment line: control characters escaped so it stays one line."""
    return f"# {printable(line)}".rstrip()


def render_declaration(data: Mapping[str, Any], header: Sequence[str] = ()) -> str:
    """The YAML text of a declaration: modeline, `header` as comments, then the fields."""
    lines = [MODELINE, *(comment(line) for line in header), *_lines(data, 0)]
    text = "\n".join(lines) + "\n"
    if not _reads_back(text, dict(data)):
        raise RenderError("the rendered declaration does not read back as its data")
    return text
