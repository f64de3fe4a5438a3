"""Entry point of `python -m monitors`."""

import signal
import sys

from monitors.cli.main import main

# Piped into `head` or `less`, stop quietly when the reader goes away, like other CLI tools.
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
sys.exit(main())
