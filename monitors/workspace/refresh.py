"""Queue a metric refresh after an in-place monitor update, warning instead of failing.

Wired by the program into the monitor's after-update resource hook, so new or changed metrics
appear without waiting for the schedule. A refresh that cannot be queued must never fail the
deployment: the update itself succeeded.
"""

from __future__ import annotations

from collections.abc import Callable

import requests
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import DatabricksError

from monitors.workspace import api as workspace


def queue_refresh_after_update(
    client: WorkspaceClient, full_table_name: str, warn: Callable[[str], None]
) -> str | None:
    """Queue a refresh of the table's monitor; its refresh id, or None after `warn`-ing.

    Throttling is retried by the SDK first; what still fails (any Databricks error, the SDK's
    retry budget running out, a connection error) becomes one warning.
    """
    try:
        refresh = workspace.queue_refresh(client, full_table_name)
    except (DatabricksError, TimeoutError, requests.RequestException) as err:
        warn(
            f"Could not queue a metric refresh for {full_table_name} after its update: "
            f"{_describe(err)}. "
            "The update is deployed; metrics refresh on the monitor's schedule "
            "(or run a refresh from the monitor's page)."
        )
        return None
    return str(refresh.refresh_id)


def _describe(err: Exception) -> str:
    """The error, plus the last underlying one when the SDK gave up retrying."""
    if isinstance(err, TimeoutError) and err.__cause__ is not None:
        return f"{err} retrying; last error: {err.__cause__}"
    return str(err)
