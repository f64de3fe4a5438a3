"""Where each monitor stands in a stack's state (`pulumi stack export`), in words to act on."""

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
    ABSENT = "absent from state"


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
    """`{table: state}` for the given `{table: urn}`."""
    creating = {
        (op.get("resource") or {}).get("urn")
        for op in _pending(deployment)
        if op.get("type") == "creating"
    }
    by_urn: dict[str, list[Mapping[str, Any]]] = {}
    for resource in _resources(deployment):
        by_urn.setdefault(resource["urn"], []).append(resource)
    states: dict[str, MonitorState] = {}
    for table, urn in urns.items():
        records = [r for r in by_urn.get(urn, []) if not r.get("delete")]
        if any(not r.get("pendingReplacement") for r in records):
            states[table] = MonitorState.PRESENT
        elif records:
            states[table] = MonitorState.PENDING_REPLACEMENT
        elif urn in creating:
            states[table] = MonitorState.CREATING
        else:
            states[table] = MonitorState.ABSENT
    return states


def state_lines(states: Mapping[str, MonitorState], tables: Iterable[str]) -> list[str]:
    """One `table: state` line per table, for failure reports."""
    return [f"  {table}: {states[table].value}" for table in tables]
