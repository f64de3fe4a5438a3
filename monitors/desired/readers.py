"""What `lakehouse-monitors:readers` grants, and what changed since the last run. Pure.

Reading a monitor's results needs `USE_SCHEMA` and `SELECT` on the output schema, granted at
schema level so the metric tables the monitor creates minutes after it (terraform-provider-
databricks issue 3859) are covered as they appear ("granting a privilege on a catalog or schema
automatically grants the privilege to all current and future objects within", pulumi-databricks
grants.py); `USE_CATALOG` on the catalog only with `useCatalog: true`; and `CAN_READ` on each
monitor's dashboard.

Why these resources:
- one `databricks.Grant` per principal and securable, never `databricks.Grants`: `Grants` owns
  every principal's privileges on its securable and would revoke other teams' grants on a shared
  schema; `Grant` computes its change for its one principal only (terraform-provider-databricks
  catalog/resource_grant.go `diffPermissionsForPrincipal`). It does own that principal's
  privileges there: a privilege the principal holds on the same schema or catalog outside this
  stack is revoked on create and on delete (same function: what is not configured is removed).
- one `databricks.Permissions` per dashboard (`dashboard_id`: AI/BI dashboards, levels
  CAN_READ|CAN_RUN|CAN_EDIT|CAN_MANAGE, terraform-provider-databricks permissions/
  permission_definitions.go): it sets the dashboard's whole ACL (`Permissions.Set`, a PUT), so
  all readers of one dashboard are one resource; removing a reader updates it in place.
- the dashboard id is the one the monitor reported at the last run (its `monitors` stack output,
  legacy-shaped on both backends), a plain value: the preview shows every grant exactly, and a
  monitor with no dashboard yet (new, pending, or `skip_builtin_dashboard`) is skipped and says
  so. Taking the id from the live resource output instead risks an unknown id in the preview of
  every monitor update (the plugin framework plans a computed attribute with no
  UseStateForUnknown modifier as unknown when the resource changes, and the provider sets none
  on `dashboard_id`: pluginfw qualitymonitor `Schema`, dataquality_tf `DataProfilingConfig`);
  `dashboard_id` forces a new Permissions resource, so each update would preview a replace,
  which a protected stack refuses; and registering inside an `apply` on it would leave the
  resources out of such previews, which then show them deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import OnErrorOmit, Strict, StrictStr, TypeAdapter
from typing_extensions import TypedDict

from monitors.declared.readers import Readers
from monitors.declared.settings import StackSettings
from monitors.desired.protection import (
    dashboard_unprotect_urn,
    reader_delete_needs_unprotect,
    reader_grant_unprotect_urn,
)
from monitors.desired.record import monitor_outputs
from monitors.naming import dashboard_permissions_name, reader_grant_name

READERS_OUTPUT = "readers"
SCHEMA_PRIVILEGES: tuple[str, ...] = ("SELECT", "USE_SCHEMA")
CATALOG_PRIVILEGES: tuple[str, ...] = ("USE_CATALOG",)
DASHBOARD_PERMISSION = "CAN_READ"
# The ACL field naming each kind of principal (pulumi-databricks PermissionsAccessControlArgs).
ACL_FIELDS: dict[str, str] = {
    "group": "group_name",
    "user": "user_name",
    "service_principal": "service_principal_name",
}


@dataclass(frozen=True)
class GrantRequest:
    """One `databricks.Grant`: a principal's privileges on the output schema or the catalog."""

    name: str
    securable: str  # `schema` or `catalog`: the Grant's argument naming the securable
    securable_name: str
    principal: str
    privileges: tuple[str, ...]

    @property
    def inputs(self) -> dict[str, Any]:
        """The resource's arguments, as passed to `databricks.Grant`."""
        return {
            self.securable: self.securable_name,
            "principal": self.principal,
            "privileges": list(self.privileges),
        }


@dataclass(frozen=True)
class DashboardAccess:
    """One `databricks.Permissions` on a monitor's dashboard; `moved` when the dashboard is not
    the one it was granted on at the last run (the monitor was replaced, so it has a new one)."""

    table: str
    name: str
    dashboard_id: str
    access_controls: tuple[tuple[str, str], ...]  # (ACL field, principal)
    moved: bool = False

    @property
    def inputs(self) -> dict[str, Any]:
        """The resource's arguments, as passed to `databricks.Permissions`."""
        return {
            "dashboard_id": self.dashboard_id,
            "access_controls": [
                {kind: principal, "permission_level": DASHBOARD_PERMISSION}
                for kind, principal in self.access_controls
            ],
        }


@dataclass(frozen=True)
class LastReaders:
    """The `readers` output of the last run: the grant resource names and the dashboard each
    monitor's access was granted on."""

    grants: tuple[str, ...] = ()
    dashboards: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadersPlan:
    """What this run registers for the readers, what it stops registering, and its record."""

    grants: tuple[GrantRequest, ...] = ()
    dashboards: tuple[DashboardAccess, ...] = ()
    pending: tuple[str, ...] = ()  # declared monitors with no dashboard reported yet
    removed_grants: tuple[str, ...] = ()  # grant resource names the last run had
    removed_dashboards: tuple[str, ...] = ()  # tables whose dashboard access goes

    def record(self) -> dict[str, Any]:
        """The `readers` stack output this run writes (plain values)."""
        return {
            "grants": [g.name for g in self.grants],
            "dashboards": {d.table: d.dashboard_id for d in self.dashboards},
        }


def grant_requests(settings: StackSettings) -> tuple[GrantRequest, ...]:
    """The grants `settings.readers` asks for, principals in the order they are written."""
    readers = settings.readers
    if readers is None:
        return ()
    grants: list[GrantRequest] = []
    for _, principal in readers.principals():
        grants.append(
            GrantRequest(
                reader_grant_name("schema", principal),
                "schema",
                settings.output_schema_name,
                principal,
                SCHEMA_PRIVILEGES,
            )
        )
        if readers.use_catalog:
            grants.append(
                GrantRequest(
                    reader_grant_name("catalog", principal),
                    "catalog",
                    settings.catalog,
                    principal,
                    CATALOG_PRIVILEGES,
                )
            )
    return tuple(grants)


def access_controls(readers: Readers) -> tuple[tuple[str, str], ...]:
    """Every reader as a dashboard ACL entry (field, principal)."""
    return tuple((ACL_FIELDS[kind], name) for kind, name in readers.principals())


def reported_dashboards(monitors_output: Any) -> dict[str, str]:
    """Each monitor's dashboard id as its last registration reported it (`monitors` output);
    a monitor with none (pending, skipped, unknown in a preview) is left out."""
    return {
        table: outputs["dashboard_id"]
        for table, outputs in monitor_outputs(monitors_output).items()
        if "dashboard_id" in outputs
    }


class ReadersRecord(TypedDict, total=False):
    """The `readers` output as a later run reads it: what is not text is left out."""

    grants: OnErrorOmit[Annotated[list[OnErrorOmit[StrictStr]], Strict()]]
    dashboards: OnErrorOmit[dict[Any, OnErrorOmit[StrictStr]]]


_READERS_RECORD = TypeAdapter(ReadersRecord)


def read_last_readers(raw: Any) -> LastReaders:
    """The last run's `readers` output; anything unreadable counts as nothing granted (the
    record only words the preview's warnings: the engine's state decides the steps)."""
    if not isinstance(raw, Mapping):
        return LastReaders()
    record = _READERS_RECORD.validate_python(raw)
    return LastReaders(
        tuple(record.get("grants", ())),
        {str(table): dashboard for table, dashboard in record.get("dashboards", {}).items()},
    )


def plan_readers(
    settings: StackSettings,
    tables: Mapping[str, bool],
    monitors_output: Any,
    last: LastReaders,
) -> ReadersPlan:
    """The readers' resources for the declared monitors, `tables` mapping each to whether it
    can have a dashboard (False with `skip_builtin_dashboard`)."""
    grants = grant_requests(settings)
    reported = reported_dashboards(monitors_output)
    dashboards: list[DashboardAccess] = []
    pending: list[str] = []
    if settings.readers is not None:
        acl = access_controls(settings.readers)
        for table in sorted(tables):
            dashboard = reported.get(table)
            if dashboard is None:
                if tables[table]:
                    pending.append(table)
                continue
            before = last.dashboards.get(table)
            dashboards.append(
                DashboardAccess(
                    table,
                    dashboard_permissions_name(table),
                    dashboard,
                    acl,
                    moved=before is not None and before != dashboard,
                )
            )
    names = {g.name for g in grants}
    granted = {d.table for d in dashboards}
    return ReadersPlan(
        grants,
        tuple(dashboards),
        tuple(pending),
        tuple(n for n in last.grants if n not in names),
        tuple(sorted(t for t in last.dashboards if t not in granted)),
    )


# ---------------------------------------------------------------------------- what is said


def describe_pending(tables: tuple[str, ...]) -> str:
    """Monitors whose readers get dashboard access only once the monitor reports a dashboard."""
    return (
        f"readers: no dashboard reported yet by monitor(s) {', '.join(tables)} (new or still "
        "pending): their readers get dashboard access at the first run after it is reported; "
        "the grants on the output schema apply now."
    )


def describe_moved(access: DashboardAccess) -> str:
    """A monitor's dashboard changed (it was replaced): the readers' access moves with it."""
    return (
        f"readers: monitor '{access.table}' has a new dashboard ({access.dashboard_id}): its "
        "readers' access moves there (the Permissions resource is replaced; protection is "
        "lifted for it in this run only)."
    )


def describe_removed(plan: ReadersPlan, stack: str, protect: bool) -> list[str]:
    """One warning per grant or dashboard access this run deletes, with the command a
    protected stack needs first."""
    messages: list[str] = []
    for name in plan.removed_grants:
        message = f"readers: grant '{name}' is no longer asked for: it will be REVOKED."
        if protect:
            message += " " + reader_delete_needs_unprotect(
                stack, reader_grant_unprotect_urn(stack, name)
            )
        messages.append(message)
    for table in plan.removed_dashboards:
        message = f"readers: access to monitor '{table}''s dashboard will be REMOVED."
        if protect:
            message += " " + reader_delete_needs_unprotect(
                stack, dashboard_unprotect_urn(stack, table)
            )
        messages.append(message)
    return messages
