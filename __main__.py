"""Pulumi entry point: the monitors of this stack (see monitors/program.py)."""

from monitors.entrypoint import main

main()
