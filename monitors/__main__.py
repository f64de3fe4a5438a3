"""Entry point of `python -m monitors`: an interrupt even while the modules load is a sentence and
exit code 4, never a traceback (the command itself meets interrupts in `monitors.cli.main`)."""

import signal
import sys


def run() -> int:
    """Load the command line and run it; 4 (`ExitCode.ABORTED`) if interrupted while loading."""
    try:
        from monitors.cli.main import main
    except KeyboardInterrupt:
        print("\ninterrupted before the command started. Nothing was changed.", file=sys.stderr)
        return 4
    return main(settle=True)


# Piped into `head` or `less`, stop quietly when the reader goes away, like other CLI tools.
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
sys.exit(run())
