"""`monitors adopt --stack S [--table T ...] [--json]`: take existing monitors into the stack.

Imports monitors created outside Pulumi (`pulumi import`, no code generation) under the names the
program uses, skips those already in state, and previews the in-place updates that align them
with the declarations. Never creates or deletes a monitor.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from monitors.cli import interrupts, options
from monitors.cli.output import print_json
from monitors.errors import ExitCode

if TYPE_CHECKING:
    from monitors.stackops.adopt import AdoptReport

EXIT_CODES = (
    (ExitCode.OK, "imported (or already in the state), and the preview aligns them in place"),
    (
        ExitCode.FAILED,
        "the import or the preview failed or was interrupted (the message says where each "
        "monitor stands: run the same adopt again), or the workspace did not list the "
        "tables of a pattern template: nothing imported",
    ),
    (
        ExitCode.INVALID,
        "bad input or environment (unknown table, stack file, a stack on the data quality API, "
        "Pulumi CLI, a pattern template and no credentials): nothing imported",
    ),
    (
        ExitCode.REFUSED,
        "a monitor is half done from an earlier update, or the preview would replace or delete "
        "an adopted monitor (do not run `pulumi up`)",
    ),
    (ExitCode.ABORTED, "interrupted before the import: nothing imported"),
)


def document(report: AdoptReport) -> dict[str, Any]:
    """The `--json` document: what was imported or skipped, and what `pulumi up` would now do
    to each monitor (and which fields it would change)."""
    return {
        "stack": report.stack,
        "imported": list(report.imported),
        "skipped": list(report.skipped),
        "plan": {
            table: {"change": change.kind, "fields": list(change.diffs)}
            for table, change in report.plan.items()
        },
    }


def run(args: argparse.Namespace) -> int:
    """Handler of `adopt`."""
    from monitors.stackops.adopt import adopt

    report = adopt(args.stack, args.table, env=options.stack_env(args))
    if args.json:
        print_json(document(report))
    return ExitCode.OK


def add_command(subparsers: options.Subparsers) -> None:
    """Register `adopt`."""
    parser = subparsers.add_parser(
        "adopt",
        help="import monitors created outside Pulumi into the stack, without recreating them",
        description=__doc__,
    )
    options.stack(parser)
    options.tables(parser, "a table to adopt (default: all enabled)")
    options.json_output(parser, "print what was adopted as JSON (messages go to stderr)")
    options.pulumi_root(parser)
    options.project_dir(parser)
    options.verbose(parser)
    # adopt() turns an interrupt during or after its import into an error that says where each
    # monitor stands; one that reaches the command line came before the import.
    interrupts.on_interrupt(
        parser,
        "interrupted before the import. Nothing was imported: nothing was changed. Run the "
        "same adopt again.",
    )
    parser.set_defaults(func=run)
