"""Entry point of the `monitors` command (and of `python -m monitors`): an interrupt even while the
modules load is a sentence and exit code 4, never a traceback (the command itself meets interrupts
in `monitors.cli.main`); a Python without the dependencies gets a one-line hint to use .venv."""

import signal
import sys


def run() -> int:
    """Load the command line and run it; 4 (`ExitCode.ABORTED`) if interrupted while loading,
    2 (`ExitCode.INVALID`) with a hint if a dependency is missing."""
    try:
        from monitors.cli.main import main
    except KeyboardInterrupt:
        print("\ninterrupted before the command started. Nothing was changed.", file=sys.stderr)
        return 4
    except ModuleNotFoundError as exc:
        # Imported here, not at the top: an interrupt while it loads is one while loading.
        from monitors.cli.missing import is_missing_dependency, print_hint

        if not is_missing_dependency(exc):
            raise
        print_hint(exc, sys.argv[1:])
        return 2
    return main(settle=True)


def console() -> int:
    """The `monitors` console script (pyproject.toml [project.scripts]) and `python -m monitors`."""
    # Piped into `head` or `less`, stop quietly when the reader goes away, like other CLI tools.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    return run()


if __name__ == "__main__":
    sys.exit(console())
