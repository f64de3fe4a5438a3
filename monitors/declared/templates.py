"""Templates: one declaration file for many tables of the stack's gold schema.

A declaration file with `tables:` is a template. `tables:` is a list of table names, or a
pattern `{like: 'fact_%', exclude: [fact_old]}` (`monitors.declared.like`; `exclude` names tables
exactly) resolved against the workspace's table listing. Every other field is the declaration
each table gets, and `overrides: {<table>: {...}}` changes fields for one table by these merge
rules (JSON Merge Patch, RFC 7386, plus lists of named entries):

- a mapping is merged key by key, recursively; a key set to null removes the template's value;
- a list is replaced whole, except `custom_metrics` and `alerts`, which merge by `name`: an
  entry with a name the template has is merged into it (same rules), a new name is appended,
  and `{name: x, remove: true}` removes the template's entry `x`;
- anything else (text, a number, true/false) replaces the template's value.

The template's own fields must be a valid declaration; each table with an override is validated
as a whole declaration (the merge), naming the file, the table and the field. Tables without an
override share the template's validated declaration, so expanding a template to thousands of
tables costs one validation, not thousands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from monitors.declared.checks import check_monitor
from monitors.declared.identifiers import check_name
from monitors.declared.like import has_wildcard, like_regex
from monitors.declared.models import MonitorSpec, unique_entries
from monitors.declared.problems import problems_from_validation_error
from monitors.errors import DeclarationError, Problem

TABLES_KEY = "tables"
OVERRIDES_KEY = "overrides"
NAMED_LISTS = ("custom_metrics", "alerts")
REMOVE_KEY = "remove"

TableName = Annotated[str, AfterValidator(check_name("table name"))]


def _like(value: str) -> str:
    like_regex(value)  # raises ValueError with the reason
    return value


class TablePattern(BaseModel):
    """`tables: {like: ..., exclude: [...]}`: every table of the gold schema whose name matches
    `like`, except those named in `exclude`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    like: Annotated[str, Field(min_length=1), AfterValidator(_like)]
    exclude: Annotated[list[TableName], AfterValidator(unique_entries)] = Field(
        default_factory=list
    )


class TemplateKeys(BaseModel):
    """The two keys that make a file a template."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tables: (
        Annotated[list[TableName], Field(min_length=1), AfterValidator(unique_entries)]
        | TablePattern
    )
    overrides: dict[TableName, dict[str, Any]] = Field(default_factory=dict)


@dataclass(frozen=True)
class Pattern:
    """A compiled `tables: {like, exclude}`."""

    like: str
    exclude: frozenset[str]
    regex: re.Pattern[str]

    def matches(self, table: str) -> bool:
        """True when the pattern covers `table` (matched by `like`, not excluded)."""
        return table not in self.exclude and self.regex.fullmatch(table) is not None

    def describe(self) -> str:
        """`like 'fact_%'` with its exclusions, as plan and messages show it."""
        text = f"like '{self.like}'"
        if self.exclude:
            text += f" (exclude {', '.join(sorted(self.exclude))})"
        return text


@dataclass(frozen=True)
class Template:
    """One template file: the tables it names or its pattern, its declaration, and the
    validated declaration of each table it overrides."""

    file: str
    base: MonitorSpec
    listed: tuple[str, ...] = ()
    pattern: Pattern | None = None
    overrides: dict[str, MonitorSpec] = field(default_factory=dict)
    # The text of the template as written (tables, overrides and fields), for the change report.
    data: dict[str, Any] = field(default_factory=dict)

    def spec_for(self, table: str) -> MonitorSpec:
        """The declaration of one table this template covers."""
        return self.overrides.get(table, self.base)

    def describe(self) -> str:
        """What the template covers, in a few words."""
        if self.pattern is not None:
            return self.pattern.describe()
        return f"tables {', '.join(self.listed)}"


def merge_override(base: Any, patch: Any, key: str = "") -> Any:
    """`base` with `patch` merged in by the rules in the module docstring."""
    if isinstance(patch, Mapping) and isinstance(base, Mapping):
        merged = dict(base)
        for name, value in patch.items():
            if value is None:
                merged.pop(name, None)
            elif name in merged:
                merged[name] = merge_override(merged[name], value, str(name))
            else:
                merged[name] = value
        return merged
    if key in NAMED_LISTS and isinstance(patch, list) and isinstance(base, list):
        return _merge_named(base, patch)
    return patch


def _merge_named(base: list[Any], patch: list[Any]) -> list[Any]:
    """Merge a list of named entries by name (`remove: true` drops one)."""
    merged = list(base)
    positions = {
        entry.get("name"): index for index, entry in enumerate(base) if isinstance(entry, Mapping)
    }
    removed: set[int] = set()
    for entry in patch:
        name = entry.get("name") if isinstance(entry, Mapping) else None
        index = positions.get(name) if name is not None else None
        if index is None:
            merged.append(entry)  # unnamed or new: validation judges it as written
        elif isinstance(entry, Mapping) and entry.get(REMOVE_KEY) is True:
            removed.add(index)
        else:
            merged[index] = merge_override(base[index], entry)
    return [entry for index, entry in enumerate(merged) if index not in removed]


def is_template(data: Any) -> bool:
    """True when a parsed declaration file is a template (it has `tables:`)."""
    return isinstance(data, Mapping) and TABLES_KEY in data


def validate_spec(data: Mapping[str, Any], file: str, monitor: str | None) -> MonitorSpec:
    """Validate declaration fields as a whole declaration (the model, then the cross-field
    checks); problems name the file, the monitor when given, and the field."""
    try:
        spec = MonitorSpec.model_validate(data)
    except ValidationError as exc:
        raise DeclarationError(
            file, problems_from_validation_error(exc, data, monitor=monitor, model=MonitorSpec)
        ) from None
    problems = [Problem(p.field, p.message, monitor) for p in check_monitor(spec)]
    if problems:
        raise DeclarationError(file, problems)
    return spec


def parse_template(data: Mapping[str, Any], file: str) -> Template:
    """Validate a template file; DeclarationError names the file, the table and the field."""
    head = {k: data[k] for k in (TABLES_KEY, OVERRIDES_KEY) if k in data}
    fields = {k: v for k, v in data.items() if k not in head}
    try:
        keys = TemplateKeys.model_validate(head)
    except ValidationError as exc:
        raise DeclarationError(
            file, problems_from_validation_error(exc, head, model=TemplateKeys)
        ) from None
    listed: tuple[str, ...] = ()
    pattern: Pattern | None = None
    if isinstance(keys.tables, TablePattern):
        pattern = Pattern(
            keys.tables.like, frozenset(keys.tables.exclude), like_regex(keys.tables.like)
        )
    else:
        listed = tuple(keys.tables)
    problems = _cover_problems(listed, pattern, keys)
    if problems:
        raise DeclarationError(file, problems)
    base = validate_spec(fields, file, None)
    overrides: dict[str, MonitorSpec] = {}
    errors: list[Problem] = []
    for table, patch in keys.overrides.items():
        if TABLES_KEY in patch or OVERRIDES_KEY in patch:
            errors.append(
                Problem(f"{OVERRIDES_KEY}.{table}", "cannot hold tables or overrides", table)
            )
            continue
        try:
            overrides[table] = validate_spec(merge_override(fields, patch), file, table)
        except DeclarationError as exc:
            errors += [
                Problem(f"{OVERRIDES_KEY}.{table} -> {p.field}", p.message, p.monitor)
                for p in exc.problems
            ]
    if errors:
        raise DeclarationError(file, errors)
    return Template(file, base, listed, pattern, overrides, dict(data))


def _cover_problems(
    listed: tuple[str, ...], pattern: Pattern | None, keys: TemplateKeys
) -> list[Problem]:
    """Overrides of tables the template does not cover, and exclusions that exclude nothing."""
    problems: list[Problem] = []
    if pattern is not None:
        for name in sorted(pattern.exclude):
            if pattern.regex.fullmatch(name) is None:
                problems.append(
                    Problem(
                        f"{TABLES_KEY}.exclude",
                        f"{name!r} does not match {pattern.like!r}: nothing to exclude (a typo?)",
                    )
                )
        if not has_wildcard(pattern.like):
            problems.append(
                Problem(
                    f"{TABLES_KEY}.like",
                    f"{pattern.like!r} has no wildcard (%, _ or *): list the table instead "
                    f"(tables: [{pattern.like.replace(chr(92), '')}])",
                )
            )
    for table in keys.overrides:
        covered = pattern.matches(table) if pattern is not None else table in listed
        if not covered:
            problems.append(
                Problem(
                    f"{OVERRIDES_KEY}.{table}",
                    "is not a table this template covers "
                    + (f"({pattern.describe()})" if pattern else f"(tables: {', '.join(listed)})"),
                )
            )
    return problems
