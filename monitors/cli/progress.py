"""Progress lines for long work: one line per step or monitor on stderr, so minutes against a real
workspace never look like a hang. Only on a terminal, and never with --json: a log or a script
reading the output sees only the result."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import TextIO


class Progress:
    """Prints `COMMAND: what is happening` on `stream` when `enabled`; a no-op otherwise."""

    def __init__(self, command: str, enabled: bool, stream: TextIO | None = None) -> None:
        self.command = command
        self.enabled = enabled
        self.stream = stream

    def __call__(self, line: str) -> None:
        if self.enabled:
            print(f"{self.command}: {line}", file=self.stream or sys.stderr, flush=True)


def progress_for(args: argparse.Namespace, stream: TextIO | None = None) -> Progress:
    """The progress reporter of a parsed command: on when `stream` (stderr by default) is a
    terminal and --json was not given."""
    stream = stream or sys.stderr
    enabled = _is_terminal(stream) and not getattr(args, "json", False)
    return Progress(str(getattr(args, "command", "monitors")), enabled, stream)


def _is_terminal(stream: TextIO) -> bool:
    """`stream` is a terminal; a closed stream or one without `isatty` is not."""
    with contextlib.suppress(AttributeError, ValueError, OSError):
        return bool(stream.isatty())
    return False
