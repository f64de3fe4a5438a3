"""A stdin that is a terminal someone types into: what `monitors.cli.prompt.ask` needs before it
asks anything (it checks `isatty()`, as `input()` users at a terminal have; a pipe or CI's stdin
is not one, and `io.StringIO` answers False like a pipe)."""

from __future__ import annotations

import io


class Terminal(io.StringIO):
    """A terminal whose user types `text` (an empty text: the user closes stdin, Ctrl-D)."""

    def isatty(self) -> bool:
        return True
