"""Where each monitor of a migrating stack stands, read from its checkpoint and its record.

`migrate` moves a monitor from one resource type to the other without a delete: its old resource
leaves the state (`pulumi state remove`), the same monitor is imported as the other type, and an
update records it on the new backend. Each step leaves the checkpoint (pulumi/pulumi
sdk/go/common/apitype/core.go DeploymentV3) and the record (`monitors.desired.record`) in a state
these functions read back, so a migration stopped anywhere continues from where it is.

Also here, for `pulumi state remove`: which resources depend on a monitor, as the CLI computes it
(pkg/resource/graph/dependency_graph.go `OnlyDependsOn`), and whether each can be imported again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pulumi.automation import Deployment

from monitors.desired.alert_record import ALERTS_OUTPUT
from monitors.desired.backend import type_name
from monitors.desired.record import LastDeployment
from monitors.naming import (
    ALERT_RESOURCE_TYPE,
    API_DATA_QUALITY,
    API_LEGACY,
    PROJECT_NAME,
    alert_resource_name,
    monitor_urn,
    short_stack,
)
from monitors.stackops.state import MonitorState, monitor_states

ROOT_TYPE = "pulumi:pulumi:Stack"
PROVIDER_PACKAGE = "databricks"


def other_api(api: str) -> str:
    """The backend a migration to `api` leaves."""
    return API_LEGACY if api == API_DATA_QUALITY else API_DATA_QUALITY


class Placement(Enum):
    """Where one monitor stands in a migration to a target backend."""

    SOURCE = "source"  # in state as the other type: not moved yet
    REMOVED = "removed"  # in state as neither type: removed, not imported yet
    IMPORTED = "imported"  # in state as the target type; no update has recorded it there yet
    RECORDED = "recorded"  # in state as the target type and recorded on the target backend
    BOTH = "both"  # in state as both types (only a hand edit does that)
    UNSETTLED = "unsettled"  # an earlier update left an operation pending on it

    def describe(self, target: str) -> str:
        """The placement in words, naming the types."""
        new, old = type_name(target), type_name(other_api(target))
        return {
            Placement.SOURCE: f"in the state as {old}: not moved yet",
            Placement.REMOVED: (
                f"removed from the state as {old} (nothing was deleted in Databricks); "
                f"not imported as {new} yet"
            ),
            Placement.IMPORTED: f"imported as {new}; no update has recorded it there yet",
            Placement.RECORDED: f"migrated: in the state as {new} and recorded by an update",
            Placement.BOTH: f"in the state twice, as {old} and as {new}",
            Placement.UNSETTLED: (
                "an earlier update left it pending (a replacement, create or delete that did "
                "not finish)"
            ),
        }[self]

    @property
    def holds_source(self) -> bool:
        """Its old resource is still in the state: `pulumi state remove` must take it out."""
        return self in (Placement.SOURCE, Placement.BOTH)


def resources(deployment: Deployment) -> list[dict[str, Any]]:
    """The checkpoint's resources, in its (topological) order."""
    return list((deployment.deployment or {}).get("resources") or [])


def placements(
    deployment: Deployment,
    stack: str,
    tables: Sequence[str],
    target: str,
    last: LastDeployment,
) -> dict[str, Placement]:
    """Each table's placement in a migration to `target`, from the checkpoint and the record."""
    source = other_api(target)
    old = monitor_states(deployment, {t: monitor_urn(stack, t, source) for t in tables})
    new = monitor_states(deployment, {t: monitor_urn(stack, t, target) for t in tables})
    found: dict[str, Placement] = {}
    for table in tables:
        states = (old[table], new[table])
        if any(s not in (MonitorState.PRESENT, MonitorState.ABSENT) for s in states):
            found[table] = Placement.UNSETTLED
        elif states == (MonitorState.PRESENT, MonitorState.PRESENT):
            found[table] = Placement.BOTH
        elif old[table] is MonitorState.PRESENT:
            found[table] = Placement.SOURCE
        elif new[table] is MonitorState.ABSENT:
            found[table] = Placement.REMOVED
        else:
            recorded = recorded_on(last, table, target)
            found[table] = Placement.RECORDED if recorded else Placement.IMPORTED
    return found


def recorded_on(last: LastDeployment, table: str, target: str) -> bool:
    """True when the last update recorded `table` on the `target` backend and its registration
    completed (`monitors.desired.record`)."""
    structure = last.structures.get(table)
    return structure is not None and structure.api == target and last.applied(table)


def _edges(resource: Mapping[str, Any]) -> list[str]:
    """The URNs a checkpoint resource refers to (pkg/resource/state.go GetAllDependencies):
    parent, dependencies, property dependencies, deleted-with, replace-with."""
    edges = list(resource.get("dependencies") or [])
    for urns in (resource.get("propertyDependencies") or {}).values():
        edges += urns
    edges += [u for u in (resource.get("parent"), resource.get("deletedWith")) if u]
    return edges + list(resource.get("replaceWith") or [])


def dependents(deployment: Deployment, urn: str) -> list[dict[str, Any]]:
    """The resources that depend on `urn`, directly or through one another, as `pulumi state
    remove` finds them (`OnlyDependsOn`: the resources after it in the checkpoint); [] when the
    checkpoint does not hold it."""
    listed = resources(deployment)
    start = next((i for i, r in enumerate(listed) if r.get("urn") == urn), None)
    if start is None:
        return []
    found: list[dict[str, Any]] = []
    depending = {urn}
    for candidate in listed[start + 1 :]:
        if any(edge in depending for edge in _edges(candidate)):
            found.append(candidate)
            depending.add(str(candidate["urn"]))
    return found


def root_urn(stack: str) -> str:
    """The root stack resource's URN (a resource registered without a parent has it as parent)."""
    short = short_stack(stack)
    return f"urn:pulumi:{short}::{PROJECT_NAME}::{ROOT_TYPE}::{PROJECT_NAME}-{short}"


def not_reimportable(resource: Mapping[str, Any], stack: str) -> str | None:
    """Why `pulumi import --file` could not take `resource` back as it is, or None.

    The import file names a type, a name and an ID, under the stack with the default provider of
    the program's pulumi-databricks version; anything else would come back as another resource.
    """
    if not resource.get("custom"):
        return "it is a component resource, which has no ID to import"
    if resource.get("parent") not in (None, "", root_urn(stack)):
        return f"it has a parent ({resource['parent']})"
    if not str(resource.get("type", "")).startswith(f"{PROVIDER_PACKAGE}:"):
        return f"its type {resource.get('type')} is not a Databricks resource"
    provider = str(resource.get("provider") or "").split("::")
    if len(provider) > 1 and not provider[-2].startswith("default"):
        return "it uses an explicit provider, not the default one"
    if not resource.get("id"):
        return "it has no ID"
    return None


@dataclass(frozen=True)
class Dependent:
    """A resource to import again after `pulumi state remove --target-dependents` took it out of
    the state with its monitor (it stays in Databricks): its type, name and ID."""

    urn: str
    type: str
    name: str
    id: str
    protect: bool

    @classmethod
    def of(cls, resource: Mapping[str, Any]) -> Dependent:
        urn = str(resource["urn"])
        return cls(
            urn,
            str(resource["type"]),
            urn.rsplit("::", 1)[-1],
            str(resource.get("id") or ""),
            bool(resource.get("protect")),
        )


def recorded_alerts(outputs: Mapping[str, Any], stack: str, table: str) -> list[Dependent]:
    """A table's alerts as the stack's `alerts` output records them (key `table.alert`, the
    alert's id): how to find them again when the checkpoint that held them is gone."""
    raw = outputs.get(ALERTS_OUTPUT)
    found: list[Dependent] = []
    if not isinstance(raw, Mapping):
        return found
    for key, value in sorted(raw.items()):
        owner, _, alert = str(key).partition(".")
        alert_id = value.get("id") if isinstance(value, Mapping) else None
        if owner != table or not alert or not isinstance(alert_id, str) or not alert_id:
            continue
        name = alert_resource_name(table, alert)
        urn = f"urn:pulumi:{short_stack(stack)}::{PROJECT_NAME}::{ALERT_RESOURCE_TYPE}::{name}"
        found.append(Dependent(urn, ALERT_RESOURCE_TYPE, name, alert_id, protect=False))
    return found


def live_urns(deployment: Deployment) -> set[str]:
    """Every URN the checkpoint holds (pending deletions included)."""
    return {str(r["urn"]) for r in resources(deployment) if r.get("urn")}


def unknown_to(restore_point: Deployment, now: Deployment, allowed: Iterable[str]) -> list[str]:
    """URNs the current checkpoint holds that the restore point does not, other than `allowed`:
    putting the restore point back would drop them from the state (not from the cloud)."""
    return sorted(live_urns(now) - live_urns(restore_point) - set(allowed))
