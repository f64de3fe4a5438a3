"""The baseline on the data quality backend: bare `databricks.DataQualityMonitor` registrations,
and the same alerts as bare `databricks.AlertV2` registrations (each after its monitor).

Reads the API bodies our `plan` computed (bare_requests.json, with `<table_id of ...>` and
`<schema_id of ...>` placeholders) and registers them with the same provider lookups any
hand-written program needs (`get_table`, `get_schema`, once per name), no validation, no replace
rule and no imports of ours.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pulumi_databricks as databricks

ids: dict[str, pulumi.Output[Any]] = {}


def lookup(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: lookup(v) for k, v in value.items()}
    if isinstance(value, list):
        return [lookup(v) for v in value]
    if isinstance(value, str) and value.startswith("<table_id of "):
        name = value[len("<table_id of ") : -1]
        if value not in ids:
            ids[value] = databricks.get_table_output(name=name).table_info.table_id
        return ids[value]
    if isinstance(value, str) and value.startswith("<schema_id of "):
        name = value[len("<schema_id of ") : -1]
        if value not in ids:
            ids[value] = databricks.get_schema_output(name=name).schema_info.schema_id
        return ids[value]
    return value


requests = json.loads((Path.cwd() / "bare_requests.json").read_text())
monitors = {
    table: databricks.DataQualityMonitor(name, **lookup(body))
    for table, (name, body) in requests["monitors"].items()
}
for name, (table, body) in requests["alerts"].items():
    databricks.AlertV2(name, **body, opts=pulumi.ResourceOptions(depends_on=[monitors[table]]))
