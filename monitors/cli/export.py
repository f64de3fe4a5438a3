"""`monitors export --stack S [--table T ...] [--force] [--json]`: monitors to declarations.

Reads each chosen table's monitor from the workspace (every monitored table of the stack's gold
schema by default) and writes `monitors/declarations/<table>.yaml` in the friendly form the
shipped files use, so that `adopt` followed by `pulumi up` changes nothing. What a declaration
cannot say is left out and reported, never guessed. An existing declaration is overwritten only
with --force; a table a list template names is never written (its own file would be a second
claim), and one a pattern template covers is written with a note that the own file now wins.
Credentials come from where the provider finds them, as for `verify`.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from monitors.cli import interrupts, options
from monitors.cli.progress import progress_for
from monitors.errors import ExitCode

EXIT_CODES = (
    (ExitCode.OK, "every table written exactly (or skipped)"),
    (
        ExitCode.FAILED,
        "a table failed or could not be written exactly, or the workspace did not answer",
    ),
    (ExitCode.INVALID, "bad input or missing credentials: nothing written"),
    (ExitCode.ABORTED, "interrupted: nothing changed in Databricks (run the same export again)"),
)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Handler of `export`."""
    from monitors.declared.settings import load_stack_settings
    from monitors.workspace.client import Deadline, connect
    from monitors.workspace.export import (
        EXPORT_LIMITS,
        chosen_tables,
        declarations_directory,
        export_monitors,
    )
    from monitors.workspace.export_report import render_json, render_report

    out = out or sys.stdout
    err = err or sys.stderr
    settings = load_stack_settings(args.stack, args.project_dir)
    chosen_tables(settings, args.table)  # refuse bad input before connecting
    declarations_directory(args.project_dir)
    provider = options.workspace_settings(args)
    deadline = Deadline(EXPORT_LIMITS.total_s)
    connection = connect(provider, EXPORT_LIMITS, deadline)
    for line in connection.sources:
        print(f"export: {line}", file=err)
    report = export_monitors(
        connection.client,
        settings,
        args.project_dir,
        args.table,
        force=args.force,
        deadline=deadline,
        progress=progress_for(args, err),
    )
    options.print_skipped(report.skipped_files, args)
    if args.json:
        render_json(report, out)
    else:
        render_report(report, out)
    return int(report.exit_code)


def add_command(subparsers: options.Subparsers) -> None:
    """Register `export`."""
    parser = subparsers.add_parser(
        "export",
        help="write declarations for monitors that already exist in the workspace",
        description=__doc__,
    )
    options.stack(parser)
    options.tables(
        parser,
        "a table of the stack's gold schema to export (repeatable; default: every table of "
        "the gold schema that has a monitor)",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite an existing <table>.yaml declaration"
    )
    options.json_output(parser)
    options.workspace(parser)
    options.project_dir(parser)
    options.verbose(parser)
    options.pulumi_root(parser)
    interrupts.on_interrupt(
        parser,
        "interrupted. export changes nothing in Databricks and writes each declaration whole, "
        "after reading every monitor: run the same export again (a file it wrote already is "
        "overwritten only with --force).",
    )
    parser.set_defaults(func=run)
