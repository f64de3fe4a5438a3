"""Names the program gives its resources; stack operations rely on them to find monitors."""

from __future__ import annotations

from monitors.settings import PROJECT_NAME

RESOURCE_TYPE = "databricks:index/qualityMonitor:QualityMonitor"


def resource_name(table: str) -> str:
    """A monitor's Pulumi resource name: the table's short name (one monitor per table)."""
    return table


def monitor_urn(stack: str, table: str) -> str:
    """The URN of a table's monitor (no parent, default provider), as `--replace` takes it."""
    return f"urn:pulumi:{stack}::{PROJECT_NAME}::{RESOURCE_TYPE}::{resource_name(table)}"


def reset_command(stack: str, table: str) -> str:
    """The command that asks for a monitor's replace in a protected stack."""
    return f"python -m monitors reset --stack {stack} --table {table}"


def unprotect_command(stack: str, table: str) -> str:
    """The command that lets a protected monitor be deleted on purpose."""
    return f"pulumi state unprotect '{monitor_urn(stack, table)}'"
