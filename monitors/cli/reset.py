"""`python -m monitors reset --stack S --table T | --all [--purge] [--yes]`.

Writes a fresh reset token per table (or reuses the one of a reset that did not complete),
previews, refuses if anything else would be replaced or deleted, confirms (typing the stack name
where monitors are protected), then `pulumi up`. Exit codes: 0 done; 1 the update failed, was
interrupted or did not recreate a monitor (the message says where each monitor stands and how to
finish); 2 bad input; 3 refused; 4 aborted or interrupted before the update (nothing changed).
"""

from __future__ import annotations

import argparse

from monitors.cli import interrupts, options
from monitors.errors import ExitCode


def run(args: argparse.Namespace) -> int:
    """Handler of `reset`."""
    from monitors.stackops.reset.command import reset

    reset(
        args.stack,
        None if args.all else args.table,
        purge=args.purge,
        assume_yes=args.yes,
        confirm=input,
        env=options.stack_env(args),
    )
    return ExitCode.OK


def add_command(subparsers: options.Subparsers) -> None:
    """Register `reset`."""
    parser = subparsers.add_parser(
        "reset",
        help="delete and recreate chosen monitors, after a preview check and confirmation",
        description="Write a fresh reset token for each chosen table, preview, refuse if "
        "anything else would be replaced or deleted, confirm (type the stack name where "
        "monitors are protected), then `pulumi up`. History older than ~30 days is lost.",
    )
    options.stack(parser)
    which = parser.add_mutually_exclusive_group(required=True)
    options.tables(which, "a table to reset (repeatable)")
    which.add_argument("--all", action="store_true", help="reset every enabled monitor")
    parser.add_argument(
        "--purge", action="store_true", help="also drop the metric tables and dashboard"
    )
    options.assume_yes(parser)
    options.pulumi_root(parser)
    options.project_dir(parser)
    options.verbose(parser)
    # reset() turns an interrupt during or after its update, or one that keeps it from putting
    # the stack file back, into an error that says where each monitor stands; one that reaches
    # the command line came before the update, after the stack file was put back.
    interrupts.on_interrupt(parser, "aborted before the update. Nothing was changed.")
    parser.set_defaults(func=run)
