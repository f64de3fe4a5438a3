"""`monitors urns --stack S [--json | --table T]`: each monitor's URN and the commands that
recreate it.

The raw path Pulumi teaches, `pulumi up --replace <urn>`; in a protected stack preceded by
`pulumi state unprotect <urn>` (the program protects the monitor again in that same `up`). A
monitor an earlier update left half done gets the commands that finish it instead. Notes go to
stderr, so `--json` and `--table` print only what scripts parse.
"""

from __future__ import annotations

import argparse
import sys

from monitors.cli import options
from monitors.cli.output import print_json
from monitors.errors import ExitCode

EXIT_CODES = (
    (ExitCode.OK, "listed"),
    (
        ExitCode.FAILED,
        "the workspace did not list the tables of a pattern template (a stack state that "
        "cannot be read is only a note: the URNs are listed, their state unknown)",
    ),
    (
        ExitCode.INVALID,
        "bad input or environment (a --table that is not an enabled monitor, stack file, "
        "Pulumi CLI, a pattern template and no credentials without --table)",
    ),
    (ExitCode.ABORTED, "interrupted: urns only reads, nothing changed"),
)

# What each state (monitors.stackops.state.MonitorState name) shows in the table, and the note
# under its commands.
MARKS = {
    "PRESENT": ("in state", ""),
    "ABSENT": ("NOT in state", ""),
    "PENDING_REPLACEMENT": (
        "PENDING",
        "deleted in Databricks by an update that did not create it again; the reset "
        "recreates it (it previews first):",
    ),
    "CREATING": (
        "INTERRUPTED",
        "an update was interrupted while creating it; check it in Databricks, then:",
    ),
    "DELETING": (
        "INTERRUPTED",
        "an update was interrupted while deleting it; refresh reads whether it still exists "
        "(if not, the next `pulumi up` creates it again):",
    ),
}


def _note(text: str) -> None:
    print(text, file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Handler of `urns`: a table of URNs, JSON, or bare URNs of the `--table`s for scripts."""
    from monitors.stackops.urns import urns

    try:
        found = urns(args.stack, args.table, env=options.stack_env(args, out=_note))
    except KeyboardInterrupt:
        print("\ninterrupted (urns only reads: nothing was changed).", file=sys.stderr)
        return int(ExitCode.ABORTED)
    if args.table:
        print("\n".join(m.urn for m in found))
    elif args.json:
        monitors = {
            m.table: {
                "urn": m.urn,
                "in_state": m.in_state,
                "state": m.state.name.lower() if m.state else None,
                "commands": list(m.commands),
            }
            for m in found
        }
        print_json({"stack": args.stack, "monitors": monitors})
    else:
        width = max((len(m.table) for m in found), default=0)
        for m in found:
            mark, note = MARKS[m.state.name] if m.state else ("state unknown", "")
            print(f"{m.table:<{width}}  {mark:<13}  {m.urn}")
            if note:
                print(f"    {note}")
            for command in m.commands:
                print(f"    {command}")
        if any(len(m.commands) > 1 and (m.state is None or m.state.settled) for m in found):
            print(
                "Protected stack: unprotect only the monitor you recreate, and run the `up` right "
                "after; the program protects it again in that `up`. (A reset does the same after "
                f"a preview check: monitors reset --stack {args.stack} --table <table>)"
            )
    return ExitCode.OK


def add_command(subparsers: options.Subparsers) -> None:
    """Register `urns`."""
    parser = subparsers.add_parser(
        "urns",
        help="list the monitors' URNs and the `pulumi up --replace` commands for each",
        description="Print each enabled monitor's URN, where the stack's state has it, and "
        "the exact commands that recreate it (`pulumi state unprotect` first where the stack "
        "protects its monitors), or that finish what an earlier update left half done.",
    )
    options.stack(parser)
    options.json_output(
        parser, "print {schema_version, stack, monitors: {table: {urn, in_state, state, commands}}}"
    )
    options.tables(parser, "print only this table's URN (bare)")
    options.pulumi_root(parser)
    options.project_dir(parser)
    options.verbose(parser)
    parser.set_defaults(func=run)
