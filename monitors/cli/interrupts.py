"""How every command meets Ctrl-C (and SIGTERM, which a CI runner sends to cancel a job, and which
acts as Ctrl-C): once, in `monitors.cli.main`, for the whole command, its imports included.

An operation that has changed something turns an interrupt into an error itself, saying where each
monitor stands and how to go on (migrate, reset and adopt do: exit 1). Any interrupt that still
reaches `main` came before the command changed anything, or the command changes nothing at all:
`main` prints the sentence the command registered with `on_interrupt` and exits with its code
(4 unless registered otherwise). Once the command's result is known, a late interrupt changes
nothing: the result stands (`settle`).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from monitors.errors import ExitCode


@dataclass(frozen=True)
class OnInterrupt:
    """What a command says (`{stack}` is its --stack) and exits with when interrupted."""

    sentence: str
    code: ExitCode = ExitCode.ABORTED


def on_interrupt(
    parser: argparse.ArgumentParser, sentence: str, code: ExitCode = ExitCode.ABORTED
) -> None:
    """Register the sentence a command ends with when an interrupt reaches the command line."""
    parser.set_defaults(on_interrupt=OnInterrupt(sentence, code))


def report_interrupt(args: argparse.Namespace | None) -> int:
    """Print the command's sentence on stderr; return its exit code."""
    found = getattr(args, "on_interrupt", None)
    if not isinstance(found, OnInterrupt):
        command = getattr(args, "command", None)
        found = OnInterrupt(
            f"interrupted before {'`' + command + '`' if command else 'the command'} changed "
            "anything. Nothing was changed."
        )
    print("\n" + found.sentence.format(stack=getattr(args, "stack", "S")), file=sys.stderr)
    return int(found.code)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM acts as Ctrl-C does (the main thread only: Python runs signal
    handlers there)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def settle() -> None:
    """The command's result is known: from here Ctrl-C and SIGTERM change nothing (the process
    only prints what is left and exits with that result)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
