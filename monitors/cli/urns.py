"""`python -m monitors urns --stack S`: each monitor's URN, for `pulumi up --replace <urn>`."""

from __future__ import annotations

import argparse
import json

from monitors.cli import options
from monitors.errors import ExitCode, UnknownTableError


def run(args: argparse.Namespace) -> int:
    """Handler of `urns`: a table of URNs, JSON, or bare URNs of the `--table`s for scripts."""
    from monitors.stackops.common import Env
    from monitors.stackops.urns import urns

    found = urns(args.stack, env=Env(args.project_dir, args.pulumi_root))
    if args.table:
        by_table = {m.table: m for m in found}
        unknown = [t for t in args.table if t not in by_table]
        if unknown:
            raise UnknownTableError(f"not an enabled monitor: {', '.join(unknown)}")
        print("\n".join(by_table[t].urn for t in args.table))
    elif args.json:
        print(
            json.dumps({m.table: {"urn": m.urn, "in_state": m.in_state} for m in found}, indent=2)
        )
    else:
        marks = {True: "in state", False: "NOT in state", None: "state unknown"}
        width = max((len(m.table) for m in found), default=0)
        for m in found:
            print(f"{m.table:<{width}}  {marks[m.in_state]:<13}  {m.urn}")
    return ExitCode.OK


def add_command(subparsers: options.Subparsers) -> None:
    """Register `urns`."""
    parser = subparsers.add_parser(
        "urns",
        help="list the monitors' URNs, for `pulumi up --replace <urn>`",
        description="Print each enabled monitor's URN and whether the stack's state has it.",
    )
    options.stack(parser)
    options.json_output(parser, "print {table: {urn, in_state}}")
    options.tables(parser, "print only this table's URN (bare)")
    options.pulumi_root(parser)
    options.project_dir(parser)
    parser.set_defaults(func=run)
