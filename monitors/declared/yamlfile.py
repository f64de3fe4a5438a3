"""The one YAML reader of the project, for declarations and stack files alike.

- Strict: a key written twice in one mapping is an error, at any depth. YAML requires unique
  keys, PyYAML silently keeps the last one (a bad merge would drop metrics or a `protect`), and
  Pulumi's own reader of `Pulumi.<stack>.yaml` refuses them (gopkg.in/yaml.v3 `decoder.mapping`:
  "mapping key ... already defined at line ...").
- Scalars mean what they mean to Pulumi, which reads stack files with gopkg.in/yaml.v3 (YAML 1.2
  core schema, `resolve` in resolve.go): only `true`/`false` (any of three cases) are booleans,
  `yes`, `on`, `n` and dates stay text, `~`/`null`/empty are null, numbers follow Go's
  `strconv.ParseInt(s, 0, 64)` after dropping `_` (so `0x1f`, `0o17`, `017` are integers).
  So `monitors plan` sees a stack file exactly as the engine does.
- Only plain data: text, numbers, booleans, null, lists and mappings (with `<<` merges). Other
  tags (`!!binary`, `!!timestamp`, `!!python/...`, custom ones) are errors.
- Errors say line, column and what is wrong, and never quote the file: a stack file's line can
  hold a credential, and the change report's output is posted on pull requests.
- Fast: libyaml's C parser when PyYAML has it (it does in our pinned wheel), ten times the pure
  Python parser on hundreds of declarations.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable
from typing import Any, ClassVar, cast

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

_TAG = "tag:yaml.org,2002:"
MERGE_TAG = _TAG + "merge"
# Bounds on what a document may expand to, as gopkg.in/yaml.v3 bounds it: nesting (libyaml's
# max depth, 10000 in yaml.v3; ours is lower, no setting nests that deep) and the number of
# values once aliases are expanded (decode.go `allowedAliasRatio`: ~400,000 decodes), so a
# "billion laughs" file cannot hang whatever reads the data next.
MAX_DEPTH = 500
MAX_EXPANDED_VALUES = 400_000


class WrittenInt(int):
    """An integer written other than in plain decimal (`0123`, `0x1f`, `1_000`, `+5`), with the
    text as written: `0123` is 83 to yaml.v3 (Go's base-0 rule), rarely what a user meant, so a
    field that takes text or an exact number can refuse it instead of changing it silently."""

    written: str

    def __new__(cls, value: int, written: str = "") -> WrittenInt:
        number = super().__new__(cls, value)
        number.written = written
        return number


class WrittenFloat(float):
    """A float written other than as it reads back (`1e-400` is 0.0, `0.10` is 0.1, `1_0.5`
    is 10.5), with the text as written: a field that takes an exact number can tell whether the
    double still says what was written."""

    written: str

    def __new__(cls, value: float, written: str = "") -> WrittenFloat:
        number = super().__new__(cls, value)
        number.written = written
        return number


def written_differently(value: object) -> str | None:
    """The text a number was written as, when it is not how the number reads back (`0123` for
    83, `1e-400` for 0.0); None for plain decimal integers, floats written as Python writes
    them back, and anything that is no number."""
    if isinstance(value, WrittenInt) and value.written != str(int(value)):
        return value.written
    if isinstance(value, WrittenFloat) and value.written != repr(float(value)):
        return value.written
    return None


class YamlError(Exception):
    """A YAML document that cannot be read; `str()` names the place, never the text."""

    def __init__(self, problem: str, line: int | None = None, column: int | None = None) -> None:
        self.problem = problem
        self.line = line
        self.column = column
        where = f"line {line}" + (f", column {column}" if column else "") if line else ""
        super().__init__(f"{where}: {problem}" if where else problem)


# ------------------------------------------------------------------------ resolving scalars


class _CoreResolver(BaseResolver):
    """Implicit tags of plain scalars as gopkg.in/yaml.v3 `resolve` gives them (see module doc)."""


_CoreResolver.add_implicit_resolver(
    _TAG + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_CoreResolver.add_implicit_resolver(
    _TAG + "null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
# yaml.v3 tries a number for any plain scalar starting with a sign, a digit or a dot; what does
# not parse as one stays text (see `_construct_int` / `_construct_float`).
_CoreResolver.add_implicit_resolver(
    _TAG + "int",
    re.compile(r"^[-+]?(?:0[bB][01_]+|0[oO][0-7_]+|0[xX][0-9a-fA-F_]+|[0-9][0-9_]*)$"),
    list("-+0123456789"),
)
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_CoreResolver.add_implicit_resolver(
    _TAG + "float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_CoreResolver.add_implicit_resolver(MERGE_TAG, re.compile(r"^<<$"), ["<"])


def _go_int(text: str) -> int | None:
    """`strconv.ParseInt(text, 0, 64)` (or ParseUint), as yaml.v3 calls it: None if not an int."""
    sign, digits = 1, text
    if text.startswith(("+", "-")):
        sign, digits = (-1 if text[0] == "-" else 1), text[1:]
    base, body = 10, digits
    prefix = digits[:2].lower()
    if prefix in ("0x", "0o", "0b"):
        base, body = {"0x": 16, "0o": 8, "0b": 2}[prefix], digits[2:]
    elif len(digits) > 1 and digits[0] == "0":
        base, body = 8, digits[1:]  # Go's base-0 rule: a leading 0 means octal
    if not body:
        return None
    try:
        value = sign * int(body, base)
    except ValueError:
        return None
    return value if -(2**63) <= value < 2**64 else None


# ------------------------------------------------------------------------ constructing values


def _unsupported(loader: SafeConstructor, node: Node) -> Any:
    raise ConstructorError(
        None,
        None,
        "a tag that is not plain YAML (only text, numbers, true/false, null, lists and mappings)",
        node.start_mark,
    )


def _key_text(node: Node) -> str:
    """A key as the message shows it: short keys as written, long ones cut."""
    value = str(node.value)
    return repr(value if len(value) <= 60 else value[:57] + "...")


def check_shape(root: Node) -> None:
    """Refuse a node graph nested deeper than MAX_DEPTH, holding itself through an alias, or
    expanding to more than MAX_EXPANDED_VALUES values (iterative: no recursion limit to hit)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Node, int, bool]] = [(root, 1, False)]
    open_nodes: set[int] = set()
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > MAX_EXPANDED_VALUES:
                raise ConstructorError(
                    None, None, "document contains excessive aliasing", node.start_mark
                )
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise ConstructorError(
                None, None, "an alias refers to a value that contains it", node.start_mark
            )
        if depth > MAX_DEPTH:
            raise ConstructorError(
                None, None, f"values nested more than {MAX_DEPTH} levels deep", node.start_mark
            )
        open_nodes.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(node))


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


class _StrictConstructor(SafeConstructor):
    """SafeConstructor limited to the core schema, refusing repeated keys in any mapping."""

    yaml_constructors: ClassVar[dict[Any, Any]] = {}

    may_be_deep = True  # StrictLoader knows better from the text

    def construct_document(self, node: Node) -> Any:
        if self.may_be_deep:
            check_shape(node)
        return super().construct_document(node)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        # Before merging: `<<` keys legitimately bring keys that the mapping overrides.
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            if not isinstance(key_node, ScalarNode):
                raise ConstructorError(
                    None,
                    None,
                    "a key must be plain text, not a mapping or list",
                    key_node.start_mark,
                )
            # Compared as written, as yaml.v3 compares them (`ni.Value == nj.Value`).
            if key_node.value in seen:
                raise ConstructorError(
                    None,
                    None,
                    f"key {_key_text(key_node)} is repeated (first at line "
                    f"{seen[key_node.value] + 1}); YAML keys must be unique",
                    key_node.start_mark,
                )
            seen[key_node.value] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_bool(self, node: Node) -> bool:
        return str(self.construct_scalar(node)).lower() == "true"  # type: ignore[arg-type]

    def construct_yaml_int(self, node: Node) -> Any:
        text = str(self.construct_scalar(node))  # type: ignore[arg-type]
        value = _go_int(text.replace("_", ""))
        if value is not None:
            return value if text == str(value) else WrittenInt(value, text)
        return self._float_or_text(text)

    def construct_yaml_float(self, node: Node) -> Any:
        return self._float_or_text(str(self.construct_scalar(node)))  # type: ignore[arg-type]

    @staticmethod
    def _float_or_text(text: str) -> Any:
        if text in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[text]
        plain = text.replace("_", "")
        # yaml.v3 keeps a float only when `strconv.ParseFloat` succeeds; out of range (`1e999`,
        # a hex ID such as `12e4567890123456`) it fails with ErrRange, and the text stays text.
        if _FLOAT.fullmatch(plain) and not math.isinf(float(plain)):
            number = float(plain)
            return number if text == repr(number) else WrittenFloat(number, text)
        return text  # yaml.v3: what parses as no number is a string


for _name, _method in (
    ("null", SafeConstructor.construct_yaml_null),
    ("bool", _StrictConstructor.construct_yaml_bool),
    ("int", _StrictConstructor.construct_yaml_int),
    ("float", _StrictConstructor.construct_yaml_float),
    ("str", SafeConstructor.construct_yaml_str),
    ("seq", SafeConstructor.construct_yaml_seq),
    ("map", SafeConstructor.construct_yaml_map),
):
    _StrictConstructor.add_constructor(_TAG + _name, cast(Any, _method))
_StrictConstructor.add_constructor(cast(Any, None), cast(Any, _unsupported))


# ------------------------------------------------------------------------ the loader


class _PythonParser(
    yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer
):
    """PyYAML's own parser, for an installation without libyaml."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)


# libyaml's parser, when this PyYAML was built with it (our pinned wheel is).
_Parser: Any = getattr(yaml.cyaml, "CParser", None) or _PythonParser


class StrictLoader(_Parser, _StrictConstructor, _CoreResolver):  # type: ignore[misc]
    """libyaml's parser (when present) + the strict constructor + Pulumi's scalar resolution."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _StrictConstructor.__init__(self)
        _CoreResolver.__init__(self)
        # Without an anchor there is no alias, so nothing expands or refers to itself; and each
        # level of nesting takes one of these characters, so fewer cannot nest too deep.
        self.may_be_deep = "&" in stream or sum(map(stream.count, "[{-:?")) >= MAX_DEPTH


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def load_yaml(text: str) -> Any:
    """The one document in `text` as plain Python data; YamlError says where it is wrong."""
    try:
        loader = StrictLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "not valid YAML"
        if exc.context and exc.problem:
            problem = f"{exc.problem} ({exc.context})"
        if mark is None:
            raise YamlError(problem) from None
        raise YamlError(problem, mark.line + 1, mark.column + 1) from None
    except yaml.reader.ReaderError as exc:
        character = f"#x{exc.character:04x}" if isinstance(exc.character, int) else "a byte"
        raise YamlError(
            f"unacceptable character {character} ({exc.reason})", _line_of(text, exc.position)
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(type(exc).__name__) from None
