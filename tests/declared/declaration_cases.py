"""Declarations to edit in a test, validated as the loader validates them.

`refusals` lists what the loader refuses (`field: message`), `warnings` what a valid declaration
is warned about; both go through `parse_declaration`, the loader's one entry point.
"""

from __future__ import annotations

import copy
from typing import Any

from monitors.declared.checks import monitor_warnings
from monitors.declared.loader import parse_declaration
from monitors.errors import DeclarationError

TABLE = "fact_booking_daily"
BASE: dict[str, Any] = {
    "time_series": {"timestamp_col": "check_in_date", "granularities": ["1 day"]},
    "custom_metrics": [
        {
            "name": "total_bookings",
            "type": "aggregate",
            "input_columns": [":table"],
            "definition": "SUM(booking_count)",
            "output_data_type": "long",
        },
        {
            "name": "total_cancellations",
            "type": "aggregate",
            "input_columns": [":table"],
            "definition": "SUM(cancellation_count)",
            "output_data_type": "long",
        },
        {
            "name": "cancellation_rate",
            "type": "derived",
            "input_columns": [":table"],
            "definition": "total_cancellations / NULLIF(total_bookings, 0)",
            "output_data_type": "double",
        },
    ],
}
INFERENCE_LOG: dict[str, Any] = {
    "problem_type": "classification",
    "timestamp_col": "inference_timestamp",
    "granularities": ["1 day"],
    "prediction_col": "prediction",
    "model_id_col": "model_version",
    "label_col": "churn",
}


def declaration(**fields: Any) -> dict[str, Any]:
    """BASE with top-level fields replaced (a field set to None is removed)."""
    data = copy.deepcopy(BASE)
    for key, value in fields.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def inference(**fields: Any) -> dict[str, Any]:
    """BASE as an inference_log monitor (label_col set unless overridden)."""
    profile = {**INFERENCE_LOG, **fields}
    return declaration(time_series=None, inference_log={k: v for k, v in profile.items() if v})


def with_metric(data: dict[str, Any], **metric: Any) -> dict[str, Any]:
    """`data` plus one custom metric (an aggregate over the whole table unless told)."""
    data = copy.deepcopy(data)
    data["custom_metrics"].append(
        {
            "name": "extra_metric",
            "type": "aggregate",
            "input_columns": [":table"],
            "definition": "SUM(total_guests)",
            "output_data_type": "double",
            **metric,
        }
    )
    return data


def with_definition(definition: str, kind: str = "aggregate", **metric: Any) -> dict[str, Any]:
    """BASE plus one metric `extra_metric` of `kind` with this definition."""
    return with_metric(declaration(), type=kind, definition=definition, **metric)


def refusals(data: dict[str, Any]) -> list[str]:
    """What the loader refuses, as `field: message` lines; [] when the declaration is valid."""
    try:
        parse_declaration(TABLE, data, f"{TABLE}.yaml")
    except DeclarationError as exc:
        return [f"{p.field}: {p.message}" for p in exc.problems]
    return []


def warnings(data: dict[str, Any]) -> list[str]:
    """The warnings of a valid declaration, as `field: message` lines."""
    spec = parse_declaration(TABLE, data, f"{TABLE}.yaml")
    return [f"{p.field}: {p.message}" for p in monitor_warnings(spec)]


EXTRA = "custom_metrics[3] (extra_metric).definition"
