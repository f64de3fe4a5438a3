"""`python -m monitors`: the commands around the Pulumi program, one module per command group."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from monitors import plan, schema, stackops_cli, verify_cli
from monitors.errors import MonitorsError

EXIT_INVALID = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="python -m monitors",
        description="Databricks Lakehouse Monitors as code: plan, verify and operate stacks.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (plan, schema, stackops_cli, verify_cli):
        module.add_commands(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; bad input prints one error per problem and exits 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except MonitorsError as exc:
        print(f"error: {exc}".replace("\n", "\nerror: "), file=sys.stderr)
        return EXIT_INVALID
