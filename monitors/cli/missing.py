"""What a user sees when the command runs on a Python without the project's dependencies (the
system `python` instead of the one in .venv): one line saying which interpreter to use, never a
`ModuleNotFoundError`. Standard library only: it must load where nothing else can."""

from __future__ import annotations

import sys

HINT = (
    "error: {python} lacks the project's dependencies (no module named {module!r}): run the "
    "command from the project's virtualenv, e.g. `.venv/bin/monitors {args}` (create it with "
    "`bash bootstrap.sh`)"
)


def is_missing_dependency(exc: ModuleNotFoundError) -> bool:
    """Whether `exc` is a third-party package that is not installed (not one of ours)."""
    root = (exc.name or "").partition(".")[0]
    return bool(root) and root != "monitors"


def print_hint(exc: ModuleNotFoundError, argv: list[str]) -> None:
    """Print the one-line hint on stderr."""
    args = " ".join(argv) or "--help"
    print(
        HINT.format(python=sys.executable or "python", module=exc.name, args=args), file=sys.stderr
    )
