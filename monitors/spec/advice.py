"""The warnings of a valid project, one line each, for `plan` to print and the program to log.

Validation refuses only what the service rejects or what never works; what is merely doubtful
(a line comment in a definition, an offset time zone one Java API reads as GMT, a cron that
never fires) is a warning. Warnings never stop anything: they name the file, the monitor and the
field, like errors, so a user can find and judge them.
"""

from __future__ import annotations

from monitors.errors import Problem
from monitors.naming import CONFIG_NAMESPACE, DECLARATIONS_PATH, stack_file_name
from monitors.spec.checks import monitor_warnings, schedule_warnings
from monitors.spec.project import Project


def project_warnings(project: Project) -> list[str]:
    """Every warning of the stack's settings and enabled declarations, in a stable order."""
    lines: list[str] = []
    if project.settings.schedule is not None:
        stack_file = stack_file_name(project.settings.stack)
        where = f"{CONFIG_NAMESPACE}:schedule"
        lines += [
            p.describe(stack_file) for p in schedule_warnings(project.settings.schedule, where)
        ]
    for table, spec in project.monitors.items():
        file = f"{DECLARATIONS_PATH}/{table}.yaml"
        for problem in monitor_warnings(spec):
            lines.append(Problem(problem.field, problem.message, table).describe(file))
    return lines
