"""What verify expects of each deployed monitor (`ExpectedMonitor`), derived from the declarations.

It lives apart from verify so that the checks and the wait can both take it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitors.declared.checks import DRIFT
from monitors.declared.project import Project
from monitors.errors import UnknownTableError
from monitors.naming import ANOMALY_RESOURCE_NAME, API_LEGACY
from monitors.workspace.dq import OBJECT_SCHEMA, OBJECT_TABLE


@dataclass(frozen=True)
class ExpectedMonitor:
    """What the declarations say one monitor should look like once deployed."""

    table: str  # short name, e.g. "fact_booking_daily"
    full_table_name: str  # "catalog.schema.table"
    custom_metric_names: tuple[str, ...]  # aggregate and derived: profile-table columns
    expects_drift_table: bool  # drift configured (custom drift metric or baseline/time series)
    expects_dashboard: bool  # False when skip_builtin_dashboard
    # Drift custom metrics land in the drift metrics table, never in the profile one.
    custom_drift_metric_names: tuple[str, ...] = ()
    # The monitor API the stack deploys through (monitors.declared.backend).
    api: str = API_LEGACY
    # `schema` for the schema-level anomaly detection monitor (full_table_name is then the
    # schema's `catalog.schema`, and `excluded_tables` its declared exclusions, full names).
    object_type: str = OBJECT_TABLE
    excluded_tables: tuple[str, ...] = ()


def expected_monitors(project: Project, tables: list[str] | None = None) -> list[ExpectedMonitor]:
    """What verify checks for each declared monitor (or only the tables asked for), and, when
    every monitor is checked, the schema's anomaly detection monitor if the stack has one."""
    unknown = sorted(set(tables or []) - set(project.monitors))
    if unknown:
        raise UnknownTableError(
            f"unknown table(s) {', '.join(unknown)}; stack '{project.settings.stack}' "
            f"monitors {', '.join(project.monitors)}"
        )
    expected: list[ExpectedMonitor] = []
    for table, spec in project.monitors.items():
        if tables and table not in tables:
            continue
        has_drift = spec.profile_type != "snapshot" or bool(spec.baseline_table_name)
        has_drift = has_drift or any(m.type == DRIFT for m in spec.custom_metrics)
        expected.append(
            ExpectedMonitor(
                table=table,
                full_table_name=project.settings.full_table_name(table),
                custom_metric_names=tuple(m.name for m in spec.custom_metrics if m.type != DRIFT),
                custom_drift_metric_names=tuple(
                    m.name for m in spec.custom_metrics if m.type == DRIFT
                ),
                expects_drift_table=has_drift,
                expects_dashboard=not spec.skip_builtin_dashboard,
                api=project.settings.api,
            )
        )
    anomaly = project.settings.anomaly_detection
    if not tables and anomaly is not None and anomaly.enabled:
        settings = project.settings
        expected.append(
            ExpectedMonitor(
                table=ANOMALY_RESOURCE_NAME,
                full_table_name=settings.gold_schema_name,
                custom_metric_names=(),
                expects_drift_table=False,
                expects_dashboard=False,
                object_type=OBJECT_SCHEMA,
                excluded_tables=tuple(settings.full_table_name(t) for t in anomaly.excluded_tables),
            )
        )
    return expected
