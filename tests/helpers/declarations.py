"""Declarations for tests: the shipped ones as raw data, and one builder of a valid declaration.

`declaration(**fields)` builds a valid time-series declaration with top-level fields overridden;
`shipped_declarations()` reads the project's declarations as raw YAML data to edit in a test.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml

from monitors.naming import DECLARATIONS_DIR

TABLE = "fact_booking_daily"
TABLES = ["dim_host", "dim_property", "dim_user", "fact_booking_daily", "fact_property_engagement"]
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


@functools.cache
def _shipped() -> dict[str, dict[str, Any]]:
    """The shipped declaration files parsed once per session (YAML parsing is most of a program
    test's time otherwise); never handed out, only copied."""
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted(DECLARATIONS_DIR.glob("*.yaml"))}


def shipped_declarations(*, alerts: bool = True) -> dict[str, dict[str, Any]]:
    """The shipped declarations as raw YAML data by table, a fresh copy to edit (without their
    alerts when `alerts` is False)."""
    declarations = copy.deepcopy(_shipped())
    if not alerts:
        for data in declarations.values():
            data.pop("alerts", None)
    return declarations


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


def declaration_text(data: dict[str, Any]) -> str:
    """A declaration as the YAML text of its file."""
    return yaml.safe_dump(data, sort_keys=False)


def copy_shipped_declarations(directory: Path) -> Path:
    """The shipped declaration files copied byte for byte into `directory` (made if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in DECLARATIONS_DIR.glob("*.yaml"):
        (directory / path.name).write_bytes(path.read_bytes())
    return directory
