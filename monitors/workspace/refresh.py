"""Queue a metric refresh after an in-place monitor update, warning instead of failing.

Wired by the program into the monitor's after-update resource hook, so new or changed metrics
appear without waiting for the schedule. A refresh that cannot be queued must never fail the
deployment: the update itself succeeded.
"""

from __future__ import annotations

from collections.abc import Callable

from databricks.sdk import WorkspaceClient

from monitors.workspace import dq
from monitors.workspace import legacy as workspace
from monitors.workspace.client import describe_error

# What `queue_refresh_after_update` returns when the workspace queued a refresh but named no id.
UNNAMED_REFRESH = ""
AFTER_FAILURE = (
    "The update is deployed; metrics refresh on the monitor's schedule "
    "(or run a refresh from the monitor's page)."
)


def queue_refresh_after_update(
    client: WorkspaceClient,
    full_table_name: str,
    warn: Callable[[str], None],
    on_error: Callable[[Exception], None] | None = None,
    *,
    data_quality: tuple[str, str] | None = None,
) -> str | None:
    """Queue a refresh of the table's monitor; its refresh id (`UNNAMED_REFRESH` when the
    answer names none), or None after one `warn`.

    `data_quality` is the monitor's `(object_type, object_id)` on the data quality backend
    (`monitors.workspace.dq`); without it the legacy endpoint is called by table name.
    Throttling is retried by the SDK first; whatever still fails (a Databricks error, the retry
    budget running out, a connection error, an unsafe name, a malformed answer) is handed to
    `on_error` and becomes one warning. Never raises.
    """
    refresh_id: int | None
    try:
        if data_quality is None:
            refresh_id = workspace.queue_refresh(client, full_table_name).refresh_id
        else:
            refresh_id = dq.queue_refresh(client, *data_quality).refresh_id
    except Exception as err:  # a hook must never fail the deployment
        if on_error is not None:
            on_error(err)
        warn(refresh_failed(full_table_name, describe_error(err)))
        return None
    return UNNAMED_REFRESH if refresh_id is None else str(refresh_id)


def refresh_failed(full_table_name: str, reason: str) -> str:
    """The warning for a refresh that could not be queued."""
    return (
        f"could not queue a metric refresh for {full_table_name} after its update: {reason}. "
        + AFTER_FAILURE
    )
