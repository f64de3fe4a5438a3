"""Entry point of `python -m monitors`."""

import sys

from monitors.cli import main

sys.exit(main())
