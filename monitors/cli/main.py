"""`python -m monitors`: parse, call one command, print, and exit with the command's code.

Only argparse and the command modules load here; each command imports what it needs when it
runs, so `plan` never pays for pulumi, pulumi_databricks or databricks-sdk. Whatever a command
prints passes the one scrubber (`monitors.cli.output`), and an interrupt at any moment ends in the
command's sentence and exit code (`monitors.cli.interrupts`), never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from monitors.cli import (
    adopt,
    cost,
    coverage,
    export,
    interrupts,
    migrate,
    plan,
    refresh,
    reset,
    schema,
    urns,
    verify,
)
from monitors.cli.output import scrubbed_output
from monitors.errors import ExitCode, MonitorsError

COMMANDS = (
    plan,
    schema,
    verify,
    coverage,
    refresh,
    cost,
    reset,
    adopt,
    urns,
    export,
    migrate,
)


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


def run_command(args: argparse.Namespace) -> int:
    """Run the parsed command; every error a user can fix, and every interrupt the command did
    not report itself, becomes a sentence and an exit code."""
    # The result is kept the moment the command returns it: `list.append` is the first check
    # for a pending signal after the command's last one (CPython checks at calls and loops, not
    # at returns), so an interrupt from then on is never taken for one that stopped it.
    outcome: list[int] = []
    try:
        with interrupts.sigterm_as_interrupt():
            outcome.append(args.func(args))
    except (KeyboardInterrupt, EOFError):  # EOF: no answer at a prompt
        if not outcome:
            return interrupts.report_interrupt(args)
    except MonitorsError as exc:
        return report_error(exc)
    except Exception as exc:  # a failure we did not foresee still gets a sentence, not a trace
        text = f"error: {type(exc).__name__}: {exc}"
        print(text.replace("\n", "\nerror: "), file=sys.stderr)
        return int(ExitCode.FAILED)
    return int(outcome[0])


def main(argv: Sequence[str] | None = None, *, settle: bool = False) -> int:
    """Run one command; nothing printed shows a secret. With `settle` (the real command line,
    not a test calling in), an interrupt after the result is known changes nothing."""
    given = list(sys.argv[1:] if argv is None else argv)
    args: argparse.Namespace | None = None
    code: int | None = None
    try:
        with scrubbed_output(given):
            args = build_parser().parse_args(given)
            code = run_command(args)
            if settle:
                interrupts.settle()
    except KeyboardInterrupt:
        if code is None:  # while parsing, or again while an interrupt was being reported
            code = interrupts.report_interrupt(args)
    return int(ExitCode.ABORTED) if code is None else code
