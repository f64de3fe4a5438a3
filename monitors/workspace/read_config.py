"""Read existing monitors' configuration as the workspace returns it, for `export`.

Raw JSON through the SDK's API client, not its typed models: databricks-sdk's `from_dict` drops
enum values it does not know (`service/_internal.py` `_enum`: "Unknown enum values are returned
as None"; `_repeated_enum` leaves them out of lists), while the Go SDK under the provider keeps
any string. A metric a script created with `type: "AGGREGATE"` must reach the exporter as it is,
not silently without its type. Every name is checked (`monitors.workspace.identifiers`) before
it is formatted into a path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound

from monitors.workspace import dq
from monitors.workspace.check_results import UnreadableAnswer
from monitors.workspace.identifiers import object_id, schema_name, table_name

LEGACY_MONITOR_PATH = "/api/2.1/unity-catalog/tables/{table}/monitor"
DQ_MONITOR_PATH = "/api/data-quality/v1/monitors/{object_type}/{object_id}"


@dataclass(frozen=True)
class MonitorRead:
    """What the workspace said about one table: its monitor as the API answered (legacy: the
    `MonitorInfo`; data quality: the `Monitor`), or why there is none (`missing`: no such
    table, or no monitor on it)."""

    full_name: str
    config: dict[str, Any] | None
    missing: str = ""


def _missing(client: WorkspaceClient, full_name: str) -> str:
    """Why a table has no monitor to read: the table itself is missing, or only its monitor."""
    try:
        client.tables.get(full_name=table_name(full_name))
    except NotFound:
        return f"no table {full_name}"
    return f"no monitor on {full_name}"


def _object(answer: object) -> dict[str, Any]:
    """The answer as the JSON object every monitor answer is; UnreadableAnswer otherwise (the
    SDK's API client returns whatever JSON came)."""
    if not isinstance(answer, dict):
        raise UnreadableAnswer("the workspace's answer is not a JSON object")
    return dict(answer)


def read_legacy_monitor(client: WorkspaceClient, full_name: str) -> MonitorRead:
    """`GET /api/2.1/unity-catalog/tables/{table}/monitor` as it answered (databricks-sdk
    `QualityMonitorsAPI.get` calls the same path)."""
    path = LEGACY_MONITOR_PATH.format(table=table_name(full_name))
    try:
        answer = client.api_client.do("GET", path, headers={"Accept": "application/json"})
    except NotFound:
        return MonitorRead(full_name, None, _missing(client, full_name))
    return MonitorRead(full_name, _object(answer))


def read_dq_monitor(client: WorkspaceClient, full_name: str) -> MonitorRead:
    """`GET /api/data-quality/v1/monitors/table/{table_id}` as it answered (databricks-sdk
    `DataQualityAPI.get_monitor` calls the same path), after looking up the table's UUID."""
    uuid = dq.table_id(client, full_name)
    if uuid is None:
        return MonitorRead(full_name, None, f"no table {full_name}")
    path = DQ_MONITOR_PATH.format(object_type=dq.OBJECT_TABLE, object_id=object_id(uuid, "id"))
    try:
        answer = client.api_client.do("GET", path, headers={"Accept": "application/json"})
    except NotFound:
        return MonitorRead(full_name, None, f"no monitor on {full_name}")
    config = _object(answer)
    if not isinstance(config.get("data_profiling_config"), dict):
        raise UnreadableAnswer("the workspace's answer holds no data_profiling_config object")
    return MonitorRead(full_name, config)


def output_schema_id(client: WorkspaceClient, full_schema_name: str) -> str | None:
    """The UUID of a schema (`catalog.schema`), None when it does not exist."""
    return dq.schema_id(client, full_schema_name)


def schema_tables(client: WorkspaceClient, catalog: str, schema: str) -> Iterator[str]:
    """The names of the tables in `catalog.schema` (databricks-sdk `TablesAPI.list`, which
    follows `next_page_token` until the last page)."""
    checked = schema_name(f"{catalog}.{schema}")
    catalog_name, _, schema_short = checked.partition(".")
    for table in client.tables.list(
        catalog_name=catalog_name, schema_name=schema_short, omit_columns=True
    ):
        if table.name:
            yield table.name
