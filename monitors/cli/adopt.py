"""`python -m monitors adopt --stack S [--table T ...]`: take existing monitors into the stack.

Imports monitors created outside Pulumi (`pulumi import`, no code generation) under the names the
program uses, skips those already in state, and previews the in-place updates that align them
with the declarations. Never creates or deletes a monitor.
"""

from __future__ import annotations

import argparse

from monitors.cli import options
from monitors.cli.interrupts import run_until_interrupted
from monitors.errors import ExitCode


def run(args: argparse.Namespace) -> int:
    """Handler of `adopt`."""
    from monitors.stackops.adopt import adopt

    return run_until_interrupted(
        lambda: adopt(args.stack, args.table, env=options.stack_env(args)),
        "interrupted. adopt creates, updates and deletes nothing in Databricks, but some "
        "monitors may already be in the stack's state: see them with "
        f"`python -m monitors urns --stack {args.stack}`, and run the same adopt again "
        "(monitors already imported are skipped).",
        ExitCode.FAILED,
    )


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
    parser.set_defaults(func=run)
