"""Why the program replaces a monitor, in its own words, for the stack operations' reports.

The engine's events cannot say: a replace forced by `replacement_trigger` skips the provider's
diff, so its steps carry no `keys`, `diffs` or `detailedDiff` (pulumi/pulumi
pkg/resource/deploy/step_generator.go generateStepsFromDiff; pkg/engine/events.go
makeStepEventMetadata). So the operations run the program's own rule on the same inputs the
program will see: the stack's last `monitor_structure` output (`pulumi stack output --json`)
and the declarations as the stack file now configures them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pulumi.automation import CommandError, Stack

from monitors.desired.plan import make_plan
from monitors.desired.record import STRUCTURE_OUTPUT, read_last_structures
from monitors.desired.replacement import Decision, Structure, decide
from monitors.errors import MonitorsError
from monitors.naming import monitor_table
from monitors.spec.project import Project
from monitors.stackops.events import ResourceChange


@dataclass(frozen=True)
class LastRecord:
    """The previous deployment's record of each monitor, or why it could not be read."""

    structures: Mapping[str, Structure] = field(default_factory=dict)
    problem: str | None = None


def read_record(stack: Stack) -> LastRecord:
    """The stack's last `monitor_structure` output; a failure to read it becomes `problem`."""
    try:
        outputs = stack.outputs()
    except CommandError as exc:
        return LastRecord(problem=f"`pulumi stack output` failed: {str(exc).strip()}")
    raw = outputs.get(STRUCTURE_OUTPUT)
    try:
        return LastRecord(read_last_structures(raw.value if raw is not None else None))
    except MonitorsError as exc:
        return LastRecord(problem=str(exc))


@dataclass(frozen=True)
class Explanation:
    """The program's decision for every enabled monitor, given the last record."""

    decisions: Mapping[str, Decision] = field(default_factory=dict)
    problem: str | None = None

    def reasons(self, table: str) -> tuple[str, ...]:
        """Why the program replaces `table` (empty: it does not, or cannot tell)."""
        decision = self.decisions.get(table)
        return decision.reasons if decision else ()

    def because(self, change: ResourceChange) -> str:
        """` (because ...)` for a planned change: the program's reasons for a monitor, else the
        keys the engine reported (a provider-requested replace), else nothing."""
        table = monitor_table(change.urn)
        reasons = self.reasons(table) if table else ()
        if reasons:
            return f" (because {'; '.join(reasons)})"
        keys = change.keys or change.diffs
        return f" (because of {', '.join(keys)})" if keys else ""


def explain(project: Project, record: LastRecord) -> Explanation:
    """Run the program's replace rule (`desired.replacement.decide`) for every enabled monitor."""
    if record.problem is not None:
        return Explanation(problem=record.problem)
    plan = make_plan(project)
    return Explanation(
        {t: decide(t, record.structures.get(t), now) for t, now in plan.structures.items()}
    )
