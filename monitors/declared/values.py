"""YAML values in the words of the file a user wrote: what a value is, and the one flag rule.

Messages name a value as YAML shows it (`null`, `true`, a number, text, a list, a mapping; short
text quoted), never by its Python form (`None`, `{'k': 'v'}`): no Python text reaches a user.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitors.declared.files import printable
from monitors.declared.yamlfile import written_differently


def written_as(value: Any) -> str:
    """What a YAML value is, in the user's words: `null`, `true`, `a number (3)`, `a list`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        text = written_differently(value) or repr(value)
        return f"a number ({text})" if len(text) <= 40 else "a number"
    if isinstance(value, str):
        return f"text ({printable(value)!r})" if len(value) <= 40 else "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return "a value of another kind"


def yaml_scalar(value: Any) -> str:
    """A scalar as YAML writes it (`null`, `true`, `1.5`, text as is): for keys in messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return printable(str(value))


def non_text_keys(value: Any, path: str = "") -> list[str]:
    """Where a mapping has a key that is not text (`7:`, `true:`, `null:`), as `path: key`;
    every key of a declaration is a field name, so such a key can only be a mistake."""
    found: list[str] = []
    if isinstance(value, Mapping):
        for key, child in value.items():
            if not isinstance(key, str):
                found.append(f"{path}.{yaml_scalar(key)}" if path else yaml_scalar(key))
                continue
            found += non_text_keys(child, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += non_text_keys(child, f"{path}[{index}]")
    return found


def true_or_false(value: Any) -> bool:
    """`true` or `false` only: `yes`, `1` or `"on"` are not (the engine passes them as text)."""
    if isinstance(value, bool):
        return value
    raise ValueError(f"must be true or false, not {written_as(value)}")
