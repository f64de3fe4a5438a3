"""Pulumi entry point: the monitors of this stack (see monitors/program/register.py).

Garbage collection is paused while the modules load and their objects are then frozen out of
the collector's sight: at hundreds of monitors the collector otherwise rescans the provider's
hundreds of thousands of type objects on every cycle (measured with bench/benchmark.py).
"""

import gc

gc.disable()
from monitors.program.entrypoint import main  # noqa: E402

gc.freeze()
gc.enable()
main()
