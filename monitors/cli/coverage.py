"""`monitors coverage --stack S`: every table of the stack's gold schema, and whether
it is monitored, and by whom.

Each table the workspace lists in the schema gets one state: declared and deployed (the
workspace holds its monitor), declared but not deployed, monitored but declared nowhere (made
by a script or the UI: `export` writes its declaration), not monitored, a monitor's metric
table, or not read (the workspace did not answer for it: no count includes it). Declared
tables the workspace does not list count as not deployed. Pulumi's state is not read:
"deployed" is what the workspace holds; `verify` checks it against the declaration.
The schema's anomaly detection monitor (lakehouse-monitors:anomalyDetection) gets a state too:
a line under the heading, `anomaly_detection` in --json (declared, deployed, state, detail).
Monitors are read through the stack's API (lakehouse-monitors:api), --workers at a time.
Credentials come from where the provider finds them, as for `verify`.
Exit codes: 0 every table was read (whatever the coverage); 1 a table, the listing or the
declared schema monitor could not be read, or the workspace did not answer; 2 bad input or
missing credentials; 4 interrupted.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from typing import TextIO

from monitors.cli import interrupts, options
from monitors.errors import ExitCode

EXIT_CODES: tuple[tuple[ExitCode, str], ...] = (
    (ExitCode.OK, "every table of the schema was read; the counts are complete"),
    (
        ExitCode.FAILED,
        "a table, the table listing or the declared schema monitor could not be read (403, "
        "5xx, a malformed answer, throttling past the retry budget), or the workspace did not "
        "answer in time",
    ),
    (ExitCode.INVALID, "bad input (stack file, declarations, options) or no usable credentials"),
    (ExitCode.ABORTED, "interrupted: coverage only reads, nothing was changed"),
)
# The listing and the reads: two minutes, plus a second for each table one worker reads.
BASE_S = 120.0
PER_TABLE_S = 1.0


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Handler of `coverage`."""
    from monitors.declared.project import build_project
    from monitors.declared.project_input import read_project_input
    from monitors.workspace.client import VERIFY_LIMITS, Deadline, connect
    from monitors.workspace.coverage import MonitorSeen
    from monitors.workspace.coverage_report import read_coverage
    from monitors.workspace.tables import with_patterns

    out = out or sys.stdout
    err = err or sys.stderr
    given = read_project_input(args.stack, args.project_dir)
    project = build_project(given)
    options.print_skipped(project.skipped, args)
    settings = project.settings
    provider = options.workspace_settings(args)
    # The budget grows with the tables once they are known; a generous start for the listing.
    deadline = Deadline(BASE_S)
    connection = connect(provider, VERIFY_LIMITS, deadline)
    for line in connection.sources:
        print(f"coverage: {line}", file=err)
    project = with_patterns(given, project, connection.client)  # the tables listed now
    progress = options.progress_stream(args)
    counter = itertools.count(1)

    def on_read(seen: MonitorSeen) -> None:
        if progress is not None:
            verdict = seen.error or ("monitored" if seen.monitored else "no monitor")
            print(f"coverage: [{next(counter)}] {seen.table}: {verdict}", file=progress, flush=True)

    report = read_coverage(
        connection.client,
        settings,
        list(project.monitors),
        deadline,
        args.workers,
        on_read,
        per_table_s=PER_TABLE_S,
    )
    out.write(report.to_json() + "\n" if args.json else report.render(settings))
    return int(report.exit_code)


def add_command(subparsers: options.Subparsers) -> None:
    """Register `coverage`."""
    parser = subparsers.add_parser(
        "coverage",
        help="list every table of the gold schema: monitored, declared, deployed or not",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.stack(parser)
    options.workers(parser, "tables read at once")
    options.json_output(parser)
    options.workspace(parser)
    options.project_dir(parser)
    options.verbose(parser)
    options.pulumi_root(parser)
    interrupts.on_interrupt(
        parser, "interrupted. coverage only reads the workspace: nothing was changed. Run it again."
    )
    parser.set_defaults(func=run)
