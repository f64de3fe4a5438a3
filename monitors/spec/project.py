"""A stack's whole input: its settings and the declarations it enables, checked together.

`build_project` is the one way a Project is made, from (stack config, declaration files): the
program (config from the engine), `plan` (files on disk), the change report (files at a git ref),
the tests and the benchmark all go through it, so all judge input by the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitors.errors import DeclarationError, DeclarationErrors, Problem, StackConfigError
from monitors.naming import (
    DECLARATIONS_PATH,
    PROJECT_ROOT,
    RESETS_KEY,
    short_stack,
    stack_file_name,
)
from monitors.spec.backend import backend_problems
from monitors.spec.loader import (
    DeclarationFiles,
    parse_declarations,
    read_declaration_files,
    table_of,
)
from monitors.spec.models import MonitorSpec
from monitors.spec.settings import StackSettings, read_stack_config, settings_from_config


@dataclass(frozen=True)
class Project:
    """Settings of one stack and the monitors it deploys (enabled ones, sorted by table), and
    the files in the declarations directory that were skipped (`path: why`, for --verbose)."""

    settings: StackSettings
    monitors: dict[str, MonitorSpec]
    skipped: tuple[str, ...] = ()


def select_monitors(
    settings: StackSettings, declared: Mapping[str, MonitorSpec], file: str
) -> dict[str, MonitorSpec]:
    """The enabled monitors; names in `enabled` or `resets` that are not declared are errors."""
    problems: list[Problem] = []
    enabled = settings.enabled if settings.enabled is not None else list(declared)
    for index, table in enumerate(enabled):
        if table not in declared:
            problems.append(Problem(f"enabled[{index}]", f"no declaration for table {table!r}"))
    for table in settings.resets:
        if table in enabled:
            continue
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
    return {table: declared[table] for table in sorted(enabled)}


def build_project(
    stack: str, config: Mapping[str, Any], declarations: Mapping[str, str] | DeclarationFiles
) -> Project:
    """Validate a stack's config and the declarations (texts keyed by file path, or what a
    reader found) together. Every problem of the stack file and of every file is raised at once.
    """
    file = stack_file_name(stack)
    errors: list[DeclarationError] = []
    settings: StackSettings | None = None
    specs: dict[str, MonitorSpec] | None = None
    try:
        settings = settings_from_config(stack, config, file)
    except DeclarationError as exc:
        errors.append(exc)
    try:
        specs = parse_declarations(declarations)
    except DeclarationErrors as exc:
        errors.extend(exc.errors)
    if settings is not None and specs is not None:
        skipped = declarations.skipped if isinstance(declarations, DeclarationFiles) else ()
        try:
            project = Project(settings, select_monitors(settings, specs, file), skipped)
        except DeclarationError as exc:
            errors.append(exc)
        else:
            errors += unexpressible(project, declarations)
            if not errors:
                return project
    if len(errors) == 1:
        raise errors[0]
    raise DeclarationErrors(errors)


def unexpressible(
    project: Project, declarations: Mapping[str, str] | DeclarationFiles
) -> list[DeclarationError]:
    """One error per enabled declaration file holding fields the stack's backend cannot
    express (monitors.spec.backend), naming the file, the monitor and each field."""
    texts = declarations.texts if isinstance(declarations, DeclarationFiles) else declarations
    files = {table_of(path): path for path in texts}
    errors: list[DeclarationError] = []
    for table, spec in project.monitors.items():
        problems = backend_problems(project.settings.api, table, spec)
        if problems:
            errors.append(DeclarationError(files.get(table, f"{table}.yaml"), problems))
    return errors


def declarations_dir(root: Path) -> Path:
    """The declarations directory of the project checkout at `root`."""
    return root / DECLARATIONS_PATH


def load_project(stack: str, root: Path = PROJECT_ROOT) -> Project:
    """A stack's file and the declarations on disk, without Pulumi: what `plan` evaluates.

    A stack file that cannot be read is reported together with the declarations' problems.
    """
    declarations = read_declaration_files(declarations_dir(root))
    try:
        config = read_stack_config(stack, root)
    except StackConfigError as exc:
        try:
            parse_declarations(declarations)
        except DeclarationErrors as more:
            raise DeclarationErrors([exc, *more.errors]) from None
        raise
    return build_project(stack, config, declarations)


def project_from_config(
    stack: str, config: Mapping[str, Any], root: Path = PROJECT_ROOT
) -> Project:
    """The same, from the config the Pulumi engine hands the program."""
    return build_project(stack, config, read_declaration_files(declarations_dir(root)))
