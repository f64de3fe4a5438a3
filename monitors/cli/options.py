"""Options shared by several commands, each spelled and explained once."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from monitors.declared.limits import Bounds
from monitors.naming import PROJECT_ROOT

if TYPE_CHECKING:
    from monitors.stackops.common import Env
    from monitors.workspace.credentials import ProviderSettings

    # What `add_subparsers()` returns; each command module registers itself on it.
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def stack(parser: argparse.ArgumentParser) -> None:
    """`--stack NAME` (required): which stack's file and state a command reads."""
    parser.add_argument("--stack", required=True, help="stack name, e.g. dev or prod")


def project_dir(parser: argparse.ArgumentParser) -> None:
    """`--project-dir DIR`: the project checkout holding Pulumi.yaml (default: this one)."""
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=PROJECT_ROOT,
        metavar="DIR",
        help="the project checkout holding Pulumi.yaml (default: this repository)",
    )


def pulumi_root(parser: argparse.ArgumentParser) -> None:
    """`--pulumi-root DIR`: run DIR/bin/pulumi instead of `pulumi` on PATH."""
    parser.add_argument(
        "--pulumi-root",
        type=Path,
        default=None,
        metavar="DIR",
        help="use the Pulumi CLI at DIR/bin/pulumi (default: `pulumi` on PATH)",
    )


def json_output(parser: argparse.ArgumentParser, what: str = "machine-readable output") -> None:
    """`--json`: print a stable JSON document instead of text."""
    parser.add_argument("--json", action="store_true", help=what)


def tables(parser: argparse._ActionsContainer, what: str) -> None:
    """`--table T` (repeatable): limit a command to some tables (a parser or an either-or group)."""
    parser.add_argument("--table", action="append", metavar="TABLE", help=what)


def assume_yes(parser: argparse.ArgumentParser) -> None:
    """`--yes`: skip the confirmation prompt (CI); the preview checks still run."""
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation (CI)")


def workspace(parser: argparse.ArgumentParser) -> None:
    """`--profile NAME` and `--host URL`: which workspace a command that calls Databricks reads."""
    parser.add_argument("--profile", help="~/.databrickscfg profile to use")
    parser.add_argument("--host", help="workspace URL (default: the stack's databricks:host)")


def workspace_settings(args: argparse.Namespace) -> ProviderSettings:
    """The stack's provider settings (from its stack file and --pulumi-root), with --host and
    --profile over them: the workspace a command reads. Imported when a command runs."""
    from monitors.stackops.provider_settings import stack_provider_settings

    settings = stack_provider_settings(args.stack, args.project_dir, args.pulumi_root)
    return settings.overridden(host=args.host, profile=args.profile)


def number(bounds: Bounds) -> Callable[[str], int | float]:
    """The argparse `type` of every numeric option: finite and within `bounds`, or a usage error
    (exit 2) saying what is accepted. `nan`, `inf` and `1e400` parse as floats: never accepted."""

    def parse(text: str) -> int | float:
        try:
            return bounds.parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = bounds.describe()  # argparse names the type in some messages
    return parse


def wait(parser: argparse._ActionsContainer, what: str) -> None:
    """`--wait`: follow what the command started until it ends (bounded by `--timeout`)."""
    parser.add_argument("--wait", action="store_true", help=what)


# A day: monitors initialise in minutes; a wait longer than this is a mistake, not a plan.
WAIT_SECONDS = Bounds(0, 24 * 3600, unit="seconds")


def wait_timeout(parser: argparse.ArgumentParser, default: float, what: str) -> None:
    """`--timeout SECONDS`: how long a wait may take (finite, 0 to a day)."""
    parser.add_argument(
        "--timeout",
        type=number(WAIT_SECONDS),
        default=default,
        metavar="SECONDS",
        help=f"{what} ({WAIT_SECONDS.describe()}; default {default:g})",
    )


def verbose(parser: argparse.ArgumentParser) -> None:
    """`-v/--verbose`: also say, on stderr, which files were skipped and why."""
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also list on stderr the files in the declarations directory that were skipped "
        "(dot-files such as editor locks, editor backups, other names) and why",
    )


def print_skipped(lines: tuple[str, ...] | list[str], args: argparse.Namespace) -> None:
    """With --verbose, the skipped files, one per line on stderr (stdout stays clean for --json)."""
    if getattr(args, "verbose", False):
        for line in lines:
            print(line, file=sys.stderr)


def skipped_reporter(args: argparse.Namespace) -> Callable[[str], None] | None:
    """With --verbose, a callback printing each skipped file on stderr; None otherwise."""
    if not getattr(args, "verbose", False):
        return None
    return lambda line: print(line, file=sys.stderr)


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr)


def stack_env(args: argparse.Namespace, out: Callable[[str], None] | None = None) -> Env:
    """Where a stack operation runs, from --project-dir, --pulumi-root and --verbose; its
    messages on stdout (on stderr with --json, which keeps stdout for the JSON document), its
    progress lines on a terminal's stderr. Imported when a command runs, so that `plan` never
    loads the Automation API."""
    from monitors.cli.progress import progress_for
    from monitors.stackops.common import Env

    if out is None:
        out = _to_stderr if getattr(args, "json", False) else print
    return Env(
        args.project_dir,
        args.pulumi_root,
        out=out,
        skipped=skipped_reporter(args),
        progress=progress_for(args),
    )


# Parallel readers of the workspace. More than 32 is a load test, not a check: the workspace's
# rate limits (per endpoint, a few to tens of requests a second) turn more workers into 429s.
DEFAULT_WORKERS = 8
WORKERS = Bounds(1, 32, whole=True, unit="workers")


def workers(parser: argparse.ArgumentParser, what: str) -> None:
    """`--workers N`: how many requests a command has in flight at once (1 = one at a time)."""
    parser.add_argument(
        "--workers",
        type=number(WORKERS),
        default=DEFAULT_WORKERS,
        metavar="N",
        help=f"{what} ({WORKERS.describe()}; default {DEFAULT_WORKERS})",
    )


def progress_stream(args: argparse.Namespace) -> TextIO | None:
    """Where per-monitor progress lines go: stderr on a terminal, never with --json (the rule
    `monitors.cli.progress.progress_for` owns)."""
    from monitors.cli.progress import progress_for

    progress = progress_for(args)
    return progress.stream if progress.enabled else None
