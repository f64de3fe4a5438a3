"""Read monitor declarations: YAML files under monitors/declarations, one per table or templates.

The rules for which files are declarations live here once, for both readers: the directory on
disk (`read_declaration_files`, through `monitors.declared.project_input`: the program, `plan`,
the stack operations and the working tree side of the change report) and a git ref
(`monitors.change_report.sources`):

- `<table>.yaml` is a declaration of `<table>`, unless it holds `tables:`: then it is a
  template of the tables it lists or matches (`monitors.declared.templates`), and its name is only
  a name. It must be a regular UTF-8 file (not a directory, symbolic link, pipe, socket or
  device) with a table name Unity Catalog accepts.
- Dot-files (Emacs's `.#x.yaml` lock link, Vim's `.x.yaml.swp`, `.DS_Store`), Emacs's
  `#x.yaml#` and backups `x.yaml~` are skipped without being opened or followed.
- `*.yml` (and `.YAML`, `.Yaml`) are errors asking to rename: ignoring them hid declarations,
  and accepting both spellings would let one table be declared twice.
- Any other name (notes, `x.yaml.orig`, the JSON Schema) is not a declaration and is skipped.
Skipped files are listed with `--verbose`. All problems in all files are raised together, so
one run shows every mistake.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import Any

from monitors.declared.claims import Declared, resolve
from monitors.declared.files import FileProblem, printable, read_text
from monitors.declared.identifiers import name_problem
from monitors.declared.models import MonitorSpec
from monitors.declared.templates import Template, is_template, parse_template, validate_spec
from monitors.declared.values import non_text_keys
from monitors.declared.yamlfile import YamlError, load_yaml
from monitors.errors import DeclarationError, DeclarationErrors, Problem
from monitors.naming import DECLARATIONS_DIR

EXTENSION = ".yaml"
DIRECTORY_LINK_PROBLEM = (
    "is a symbolic link; it must be a directory (git stores only the link's target, so "
    "`plan --against` could not read the declarations at a ref)"
)
SCHEMA_FILE = "monitor.schema.json"


class NameKind(Enum):
    """What a file in the declarations directory is, judged by its name alone."""

    DECLARATION = "declaration"
    SKIPPED = "skipped"
    MISNAMED = "misnamed"


@dataclass(frozen=True)
class NameRule:
    """The verdict on one file name, and the sentence that explains it."""

    kind: NameKind
    reason: str = ""


def classify_name(name: str) -> NameRule:
    """Whether a file named `name` in the declarations directory declares a monitor."""
    if printable(name) != name:
        return NameRule(
            NameKind.MISNAMED,
            "the file name has a control character (a newline?) or is not UTF-8: rename it",
        )
    if name.startswith("."):
        return NameRule(NameKind.SKIPPED, "a dot-file (editor lock and swap files are dot-files)")
    if name.startswith("#") and name.endswith("#"):
        return NameRule(NameKind.SKIPPED, "an editor auto-save file")
    if name.endswith("~"):
        return NameRule(NameKind.SKIPPED, "an editor backup file")
    stem, dot, extension = name.rpartition(".")
    if dot and stem and extension == EXTENSION[1:]:
        return NameRule(NameKind.DECLARATION)
    if dot and stem and extension.lower() in ("yaml", "yml"):
        return NameRule(
            NameKind.MISNAMED,
            f"declarations end in {EXTENSION}: rename it to {stem}{EXTENSION} "
            f"(files named otherwise are not read)",
        )
    if name == SCHEMA_FILE:
        return NameRule(NameKind.SKIPPED)  # the JSON Schema of declarations: not worth a line
    return NameRule(NameKind.SKIPPED, f"not a declaration (only *{EXTENSION} files are)")


def table_of(path: str) -> str:
    """The table a declaration's file path names (its stem)."""
    return PurePosixPath(path).name[: -len(EXTENSION)]


@dataclass(frozen=True)
class DeclarationFiles:
    """What one reader found: each declaration's text, the files it could not use, and the
    files it skipped (`path: why`, shown with --verbose)."""

    texts: dict[str, str] = field(default_factory=dict)
    problems: tuple[DeclarationError, ...] = ()
    skipped: tuple[str, ...] = ()


def _display(directory: Path) -> str:
    """A directory relative to the working directory when possible, as users see it."""
    try:
        shown = str(directory.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        shown = str(directory)
    return printable(shown)


def _file_error(file: str, message: str) -> DeclarationError:
    return DeclarationError(file, [Problem("", message)])


def read_declaration_files(
    directory: Path = DECLARATIONS_DIR, shown_as: str | None = None
) -> DeclarationFiles:
    """Every declaration file in `directory` by the rules above; paths shown as users see them
    (relative to the working directory, or `shown_as/<name>` when given)."""
    linked = directory.is_symlink()
    if shown_as is not None:
        shown = shown_as
    else:  # a linked directory is shown as itself, not as its target
        shown = printable(str(directory)) if linked else _display(directory)
    if linked:
        return DeclarationFiles(problems=(_file_error(shown, DIRECTORY_LINK_PROBLEM),))
    try:
        names = sorted(entry.name for entry in os.scandir(directory))
    except FileNotFoundError:
        return DeclarationFiles(problems=(_file_error(shown, "no such directory"),))
    except NotADirectoryError:
        return DeclarationFiles(problems=(_file_error(shown, "is not a directory"),))
    except OSError as exc:
        reason = "permission denied" if isinstance(exc, PermissionError) else exc.strerror
        return DeclarationFiles(problems=(_file_error(shown, f"cannot be read: {reason}"),))
    texts: dict[str, str] = {}
    problems: list[DeclarationError] = []
    skipped: list[str] = []
    for name in names:
        path = f"{shown}/{printable(name)}"
        rule = classify_name(name)
        if rule.kind is NameKind.SKIPPED:
            if rule.reason:
                skipped.append(f"{path}: skipped, {rule.reason}")
            continue
        if rule.kind is NameKind.MISNAMED:
            problems.append(_file_error(path, rule.reason))
            continue
        try:
            texts[path] = read_text(directory / name)
        except FileNotFoundError:
            continue  # removed while we listed the directory: as if never there
        except FileProblem as exc:
            problems.append(_file_error(path, str(exc)))
    return DeclarationFiles(texts, tuple(problems), tuple(skipped))


def parse_declaration(table: str, data: Any, file: str) -> MonitorSpec:
    """Validate one parsed YAML document as the declaration of `table`."""
    problem = name_problem(table, "table name")
    if problem:
        raise DeclarationError(file, [Problem("", f"file name: {problem}")])
    if not isinstance(data, dict):
        raise DeclarationError(file, [Problem("", "must be a mapping of fields", table)])
    keys = non_text_keys(data)
    if keys:
        raise DeclarationError(
            file,
            [
                Problem(key, "is a key that is not text: every key here is a field name", table)
                for key in keys
            ],
        )
    return validate_spec(data, file, table)


def parse_declaration_text(table: str, text: str, file: str) -> MonitorSpec:
    """Parse and validate the YAML text of one table's own declaration (from disk or a ref)."""
    parsed = parse_file_text(table, text, file)
    if isinstance(parsed, Template):
        raise DeclarationError(
            file, [Problem("tables", "a template here is not allowed: declare one table", table)]
        )
    return parsed


def parse_file_text(table: str, text: str, file: str) -> MonitorSpec | Template:
    """Parse and validate one declaration file: a table's own declaration or a template."""
    try:
        data = load_yaml(text)
    except YamlError as exc:
        raise DeclarationError(file, [Problem("", f"is not valid YAML: {exc}", table)]) from None
    if is_template(data):
        keys = non_text_keys(data)
        if keys:
            raise DeclarationError(
                file,
                [
                    Problem(key, "is a key that is not text: every key here is a field name")
                    for key in keys
                ],
            )
        return parse_template(data, file)
    return parse_declaration(table, data, file)


def _same_table_problems(paths: list[str]) -> list[DeclarationError]:
    """Files whose table names differ only in case: Unity Catalog sees one table."""
    first: dict[str, str] = {}
    errors: list[DeclarationError] = []
    for path in paths:
        other = first.setdefault(table_of(path).lower(), path)
        if other != path:
            errors.append(
                _file_error(
                    path,
                    f"declares the same table as {other} (Unity Catalog names are not "
                    "case-sensitive): keep one of them",
                )
            )
    return errors


def parse_all(texts: Mapping[str, str] | DeclarationFiles) -> Declared:
    """Validate declaration texts keyed by file path (the stem names the table of an own file),
    together with the problems of the files that could not be read; every problem at once.
    Claims are not checked here (`monitors.declared.claims.resolve` does)."""
    files = texts if isinstance(texts, DeclarationFiles) else DeclarationFiles(dict(texts))
    own: dict[str, MonitorSpec] = {}
    own_files: dict[str, str] = {}
    templates: list[Template] = []
    errors: list[DeclarationError] = list(files.problems)
    # Lowercase names first, so the file flagged is the one Unity Catalog would not name.
    duplicates = _same_table_problems(
        sorted(files.texts, key=lambda p: (table_of(p) != table_of(p).lower(), p))
    )
    errors.extend(duplicates)
    repeated = {error.file for error in duplicates}
    for path, text in sorted(files.texts.items()):
        if path in repeated:
            continue
        table = table_of(path)
        try:
            parsed = parse_file_text(table, text, path)
        except DeclarationError as exc:
            errors.append(exc)
            continue
        if isinstance(parsed, Template):
            templates.append(parsed)
        else:
            own[table] = parsed
            own_files[table] = path
    if errors:
        raise DeclarationErrors(errors)
    return Declared(own, own_files, tuple(templates))


def parse_declarations(texts: Mapping[str, str] | DeclarationFiles) -> dict[str, MonitorSpec]:
    """Every table declared without the workspace (own files and template lists; pattern
    templates are left out), keyed by table, sorted; all problems at once."""
    return resolve(parse_all(texts), None).monitors


def load_declarations(directory: Path = DECLARATIONS_DIR) -> dict[str, MonitorSpec]:
    """Every declaration in `directory`, keyed by table name, sorted; all problems at once."""
    return parse_declarations(read_declaration_files(directory))
