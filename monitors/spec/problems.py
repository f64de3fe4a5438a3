"""Turn pydantic's validation errors into Problems that name the field the way users wrote it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from monitors.errors import Problem
from monitors.spec.files import printable


def field_path(loc: Sequence[int | str], data: Any = None, prefix: str = "") -> str:
    """`('custom_metrics', 2, 'type')` -> `custom_metrics[2] (cancellation_rate).type`."""
    text = prefix
    node = data
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            name = node.get("name") if isinstance(node, Mapping) else None
            if isinstance(name, str):
                # As written, but on one line: a name with a line break is what is wrong.
                text += f" ({printable(name)})"
        else:
            text += f".{part}" if text and text != prefix else part
            node = node.get(part) if isinstance(node, Mapping) else None
    return text


def _message(error: Mapping[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key"
    if error["type"] == "missing":
        return "is required"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def problems_from_validation_error(
    exc: ValidationError, data: Any = None, prefix: str = "", monitor: str | None = None
) -> list[Problem]:
    """One Problem per pydantic error, with the monitor and a readable field path."""
    problems: list[Problem] = []
    for error in exc.errors():
        loc = [p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        problems.append(Problem(field_path(loc, data, prefix), _message(error), monitor))
    return problems
