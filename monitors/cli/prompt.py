"""The one way a command asks the user something: on a terminal only. Without one (CI, a pipe, a
closed stdin) it never waits on stdin: it says "no terminal: pass --yes" and the command ends with
exit code 2, nothing changed."""

from __future__ import annotations

import sys

from monitors.errors import NoTerminalError

NO_TERMINAL = "no terminal: pass --yes to go on without a confirmation"


def ask(prompt: str) -> str:
    """The answer typed at `prompt` (shown on stderr, so stdout stays clean for --json);
    NoTerminalError when stdin is not a terminal, EOFError when it closes unanswered."""
    stdin = sys.stdin
    if stdin is None or stdin.closed or not stdin.isatty():
        raise NoTerminalError(NO_TERMINAL)
    print(prompt, end="", file=sys.stderr, flush=True)
    line = stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")
