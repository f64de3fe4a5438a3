"""`monitors migrate --stack S --to data_quality|legacy [--yes] [--json]`.

Moves every enabled monitor of a stack to the other monitor API without deleting one: the old
resources leave the state (`pulumi state remove`), the same monitors are imported as the other
type, a preview must plan no replace, delete or create (else everything is put back), `pulumi up`
records them, and a history proof compares each monitor's version, dashboard and metric tables
with the facts read before. Run it again after a failure or an interrupt: it continues from where
each monitor stands.
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import TYPE_CHECKING, Any

from monitors.cli import interrupts, options, prompt
from monitors.cli.output import print_json
from monitors.errors import ExitCode
from monitors.naming import APIS

if TYPE_CHECKING:
    from monitors.stackops.migrate.context import MigrateReport
    from monitors.workspace.migration import MonitorFacts

EXIT_CODES = (
    (ExitCode.OK, "migrated and proven (or nothing to migrate)"),
    (
        ExitCode.FAILED,
        "a step failed or was interrupted part-way (the message says where each monitor stands "
        "and how to go on), the history proof failed, or the workspace did not list the "
        "tables of a pattern template (nothing changed)",
    ),
    (
        ExitCode.INVALID,
        "bad input or environment (a pattern template and no credentials), or no terminal to "
        "confirm on and no --yes: nothing changed",
    ),
    (ExitCode.REFUSED, "refused: nothing changed, or everything put back"),
    (ExitCode.ABORTED, "declined at the confirmation, or interrupted before anything changed"),
)


def document(report: MigrateReport) -> dict[str, Any]:
    """The `--json` document: where each monitor stands and its history facts before and after."""
    return {
        "stack": report.stack,
        "from": report.source,
        "to": report.target,
        "nothing_to_do": report.nothing_to_do,
        "updated": list(report.updated),
        "monitors": {
            table: {
                "placement": placement.value,
                "before": _facts(report.before.get(table)),
                "after": _facts(report.after.get(table)),
            }
            for table, placement in report.placements.items()
        },
    }


def _facts(facts: MonitorFacts | None) -> dict[str, Any] | None:
    return None if facts is None else dataclasses.asdict(facts)


def run(args: argparse.Namespace) -> int:
    """Handler of `migrate`."""
    from monitors.stackops.migrate.command import migrate

    report = migrate(
        args.stack, args.to, assume_yes=args.yes, confirm=prompt.ask, env=options.stack_env(args)
    )
    if args.json:
        print_json(document(report))
    return ExitCode.OK


def add_command(subparsers: options.Subparsers) -> None:
    """Register `migrate`."""
    parser = subparsers.add_parser(
        "migrate",
        help="move a stack's monitors to the other monitor API without deleting one",
        description=__doc__,
    )
    options.stack(parser)
    parser.add_argument(
        "--to", required=True, choices=APIS, help="the monitor API to move the stack to"
    )
    options.assume_yes(parser)
    options.json_output(parser, "print where each monitor stands as JSON (messages go to stderr)")
    options.pulumi_root(parser)
    options.project_dir(parser)
    options.verbose(parser)
    # migrate() turns an interrupt after its first change into an error that says where each
    # monitor stands; one that reaches the command line came before any change.
    interrupts.on_interrupt(
        parser,
        "aborted before this run changed anything. Nothing was changed. Run the same command "
        "again to start (or to go on with a migration already under way).",
    )
    parser.set_defaults(func=run)
