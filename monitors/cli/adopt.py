"""`python -m monitors adopt --stack S [--table T ...]`: take existing monitors into the stack.

Imports monitors created outside Pulumi (`pulumi import`, no code generation) under the names the
program uses, skips those already in state, and previews the in-place updates that align them
with the declarations. Never creates or deletes a monitor.
"""

from __future__ import annotations

import argparse

from monitors.cli import interrupts, options
from monitors.errors import ExitCode


def run(args: argparse.Namespace) -> int:
    """Handler of `adopt`."""
    from monitors.stackops.adopt import adopt

    adopt(args.stack, args.table, env=options.stack_env(args))
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
