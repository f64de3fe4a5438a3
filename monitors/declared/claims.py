"""Which file declares each table: own files, template lists and template patterns.

The rule, checked in one pass over the names (linear in tables, times the few patterns):
- a table's own file (`<table>.yaml` without `tables:`) wins over a pattern that matches it; the
  pattern's template says so (`plan` prints it), and nothing else changes;
- every other double claim is refused, naming both files: two lists, a list and an own file, a
  list and a pattern (both known without the workspace), and two patterns matching one table of
  the workspace.
A pattern is resolved against the names of the gold schema's tables (the provider's listing at
`pulumi preview`/`up`, the SDK's in `plan`); without them its tables stay unresolved and the
project says which templates and why. A listed table whose name this project cannot use (not a
plain lowercase name) is never matched: it is reported, never deployed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from monitors.declared.identifiers import name_problem
from monitors.declared.models import MonitorSpec
from monitors.declared.templates import TABLES_KEY, Template
from monitors.errors import DeclarationError, DeclarationErrors, Problem


@dataclass(frozen=True)
class Declared:
    """Every valid declaration file: own files by table (spec and file), and templates."""

    own: dict[str, MonitorSpec] = field(default_factory=dict)
    own_files: dict[str, str] = field(default_factory=dict)
    templates: tuple[Template, ...] = ()

    @property
    def patterns(self) -> tuple[Template, ...]:
        """The templates whose tables come from the workspace."""
        return tuple(t for t in self.templates if t.pattern is not None)


@dataclass(frozen=True)
class Resolution:
    """Each declared table's declaration and file, and what `plan` should say about claims."""

    monitors: dict[str, MonitorSpec]
    sources: dict[str, str]
    notes: tuple[str, ...] = ()  # own files winning over patterns, names never matched
    unresolved: dict[str, str] = field(default_factory=dict)  # pattern file -> why unresolved
    matched: dict[str, tuple[str, ...]] = field(default_factory=dict)  # file -> tables


def _conflict(file: str, table: str, other: str, how: str) -> DeclarationError:
    return DeclarationError(
        file,
        [
            Problem(
                TABLES_KEY,
                f"table {table!r} is also declared by {other} ({how}): a table has one "
                "declaration; remove it from one of them (a pattern takes `exclude: [...]`)",
            )
        ],
    )


def resolve(
    declared: Declared, tables: Collection[str] | None, why_unresolved: str = ""
) -> Resolution:
    """Every declared table's declaration; `tables` are the gold schema's table names (None:
    not known, so patterns stay unresolved, `why_unresolved` says why). DeclarationErrors
    lists every double claim at once."""
    sources: dict[str, str] = dict(declared.own_files)
    monitors: dict[str, MonitorSpec] = dict(declared.own)
    errors: list[DeclarationError] = []
    notes: list[str] = []
    listed_by: dict[str, str] = {}
    for template in declared.templates:
        for table in template.listed:
            other = sources.get(table)
            if other is not None:
                how = "its own file" if table in declared.own_files else "a list"
                errors.append(_conflict(template.file, table, other, how))
                continue
            sources[table] = template.file
            listed_by[table] = template.file
            monitors[table] = template.spec_for(table)
    patterns = declared.patterns
    for template in patterns:
        assert template.pattern is not None
        for table, other in listed_by.items():
            if template.pattern.matches(table):
                errors.append(_conflict(template.file, table, other, "a list"))
        for table in declared.own_files:
            if template.pattern.matches(table):
                notes.append(
                    f"{template.file}: {table} matches {template.pattern.describe()}, and its "
                    f"own file {declared.own_files[table]} declares it: the own file wins"
                )
    matched: dict[str, tuple[str, ...]] = {}
    unresolved: dict[str, str] = {}
    if tables is None:
        unresolved = {t.file: why_unresolved for t in patterns}
    elif patterns:
        names = sorted(set(tables))
        for template in patterns:
            assert template.pattern is not None
            found: list[str] = []
            for table in filter(template.pattern.matches, names):
                problem = name_problem(table, "table name")
                if problem:
                    notes.append(
                        f"{template.file}: workspace table {table!r} matches "
                        f"{template.pattern.describe()} but is not monitored here ({problem})"
                    )
                    continue
                if table in declared.own_files or table in listed_by:
                    continue  # the own file wins (noted above); a list's claim is refused above
                other = sources.get(table)
                if other is not None:
                    errors.append(_conflict(template.file, table, other, "another pattern"))
                    continue
                sources[table] = template.file
                monitors[table] = template.spec_for(table)
                found.append(table)
            matched[template.file] = tuple(found)
    if errors:
        raise DeclarationErrors(errors)
    return Resolution(dict(sorted(monitors.items())), sources, tuple(notes), unresolved, matched)


def pattern_of(declared: Declared | Collection[Template], table: str) -> Template | None:
    """The pattern template that would cover `table` if it were in the workspace (an own file
    for it wins over the pattern)."""
    templates = declared.patterns if isinstance(declared, Declared) else declared
    for template in templates:
        if template.pattern is not None and template.pattern.matches(table):
            return template
    return None


def list_of(templates: Collection[Template], table: str) -> Template | None:
    """The list template that names `table`: an own file for it would be a second claim."""
    for template in templates:
        if table in template.listed:
            return template
    return None
