"""Purge the assets a monitor delete leaves behind, for `reset --purge` only.

Deleting a monitor keeps its profile and drift metric tables and its dashboard; a reset that
wants a clean slate drops them between the delete and the create. Only ever called from the
after-delete hook of an explicit `reset --purge`.

The guard: the names come from the deleted monitor's last outputs in state, so they are checked
before anything is touched. A metric table is dropped only when its name, parsed as three plain
identifiers, is exactly `<stack's output schema>.<monitored table>_profile_metrics` (or
`_drift_metrics`); a dashboard only by the plain id the monitor reported. If any name fails,
nothing at all is touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from databricks.sdk import WorkspaceClient

from monitors.errors import UnsafeNameError
from monitors.workspace import legacy as workspace
from monitors.workspace.client import describe_error
from monitors.workspace.identifiers import object_id, same_table, schema_name, table_name

PROFILE_METRICS_SUFFIX = "_profile_metrics"
DRIFT_METRICS_SUFFIX = "_drift_metrics"


@dataclass(frozen=True)
class ReportedAssets:
    """What the deleted monitor reported (its last outputs); any may be missing."""

    profile_metrics_table_name: object = None
    drift_metrics_table_name: object = None
    dashboard_id: object = None


@dataclass
class PurgeResult:
    """What a purge did: each asset done, refused by the guard, failed, or never tried."""

    done: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    failed: str | None = None
    not_attempted: list[str] = field(default_factory=list)
    error: BaseException | None = field(default=None, repr=False)  # what `failed` describes

    @property
    def complete(self) -> bool:
        """True when every asset the monitor reported is gone (dropped or already gone)."""
        return not self.refused and self.failed is None

    def summary(self) -> str:
        """One sentence: done, then what failed and what was left, for a warning."""
        parts = []
        if self.refused:
            parts.append("refused (nothing was touched): " + "; ".join(self.refused))
        if self.done:
            parts.append("done: " + "; ".join(self.done))
        if self.failed:
            parts.append(f"failed: {self.failed}")
        if self.not_attempted:
            parts.append("not attempted: " + ", ".join(self.not_attempted))
        return ". ".join(parts) or "nothing to purge"


@dataclass(frozen=True)
class _Step:
    kind: str  # "table" or "dashboard"
    name: str


def plan_purge(table: str, output_schema: str, reported: ReportedAssets) -> list[_Step]:
    """The drops the guard allows, in order; UnsafeNameError listing every refused name.

    `table` is the monitored table's short name, `output_schema` the stack's `catalog.schema`.
    """
    steps: list[_Step] = []
    refused: list[str] = []
    schema = schema_name(output_schema, "output schema")
    for reported_name, suffix in (
        (reported.profile_metrics_table_name, PROFILE_METRICS_SUFFIX),
        (reported.drift_metrics_table_name, DRIFT_METRICS_SUFFIX),
    ):
        if reported_name is None or reported_name == "":
            continue
        expected = f"{schema}.{table}{suffix}"
        try:
            name = table_name(reported_name, "metric table")
            if not same_table(name, expected):
                raise UnsafeNameError(
                    f"refusing metric table {reported_name!r}: the monitor's {suffix[1:]} table "
                    f"in this stack is {expected}"
                )
        except UnsafeNameError as exc:
            refused.append(str(exc))
            continue
        steps.append(_Step("table", name))
    if reported.dashboard_id not in (None, ""):
        try:
            steps.append(_Step("dashboard", object_id(reported.dashboard_id, "dashboard id")))
        except UnsafeNameError as exc:
            refused.append(str(exc))
    if refused:
        raise UnsafeNameError("; ".join(refused))
    return steps


def purge_monitor_assets(
    client: WorkspaceClient, *, table: str, output_schema: str, reported: ReportedAssets
) -> PurgeResult:
    """Drop both metric tables and trash the dashboard, each fine if already gone.

    Never raises: refusals, the first error (which stops the purge) and the assets not reached
    are in the result, beside what was done.
    """
    result = PurgeResult()
    try:
        steps = plan_purge(table, output_schema, reported)
    except UnsafeNameError as exc:
        result.refused.append(str(exc))
        return result
    for index, step in enumerate(steps):
        try:
            result.done.append(_run(client, step))
        except Exception as exc:  # reported to the caller, with what is left
            result.error = exc
            result.failed = f"{_label(step)}: {describe_error(exc)}"
            result.not_attempted = [_label(s) for s in steps[index + 1 :]]
            break
    return result


def _label(step: _Step) -> str:
    return f"table {step.name}" if step.kind == "table" else f"dashboard {step.name}"


def _run(client: WorkspaceClient, step: _Step) -> str:
    if step.kind == "table":
        dropped = workspace.drop_table(client, step.name)
        return f"dropped table {step.name}" if dropped else f"{step.name} already gone"
    trashed = workspace.trash_dashboard(client, step.name)
    return f"trashed dashboard {step.name}" if trashed else f"dashboard {step.name} already gone"
