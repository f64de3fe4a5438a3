"""`export`: the monitors of a stack's gold schema written as declarations.

Each chosen table's monitor is read (`monitors.workspace.read_config`), turned into a
declaration and checked against what the workspace holds (`monitors.export.check`), and
written as `monitors/declarations/<table>.yaml`. Everything is read before anything is written,
so a workspace that stops answering leaves no file behind. An existing declaration is never
overwritten without `force`; a file that is not a plain `<table>.yaml` (a `.yml`, another
case, a link) is never overwritten at all, and no own file is written for a table a list template
names (`monitors.declared.claims`: a second claim). Each table's monitor is read before its file is
looked at, so every line and count says what the workspace holds. The report says, per
table, written (exactly, or with the differences the first `pulumi up` after `adopt` would
apply), skipped or failed.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from databricks.sdk import WorkspaceClient

from monitors.atomic import write_text
from monitors.declared.claims import list_of, pattern_of
from monitors.declared.files import FileProblem, printable, read_text
from monitors.declared.identifiers import name_problem
from monitors.declared.loader import (
    DIRECTORY_LINK_PROBLEM,
    EXTENSION,
    NameKind,
    classify_name,
    read_declaration_files,
)
from monitors.declared.settings import StackSettings
from monitors.declared.templates import TABLES_KEY, Template, is_template, parse_template
from monitors.declared.yamlfile import YamlError, load_yaml
from monitors.errors import (
    DeclarationError,
    ExportError,
    MonitorsError,
    UnknownTableError,
    UnsafeNameError,
    WorkspaceUnreachableError,
)
from monitors.export.check import export_monitor
from monitors.export.data_quality import export_dq_monitor
from monitors.export.form import KEPT_FIELDS, Gap, NotExpressible
from monitors.naming import API_DATA_QUALITY, DECLARATIONS_PATH
from monitors.workspace import identifiers
from monitors.workspace.client import Deadline, Limits, describe_error, is_unreachable
from monitors.workspace.export_report import ExportReport, Outcome, TableResult
from monitors.workspace.read_config import (
    MonitorRead,
    output_schema_id,
    read_dq_monitor,
    read_legacy_monitor,
    schema_tables,
)

T = TypeVar("T")
# One request at a time, each bounded; the whole export within five minutes.
EXPORT_LIMITS = Limits(http_timeout_s=15, retry_timeout_s=30, connect_timeout_s=5, total_s=300)


# ------------------------------------------------------------------------ which tables


def chosen_tables(settings: StackSettings, tables: Sequence[str] | None) -> list[str] | None:
    """The short names of the `--table`s (a name in the gold schema, or its full name), or None
    for "every table of the gold schema"; UnknownTableError for one a declaration cannot name."""
    if not tables:
        return None
    schema = settings.full_table_name("")
    chosen: list[str] = []
    problems: list[str] = []
    for given in tables:
        short = given[len(schema) :] if given.startswith(schema) else given
        if "." in short:
            problems.append(
                f"{printable(given)}: not in stack {settings.stack}'s gold schema {schema[:-1]}; "
                "declarations name the tables of that schema only"
            )
        elif problem := name_problem(short, "table name"):
            problems.append(f"{printable(given)}: {printable(problem)}")
        elif short not in chosen:
            chosen.append(short)
    if problems:
        raise UnknownTableError("cannot export:\n" + "\n".join(f"  {p}" for p in problems))
    return chosen


def existing_files(directory: Path, shown: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """Declaration-like files in `directory` by the table they would declare (lowercase stem):
    `<table>.yaml`, and the names the loader refuses (`.yml`, capitals); and the files the
    loader skips (`path: why`, for --verbose)."""
    try:
        names = [entry.name for entry in os.scandir(directory)]
    except FileNotFoundError:
        return {}, ()
    found: dict[str, str] = {}
    skipped: list[str] = []
    for name in sorted(names):
        rule = classify_name(name)
        if rule.kind is not NameKind.SKIPPED:
            found.setdefault(name.rpartition(".")[0].lower(), name)
        elif rule.reason:
            skipped.append(f"{shown}/{printable(name)}: skipped, {rule.reason}")
    return found, tuple(skipped)


def declarations_directory(project_root: Path) -> Path:
    """The project's declarations directory; MonitorsError when it cannot take a file (a
    symbolic link, which the loader refuses, or not a directory)."""
    directory = project_root / DECLARATIONS_PATH
    if directory.is_symlink():
        raise MonitorsError(f"{DECLARATIONS_PATH}: {DIRECTORY_LINK_PROBLEM}")
    if directory.exists() and not directory.is_dir():
        raise MonitorsError(f"{DECLARATIONS_PATH}: is not a directory")
    return directory


def kept_fields(path: Path) -> dict[str, Any]:
    """The fields export keeps from a declaration it overwrites (`KEPT_FIELDS`: alerts), read
    from the file; MonitorsError when the file cannot be read, so nothing is lost silently."""
    try:
        data = load_yaml(read_text(path))
    except (OSError, FileProblem, YamlError) as exc:
        raise MonitorsError(
            f"cannot read {path.name} to keep its alerts ({exc}): fix or remove it first"
        ) from None
    if not isinstance(data, dict):
        raise MonitorsError(f"{path.name} is not a mapping: fix or remove it first")
    return {name: data[name] for name in KEPT_FIELDS if data.get(name)}


def templates_in(directory: Path) -> tuple[Template, ...]:
    """The valid templates of the declarations directory (an invalid one is the loader's to
    report; export only asks which tables they claim)."""
    files = read_declaration_files(directory, shown_as=DECLARATIONS_PATH)
    found: list[Template] = []
    for path, text in files.texts.items():
        try:
            data = load_yaml(text)
            if is_template(data):
                found.append(parse_template(data, path))
        except (YamlError, DeclarationError):
            continue
    return tuple(found)


def _claimed_by_list(templates: tuple[Template, ...], table: str) -> str:
    """Why an own file for `table` may not be written: a list template names it ("" if none)."""
    listing = list_of(templates, table)
    if listing is None:
        return ""
    return (
        f"not written: {listing.file} lists it, and an own file would declare it twice (which "
        "the loader refuses); remove it from that list first, or export into another "
        "checkout with --project-dir"
    )


def _pattern_note(templates: tuple[Template, ...], table: str) -> tuple[Gap, ...]:
    """The note that the own file now takes precedence over a pattern covering `table`."""
    pattern = pattern_of(templates, table)
    if pattern is None:
        return ()
    assert pattern.pattern is not None
    return (
        Gap(
            (TABLES_KEY,),
            f"{pattern.file} covers it ({pattern.pattern.describe()}): the own file now takes "
            "precedence over that template for this table (`monitors plan` shows it)",
            changes=False,
        ),
    )


def _why_not_written(directory: Path, name: str | None, table: str, force: bool) -> str:
    """Why an existing file keeps `table` from being written ("" when it may be)."""
    if name is None:
        return ""
    if name != f"{table}{EXTENSION}":
        return (
            f"not written: {DECLARATIONS_PATH}/{printable(name)} already declares it (remove "
            "or rename that file first)"
        )
    if not (directory / name).is_file() or (directory / name).is_symlink():
        return "exists and is not a regular file: not overwritten"
    return "" if force else "exists (--force overwrites it)"


# ------------------------------------------------------------------------ reading


def _asking(what: str, deadline: Deadline, call: Callable[[], T]) -> T:
    """One question to the workspace; WorkspaceUnreachableError (nothing written) once it stops
    answering or the time budget is spent. Error answers are the caller's to judge."""
    if deadline.expired():
        raise WorkspaceUnreachableError(
            f"export's time budget of {deadline.seconds:g} s ran out before it could {what}; "
            "nothing was written"
        )
    try:
        return call()
    except Exception as err:
        if is_unreachable(err):
            raise WorkspaceUnreachableError(
                f"the workspace stopped answering when asked to {what}: {describe_error(err)}; "
                "nothing was written"
            ) from None
        raise


def _lookup(what: str, deadline: Deadline, call: Callable[[], T]) -> T:
    """A read every table depends on (the table list, the output schema's id): an error answer
    stops the export with a sentence, before anything is written."""
    try:
        return _asking(what, deadline, call)
    except WorkspaceUnreachableError:
        raise
    except Exception as err:
        raise ExportError(f"cannot {what}: {describe_error(err)}; nothing was written") from None


def _enabled_note(settings: StackSettings, table: str) -> tuple[Gap, ...]:
    if settings.enabled is None or table in settings.enabled:
        return ()
    return (
        Gap(
            ("enabled",),
            f"stack {settings.stack}'s lakehouse-monitors:enabled does not list {table}: add it, "
            "or this stack will not deploy the monitor",
            changes=False,
        ),
    )


def _exported(
    table: str,
    read: MonitorRead,
    settings: StackSettings,
    file: str,
    kept: dict[str, Any],
    schema_id: str | None,
    notes: tuple[Gap, ...] = (),
) -> TableResult:
    assert read.config is not None
    source = f"the monitor of {read.full_name} (stack {settings.stack}, {settings.api} API)"
    try:
        if settings.api == API_DATA_QUALITY:
            export = export_dq_monitor(
                table, read.config, settings, schema_id, file=file, source=source, kept=kept
            )
        else:
            export = export_monitor(
                table, read.config, settings, file=file, source=source, kept=kept
            )
    except NotExpressible as exc:
        return TableResult(table, Outcome.FAILED, f"cannot be declared: {exc}")
    notes = (*notes, *_enabled_note(settings, table))
    return TableResult(table, Outcome.WRITTEN, file, export, notes)


def _undeclarable(
    client: WorkspaceClient,
    settings: StackSettings,
    table: str,
    problem: str,
    reader: Callable[[WorkspaceClient, str], MonitorRead],
    deadline: Deadline,
) -> TableResult | None:
    """A listed table whose name no declaration can have: None when it has no monitor; else
    why its monitor is not exported (never counted as unmonitored without looking)."""
    full_name = settings.full_table_name(table)
    shown = printable(table)
    try:
        url_name = identifiers.table_name(full_name)
    except UnsafeNameError:
        detail = f"not read: {problem}, and no URL may carry it; a monitor on it is not exported"
        return TableResult(shown, Outcome.SKIPPED, printable(detail))
    try:
        read = _asking(
            f"read the monitor of {url_name}", deadline, lambda: reader(client, url_name)
        )
    except WorkspaceUnreachableError:
        raise
    except Exception as err:
        detail = f"could not read its monitor: {describe_error(err)}"
        return TableResult(shown, Outcome.FAILED, detail)
    if read.config is None:
        return None
    detail = f"has a monitor, but no declaration can name this table: {problem}"
    return TableResult(shown, Outcome.FAILED, printable(detail))


# ------------------------------------------------------------------------ writing


def write_declaration(path: Path, text: str) -> None:
    """Write whole (`monitors.atomic`: a fresh temporary dot-file, which the loader skips,
    renamed into place), so a reader never sees half a declaration."""
    write_text(path, text)


def _write(result: TableResult, directory: Path) -> TableResult:
    """Write an exported table's file; its `detail` is the path as users see it."""
    if result.export is None:
        return result
    path = directory / f"{result.table}{EXTENSION}"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_declaration(path, result.export.text)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        detail = f"could not write {result.detail}: {reason}"
        return TableResult(result.table, Outcome.FAILED, detail)
    return result


# ------------------------------------------------------------------------ the command


def export_monitors(
    client: WorkspaceClient,
    settings: StackSettings,
    project_root: Path,
    tables: Sequence[str] | None,
    *,
    force: bool = False,
    deadline: Deadline | None = None,
    progress: Callable[[str], None] | None = None,
) -> ExportReport:
    """Export the chosen tables' monitors (every monitored table of the gold schema when
    `tables` is None) into the project's declarations directory, through the stack's API;
    `progress` hears one line per table read."""
    deadline = deadline or Deadline(EXPORT_LIMITS.total_s)
    chosen = chosen_tables(settings, tables)
    directory = declarations_directory(project_root)
    existing, skipped = existing_files(directory, DECLARATIONS_PATH)
    templates = templates_in(directory)
    report = ExportReport(settings.stack, settings.api, skipped_files=skipped)
    dq_api = settings.api == API_DATA_QUALITY
    reader = read_dq_monitor if dq_api else read_legacy_monitor
    schema_id = (
        _lookup(
            f"look up the output schema {settings.output_schema_name}",
            deadline,
            lambda: output_schema_id(client, settings.output_schema_name),
        )
        if dq_api
        else None
    )
    listed = chosen is None
    if chosen is None:
        chosen = _lookup(
            f"list the tables of {settings.catalog}.{settings.gold_schema}",
            deadline,
            lambda: sorted(schema_tables(client, settings.catalog, settings.gold_schema)),
        )
    pending: list[TableResult] = []
    for number, table in enumerate(chosen, 1):
        if progress is not None:
            progress(f"{table}: reading its monitor ({number}/{len(chosen)})")
        shown = f"{DECLARATIONS_PATH}/{table}{EXTENSION}"
        problem = name_problem(table, "table name") if listed else None
        if problem:
            undeclarable = _undeclarable(client, settings, table, problem, reader, deadline)
            if undeclarable is None:
                report.unmonitored.append(table)
            else:
                pending.append(undeclarable)
            continue
        # The workspace first: a declaration file says nothing about whether a monitor exists.
        full_name = settings.full_table_name(table)
        try:
            read = _asking(
                f"read the monitor of {full_name}",
                deadline,
                functools.partial(reader, client, full_name),
            )
        except WorkspaceUnreachableError:
            raise
        except Exception as err:
            detail = f"could not read its monitor: {describe_error(err)}"
            pending.append(TableResult(table, Outcome.FAILED, detail))
            continue
        if read.config is None:
            if listed:
                report.unmonitored.append(table)
            else:
                pending.append(TableResult(table, Outcome.FAILED, read.missing))
            continue
        refused = _claimed_by_list(templates, table)
        if refused:
            report.results.append(TableResult(table, Outcome.SKIPPED, f"{shown} {refused}"))
            continue
        why = _why_not_written(directory, existing.get(table), table, force)
        if why:
            report.results.append(TableResult(table, Outcome.SKIPPED, f"{shown} {why}"))
            continue
        try:
            kept = kept_fields(directory / existing[table]) if table in existing else {}
        except MonitorsError as exc:
            report.results.append(TableResult(table, Outcome.FAILED, f"not written: {exc}"))
            continue
        notes = _pattern_note(templates, table)
        pending.append(_exported(table, read, settings, shown, kept, schema_id, notes))
    for result in pending:
        report.results.append(_write(result, directory))
    report.results.sort(key=lambda r: r.table)
    return report
