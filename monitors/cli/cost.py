"""`monitors cost --stack S [--days N] [--json]`: what each monitor's refreshes cost.

Per monitored table, the DBUs and list-price cost of its refreshes over the last N days, from
the billing system tables (`system.billing.usage` joined with `system.billing.list_prices`),
read through the SQL statement API on a SQL warehouse: `--warehouse-id`, else the stack's
`lakehouse-monitors:warehouseId`, else `lakehouse-monitors:alerts.warehouse_id`. It says what it
cannot attribute to a table and how late the billing tables are. Reading `system.billing`
needs USE and SELECT on that schema (granted by an account admin).
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from monitors.cli import interrupts, options
from monitors.declared.limits import Bounds
from monitors.errors import ExitCode

DEFAULT_DAYS = 30
DAYS = Bounds(1, 365, whole=True, unit="days")  # the usage table's free retention is 365 days
DEFAULT_TIMEOUT_S = 300.0
EXIT_CODES: tuple[tuple[ExitCode, str], ...] = (
    (ExitCode.OK, "the cost of every monitor was read"),
    (
        ExitCode.FAILED,
        "the billing tables could not be read (no access, a failed statement, an unreadable "
        "answer, throttling or a server error to the end of the retry budget), or the "
        "workspace did not answer",
    ),
    (
        ExitCode.INVALID,
        "bad input: --days out of range, no SQL warehouse to run the query on, no credentials",
    ),
    (ExitCode.ABORTED, "interrupted; cost only reads: nothing was changed"),
    (
        ExitCode.TIMED_OUT,
        "the SQL warehouse did not start or answer within --timeout (the query was cancelled)",
    ),
)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Handler of `cost`: see EXIT_CODES."""
    from monitors.declared.project import build_project
    from monitors.declared.project_input import read_project_input
    from monitors.workspace.client import OPERATE_LIMITS, Deadline, connect
    from monitors.workspace.cost import CostTarget
    from monitors.workspace.cost_run import read_costs, warehouse_for
    from monitors.workspace.tables import with_patterns

    out = out or sys.stdout
    err = err or sys.stderr
    given = read_project_input(args.stack, args.project_dir)
    project = build_project(given)
    options.print_skipped(project.skipped, args)
    warehouse_id, setting = warehouse_for(project.settings, args.warehouse_id)
    settings = options.workspace_settings(args)
    deadline = Deadline(OPERATE_LIMITS.total_s + args.timeout)
    connection = connect(settings, OPERATE_LIMITS, deadline)
    if not args.json:
        for line in connection.sources:
            print(f"cost: {line}", file=err)
    project = with_patterns(given, project, connection.client)  # the tables listed now
    targets = [
        CostTarget(table, project.settings.full_table_name(table)) for table in project.monitors
    ]
    report = read_costs(
        connection.client,
        targets,
        stack=project.settings.stack,
        days=int(args.days),
        warehouse_id=warehouse_id,
        warehouse_setting=setting,
        budget_s=args.timeout,
    )
    out.write(report.to_json() if args.json else report.render_text())
    return int(ExitCode.OK)


def add_command(subparsers: options.Subparsers) -> None:
    """Register `cost`."""
    parser = subparsers.add_parser(
        "cost",
        help="DBUs and list-price cost of each monitor's refreshes, from the billing tables",
        description=__doc__,
    )
    options.stack(parser)
    parser.add_argument(
        "--days",
        type=options.number(DAYS),
        default=DEFAULT_DAYS,
        metavar="N",
        help=f"the period: the last N days ({DAYS.describe()}; default {DEFAULT_DAYS})",
    )
    parser.add_argument(
        "--warehouse-id",
        metavar="ID",
        help="SQL warehouse to run the billing query on (default: the stack's warehouseId, "
        "then alerts.warehouse_id)",
    )
    options.wait_timeout(
        parser, DEFAULT_TIMEOUT_S, "seconds the query may take, a stopped warehouse starting"
    )
    options.json_output(parser)
    options.workspace(parser)
    options.project_dir(parser)
    options.verbose(parser)
    options.pulumi_root(parser)
    interrupts.on_interrupt(parser, "interrupted. cost only reads: nothing was changed.")
    parser.set_defaults(func=run)
