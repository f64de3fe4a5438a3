"""The reset's update: `pulumi up` through interrupts, then each monitor's outcome, or, when the
update failed or was interrupted, where each monitor stands and how to finish."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pulumi.automation import CommandError, Stack

from monitors.declared.project import Project
from monitors.errors import OperationFailedError
from monitors.naming import monitor_urn, short_stack, stack_file_name
from monitors.stackops.common import Env, command_failure
from monitors.stackops.events import EventLog, ResourceChange
from monitors.stackops.interrupt import run_interruptibly
from monitors.stackops.state import (
    MonitorState,
    monitor_states,
    resolve_pending_create,
    state_lines,
)

RECREATED = "deleted and recreated"
CREATED = "created"
FINISHED = "created again (the earlier, unfinished reset had deleted it)"


@dataclass
class ResetReport:
    """What a completed reset did: the token applied, why, and the outcome, per table."""

    stack: str
    tokens: dict[str, str]
    outcomes: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reused: set[str] = field(default_factory=set)


def apply_reset(
    stack: Stack,
    stack_name: str,
    project: Project,
    asked: dict[str, str],
    report: ResetReport,
    env: Env,
) -> None:
    """Run `up` through interrupts; report each outcome, or each state and how to resume."""
    log = EventLog(env.progress)
    env.progress(f"pulumi up: recreating {', '.join(asked)}")

    def on_interrupt(count: int) -> None:
        env.out(
            "\nInterrupted. Pulumi is cancelling the update: it finishes the steps already "
            "started and saves the state. Waiting for it, to tell you where each monitor "
            "stands (interrupt again to stop waiting)..."
        )

    waited = run_interruptibly(lambda: stack.up(on_event=log), on_interrupt)
    changes = log.changes()
    error = waited.error
    if error is not None and not isinstance(error, CommandError):
        raise error
    if error is None and waited.finished:
        _report_outcomes(stack_name, asked, changes, report, env)
        return
    if not waited.finished:
        headline = (
            f"the reset's update in stack {stack_name!r} was interrupted and you stopped waiting "
            "for Pulumi: it may still be running, so the state below is as last saved. Wait "
            "until no `pulumi` process runs for this stack before you resume; if Pulumi then "
            f"says an update is in progress, run `pulumi cancel --stack {short_stack(stack_name)}`."
        )
    elif waited.interrupted:
        headline = (
            f"the reset's update in stack {stack_name!r} was interrupted; Pulumi cancelled it:\n"
            + "\n".join(f"  {e}" for e in log.errors())
        )
    else:
        assert isinstance(error, CommandError)
        headline = command_failure(f"the reset's update in stack {stack_name!r}", error, log)
    raise OperationFailedError(unfinished(stack, stack_name, project, asked, changes, headline))


def _report_outcomes(
    stack_name: str,
    asked: dict[str, str],
    changes: Mapping[str, ResourceChange],
    report: ResetReport,
    env: Env,
) -> None:
    """Each asked monitor's outcome; one the update did not recreate fails the reset."""
    missed: list[str] = []
    for table, urn in asked.items():
        outcome = _outcome(changes.get(urn))
        if outcome is None:
            change = changes.get(urn)
            missed.append(f"  {table}: the engine reported {change.kind if change else 'no step'}")
        else:
            report.outcomes[table] = outcome
    if missed:
        raise OperationFailedError(
            f"the reset's update in stack {stack_name!r} succeeded but did NOT recreate:\n"
            + "\n".join(missed)
            + "\nThe preview said it would, so something changed in between (the stack's "
            f"state or its config). See `pulumi preview --stack {short_stack(stack_name)} "
            "--diff`, then run the reset again."
        )
    env.out(f"Reset applied in stack {stack_name!r}:")
    for table, outcome in report.outcomes.items():
        reasons = report.reasons.get(table)
        env.out(f"  {table}: {outcome}" + (f", because {'; '.join(reasons)}" if reasons else ""))


def _outcome(change: ResourceChange | None) -> str | None:
    done = change.completed if change else []
    if "create-replacement" in done:
        return RECREATED if "delete-replaced" in done else FINISHED
    if "create" in done:
        return CREATED
    return None


def unfinished(
    stack: Stack,
    stack_name: str,
    project: Project,
    asked: Mapping[str, str],
    changes: Mapping[str, ResourceChange],
    headline: str,
) -> str:
    """Where each monitor stands after a failed or interrupted update, and how to finish."""
    short = short_stack(stack_name)
    try:
        states: dict[str, MonitorState] | None = monitor_states(stack.export_stack(), asked)
    except (CommandError, KeyboardInterrupt):
        states = None
    lines = [headline, "State of each monitor now:"]
    if states is None:
        lines.append(
            f"  (could not read the stack's state: run `pulumi stack export --stack {short}` "
            "to see it)"
        )
    else:
        for line, table in zip(state_lines(states, asked), asked, strict=True):
            recreated = _outcome(changes.get(asked[table])) is not None
            lines.append(line + (" (recreated by this update)" if recreated else ""))
    tables = " ".join(f"--table {t}" for t in asked)
    lines += [
        "To finish the reset, run:",
        f"  pulumi up --stack {short}",
        f"It applies the same reset token, which stays in {stack_file_name(short)} (no new "
        "reset is needed), recreates what is not back yet and keeps protection on for every "
        "other monitor. Running the same reset again is safe too: it reuses that token and "
        "previews first:",
        f"  monitors reset --stack {short} {tables}",
    ]
    for table in asked:
        if states is not None and states[table] is MonitorState.CREATING:
            lines.append(f"First, {table}'s create was interrupted: check it in Databricks, then")
            lines += [
                f"  {c}"
                for c in resolve_pending_create(
                    short,
                    monitor_urn(short, table, project.settings.api),
                    project.settings.full_table_name(table),
                )
            ]
    lines.append(
        "If a monitor's create fails because it 'already exists' in Databricks, take it back "
        f"into the state with: monitors adopt --stack {short} {tables}"
    )
    return "\n".join(lines)
