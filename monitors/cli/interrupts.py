"""How a stack operation's handler meets Ctrl-C (and SIGTERM, which acts as Ctrl-C): once, for
adopt, migrate and reset, each with its own sentence and exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable

from monitors.errors import ExitCode


def run_until_interrupted(call: Callable[[], object], interrupted: str, code: ExitCode) -> int:
    """Run `call` with SIGTERM read as Ctrl-C. An interrupt (or end of input at a prompt) that
    reaches here was not turned into an error by the operation: print `interrupted` on stderr and
    exit with `code`. The Automation API is imported only when a command runs."""
    from monitors.stackops.interrupt import sigterm_as_interrupt

    try:
        with sigterm_as_interrupt():
            call()
    except (KeyboardInterrupt, EOFError):
        print(f"\n{interrupted}", file=sys.stderr)
        return int(code)
    return ExitCode.OK
