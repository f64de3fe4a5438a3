"""Why the program replaces a monitor, in its own words, for the stack operations' reports.

The engine's events cannot say: a replace forced by `replacement_trigger` skips the provider's
diff, so its steps carry no `keys`, `diffs` or `detailedDiff` (pulumi/pulumi
pkg/resource/deploy/step_generator.go generateStepsFromDiff; pkg/engine/events.go
makeStepEventMetadata). So the operations run the program's own rule on the same inputs the
program will see: the stack's last outputs (`pulumi stack output --json`: `monitor_structure`
and `monitors`, read by `desired.record.read_last_deployment`) and the declarations as the
stack file now configures them (`desired.plan.make_plan`, `desired.replacement.decide`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pulumi.automation import CommandError, Stack

from monitors.declared.project import Project
from monitors.desired.backend import prepare_last
from monitors.desired.deployment import decide_monitors
from monitors.desired.plan import make_plan
from monitors.desired.record import LastDeployment, read_last_deployment
from monitors.desired.replacement import (
    Decision,
    Structure,
    describe_held,
    describe_unknown,
)
from monitors.errors import BackendMismatchError, MonitorsError
from monitors.naming import monitor_table
from monitors.stackops.common import cli_stderr
from monitors.stackops.events import ResourceChange


@dataclass(frozen=True)
class LastRecord:
    """The previous deployment's record of each monitor, or why it could not be read."""

    deployment: LastDeployment = field(default_factory=LastDeployment)
    problem: str | None = None

    @property
    def structures(self) -> Mapping[str, Structure]:
        return self.deployment.structures

    def applied(self, table: str) -> bool:
        """True when the last run's registration of `table` completed."""
        return self.deployment.applied(table)


def read_record(stack: Stack) -> LastRecord:
    """The stack's last outputs as the program reads them; a failure becomes `problem`."""
    try:
        outputs = stack.outputs()
    except CommandError as exc:
        return LastRecord(problem=f"`pulumi stack output` failed: {cli_stderr(exc)}")
    try:
        return LastRecord(read_last_deployment({k: v.value for k, v in outputs.items()}))
    except MonitorsError as exc:
        return LastRecord(problem=str(exc))


@dataclass(frozen=True)
class Explanation:
    """The program's decision for every enabled monitor, given the last record."""

    decisions: Mapping[str, Decision] = field(default_factory=dict)
    registered: frozenset[str] = frozenset()
    problem: str | None = None

    def reasons(self, table: str) -> tuple[str, ...]:
        """Why the program replaces `table` in this run (empty: it does not, or cannot tell)."""
        decision = self.decisions.get(table)
        if decision is None:
            return ()
        if decision.resumed:
            return (
                f"finishing the reset requested with token {decision.structure.reset_token!r}, "
                "which the last deployment did not complete",
            )
        return decision.reasons if decision.replace else ()

    def why_not(self, table: str) -> str | None:
        """The program's own sentence for a monitor it will not replace in this run, if any."""
        decision = self.decisions.get(table)
        if decision is None:
            return None
        if decision.unknown is not None:
            return describe_unknown(decision, seen_before=table in self.registered)
        if decision.held:
            return describe_held(decision)
        return None

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
    """Run the program's replace rule for every enabled monitor, as the program does
    (`monitors.desired.deployment.decide_monitors`: `decide` with whether the last registration
    of the monitor completed)."""
    if record.problem is not None:
        return Explanation(problem=record.problem)
    plan = make_plan(project)
    try:
        last, _ = prepare_last(project.settings, record.deployment, plan.structures)
    except BackendMismatchError as exc:
        return Explanation(problem=str(exc))
    return Explanation(decide_monitors(plan, last), frozenset(last.registered))
