"""`monitors refresh --stack S [--table T ...] [--wait [--timeout SECONDS] | --cancel |
--list]`: refresh the stack's monitors now, on the stack's monitor API.

Queues a metric refresh of each monitor (every enabled one, or the tables named) and shows its
state; `--wait` follows them until each ends, bounded by `--timeout`; `--cancel` cancels the
queued or running ones; `--list` shows the recent refreshes with their state, trigger and
duration. A monitor whose request failed says whether anything happened and how to go on.
Credentials are found as `verify` finds them.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from monitors.cli import interrupts, options
from monitors.errors import ExitCode

DEFAULT_TIMEOUT_S = 3600.0
EXIT_CODES: tuple[tuple[ExitCode, str], ...] = (
    (ExitCode.OK, "every refresh was queued (with --wait: and succeeded), cancelled or listed"),
    (
        ExitCode.FAILED,
        "a monitor's refresh could not be queued, cancelled or read, or it failed or was "
        "cancelled; or the workspace did not answer (each monitor says what happened)",
    ),
    (ExitCode.INVALID, "bad input (a table the stack does not monitor) or no credentials"),
    (ExitCode.ABORTED, "interrupted; refreshes already queued keep running"),
    (ExitCode.TIMED_OUT, "--wait ran out of time; the refreshes still running go on"),
)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Handler of `refresh`: see EXIT_CODES."""
    from monitors.cli.progress import progress_for
    from monitors.declared.project import build_project
    from monitors.declared.project_input import read_project_input
    from monitors.errors import WorkspaceUnreachableError
    from monitors.workspace.client import OPERATE_LIMITS, Deadline, connect
    from monitors.workspace.refresh_run import RefreshRun, targets_for
    from monitors.workspace.tables import with_patterns

    out = out or sys.stdout
    err = err or sys.stderr
    given = read_project_input(args.stack, args.project_dir)
    project = build_project(given)
    options.print_skipped(project.skipped, args)
    # --table is checked before connecting, unless a pattern may declare it (known only after).
    targets = None if project.declared.patterns else targets_for(project, args.table)
    settings = options.workspace_settings(args)
    deadline = Deadline(OPERATE_LIMITS.total_s + (args.timeout if args.wait else 0.0))
    try:
        connection = connect(settings, OPERATE_LIMITS, deadline)
    except WorkspaceUnreachableError as exc:
        raise WorkspaceUnreachableError(
            f"{exc}. Nothing was asked of it: no refresh was queued, cancelled or read."
        ) from None
    if not args.json:
        for line in connection.sources:
            print(f"refresh: {line}", file=err)
    if targets is None:  # pattern templates: the tables the workspace lists now
        targets = targets_for(with_patterns(given, project, connection.client), args.table)
    progress = progress_for(args, err)
    action = "cancel" if args.cancel else "list" if args.list else "queue"
    refresh_run = RefreshRun(
        connection.client,
        stack=project.settings.stack,
        deadline=deadline,
        progress=(
            (lambda line: print(line, file=progress.stream, flush=True))
            if progress.enabled
            else None
        ),
    )
    report = refresh_run.run(action, targets, wait_s=args.timeout if args.wait else None)
    out.write(report.to_json() if args.json else report.render_text())
    return int(report.exit_code)


def add_command(subparsers: options.Subparsers) -> None:
    """Register `refresh`."""
    parser = subparsers.add_parser(
        "refresh",
        help="queue, follow, cancel or list the metric refreshes of the stack's monitors",
        description=__doc__,
    )
    options.stack(parser)
    options.tables(parser, "only this table (repeatable; default: every monitor of the stack)")
    mode = parser.add_mutually_exclusive_group()
    options.wait(mode, "follow the queued refreshes until each one ends")
    mode.add_argument(
        "--cancel", action="store_true", help="cancel the refreshes queued or running now"
    )
    mode.add_argument(
        "--list", action="store_true", help="show the recent refreshes: state, trigger, duration"
    )
    options.wait_timeout(parser, DEFAULT_TIMEOUT_S, "seconds --wait may take")
    options.json_output(parser)
    options.workspace(parser)
    options.project_dir(parser)
    options.verbose(parser)
    options.pulumi_root(parser)
    interrupts.on_interrupt(
        parser,
        "interrupted. Refreshes already queued keep running in the workspace: see them with "
        "`refresh --list`, cancel them with `refresh --cancel`.",
    )
    parser.set_defaults(func=run)
