"""Turn pydantic's validation errors into Problems that name the field the way users wrote it.

The messages are said in the words of the YAML a user wrote (text, a number, a list, a mapping),
never pydantic's Python ones ("a valid dictionary or instance of AlertSettings"): no Python type
or class name reaches a user.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from monitors.declared.files import printable
from monitors.declared.suggest import hint
from monitors.declared.values import written_as
from monitors.errors import Problem


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
        elif part == "[key]":  # pydantic's mark for a mapping's key (the value is fine)
            text += " (the key)"
        else:
            text += f".{part}" if text and text != prefix else part
            node = node.get(part) if isinstance(node, Mapping) else None
    return text


# What each kind of pydantic error means for a field of a YAML file.
_WANTED = {
    "model_type": "a mapping of fields (key: value)",
    "model_attributes_type": "a mapping of fields (key: value)",
    "dict_type": "a mapping (key: value)",
    "list_type": "a list",
    "string_type": "text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
}


def _limit(error: Mapping[str, Any]) -> str | None:
    """Bounds and choices, in words: `must be at least 1`, `must be one of '>', '<'`."""
    context = error.get("ctx") or {}
    kind = error["type"]
    if kind == "literal_error":
        return f"must be one of {context.get('expected', '')}, not {written_as(error['input'])}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        word = {"greater_than_equal": "at least", "less_than_equal": "at most"}.get(
            kind, "more than" if kind == "greater_than" else "less than"
        )
        bound = next(iter(context.values()), "")
        return f"must be {word} {bound}"
    if kind in ("too_short", "too_long"):
        word = "at least" if kind == "too_short" else "at most"
        count = context.get("min_length" if kind == "too_short" else "max_length")
        return f"must have {word} {count} entr{'y' if count == 1 else 'ies'}"
    if kind in ("string_too_short", "string_too_long"):
        if kind == "string_too_short":
            return "must not be empty"
        return f"must be at most {context.get('max_length')} characters long"
    return None


def _unwrap(annotation: Any) -> Any:
    """The type inside `Annotated[...]` and `X | None`."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def known_keys(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """The keys the mapping at `loc` (a path of keys and list indexes) may hold, as users write
    them (a field's alias where it has one); [] where `loc` leads to no model."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = annotation.model_fields
            name = next((n for n, f in fields.items() if (f.alias or n) == part), None)
            if name is None:
                return []
            annotation = fields[name].annotation
        elif get_origin(annotation) in (list, dict):
            annotation = get_args(annotation)[-1]  # a list's entries, a mapping's values
        else:
            return []
    annotation = _unwrap(annotation)
    if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return []
    return [
        info.alias or name for name, info in annotation.model_fields.items() if not info.exclude
    ]


def _message(error: Mapping[str, Any], model: type[BaseModel] | None = None) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        loc = list(error["loc"])
        known = known_keys(model, loc[:-1]) if model is not None else []
        return "unknown key" + hint(str(loc[-1]), known)
    if kind == "missing":
        return "is required"
    if kind in ("int_type", "int_from_float") and isinstance(error["input"], float):
        return f"must be a whole number written without a decimal point, not {error['input']!r}"
    if kind in _WANTED:
        return f"must be {_WANTED[kind]}, not {written_as(error['input'])}"
    limit = _limit(error)
    if limit is not None:
        return limit
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def problems_from_validation_error(
    exc: ValidationError,
    data: Any = None,
    prefix: str = "",
    monitor: str | None = None,
    model: type[BaseModel] | None = None,
) -> list[Problem]:
    """One Problem per pydantic error, with the monitor and a readable field path; an unknown
    key of `model` (at any depth) with what was most likely meant."""
    problems: list[Problem] = []
    for error in exc.errors():
        loc = [p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        message = _message({**error, "loc": loc}, model)
        problems.append(Problem(field_path(loc, data, prefix), message, monitor))
    return problems
