"""Where the CLI's output leaves the program: stdout and stderr, scrubbed for the whole command.

`scrubbed_output()` replaces `sys.stdout` and `sys.stderr` with `ScrubbedStream`s for as long as
a command runs, so every line anything prints (our messages, `--json` documents, the Pulumi CLI's
output we relay, a library's warning through `logging`, from any thread) passes
`monitors.scrubber.redact` on its way out: no code path has to remember to scrub. It first
remembers the secrets already in play: the environment's, and the password of any URL on the
command line (`--host https://user:PASSWORD@...`).
"""

from __future__ import annotations

import io
import json
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from monitors import scrubber


class ScrubbedStream(io.TextIOBase):
    """A text stream that writes whole lines to `inner`, each scrubbed; a partial line waits
    for its end (or a flush, as before a prompt), so a secret is never split across writes."""

    def __init__(self, inner: TextIO) -> None:
        super().__init__()
        self.inner = inner
        self._pending = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self._pending += text
            if "\n" in self._pending:
                lines, _, self._pending = self._pending.rpartition("\n")
                self.inner.write(scrubber.redact(lines + "\n"))
        return len(text)

    def flush(self) -> None:
        with self._lock:
            if self._pending:
                self.inner.write(scrubber.redact(self._pending))
                self._pending = ""
        self.inner.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]  # TextIOBase declares it read-only
        return self.inner.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.inner.errors


@contextmanager
def scrubbed_output(argv: Sequence[str]) -> Iterator[None]:
    """Within the block, stdout and stderr are scrubbed (see the module docstring)."""
    scrubber.remember_environment()
    scrubber.remember_url(*argv)
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = ScrubbedStream(out), ScrubbedStream(err)
    try:
        yield
    finally:
        scrubbed = (sys.stdout, sys.stderr)
        sys.stdout, sys.stderr = out, err
        for stream in scrubbed:
            stream.flush()


# The version of every `--json` document the commands print (results and errors alike).
SCHEMA_VERSION = 1


def print_json(document: dict[str, Any], out: TextIO | None = None) -> None:
    """Print a `--json` document (it carries `schema_version`) on stdout, indented."""
    out = out or sys.stdout
    # One write: the output stream scrubs each write, and json.dump makes thousands.
    out.write(json.dumps({"schema_version": SCHEMA_VERSION, **document}, indent=2) + "\n")


def print_json_error(
    code: int, kind: str, message: str, problems: list[dict[str, str | None]] | None = None
) -> None:
    """With `--json`, a failure is also a JSON object on stdout, so a script reading stdout learns
    why it got no result: `{"schema_version": 1, "error": {exit_code, kind, message}}`."""
    error: dict[str, Any] = {"exit_code": code, "kind": kind, "message": message}
    if problems:
        error["problems"] = problems
    print_json({"error": error})
