"""A stack's whole input: its settings and the declarations it enables, checked together."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitors import loader
from monitors.errors import Problem, StackConfigError
from monitors.settings import (
    PROJECT_ROOT,
    StackSettings,
    load_stack_settings,
    settings_from_config,
    stack_file,
)
from monitors.spec import MonitorSpec


@dataclass(frozen=True)
class Project:
    """Settings of one stack and the monitors it deploys (enabled ones, sorted by table)."""

    settings: StackSettings
    monitors: dict[str, MonitorSpec]


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
        if table not in enabled:
            problems.append(Problem(f"resets.{table}", "not a declared, enabled monitor"))
    if problems:
        raise StackConfigError(file, problems)
    return {table: declared[table] for table in sorted(enabled)}


def load_project(
    stack: str, root: Path = PROJECT_ROOT, declarations: Path | None = None
) -> Project:
    """Read a stack's file and the declarations, without Pulumi: what `plan` evaluates."""
    settings = load_stack_settings(stack, root)
    specs = loader.load_declarations(declarations or loader.DECLARATIONS_DIR)
    return Project(settings, select_monitors(settings, specs, stack_file(stack, root).name))


def project_from_config(
    stack: str,
    config: Mapping[str, Any],
    root: Path = PROJECT_ROOT,
    declarations: Path | None = None,
) -> Project:
    """The same, from the config the Pulumi engine hands the program."""
    file = stack_file(stack, root).name
    settings = settings_from_config(stack, config, file)
    specs = loader.load_declarations(declarations or loader.DECLARATIONS_DIR)
    return Project(settings, select_monitors(settings, specs, file))
