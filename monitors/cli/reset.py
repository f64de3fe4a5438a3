"""`monitors reset --stack S --table T | --all [--purge] [--yes] [--json]`.

Writes a fresh reset token per table (or reuses the one of a reset that did not complete),
previews, refuses if anything else would be replaced or deleted, confirms (typing the stack name
where monitors are protected; without a terminal only --yes goes on), then `pulumi up`. History
older than ~30 days is lost.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from monitors.cli import interrupts, options, prompt
from monitors.cli.output import print_json
from monitors.errors import ExitCode

if TYPE_CHECKING:
    from monitors.stackops.reset.apply import ResetReport

EXIT_CODES = (
    (ExitCode.OK, "every chosen monitor was deleted and created again"),
    (
        ExitCode.FAILED,
        "the update failed, was interrupted or did not recreate a monitor (the message says "
        "where each monitor stands and how to finish), or --all over a pattern template and "
        "the workspace did not list its tables: nothing changed",
    ),
    (
        ExitCode.INVALID,
        "bad input or environment (unknown table, stack file, Pulumi CLI, --all over a pattern "
        "template without credentials), or no terminal to confirm on and no --yes: nothing "
        "changed",
    ),
    (ExitCode.REFUSED, "the preview would replace or delete something else: nothing changed"),
    (ExitCode.ABORTED, "declined at the confirmation, or interrupted before the update"),
)


def document(report: ResetReport) -> dict[str, Any]:
    """The `--json` document: per table, the token applied, whether it was reused, the outcome
    and why the monitor was replaced."""
    return {
        "stack": report.stack,
        "monitors": {
            table: {
                "token": token,
                "reused": table in report.reused,
                "outcome": report.outcomes.get(table),
                "reasons": list(report.reasons.get(table, ())),
            }
            for table, token in report.tokens.items()
        },
    }


def run(args: argparse.Namespace) -> int:
    """Handler of `reset`."""
    from monitors.stackops.reset.command import reset

    report = reset(
        args.stack,
        None if args.all else args.table,
        purge=args.purge,
        assume_yes=args.yes,
        confirm=prompt.ask,
        env=options.stack_env(args),
    )
    if args.json:
        print_json(document(report))
    return ExitCode.OK


def add_command(subparsers: options.Subparsers) -> None:
    """Register `reset`."""
    parser = subparsers.add_parser(
        "reset",
        help="delete and recreate chosen monitors, after a preview check and confirmation",
        description=__doc__,
    )
    options.stack(parser)
    which = parser.add_mutually_exclusive_group(required=True)
    options.tables(which, "a table to reset (repeatable)")
    which.add_argument("--all", action="store_true", help="reset every enabled monitor")
    parser.add_argument(
        "--purge", action="store_true", help="also drop the metric tables and dashboard"
    )
    options.assume_yes(parser)
    options.json_output(parser, "print what was reset as JSON (messages go to stderr)")
    options.pulumi_root(parser)
    options.project_dir(parser)
    options.verbose(parser)
    # reset() turns an interrupt during or after its update, or one that keeps it from putting
    # the stack file back, into an error that says where each monitor stands; one that reaches
    # the command line came before the update, after the stack file was put back.
    interrupts.on_interrupt(parser, "aborted before the update. Nothing was changed.")
    parser.set_defaults(func=run)
