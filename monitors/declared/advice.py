"""The warnings of a valid project, one line each, for `plan` to print and the program to log.

Validation refuses only what the service rejects or what never works; what is merely doubtful
(a line comment in a definition, an offset time zone one Java API reads as GMT, a cron that
never fires) is a warning. Warnings never stop anything: they name the file, the monitor and the
field, like errors, so a user can find and judge them.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from monitors.declared.alerts import alert_field
from monitors.declared.checks import monitor_warnings, schedule_warnings
from monitors.declared.project import Project
from monitors.errors import Problem
from monitors.naming import CONFIG_NAMESPACE, DECLARATIONS_PATH, alert_key, stack_file_name


def project_warnings(project: Project) -> list[str]:
    """Every warning of the stack's settings and enabled declarations, in a stable order."""
    lines: list[str] = []
    if project.settings.schedule is not None:
        stack_file = stack_file_name(project.settings.stack)
        where = f"{CONFIG_NAMESPACE}:schedule"
        lines += [
            p.describe(stack_file) for p in schedule_warnings(project.settings.schedule, where)
        ]
    seen: set[tuple[str, int]] = set()
    for table, spec in project.monitors.items():
        file = _shown(project, table)
        if (file, id(spec)) in seen:
            continue  # a template's declaration, shared by its tables: said once
        seen.add((file, id(spec)))
        label = table if _own_declaration(project, table, spec) else "(every table of the template)"
        for problem in monitor_warnings(spec):
            lines.append(Problem(problem.field, problem.message, label).describe(file))
    lines += _silent_alerts(project)
    return lines


def _shown(project: Project, table: str) -> str:
    """The file declaring `table` as warnings name it: under the declarations path, wherever the
    project was read from."""
    return f"{DECLARATIONS_PATH}/{PurePosixPath(project.file_of(table)).name}"


def _own_declaration(project: Project, table: str, spec: object) -> bool:
    """True unless `table` takes its template's declaration as is (shared by its tables)."""
    file = project.file_of(table)
    for template in project.declared.templates:
        if template.file == file:
            return spec is not template.base
    return True


def _silent_alerts(project: Project) -> list[str]:
    """Alerts the stack deploys that tell nobody: neither their `notify` nor the stack's."""
    alerting = project.settings.alerts
    if alerting is None or (
        alerting.notify and (alerting.notify.emails or alerting.notify.destinations)
    ):
        return []
    lines: list[str] = []
    for table, spec in project.monitors.items():
        for index, alert in enumerate(spec.alerts):
            notify = alert.notify
            if notify is None or not (notify.emails or notify.destinations):
                problem = Problem(
                    alert_field(index, alert, "notify"),
                    "tells nobody when it fires: set notify here, or "
                    f"{CONFIG_NAMESPACE}:alerts.notify for the stack",
                    table,
                )
                lines.append(problem.describe(_shown(project, table)))
    return lines


def project_notes(project: Project) -> list[str]:
    """What a reader should know that is not wrong: declared alerts this stack does not deploy."""
    if project.settings.alerts is not None:
        return []
    declared = [alert_key(t, a.name) for t, s in project.monitors.items() for a in s.alerts]
    if not declared:
        return []
    return [
        f"{stack_file_name(project.settings.stack)}: {CONFIG_NAMESPACE}:alerts is not set, so "
        f"this stack deploys none of the {len(declared)} declared alerts "
        f"({', '.join(declared)}); set its warehouse_id and schedule to deploy them"
    ]
