"""`monitors verify --stack S [--wait] [--json]`: the seed's post-run checklist, automated.

Which monitors to expect comes from the declarations; credentials come from where the provider
finds them: the stack's `databricks:*` settings (secrets decrypted by the Pulumi CLI when it is
installed), then DATABRICKS_* variables, then ~/.databrickscfg profiles. It says which source it
used (never a secret) and answers within a bounded time: two minutes, plus three seconds per
monitor each worker checks. Monitors are checked --workers at a time (default 8), with one
shared pause whenever the workspace throttles (429/503 with Retry-After), then the stack's
alerts the same way; the report keeps the declared order. On a terminal, one progress line per
monitor and per alert goes to stderr (none with --json).
Exit codes: 0 every check passes; 1 a check fails or the workspace does not answer; 2 bad input
or missing credentials; 4 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from monitors.cli import interrupts, options
from monitors.errors import ExitCode

DEFAULT_TIMEOUT_S = 1800.0
# The time budget of the checks grows with the monitors each worker checks (about five requests
# each, a second or less apiece on a loaded workspace).
PER_MONITOR_S = 3.0

EXIT_CODES: tuple[tuple[ExitCode, str], ...] = (
    (ExitCode.OK, "every check of every monitor (and alert) passes"),
    (ExitCode.FAILED, "a check fails, or the workspace does not answer in time"),
    (
        ExitCode.INVALID,
        "bad input (declarations, --table, options), or no usable credentials (every source "
        "tried is listed)",
    ),
    (ExitCode.ABORTED, "interrupted: verify only reads, nothing was changed"),
)


def time_budget(base_s: float, monitors: int, workers: int) -> float:
    """Seconds the checks may take: `base_s`, plus PER_MONITOR_S for each monitor one worker
    checks in turn."""
    return base_s + PER_MONITOR_S * -(-monitors // max(1, workers))


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Handler of `verify`: 0 when every check passes, 1 when any fails or the workspace does not
    answer, 2 for bad input or missing credentials."""
    from monitors.declared.project import build_project
    from monitors.declared.project_input import read_project_input
    from monitors.workspace.alerts import verify_alerts
    from monitors.workspace.alerts_report import AlertReport, AlertsReport
    from monitors.workspace.client import VERIFY_LIMITS, Deadline, connect
    from monitors.workspace.expected import expected_monitors
    from monitors.workspace.pool import ThrottleGate
    from monitors.workspace.tables import with_patterns
    from monitors.workspace.verify.run import run_verify
    from monitors.workspace.verify.wait import DEFAULT_POLL_S

    out = out or sys.stdout
    err = err or sys.stderr
    given = read_project_input(args.stack, args.project_dir)
    project = build_project(given)
    options.print_skipped(project.skipped, args)
    # --table is checked before connecting, unless a pattern may declare it (known only after).
    expected = None if project.declared.patterns else expected_monitors(project, args.table)
    settings = options.workspace_settings(args)
    known = len(expected) if expected is not None else len(project.monitors)
    budget = time_budget(VERIFY_LIMITS.total_s, known, args.workers)
    deadline = Deadline(budget + (args.timeout if args.wait else 0.0))
    connection = connect(settings, VERIFY_LIMITS, deadline)
    project = with_patterns(given, project, connection.client)  # the tables listed now
    if expected is None:  # the pattern's tables get their share of the time budget too
        expected = expected_monitors(project, args.table)
        deadline.extend(
            time_budget(0.0, len(expected), args.workers) - (budget - VERIFY_LIMITS.total_s)
        )
    for line in connection.sources:
        print(f"verify: {line}", file=err)
    check_alerts = None
    if project.settings.alerts is not None:
        client = connection.client

        def check_alerts(
            workers: int,
            gate: ThrottleGate,
            on_checked: Callable[[AlertReport, int], None] | None,
        ) -> AlertsReport:
            return verify_alerts(
                client,
                project,
                args.table,
                deadline,
                workers=workers,
                gate=gate,
                on_checked=on_checked,
            )

    return run_verify(
        connection.client,
        expected,
        wait=args.wait,
        timeout_s=args.timeout,
        as_json=args.json,
        out=out,
        poll_s=DEFAULT_POLL_S,
        progress_out=err if args.json else None,
        deadline=deadline,
        alerts=check_alerts,
        workers=args.workers,
        check_progress=options.progress_stream(args),
    )


def add_command(subparsers: options.Subparsers) -> None:
    """Register `verify`."""
    parser = subparsers.add_parser(
        "verify",
        help="check deployed monitors against the declarations",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.stack(parser)
    options.tables(parser, "only this table (repeatable)")
    options.wait(parser, "poll PENDING monitors until ACTIVE")
    options.wait_timeout(parser, DEFAULT_TIMEOUT_S, "seconds --wait may take")
    options.workers(parser, "monitors checked at once")
    options.json_output(parser)
    options.workspace(parser)
    options.project_dir(parser)
    options.verbose(parser)
    options.pulumi_root(parser)
    interrupts.on_interrupt(
        parser, "interrupted. verify only reads the workspace: nothing was changed. Run it again."
    )
    parser.set_defaults(func=run)
