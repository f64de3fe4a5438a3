"""The `monitors` command (also `python -m monitors`): parse, call one command, print, and exit
with the command's code.

Only argparse and the command modules load here; each command imports what it needs when it
runs, so `plan` never pays for pulumi, pulumi_databricks or databricks-sdk. Whatever a command
prints passes the one scrubber (`monitors.cli.output`), and an interrupt at any moment ends in the
command's sentence and exit code (`monitors.cli.interrupts`), never a traceback. Every failure is
a sentence on stderr and, with `--json`, also a JSON error object on stdout.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from monitors.cli import (
    adopt,
    cost,
    coverage,
    export,
    helptext,
    interrupts,
    migrate,
    missing,
    plan,
    refresh,
    reset,
    schema,
    urns,
    verify,
)
from monitors.cli.output import print_json_error, scrubbed_output
from monitors.errors import DeclarationError, DeclarationErrors, ExitCode, MonitorsError
from monitors.version import VERSION

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

PROG = "monitors"


class UsageExit(SystemExit):
    """argparse's exit 2 on a usage error, keeping the message for the `--json` error object."""

    def __init__(self, message: str) -> None:
        super().__init__(int(ExitCode.INVALID))
        self.message = message


class Parser(argparse.ArgumentParser):
    """argparse's parser (its subparsers are of the same class), whose usage error keeps its
    message for `--json`."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise UsageExit(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command registered, each with its exit codes."""
    parser = Parser(
        prog=PROG,
        description="Databricks Lakehouse Monitors as code: plan, verify and operate stacks. "
        "`monitors COMMAND --help` describes a command and its exit codes.",
        formatter_class=helptext.HelpFormatter,
        epilog=helptext.exit_codes_epilog([(code, code.meaning) for code in ExitCode]),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        before = set(subparsers.choices)
        module.add_command(subparsers)
        for name in set(subparsers.choices) - before:
            helptext.document(subparsers.choices[name], module.EXIT_CODES)
    return parser


def _wants_json(args: argparse.Namespace | None, given: Sequence[str]) -> bool:
    if args is not None:
        return bool(getattr(args, "json", False))
    return "--json" in given


def _problems(exc: MonitorsError) -> list[dict[str, str | None]]:
    """The file, monitor, field and message of each problem of a declaration error."""
    errors = exc.errors if isinstance(exc, DeclarationErrors) else [exc]
    return [
        {"file": e.file, "monitor": p.monitor, "field": p.field, "message": p.message}
        for e in errors
        if isinstance(e, DeclarationError)
        for p in e.problems
    ]


def report_error(exc: MonitorsError, as_json: bool = False) -> int:
    """Print an error, one `error:` line per line of its message (and, with --json, the JSON
    error object on stdout); return its exit code."""
    print(f"error: {exc}".replace("\n", "\nerror: "), file=sys.stderr)
    if as_json:
        print_json_error(int(exc.exit_code), type(exc).__name__, str(exc), _problems(exc))
    return int(exc.exit_code)


def _report_interrupt(args: argparse.Namespace | None, as_json: bool) -> int:
    code = interrupts.report_interrupt(args)
    if as_json:
        print_json_error(code, "Interrupted", "interrupted: see stderr for what changed")
    return code


def run_command(args: argparse.Namespace) -> int:
    """Run the parsed command; every error a user can fix, and every interrupt the command did
    not report itself, becomes a sentence and an exit code."""
    as_json = _wants_json(args, ())
    # The result is kept the moment the command returns it: `list.append` is the first check
    # for a pending signal after the command's last one (CPython checks at calls and loops, not
    # at returns), so an interrupt from then on is never taken for one that stopped it.
    outcome: list[int] = []
    try:
        with interrupts.sigterm_as_interrupt():
            outcome.append(args.func(args))
    except (KeyboardInterrupt, EOFError):  # EOF: no answer at a prompt
        if not outcome:
            return _report_interrupt(args, as_json)
    except MonitorsError as exc:
        return report_error(exc, as_json)
    except ModuleNotFoundError as exc:  # run by a Python without the dependencies
        if not missing.is_missing_dependency(exc):
            return _unforeseen(exc, as_json)
        missing.print_hint(exc, sys.argv[1:])
        if as_json:
            print_json_error(int(ExitCode.INVALID), "MissingDependency", f"{exc}")
        return int(ExitCode.INVALID)
    except Exception as exc:  # a failure we did not foresee still gets a sentence, not a trace
        return _unforeseen(exc, as_json)
    return int(outcome[0])


def _unforeseen(exc: Exception, as_json: bool) -> int:
    text = f"error: {type(exc).__name__}: {exc}"
    print(text.replace("\n", "\nerror: "), file=sys.stderr)
    if as_json:
        print_json_error(int(ExitCode.FAILED), type(exc).__name__, str(exc))
    return int(ExitCode.FAILED)


def main(argv: Sequence[str] | None = None, *, settle: bool = False) -> int:
    """Run one command; nothing printed shows a secret. With `settle` (the real command line,
    not a test calling in), an interrupt after the result is known changes nothing."""
    given = list(sys.argv[1:] if argv is None else argv)
    args: argparse.Namespace | None = None
    code: int | None = None
    try:
        with scrubbed_output(given):
            try:
                args = build_parser().parse_args(given)
            except UsageExit as usage:
                if _wants_json(None, given):
                    print_json_error(int(usage.code or 0), "UsageError", usage.message)
                raise
            code = run_command(args)
            if settle:
                interrupts.settle()
    except KeyboardInterrupt:
        if code is None:  # while parsing, or again while an interrupt was being reported
            code = _report_interrupt(args, _wants_json(args, given))
    return int(ExitCode.ABORTED) if code is None else code
