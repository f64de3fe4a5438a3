"""Where each monitor stands in a stack's state (`pulumi stack export`), in words to act on.

The checkpoint format is pulumi/pulumi sdk/go/common/apitype/core.go (DeploymentV3): live
resources, records kept `pendingReplacement` after a delete-before-replace deleted them, and
`pending_operations` the engine marks before each provider call and clears after it
(pkg/backend/snapshot.go markOperationPending). A pending create survives every later update
until a user resolves it; other pending operations are dropped by the next update.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from pulumi.automation import Deployment


class MonitorState(Enum):
    """A monitor's record in the checkpoint."""

    PRESENT = "present in state"
    PENDING_REPLACEMENT = (
        "deleted in Databricks; kept in state as pending replacement, to be created again"
    )
    CREATING = "a create was interrupted; it may or may not exist in Databricks"
    DELETING = "a delete was interrupted; it may or may not still exist in Databricks"
    ABSENT = "absent from state"

    @property
    def settled(self) -> bool:
        """True when the state records a live monitor and no interrupted or pending step."""
        return self is MonitorState.PRESENT


def _resources(deployment: Deployment) -> list[Mapping[str, Any]]:
    return list((deployment.deployment or {}).get("resources") or [])


def _pending(deployment: Deployment) -> list[Mapping[str, Any]]:
    return list((deployment.deployment or {}).get("pending_operations") or [])


def urns_in_state(deployment: Deployment) -> set[str]:
    """URNs of the live resources the stack manages (not those pending deletion or recreation)."""
    return {
        r["urn"]
        for r in _resources(deployment)
        if not r.get("delete") and not r.get("pendingReplacement")
    }


def monitor_states(deployment: Deployment, urns: Mapping[str, str]) -> dict[str, MonitorState]:
    """`{table: state}` for the given `{table: urn}`; an interrupted operation wins."""
    pending = {(op.get("resource") or {}).get("urn"): op.get("type") for op in _pending(deployment)}
    by_urn: dict[str, list[Mapping[str, Any]]] = {}
    for resource in _resources(deployment):
        by_urn.setdefault(resource["urn"], []).append(resource)
    states: dict[str, MonitorState] = {}
    for table, urn in urns.items():
        records = [r for r in by_urn.get(urn, []) if not r.get("delete")]
        if pending.get(urn) == "creating":
            states[table] = MonitorState.CREATING
        elif pending.get(urn) == "deleting":
            states[table] = MonitorState.DELETING
        elif any(not r.get("pendingReplacement") for r in records):
            states[table] = MonitorState.PRESENT
        elif records:
            states[table] = MonitorState.PENDING_REPLACEMENT
        else:
            states[table] = MonitorState.ABSENT
    return states


def state_lines(states: Mapping[str, MonitorState], tables: Iterable[str]) -> list[str]:
    """One `table: state` line per table, for failure reports."""
    return [f"  {table}: {states[table].value}" for table in tables]


def resolve_pending_create(stack: str, urn: str, monitor_id: str) -> list[str]:
    """The two ways out of an interrupted create, which the engine never clears by itself.

    pkg/cmd/pulumi/operations/refresh.go: `--import-pending-creates` takes URN and ID pairs
    (one value per flag) and records the monitor as created; `--clear-pending-creates` drops
    the operation. A monitor's ID is its full table name (the provider's ImportState).
    """
    return [
        f"if it exists in Databricks: pulumi refresh --stack {stack} --yes "
        f"--import-pending-creates '{urn}' --import-pending-creates '{monitor_id}'",
        f"if it does not: pulumi refresh --stack {stack} --yes --clear-pending-creates",
    ]
