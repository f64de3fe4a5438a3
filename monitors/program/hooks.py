"""Resource hooks on every monitor: refresh after an in-place update, purge on `reset --purge`.

The engine runs `after_update` only for updates (a replace runs create and delete hooks, a
no-op runs none), so a refresh is never queued for a create, replace or unchanged monitor.
Delete hooks are taken from the state recorded by the previous run, so the purge hook is bound
to every monitor and decides at run time: it purges only tables whose reset this run applies
with `purge: true`. Hooks do not run during preview.

A hook must never fail or stall a deployment. Since engine 3.238 a failing after-hook fails the
deployment unless the hook was registered with `ignore_errors` (pulumi `pkg/resource/deploy/
deployment.go` `RunHooks`; CHANGELOG 3.238.0 "Fail the deployment when an after hook fails";
SDK `pulumi.ResourceHookOptions.ignore_errors`), so both hooks are, and beyond that neither ever
raises: credential resolution included, every error is one warning naming the monitor. The hooks
of one deployment share one client, one time budget (`HOOK_LIMITS.total_s`) and one verdict:
after the workspace failed to answer, or no credentials were found, the remaining hooks warn at
once instead of trying again. The work runs in a thread so the program's event loop, which
serves the engine's other hook calls, stays free.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

import pulumi
from pulumi.runtime.config import get_config

from monitors.declared.project import Project
from monitors.declared.provider_config import PROVIDER_SETTINGS
from monitors.errors import CredentialsError
from monitors.program import log
from monitors.program.register import Hooks

if TYPE_CHECKING:
    from databricks.sdk import WorkspaceClient

    from monitors.workspace.client import Deadline, Limits
    from monitors.workspace.credentials import ProviderSettings
    from monitors.workspace.purge import PurgeResult

# The workspace modules (and databricks-sdk under them, about a second to import) load only
# when a hook runs: a preview, and every run whose monitors are unchanged, never needs them.

REFRESH_HOOK = "lakehouse-monitors-refresh-after-update"
PURGE_HOOK = "lakehouse-monitors-purge-on-reset"
# Tell the engine (3.238+) that a hook error is a warning, not a failed deployment.
HOOK_OPTIONS = pulumi.ResourceHookOptions(ignore_errors=True)
AFTER_PURGE_FAILURE = (
    "The monitor is recreated without a clean slate; drop what is left by hand "
    "(or leave it: the new monitor writes to the same tables)."
)

OpenClient = Callable[["Deadline"], "WorkspaceClient"]


def engine_provider_settings() -> ProviderSettings:
    """The provider's `databricks:*` settings as the engine gave them to this program (the
    engine decrypts secrets for the program, as it does for the provider)."""
    from monitors.workspace.credentials import settings_from_config

    config = {s.config_key: get_config(s.config_key) for s in PROVIDER_SETTINGS}
    return settings_from_config(config, "the stack's config")


def _describe(exc: BaseException) -> str:
    from monitors.workspace.client import describe_error

    return describe_error(exc)


def _after_failure() -> str:
    from monitors.workspace.refresh import AFTER_FAILURE

    return AFTER_FAILURE


class HookSkipped(Exception):
    """The hook does not try: an earlier hook of this deployment already found why it can't."""


class HookRun:
    """What the hooks of one deployment share: one client, one deadline, one reason to stop."""

    def __init__(
        self,
        open_client: OpenClient | None = None,
        limits: Limits | None = None,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limits = limits
        self._open_client = open_client or self._provider_client
        self._now = now
        self._lock = threading.Lock()
        self._deadline: Deadline | None = None
        self._client: WorkspaceClient | None = None
        self.stopped: str | None = None

    @property
    def limits(self) -> Limits:
        """The hooks' time limits (`HOOK_LIMITS` unless a test gave others)."""
        if self._limits is None:
            from monitors.workspace.client import HOOK_LIMITS

            self._limits = HOOK_LIMITS
        return self._limits

    def _provider_client(self, deadline: Deadline) -> WorkspaceClient:
        from monitors.workspace.client import connect

        return connect(engine_provider_settings(), self.limits, deadline).client

    def client(self) -> WorkspaceClient:
        """The deployment's client, made on first use; HookSkipped once the hooks have stopped.

        The first failure to make it (no credentials, workspace not answering) raises as is,
        and makes every later call raise HookSkipped.
        """
        from monitors.workspace.client import Deadline

        with self._lock:
            if self._deadline is None:
                self._deadline = Deadline(self.limits.total_s, self._now)
            if self.stopped is None and self._deadline.expired():
                self.stopped = (
                    f"the hooks' time budget of {self.limits.total_s:g} s for this deployment "
                    "ran out"
                )
            if self.stopped is not None:
                raise HookSkipped(self.stopped)
            if self._client is None:
                try:
                    self._client = self._open_client(self._deadline)
                except CredentialsError:
                    self.stopped = "no usable Databricks credentials (see the first warning)"
                    raise
                except Exception as exc:
                    self.stopped = f"the workspace did not answer ({_describe(exc)})"
                    raise
            return self._client

    def record_failure(self, exc: BaseException) -> None:
        """Stop the later hooks when `exc` means the workspace is not answering."""
        from monitors.workspace.client import is_unreachable

        if is_unreachable(exc):
            with self._lock:
                self.stopped = self.stopped or (f"the workspace did not answer ({_describe(exc)})")


def _value(values: Mapping[str, Any] | None, camel: str, snake: str) -> Any:
    values = values or {}
    return values.get(camel, values.get(snake))


def _data_quality_target(args: pulumi.ResourceHookArgs) -> tuple[str, str] | None:
    """`(object_type, object_id)` of a DataQualityMonitor's update, None for a legacy monitor."""
    for values in (args.new_outputs, args.new_inputs):
        kind = _value(values, "objectType", "object_type")
        uuid = _value(values, "objectId", "object_id")
        if kind and uuid:
            return str(kind), str(uuid)
    return None


def _monitored_table(args: pulumi.ResourceHookArgs) -> Any:
    """The table a monitor's update names: `tableName` (legacy) or the data quality config's
    `monitoredTableName` (falling back to the resource name)."""
    table = _value(args.new_outputs, "tableName", "table_name") or _value(
        args.new_inputs, "tableName", "table_name"
    )
    if table:
        return table
    config = _value(args.new_outputs, "dataProfilingConfig", "data_profiling_config")
    monitored = _value(config if isinstance(config, Mapping) else None, "monitoredTableName", "")
    return monitored or (args.name if _data_quality_target(args) else None)


def refresh_after_update(args: pulumi.ResourceHookArgs, run: HookRun) -> str | None:
    """Queue a metric refresh for the updated monitor; every failure is one warning."""
    table = _monitored_table(args)
    target = _data_quality_target(args)
    if not table:
        log.warn(f"{args.name}: no table name in the update; no refresh queued")
        return None
    try:
        client = run.client()
    except HookSkipped as skipped:
        log.warn(f"{args.name}: no metric refresh queued: {skipped}. {_after_failure()}")
        return None
    except Exception as exc:
        log.warn(
            f"{args.name}: no metric refresh queued: {_describe(exc)}. {_after_failure()}"
            if not isinstance(exc, CredentialsError)
            else f"{args.name}: no metric refresh queued: {exc}\n{_after_failure()}"
        )
        return None
    from monitors.workspace.refresh import UNNAMED_REFRESH, queue_refresh_after_update

    refresh_id = queue_refresh_after_update(
        client,
        str(table),
        lambda message: log.warn(f"{args.name}: {message}"),
        on_error=run.record_failure,
        data_quality=target,
    )
    if refresh_id == UNNAMED_REFRESH:
        log.info(
            f"{args.name}: queued a metric refresh after the update (the workspace named no id)"
        )
    elif refresh_id is not None:
        log.info(f"{args.name}: queued metric refresh {refresh_id} after the update")
    return refresh_id


def purge_after_delete(
    args: pulumi.ResourceHookArgs, purge_tables: Collection[str], run: HookRun, output_schema: str
) -> PurgeResult | None:
    """Drop the deleted monitor's metric tables and dashboard if this run purges it.

    `output_schema` is the stack's `catalog.schema` for metric tables: only tables named exactly
    as this monitor's there are dropped (see `monitors.workspace.purge`).
    """
    if args.name not in purge_tables:
        return None
    from monitors.workspace.purge import ReportedAssets, purge_monitor_assets

    old = args.old_outputs
    # A DataQualityMonitor reports its assets inside `dataProfilingConfig`.
    nested = _value(old, "dataProfilingConfig", "data_profiling_config")
    old = nested if isinstance(nested, Mapping) else old
    reported = ReportedAssets(
        profile_metrics_table_name=_value(
            old, "profileMetricsTableName", "profile_metrics_table_name"
        ),
        drift_metrics_table_name=_value(old, "driftMetricsTableName", "drift_metrics_table_name"),
        dashboard_id=_value(old, "dashboardId", "dashboard_id"),
    )
    try:
        client = run.client()
    except Exception as exc:
        reason = str(exc) if isinstance(exc, HookSkipped | CredentialsError) else _describe(exc)
        log.warn(
            f"{args.name}: purge after delete skipped, nothing was dropped: {reason}\n"
            + AFTER_PURGE_FAILURE
        )
        return None
    result = purge_monitor_assets(
        client, table=args.name, output_schema=output_schema, reported=reported
    )
    if result.error is not None:
        run.record_failure(result.error)
    if result.complete:
        for line in result.done:
            log.info(f"{args.name}: purge: {line}")
    else:
        log.warn(
            f"{args.name}: purge after delete incomplete. {result.summary()}.\n"
            + AFTER_PURGE_FAILURE
        )
    return result


def in_thread(
    work: Callable[[pulumi.ResourceHookArgs], object],
) -> Callable[[pulumi.ResourceHookArgs], Awaitable[None]]:
    """An async hook that runs `work` in a thread, so the event loop keeps serving the engine."""

    async def hook(args: pulumi.ResourceHookArgs) -> None:
        try:
            await asyncio.to_thread(work, args)
        except Exception as exc:  # `work` never raises; this keeps a bug from failing a deploy
            log.warn(f"{args.name}: hook failed unexpectedly: {type(exc).__name__}: {exc}")

    return hook


def make_hooks(project: Project, run: HookRun | None = None) -> Hooks:
    """The hooks for one run: refresh (if the stack wants it) and the purge guard, which reads
    the purge set of the run's decided deployment when it runs (`Hooks`)."""
    run = run or HookRun()
    hooks = Hooks()
    output_schema = f"{project.settings.catalog}.{project.settings.output_schema}"
    after_update: list[pulumi.ResourceHook | Any] = []
    if project.settings.refresh_after_update:
        after_update.append(
            pulumi.ResourceHook(
                REFRESH_HOOK, in_thread(lambda args: refresh_after_update(args, run)), HOOK_OPTIONS
            )
        )
    purge = pulumi.ResourceHook(
        PURGE_HOOK,
        in_thread(lambda args: purge_after_delete(args, hooks.purge_tables, run, output_schema)),
        HOOK_OPTIONS,
    )
    hooks.binding = pulumi.ResourceHookBinding(after_update=after_update, after_delete=[purge])
    return hooks
