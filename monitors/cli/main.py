"""`python -m monitors`: parse, call one command, print, and exit with the command's code.

Only argparse and the command modules load here; each command imports what it needs when it
runs, so `plan` never pays for pulumi, pulumi_databricks or databricks-sdk.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from monitors.cli import adopt, export, migrate, plan, reset, schema, urns, verify
from monitors.cli.output import scrubbed_output
from monitors.errors import ExitCode, MonitorsError

COMMANDS = (plan, schema, verify, reset, adopt, urns, export, migrate)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="python -m monitors",
        description="Databricks Lakehouse Monitors as code: plan, verify and operate stacks.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.add_command(subparsers)
    return parser


def report_error(exc: MonitorsError) -> int:
    """Print an error, one `error:` line per line of its message; return its exit code."""
    print(f"error: {exc}".replace("\n", "\nerror: "), file=sys.stderr)
    return int(exc.exit_code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every error a user can fix is printed without a traceback, and nothing
    printed shows a secret (`monitors.cli.output`)."""
    given = list(sys.argv[1:] if argv is None else argv)
    with scrubbed_output(given):
        args = build_parser().parse_args(given)
        try:
            return int(args.func(args))
        except MonitorsError as exc:
            return report_error(exc)
        except Exception as exc:  # a failure we did not foresee still gets a sentence, not a trace
            text = f"error: {type(exc).__name__}: {exc}"
            print(text.replace("\n", "\nerror: "), file=sys.stderr)
            return int(ExitCode.FAILED)
