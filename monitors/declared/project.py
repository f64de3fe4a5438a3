"""A stack's whole input: its settings and the declarations it enables, checked together.

`build_project` is the one way a Project is made, from a ProjectInput (the stack's settings
source and declaration files, as one reader found them: `monitors.declared.project_input`). The
program (config from the engine), `plan` (files on disk), both sides of the change report (the
working tree and a git ref), the stack operations, the tests and the benchmark all go through it,
so all judge input by the same rules, and every problem is reported at once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from monitors.declared.backend import backend_problems
from monitors.declared.claims import Declared, pattern_of, resolve
from monitors.declared.loader import parse_all
from monitors.declared.models import MonitorSpec
from monitors.declared.project_input import ProjectInput
from monitors.declared.settings import (
    StackSettings,
    missing_stack_file,
    parse_stack_config,
    settings_from_config,
)
from monitors.declared.sql_cache import cache_directory, kept_analyses
from monitors.errors import DeclarationError, DeclarationErrors, Problem, StackConfigError
from monitors.naming import DECLARATIONS_PATH, RESETS_KEY, short_stack

NO_LISTING = "the tables of the gold schema were not listed"


class TablesUnavailable(Exception):
    """The gold schema's tables could not be listed; `str()` says why (for `plan`)."""


# The names of the tables in the stack's gold schema (short names), for pattern templates.
TableLister = Callable[[StackSettings], Collection[str]]


@dataclass(frozen=True)
class Project:
    """Settings of one stack and the monitors it deploys (enabled ones, sorted by table), and
    the files in the declarations directory that were skipped (`path: why`, for --verbose)."""

    settings: StackSettings
    monitors: dict[str, MonitorSpec]
    skipped: tuple[str, ...] = ()
    # Which file declares each monitor, what `plan` says about templates, the pattern templates
    # not resolved (and why), and every declaration file as read (for the program's messages).
    sources: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    unresolved: dict[str, str] = field(default_factory=dict)
    declared: Declared = field(default_factory=Declared)

    def file_of(self, table: str) -> str:
        """The file declaring `table` (its own file or a template)."""
        return self.sources.get(table, f"{DECLARATIONS_PATH}/{table}.yaml")


def select_monitors(
    settings: StackSettings,
    declared: Mapping[str, MonitorSpec],
    file: str,
    files: Declared | None = None,
    resolved: bool = True,
) -> dict[str, MonitorSpec]:
    """The enabled monitors; names in `enabled` or `resets` that are not declared are errors
    (unless a pattern not resolved in this run may declare them)."""
    problems: list[Problem] = []
    enabled = settings.enabled if settings.enabled is not None else list(declared)
    for index, table in enumerate(enabled):
        if table not in declared:
            template = pattern_of(files, table) if files is not None else None
            if template is None:
                problems.append(Problem(f"enabled[{index}]", f"no declaration for table {table!r}"))
            elif resolved:
                problems.append(
                    Problem(
                        f"enabled[{index}]",
                        f"table {table!r} matches {template.describe()} of {template.file}, "
                        f"but the workspace has no table {settings.full_table_name(table)} "
                        "(dropped or renamed?)",
                    )
                )
    for table in settings.resets:
        if table in enabled:
            continue
        if not resolved and files is not None and pattern_of(files, table) is not None:
            continue  # may be declared by a pattern not resolved in this run
        # A reset only recreates a monitor this stack deploys. An entry left behind by a reset
        # of a table the stack no longer deploys is harmless to remove; a misspelt one is not
        # what the user meant: either way, say which and how to remove it.
        where = "declared but not enabled in this stack" if table in declared else "not declared"
        problems.append(
            Problem(
                f"{RESETS_KEY}.{table}",
                f"no monitor of this stack to reset ({where}). If the stack no longer deploys "
                f"it, remove the entry: pulumi config rm --stack {short_stack(settings.stack)} "
                f"--path '{RESETS_KEY}.{table}'",
            )
        )
    if problems:
        raise StackConfigError(file, problems)
    return {table: declared[table] for table in sorted(enabled) if table in declared}


def build_project(given: ProjectInput, list_tables: TableLister | None = None) -> Project:
    """Validate a stack's settings and its declarations together. Every problem of the stack
    file (missing, unreadable or invalid) and of every declaration file is raised at once.

    Pattern templates are resolved with `list_tables` (asked only when there is a pattern);
    without it, or when it raises TablesUnavailable, they stay unresolved and the project says so.
    The SQL analyses of a checkout read from disk are kept between runs (`sql_cache`).
    """
    directory = None if given.checkout is None else cache_directory(given.checkout)
    with kept_analyses(directory):
        return _judge(given, list_tables)


def _judge(given: ProjectInput, list_tables: TableLister | None) -> Project:
    """`build_project`'s rules, on one input."""
    file = given.stack_file
    errors: list[DeclarationError] = []
    settings: StackSettings | None = None
    declared: Declared | None = None
    try:
        settings = settings_from_config(given.stack, stack_config(given), file)
    except DeclarationError as exc:
        errors.append(exc)
    try:
        declared = parse_all(given.declarations)
    except DeclarationErrors as exc:
        errors.extend(exc.errors)
    if settings is None and declared is not None:
        try:  # what can be checked without the settings: no table claimed twice
            resolve(declared, None)
        except DeclarationErrors as exc:
            errors.extend(exc.errors)
    if settings is not None and declared is not None:
        tables: Collection[str] | None = None
        why = NO_LISTING
        if declared.patterns and list_tables is not None:
            try:
                tables = list_tables(settings)
            except TablesUnavailable as exc:
                why = str(exc)
        try:
            resolution = resolve(declared, tables, why)
            monitors = select_monitors(
                settings, resolution.monitors, file, declared, resolved=tables is not None
            )
        except DeclarationErrors as exc:
            errors.extend(exc.errors)
        except DeclarationError as exc:
            errors.append(exc)
        else:
            project = Project(
                settings,
                monitors,
                given.declarations.skipped,
                resolution.sources,
                resolution.notes,
                resolution.unresolved,
                declared,
            )
            errors += unexpressible(project)
            if not errors:
                return project
    if len(errors) == 1:
        raise errors[0]
    raise DeclarationErrors(errors)


def stack_config(given: ProjectInput) -> Mapping[str, Any]:
    """The stack's `config:` mapping from its source; StackConfigError when the stack file is
    missing or cannot be used."""
    source = given.config
    if source is None:
        raise missing_stack_file(given.stack_file, given.known_stacks)
    if isinstance(source, StackConfigError):
        raise source
    if isinstance(source, str):
        return parse_stack_config(source, given.stack_file)
    return source


def unexpressible(project: Project) -> list[DeclarationError]:
    """One error per enabled declaration holding fields the stack's backend cannot express
    (monitors.declared.backend), naming the file, the monitor and each field."""
    errors: list[DeclarationError] = []
    for table, spec in project.monitors.items():
        problems = backend_problems(project.settings.api, table, spec)
        if problems:
            errors.append(DeclarationError(project.file_of(table), problems))
    return errors
