"""Read monitor declarations: one YAML file per table under monitors/declarations.

All problems in all files are collected and raised together, so one run shows every mistake.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import ValidationError

from monitors.errors import DeclarationError, DeclarationErrors, Problem
from monitors.naming import DECLARATIONS_DIR
from monitors.spec.checks import check_monitor
from monitors.spec.models import MonitorSpec
from monitors.spec.problems import problems_from_validation_error

# libyaml's parser when PyYAML was built with it: ten times faster on hundreds of files.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _display(path: Path) -> str:
    """A path relative to the working directory when possible, as users see it in their tree."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def parse_declaration(table: str, data: Any, file: str) -> MonitorSpec:
    """Validate one parsed YAML document as the declaration of `table`."""
    if not _TABLE.match(table):
        raise DeclarationError(
            file, [Problem("", f"file stem {table!r} is not a table name", table)]
        )
    if not isinstance(data, dict):
        raise DeclarationError(file, [Problem("", "must be a mapping of fields", table)])
    try:
        spec = MonitorSpec.model_validate(data)
    except ValidationError as exc:
        raise DeclarationError(
            file, problems_from_validation_error(exc, data, monitor=table)
        ) from None
    problems = [Problem(p.field, p.message, table) for p in check_monitor(spec)]
    if problems:
        raise DeclarationError(file, problems)
    return spec


def parse_declaration_text(table: str, text: str, file: str) -> MonitorSpec:
    """Parse and validate the YAML text of one declaration (from disk or from a git ref)."""
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)  # a safe loader
    except yaml.YAMLError as exc:
        raise DeclarationError(file, [Problem("", f"is not valid YAML: {exc}", table)]) from None
    return parse_declaration(table, data, file)


def parse_declarations(texts: Mapping[str, str]) -> dict[str, MonitorSpec]:
    """Validate declaration texts keyed by file path (the stem names the table); all at once."""
    specs: dict[str, MonitorSpec] = {}
    errors: list[DeclarationError] = []
    for path, text in texts.items():
        table = PurePosixPath(path).stem
        try:
            specs[table] = parse_declaration_text(table, text, path)
        except DeclarationError as exc:
            errors.append(exc)
    if errors:
        raise DeclarationErrors(errors)
    return dict(sorted(specs.items()))


def read_declaration_texts(directory: Path = DECLARATIONS_DIR) -> dict[str, str]:
    """The text of every declaration file in `directory`, keyed by the path users see."""
    return {_display(path): path.read_text() for path in sorted(directory.glob("*.yaml"))}


def load_declarations(directory: Path = DECLARATIONS_DIR) -> dict[str, MonitorSpec]:
    """Every declaration in `directory`, keyed by table name, sorted; all problems at once."""
    return parse_declarations(read_declaration_texts(directory))
