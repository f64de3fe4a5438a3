"""`python -m monitors reset|adopt|urns`: the stack operations as commands with clear exit codes.

Exit codes: 0 done, 1 a Pulumi command failed part-way (the message says what state it left),
2 bad input or environment (nothing changed), 3 refused by the preview check (nothing changed),
4 aborted at the confirmation (nothing changed).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pulumi.automation import CommandError

from monitors import stackops
from monitors.errors import MonitorsError
from monitors.settings import PROJECT_ROOT
from monitors.stackops_errors import EXIT_FAILED, EXIT_INVALID, EXIT_OK, StackOpsError


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", required=True, help="stack name, e.g. dev or prod")
    parser.add_argument(
        "--pulumi-root",
        type=Path,
        default=None,
        help="use the Pulumi CLI at DIR/bin/pulumi (default: `pulumi` on PATH)",
        metavar="DIR",
    )
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=PROJECT_ROOT,
        help="the project directory holding Pulumi.yaml (default: this repository)",
        metavar="DIR",
    )


def _env(args: argparse.Namespace) -> stackops.Env:
    return stackops.Env(project_root=args.project_dir, pulumi_root=args.pulumi_root)


def _fail(exc: Exception) -> int:
    """Print an operation's error without a traceback; return its exit code."""
    print(f"error: {exc}", file=sys.stderr)
    if isinstance(exc, StackOpsError):
        return exc.exit_code
    if isinstance(exc, MonitorsError):
        return EXIT_INVALID
    return EXIT_FAILED


def _ask(prompt: str) -> str:
    """Read the confirmation answer from the terminal."""
    return input(prompt)


def run_reset(args: argparse.Namespace) -> int:
    """Handler of `reset`."""
    try:
        stackops.reset(
            args.stack,
            None if args.all else args.table,
            purge=args.purge,
            assume_yes=args.yes,
            confirm=_ask,
            env=_env(args),
        )
    except (MonitorsError, CommandError) as exc:
        return _fail(exc)
    except (KeyboardInterrupt, EOFError):
        print("\naborted. Nothing was changed.", file=sys.stderr)
        return stackops.AbortedError.exit_code
    return EXIT_OK


def run_adopt(args: argparse.Namespace) -> int:
    """Handler of `adopt`."""
    try:
        stackops.adopt(args.stack, args.table, env=_env(args))
    except (MonitorsError, CommandError) as exc:
        return _fail(exc)
    return EXIT_OK


def run_urns(args: argparse.Namespace) -> int:
    """Handler of `urns`: a table of URNs, JSON, or bare URNs of the `--table`s for scripts."""
    try:
        found = stackops.urns(args.stack, env=_env(args))
    except (MonitorsError, CommandError) as exc:
        return _fail(exc)
    if args.table:
        by_table = {m.table: m for m in found}
        unknown = [t for t in args.table if t not in by_table]
        if unknown:
            return _fail(
                stackops.UnknownTableError(f"not an enabled monitor: {', '.join(unknown)}")
            )
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
    return EXIT_OK


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add `reset`, `adopt` and `urns` to the `python -m monitors` command line."""
    reset = subparsers.add_parser(
        "reset",
        help="delete and recreate chosen monitors, after a preview check and confirmation",
        description="Write a fresh reset token for each chosen table, preview, refuse if "
        "anything else would be replaced or deleted, confirm (type the stack name where "
        "monitors are protected), then `pulumi up`. History older than ~30 days is lost.",
    )
    _common(reset)
    which = reset.add_mutually_exclusive_group(required=True)
    which.add_argument("--table", action="append", help="a table to reset (repeatable)")
    which.add_argument("--all", action="store_true", help="reset every enabled monitor")
    reset.add_argument(
        "--purge",
        action="store_true",
        help="also drop the metric tables and dashboard (clean slate)",
    )
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation (CI)")
    reset.set_defaults(func=run_reset)

    adopt = subparsers.add_parser(
        "adopt",
        help="import monitors created outside Pulumi into the stack, without recreating them",
        description="Import existing monitors (`pulumi import`, no code generation) under the "
        "names the program uses, skip those already in state, and preview the in-place "
        "updates that align them with the declarations. Never creates or deletes a monitor.",
    )
    _common(adopt)
    adopt.add_argument("--table", action="append", help="a table to adopt (default: all enabled)")
    adopt.set_defaults(func=run_adopt)

    urns = subparsers.add_parser(
        "urns",
        help="list the monitors' URNs, for `pulumi up --replace <urn>`",
        description="Print each enabled monitor's URN and whether the stack's state has it.",
    )
    _common(urns)
    urns.add_argument("--json", action="store_true", help="print {table: {urn, in_state}}")
    urns.add_argument("--table", action="append", help="print only this table's URN (bare)")
    urns.set_defaults(func=run_urns)
