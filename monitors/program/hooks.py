"""Resource hooks on every monitor: refresh after an in-place update, purge on `reset --purge`.

The engine runs `after_update` only for updates (a replace runs create and delete hooks, a
no-op runs none), so a refresh is never queued for a create, replace or unchanged monitor.
Delete hooks are taken from the state recorded by the previous run, so the purge hook is bound
to every monitor and decides at run time: it purges only tables whose reset this run applies
with `purge: true`. Hooks do not run during preview.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pulumi
from databricks.sdk import WorkspaceClient

from monitors.program.register import Hooks
from monitors.spec.project import Project
from monitors.workspace.client import workspace_client
from monitors.workspace.purge import purge_monitor_assets
from monitors.workspace.refresh import queue_refresh_after_update

REFRESH_HOOK = "lakehouse-monitors-refresh-after-update"
PURGE_HOOK = "lakehouse-monitors-purge-on-reset"
ClientFactory = Callable[[], WorkspaceClient]
# A hook holds up `pulumi up` while it runs: give up on a throttled workspace after a minute.
HOOK_RETRY_TIMEOUT_S = 60


def provider_client() -> WorkspaceClient:
    """A workspace client with the provider's credentials (`databricks:*` config, else env)."""
    config = pulumi.Config("databricks")
    return workspace_client(
        host=config.get("host"),
        token=config.get("token"),
        profile=config.get("profile"),
        retry_timeout_seconds=HOOK_RETRY_TIMEOUT_S,
    )


def _value(values: Mapping[str, Any] | None, camel: str, snake: str) -> Any:
    values = values or {}
    return values.get(camel, values.get(snake))


def refresh_after_update(
    args: pulumi.ResourceHookArgs, client: ClientFactory = provider_client
) -> None:
    """Queue a metric refresh for the updated monitor; a failure only warns."""
    table = _value(args.new_outputs, "tableName", "table_name") or _value(
        args.new_inputs, "tableName", "table_name"
    )
    if not table:
        pulumi.log.warn(f"{args.name}: no table name in the update; no refresh queued")
        return
    refresh_id = queue_refresh_after_update(client(), str(table), pulumi.log.warn)
    if refresh_id is not None:
        pulumi.log.info(f"{args.name}: queued metric refresh {refresh_id} after the update")


def purge_after_delete(
    args: pulumi.ResourceHookArgs, purge_tables: set[str], client: ClientFactory = provider_client
) -> list[str]:
    """Drop the deleted monitor's metric tables and dashboard if this run purges it."""
    if args.name not in purge_tables:
        return []
    old = args.old_outputs
    try:
        done = purge_monitor_assets(
            client(),
            profile_metrics_table_name=_value(
                old, "profileMetricsTableName", "profile_metrics_table_name"
            ),
            drift_metrics_table_name=_value(
                old, "driftMetricsTableName", "drift_metrics_table_name"
            ),
            dashboard_id=_value(old, "dashboardId", "dashboard_id"),
        )
    except Exception as exc:  # the create must still run: never leave the table unmonitored
        pulumi.log.warn(
            f"{args.name}: purge after delete failed ({exc}); the monitor is recreated "
            "without a clean slate. Drop the old metric tables and dashboard by hand."
        )
        return []
    for line in done:
        pulumi.log.info(f"{args.name}: purge: {line}")
    return done


def make_hooks(project: Project) -> Hooks:
    """The hooks for one run: refresh (if the stack wants it) and the purge guard."""
    hooks = Hooks()
    after_update: list[pulumi.ResourceHook | Any] = []
    if project.settings.refresh_after_update:
        after_update.append(pulumi.ResourceHook(REFRESH_HOOK, refresh_after_update))

    def purge_hook(args: pulumi.ResourceHookArgs) -> None:
        purge_after_delete(args, hooks.purge_tables)

    purge = pulumi.ResourceHook(PURGE_HOOK, purge_hook)
    hooks.binding = pulumi.ResourceHookBinding(after_update=after_update, after_delete=[purge])
    return hooks
