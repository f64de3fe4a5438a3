"""The change report as text for a pull request comment, and as stable JSON for tools.

JSON shape (`schema_version` 1; fields are only ever added within a version):
  schema_version, stack, against {ref, commit, stack_file_present}, protect,
  summary {created, updated, replaced, deleted, unchanged}, approval_required,
  approval_reasons [sentence], protect_at_ref, protection_removed, exit_code,
  stack_changes [{field, before, after}],
  monitors {table: {table_name, outcome, profile_type, reasons, warning, reset_requested,
    needs_reset, reset_command, needs_unprotect, unprotect_command, changed_fields,
    changes [{field, before, after}],
    metrics {added [name], removed [name], changed [{name, changes [{field, before, after}]}]}}},
  alerts_summary {created, updated, replaced, deleted, unchanged},
  alerts {table.alert: {table, outcome, rule, rule_before, changed_fields,
    changes [{field, before, after}], needs_unprotect, unprotect_command}},
  api, api_at_ref, backend_switched   (the monitor API in the working tree and at the ref)
  anomaly_detection: null (neither side turns it on) or {schema_name, outcome, reasons,
    needs_unprotect, unprotect_command, changes [{field, before, after}], warnings [sentence]}
  templates (only when a pattern template is added, removed or changed): {file: {outcome,
    covers_before, covers_now, changes [{field, before, after}], approval_reasons [sentence]}}
  cost: null (the change replaces or grows no monitor) or {days, shown, reason_not_shown,
    warehouse_id, monitors {table: {why, dbus, quantity, list_cost, unpriced_records,
    records}}, notes [sentence]}   (added by `plan` itself: monitors.change_report.cost)
`before`/`after` are null where the field is absent on that side.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from monitors.change_report.alerts import QUERY, AlertChange
from monitors.change_report.diff import FieldChange, MetricChanges
from monitors.change_report.report import (
    BACKEND_SWITCHED,
    PROTECTION_REMOVED,
    AnomalyDetectionChange,
    ChangeReport,
    MonitorChange,
    Outcome,
)
from monitors.declared.datatypes import output_type_label
from monitors.desired.protection import (
    RESET_LIFTS_PROTECTION,
    alert_delete_needs_unprotect,
    anomaly_needs_unprotect,
    anomaly_unprotect_command,
    delete_needs_unprotect,
    replace_needs_reset,
)
from monitors.desired.replacement import HISTORY_WARNING
from monitors.naming import alert_unprotect_command, reset_command, unprotect_command

SCHEMA_VERSION = 1
_TITLES: dict[Outcome, str] = {
    Outcome.CREATED: "CREATED",
    Outcome.UPDATED: "UPDATED in place (history kept)",
    Outcome.REPLACED: "REPLACED (deleted, then created again)",
    Outcome.DELETED: "DELETED (its metric tables and dashboard stay in the workspace)",
}


def _change(change: FieldChange) -> dict[str, Any]:
    return {"field": change.field, "before": change.before, "after": change.after}


def _metrics(metrics: MetricChanges) -> dict[str, Any]:
    return {
        "added": list(metrics.added),
        "removed": list(metrics.removed),
        "changed": [
            {"name": m.name, "changes": [_change(c) for c in m.fields]} for m in metrics.changed
        ],
    }


def _monitor(stack: str, change: MonitorChange, api: str) -> dict[str, Any]:
    replaced = change.outcome is Outcome.REPLACED
    return {
        "table_name": change.table_name,
        "outcome": change.outcome.value,
        "profile_type": change.profile_type,
        "reasons": list(change.reasons),
        "warning": HISTORY_WARNING if replaced else None,
        "reset_requested": change.reset_requested,
        "needs_reset": change.needs_reset,
        "reset_command": reset_command(stack, change.table) if change.needs_reset else None,
        "needs_unprotect": change.needs_unprotect,
        "unprotect_command": (
            unprotect_command(stack, change.table, api) if change.needs_unprotect else None
        ),
        "changed_fields": change.diff.changed_fields,
        "changes": [_change(c) for c in change.diff.fields],
        "metrics": _metrics(change.diff.metrics),
    }


def _alert(stack: str, change: AlertChange) -> dict[str, Any]:
    _, _, name = change.key.partition(".")
    return {
        "table": change.table,
        "outcome": change.outcome,
        "rule": change.rule,
        "rule_before": change.rule_before,
        "changed_fields": change.changed_fields,
        "changes": [_change(c) for c in change.changes],
        "needs_unprotect": change.needs_unprotect,
        "unprotect_command": (
            alert_unprotect_command(stack, change.table, name) if change.needs_unprotect else None
        ),
    }


def _anomaly(stack: str, change: AnomalyDetectionChange | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "schema_name": change.schema_name,
        "outcome": change.outcome.value,
        "reasons": list(change.reasons),
        "needs_unprotect": change.needs_unprotect,
        "unprotect_command": anomaly_unprotect_command(stack) if change.needs_unprotect else None,
        "changes": [_change(c) for c in change.changes],
        "warnings": list(change.warnings),
    }


def report_document(report: ChangeReport) -> dict[str, Any]:
    """The report as plain JSON data, in the shape documented above."""
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "stack": report.stack,
        "against": {
            "ref": report.ref,
            "commit": report.commit,
            "stack_file_present": report.stack_at_ref,
        },
        "protect": report.protect,
        "summary": {outcome.value: report.count(outcome) for outcome in Outcome},
        "approval_required": report.approval_required,
        "approval_reasons": list(report.approval_reasons),
        "protect_at_ref": report.protect_at_ref,
        "protection_removed": report.protection_removed,
        "exit_code": report.exit_code,
        "stack_changes": [_change(c) for c in report.stack_changes],
        "monitors": {
            t: _monitor(report.stack, c, _deployed_api(report)) for t, c in report.monitors.items()
        },
        "alerts_summary": {outcome.value: report.count_alerts(outcome) for outcome in Outcome},
        "alerts": {k: _alert(report.stack, c) for k, c in report.alerts.items()},
        "api": report.api,
        "api_at_ref": report.api_at_ref,
        "backend_switched": report.backend_switched,
        "anomaly_detection": _anomaly(report.stack, report.anomaly),
    }
    if report.templates:  # only a change that touches a pattern template shows the key
        document["templates"] = {
            file: {
                "outcome": change.outcome,
                "covers_before": change.covers_before,
                "covers_now": change.covers_now,
                "changes": [_change(c) for c in change.changes],
                "approval_reasons": list(change.approval),
            }
            for file, change in report.templates.items()
        }
    return document


def _deployed_api(report: ChangeReport) -> str:
    """The API of the monitors in the stack's state: the ref's (its URNs name that type)."""
    return report.api_at_ref or report.api


def render_json(report: ChangeReport, out: TextIO) -> None:
    """Write the JSON document, indented, keys in a fixed order."""
    json.dump(report_document(report), out, indent=2)
    out.write("\n")


def _value(field: str, value: Any) -> str:
    """A value as the reader would write it: JSON, output types by name, absence spelled out."""
    if value is None:
        return "(absent)"
    if field.endswith("output_data_type") and isinstance(value, str):
        return output_type_label(value)
    return json.dumps(value, ensure_ascii=False)


def _field_line(change: FieldChange, indent: str = "   ") -> str:
    before, after = _value(change.field, change.before), _value(change.field, change.after)
    return f"{indent}{change.field}: {before} -> {after}"


def _metric_lines(metrics: MetricChanges) -> list[str]:
    lines = ["   custom_metrics:"] if metrics else []
    lines += [f"     + added {name}" for name in metrics.added]
    lines += [f"     - removed {name}" for name in metrics.removed]
    for metric in metrics.changed:
        lines.append(f"     ~ changed {metric.name}:")
        lines += [_field_line(c, indent="         ") for c in metric.fields]
    return lines


def _monitor_lines(stack: str, change: MonitorChange, api: str) -> list[str]:
    title = _TITLES[change.outcome]
    if change.outcome is Outcome.CREATED:
        title += f" ({change.profile_type} monitor)"
    lines = [f"== {change.table}: {title}"]
    lines += [f"   reason: {reason}" for reason in change.reasons]
    if change.outcome is Outcome.REPLACED:
        lines.append(f"   WARNING: {HISTORY_WARNING}")
    if change.needs_reset:
        lines.append(f"   PROTECTED: {replace_needs_reset(stack, change.table)}")
    elif change.reset_requested:
        lines.append(f"   {RESET_LIFTS_PROTECTION}")
    if change.needs_unprotect:
        lines.append(f"   PROTECTED: {delete_needs_unprotect(stack, change.table, api)}")
    if change.diff:
        lines.append(f"   changed fields: {', '.join(change.diff.changed_fields)}")
    lines += [_field_line(c) for c in change.diff.fields]
    lines += _metric_lines(change.diff.metrics)
    return lines


_ALERT_MARKS = {"created": "+", "updated": "~", "replaced": "+-", "deleted": "-"}


def _alert_lines(stack: str, change: AlertChange) -> list[str]:
    title = {
        "created": "CREATED",
        "updated": "UPDATED in place",
        "replaced": "REPLACED (its folder changed: deleted, then created)",
        "deleted": "DELETED",
    }[change.outcome]
    lines = [f"{_ALERT_MARKS[change.outcome]} alert {change.key}: {title}"]
    if change.rule_before is not None:
        lines.append(f"   fires when: {change.rule_before} -> {change.rule}")
    else:
        lines.append(f"   fires when: {change.rule}")
    if change.needs_unprotect:
        _, _, name = change.key.partition(".")
        lines.append(f"   PROTECTED: {alert_delete_needs_unprotect(stack, change.table, name)}")
    if change.changes:
        lines.append(f"   changed fields: {', '.join(change.changed_fields)}")
    for field_change in change.changes:
        if field_change.field == QUERY:
            lines.append(f"   {QUERY}: changed (the rule above; `plan` prints the query)")
        else:
            lines.append(_field_line(field_change))
    return lines


_ANOMALY_TITLES: dict[Outcome, str] = {
    Outcome.CREATED: "CREATED",
    Outcome.UPDATED: "UPDATED in place",
    Outcome.REPLACED: "REPLACED (deleted, then created again)",
    Outcome.DELETED: "DELETED",
}


def _anomaly_section(report: ChangeReport) -> list[str]:
    change = report.anomaly
    if change is None or change.outcome is Outcome.UNCHANGED:
        return []
    title = _ANOMALY_TITLES[change.outcome]
    lines = ["", f"== schema anomaly detection of {change.schema_name}: {title}"]
    lines += [f"   reason: {reason}" for reason in change.reasons]
    if change.needs_unprotect:
        lines.append(f"   PROTECTED: {anomaly_needs_unprotect(report.stack)}")
    lines += [_field_line(c) for c in change.changes]
    lines += [f"   WARNING: {warning}" for warning in change.warnings]
    return lines


def _alerts_section(report: ChangeReport) -> list[str]:
    if not report.alerts:
        return []
    summary = ", ".join(
        f"{report.count_alerts(o)} {'updated in place' if o is Outcome.UPDATED else o.value}"
        for o in Outcome
    )
    lines = ["", f"Alerts: {summary}"]
    for change in report.alerts.values():
        if change.outcome != Outcome.UNCHANGED.value:
            lines += _alert_lines(report.stack, change)
    return lines


def _templates_section(report: ChangeReport) -> list[str]:
    """Each pattern template added, removed or changed: its tables are known only at preview."""
    lines: list[str] = []
    for file, change in report.templates.items():
        covers = " -> ".join(c for c in (change.covers_before, change.covers_now) if c)
        lines += ["", f"== template {file}: {change.outcome.upper()} ({covers})"]
        lines.append(
            "   its tables are resolved against the workspace at `pulumi preview` (or by "
            "`plan` with credentials), not from git"
        )
        lines += [_field_line(c) for c in change.changes]
        lines += [f"   APPROVAL: {reason}" for reason in change.approval]
    return lines


def render_text(report: ChangeReport, out: TextIO) -> None:
    """Summary, stack setting changes, a section per changed monitor, unchanged ones on a line."""
    summary = ", ".join(
        f"{report.count(o)} {'updated in place' if o is Outcome.UPDATED else o.value}"
        for o in Outcome
    )
    lines = [
        f"Change report for stack {report.stack}: working tree against {report.ref} "
        f"({report.commit[:12]})",
        f"Summary: {summary}",
    ]
    if report.approval_required:
        what = []
        if report.count(Outcome.REPLACED) or report.count(Outcome.DELETED):
            what.append("monitors are replaced or deleted")
        if report.count_alerts(Outcome.REPLACED) or report.count_alerts(Outcome.DELETED):
            what.append("alerts are replaced or deleted")
        if report.anomaly is not None and report.anomaly.lost:
            what.append(f"schema anomaly detection is {report.anomaly.outcome.value}")
        if report.protection_removed:
            what.append("protection is switched off")
        if report.backend_switched:
            what.append("the monitor API is switched")
        if any(change.approval for change in report.templates.values()):
            what.append("pattern templates change which tables are monitored or how")
        lines.append(f"APPROVAL REQUIRED: {' and '.join(what)} (exit code {report.exit_code})")
    if report.protection_removed:
        lines.append(f"PROTECTION SWITCHED OFF: {PROTECTION_REMOVED.format(report=report)}")
    if report.backend_switched:
        message = BACKEND_SWITCHED.format(report=report, migrate=report.migrate_command)
        lines.append(f"MONITOR API SWITCHED: {message}")
    if not report.stack_at_ref:
        lines.append(f"Pulumi.{report.stack}.yaml does not exist at {report.ref}: a new stack")
    if report.stack_changes:
        lines += ["", f"Stack settings changed (Pulumi.{report.stack}.yaml):"]
        lines += [_field_line(c) for c in report.stack_changes]
    unchanged: list[str] = []
    for table, change in report.monitors.items():
        if change.outcome is Outcome.UNCHANGED:
            unchanged.append(table)
            continue
        lines += ["", *_monitor_lines(report.stack, change, _deployed_api(report))]
    lines += ["", f"Unchanged: {', '.join(unchanged) if unchanged else 'none'}"]
    lines += _anomaly_section(report)
    lines += _alerts_section(report)
    lines += _templates_section(report)
    out.write("\n".join(lines) + "\n")
