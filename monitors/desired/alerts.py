"""Declared alerts to API form: the exact `databricks.AlertV2` inputs of each alert (pure).

One function feeds the program and `plan`, so what plan prints is what the provider sends. Every
field is sent in the form the API answers with, so that a refresh round trip changes nothing
(tests/fakes/alert_read.py names the provider code behind each rule):

- `schedule.pause_status` UNPAUSED and `evaluation.empty_result_state` OK are sent although they
  are optional: a value the service fills in while the inputs hold null would be an update on
  every run after a refresh (the provider keeps both optional, not computed).
- `source.display` is never sent: the service evaluates the displayed name instead of the column
  (terraform-provider-databricks issue 5766), and the alert would never fire.
- No empty lists: `subscriptions` is left out when nobody is told.
- `parent_path` is the monitor's `assets_dir`: the alert sits next to the monitor's dashboard,
  in a folder that exists once the monitor does. The API takes it on create only, so the program
  replaces an alert whose folder changes (it changes only with `assetsRoot`, which replaces the
  monitors too).

Notification destinations are named in declarations; the program resolves names to ids through
the provider's `getNotificationDestinations` lookup, so here they stay names (`destinations`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from monitors.declared.alerts import drift_type_of, granularity_of, watched_metric
from monitors.declared.models import ALERT_OPERATORS, Alert, AlertNotify, MonitorSpec
from monitors.declared.project import Project
from monitors.declared.settings import AlertSettings, StackSettings
from monitors.desired.alert_sql import EVALUATED_COLUMN, AlertQuery, alert_query, rule_sentence
from monitors.naming import CONFIG_NAMESPACE, alert_display_name, alert_key, short_stack

PAUSE_STATUS = "UNPAUSED"
EMPTY_RESULT_STATE = "OK"
COMPARISON = ALERT_OPERATORS[">="]
# The alert fields the API takes on create only (its folder): changing one replaces the alert.
# One owner for the program (as camelCase inputs) and the change report (as request fields).
ALERT_CREATE_ONLY_FIELDS: tuple[str, ...] = ("parent_path",)


@dataclass(frozen=True)
class MetricTables:
    """The two metric tables of one monitor (catalog.schema.table)."""

    profile: str
    drift: str


def documented_metric_tables(settings: StackSettings, table: str) -> MetricTables:
    """Where the monitor writes its metrics: `{output_schema}.{table}_profile_metrics` and
    `_drift_metrics` (Databricks docs, "Monitor metric tables", "Where metric tables are
    located"). A recreated monitor writes to the same tables."""
    schema = settings.output_schema_name
    return MetricTables(f"{schema}.{table}_profile_metrics", f"{schema}.{table}_drift_metrics")


@dataclass(frozen=True)
class AlertRequest:
    """One alert as the program registers it: the AlertV2 inputs (snake_case, no nulls), the
    destinations still to resolve by name, and the rule in words."""

    table: str
    name: str
    body: dict[str, Any]
    destinations: tuple[str, ...]
    rule: str
    query: AlertQuery  # what the query reads, and where

    @property
    def key(self) -> str:
        return alert_key(self.table, self.name)


def _query(table: str, spec: MonitorSpec, alert: Alert, tables: MetricTables) -> AlertQuery:
    watched = watched_metric(spec, alert.metric)
    if watched is None:  # review_alerts refused it before anything got here
        raise ValueError(f"alert {alert.name!r} watches no metric of {table!r}")
    return AlertQuery(
        key=alert_key(table, alert.name),
        metric=alert.metric,
        metric_table=tables.drift if watched.is_drift else tables.profile,
        drift_type=drift_type_of(spec, alert) if watched.is_drift else None,
        column=alert.column,
        slice=(alert.slice.key, alert.slice.value) if alert.slice else None,
        granularity=granularity_of(spec, alert),
        op=alert.op,
        threshold=alert.threshold,
        windows=alert.windows,
        violations=alert.required_violations,
    )


def _notification(notify: AlertNotify | None) -> dict[str, Any]:
    """Tell subscribers when the alert fires and when it is back to normal."""
    body: dict[str, Any] = {"notify_on_ok": True}
    if notify is not None and notify.emails:
        body["subscriptions"] = [{"user_email": email} for email in notify.emails]
    return body


def alert_request(
    table: str, spec: MonitorSpec, alert: Alert, settings: StackSettings, tables: MetricTables
) -> AlertRequest:
    """One alert's AlertV2 inputs."""
    alerting = _alerting(settings)
    notify = alert.notify if alert.notify is not None else alerting.notify
    query = _query(table, spec, alert, tables)
    schedule = alerting.schedule
    body: dict[str, Any] = {
        "display_name": alert_display_name(settings.stack, table, alert.name, alert.severity),
        "query_text": alert_query(query),
        "warehouse_id": alerting.warehouse_id,
        "parent_path": settings.assets_dir(table),
        "evaluation": {
            "source": {"name": EVALUATED_COLUMN},
            "comparison_operator": COMPARISON,
            "threshold": {"value": {"double_value": float(query.violations)}},
            "empty_result_state": EMPTY_RESULT_STATE,
            "notification": _notification(notify),
        },
        "schedule": {
            "quartz_cron_schedule": schedule.quartz_cron_expression,
            "timezone_id": schedule.timezone_id,
            "pause_status": PAUSE_STATUS,
        },
    }
    destinations = tuple(notify.destinations) if notify is not None else ()
    return AlertRequest(table, alert.name, body, destinations, rule_sentence(query), query)


@dataclass(frozen=True)
class UndeployedAlert:
    """An alert declared for a stack that deploys none (no alert settings): its rule and query
    as they would run, so `plan` shows them from the start (nothing here needs the settings)."""

    table: str
    name: str
    rule: str
    query_text: str


def undeployed_alerts(project: Project) -> dict[str, UndeployedAlert]:
    """Every alert the enabled declarations hold, keyed `table.alert`, when the stack deploys
    none; empty when it deploys them (they are in `alert_requests` then)."""
    settings = project.settings
    if settings.alerts is not None:
        return {}
    found: dict[str, UndeployedAlert] = {}
    for table, spec in project.monitors.items():
        names = documented_metric_tables(settings, table)
        for alert in spec.alerts:
            query = _query(table, spec, alert, names)
            found[query.key] = UndeployedAlert(
                table, alert.name, rule_sentence(query), alert_query(query)
            )
    return found


# What `lakehouse-monitors:alerts` takes, as `pulumi config set --path` arguments: the warehouse
# and schedule are required, who is told is optional (an alert's own `notify` wins). The stack
# files show the same settings as a commented YAML block.
ALERT_SETTING_EXAMPLE: tuple[tuple[str, str], ...] = (
    ("warehouse_id", "<sql-warehouse-id>"),
    ("schedule.quartz_cron_expression", "'0 30 6 * * ?'"),
    ("schedule.timezone_id", "UTC"),
    ("notify.emails[0]", "<address>"),
)


def enable_alerts_commands(stack: str) -> list[str]:
    """The exact commands that make a stack deploy its declared alerts (the last is optional)."""
    short = short_stack(stack)
    return [
        f"pulumi config set --stack {short} --path '{CONFIG_NAMESPACE}:alerts.{path}' {value}"
        for path, value in ALERT_SETTING_EXAMPLE
    ]


def _alerting(settings: StackSettings) -> AlertSettings:
    if settings.alerts is None:
        raise ValueError(f"stack {settings.stack!r} deploys no alerts")
    return settings.alerts


def declared_alerts(project: Project) -> list[str]:
    """Every alert the enabled declarations hold (`table.alert`), deployed or not."""
    return [alert_key(t, a.name) for t, spec in project.monitors.items() for a in spec.alerts]


def alert_requests(
    project: Project, tables: Mapping[str, MetricTables] | None = None
) -> dict[str, AlertRequest]:
    """Every alert the stack deploys, keyed `table.alert` in declaration order; none when the
    stack has no alert settings. `tables` gives a monitor's metric tables where known (its
    last recorded outputs); the documented names are used otherwise."""
    settings = project.settings
    if settings.alerts is None:
        return {}
    requests: dict[str, AlertRequest] = {}
    for table, spec in project.monitors.items():
        names = (tables or {}).get(table) or documented_metric_tables(settings, table)
        for alert in spec.alerts:
            request = alert_request(table, spec, alert, settings, names)
            requests[request.key] = request
    return requests
