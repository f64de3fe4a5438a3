"""What verify expects of each deployed monitor, derived from the declarations (pure)."""

from __future__ import annotations

from monitors.errors import UnknownTableError
from monitors.naming import ANOMALY_RESOURCE_NAME
from monitors.spec.checks import DRIFT
from monitors.spec.project import Project
from monitors.workspace.dq import OBJECT_SCHEMA
from monitors.workspace.verify import ExpectedMonitor


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
