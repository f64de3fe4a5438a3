"""Pulumi entry point: the monitors of this stack (see monitors/program.py)."""

from monitors.program.entrypoint import main

main()
