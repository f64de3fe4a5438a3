"""Monitors as the workspace API carries them, in the schema the workspace tests use."""

from __future__ import annotations

SCHEMA = "main.wanderbricks_gold"


def custom_metric(name: str, kind: str = "AGGREGATE") -> dict:
    """A custom metric as the monitor API carries it."""
    return {
        "type": f"CUSTOM_METRIC_TYPE_{kind}",
        "name": name,
        "input_columns": [":table"],
        "definition": "COUNT(*)",
        "output_data_type": '{"metadata":{},"name":"output","nullable":true,"type":"double"}',
    }
