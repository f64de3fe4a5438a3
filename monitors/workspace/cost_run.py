"""One run of `cost` (and of the cost part of the change report): which warehouse, and every
failure of the workspace turned into an error that says what to do.

The warehouse: the one given on the command line, else the stack's `warehouseId` (the
monitors' dashboard warehouse), else `alerts.warehouse_id` (the alerts' warehouse). Neither is
added to a deployed stack for this: `warehouseId` is create-only (changing it replaces every
monitor) and `alerts` deploys alerts; `--warehouse-id` is the way.
"""

from __future__ import annotations

from collections.abc import Sequence

from databricks.sdk import WorkspaceClient

from monitors.declared.settings import StackSettings
from monitors.errors import (
    CostQueryError,
    MonitorsError,
    StackConfigError,
    WorkspaceUnreachableError,
)
from monitors.naming import CONFIG_NAMESPACE, stack_file_name
from monitors.workspace.client import describe_error, is_unreachable
from monitors.workspace.cost import CostReport, CostTarget, monitor_costs

NO_WAREHOUSE = (
    "no SQL warehouse to run the billing query on: pass --warehouse-id <id>. The stack sets "
    f"neither {CONFIG_NAMESPACE}:warehouseId nor {CONFIG_NAMESPACE}:alerts.warehouse_id (do not "
    "add warehouseId to a deployed stack for this: it is create-only, and changing it replaces "
    "every monitor)"
)


def warehouse_for(settings: StackSettings, given: str | None) -> tuple[str, str]:
    """The warehouse id and the setting it came from; StackConfigError when there is none."""
    if given:
        return given, "--warehouse-id"
    if settings.warehouse_id:
        return settings.warehouse_id, f"{CONFIG_NAMESPACE}:warehouseId"
    if settings.alerts is not None:
        return settings.alerts.warehouse_id, f"{CONFIG_NAMESPACE}:alerts.warehouse_id"
    from monitors.errors import Problem

    raise StackConfigError(stack_file_name(settings.stack), [Problem("", NO_WAREHOUSE)])


def warehouse_of(settings: StackSettings) -> tuple[str, str] | None:
    """The stack's own warehouse and its setting, or None (no command-line choice here)."""
    try:
        return warehouse_for(settings, None)
    except StackConfigError:
        return None


def read_costs(
    client: WorkspaceClient,
    targets: Sequence[CostTarget],
    *,
    stack: str,
    days: int,
    warehouse_id: str,
    warehouse_setting: str,
    budget_s: float,
) -> CostReport:
    """`monitor_costs`, with every failure of the workspace as a MonitorsError: unreachable
    (exit 1), throttled or failing to the end of the retry budget, unreadable (exit 1)."""
    try:
        return monitor_costs(
            client,
            targets,
            stack=stack,
            days=days,
            warehouse_id=warehouse_id,
            warehouse_setting=warehouse_setting,
            budget_s=budget_s,
        )
    except MonitorsError:
        raise
    except Exception as err:
        if is_unreachable(err):
            raise WorkspaceUnreachableError(
                f"the workspace stopped answering: {describe_error(err)}"
            ) from None
        raise CostQueryError(
            f"could not read the billing tables: {describe_error(err)}. Nothing was changed; "
            "run cost again."
        ) from None
