"""What the last deployment says about alerts: which it deployed, and where the metrics are.

Read from the stack's own last outputs, as the program reads them through its StackReference
(`monitors.desired.record` owns the monitors' part; this module only reads, and adds one output):

- `alerts` (written only by stacks that deploy alerts): one entry per deployed alert, keyed
  `table.alert`. Its keys tell the next run which alerts it will delete, so the preview can say
  so (with the unprotect command in a protected stack). Entries hold the alert's id and display
  name; an entry whose registration did not complete holds nulls.
- `monitors` (written by every run): each monitor's `profile_metrics_table_name` and
  `drift_metrics_table_name` as the monitor reported them. An alert reads those tables; where the
  record has no plain name the documented one is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitors.declared.identifiers import name_problem
from monitors.desired.alerts import MetricTables
from monitors.desired.record import MONITORS_OUTPUT, monitor_outputs

ALERTS_OUTPUT = "alerts"


def deployed_alerts(outputs: Mapping[str, Any] | None) -> set[str]:
    """The alerts (`table.alert`) the last deployment declared; empty when it deployed none."""
    raw = (outputs or {}).get(ALERTS_OUTPUT)
    if not isinstance(raw, Mapping):
        return set()
    return {key for key in raw if isinstance(key, str) and "." in key}


def _plain_table_name(value: Any) -> str | None:
    """A recorded metric table name when it is three plain Unity Catalog names, else None."""
    if not isinstance(value, str):
        return None
    parts = value.split(".")
    if len(parts) != 3 or any(name_problem(part) for part in parts):
        return None
    return value


def recorded_metric_tables(outputs: Mapping[str, Any] | None) -> dict[str, MetricTables]:
    """Per monitor, the metric tables its last registration reported (both plain names)."""
    found: dict[str, MetricTables] = {}
    for table, entry in monitor_outputs((outputs or {}).get(MONITORS_OUTPUT)).items():
        if not isinstance(table, str):
            continue
        profile = _plain_table_name(entry.get("profile_metrics_table_name"))
        drift = _plain_table_name(entry.get("drift_metrics_table_name"))
        if profile is not None and drift is not None:
            found[table] = MetricTables(profile, drift)
    return found
