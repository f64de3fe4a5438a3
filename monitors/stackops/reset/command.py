"""`reset`: recreate chosen monitors on purpose, after a preview proves nothing else is touched.

Fresh reset tokens are written to the stack file and applied only after the preview replaces
exactly the chosen monitors and the user confirmed; a refusal or abort puts the file back. A
reset that did not complete (the monitor is deleted and pending replacement, absent, or its
token was never applied) is finished with the token already in the file, never a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from pulumi.automation import CommandError, Stack

from monitors.desired.replacement import HISTORY_WARNING, Structure
from monitors.errors import (
    AbortedError,
    MonitorsError,
    OperationFailedError,
    RefusedError,
    StackOpsError,
)
from monitors.naming import monitor_urn, short_stack, stack_file_name
from monitors.spec.project import Project
from monitors.spec.settings import ResetRequest
from monitors.stackops.common import Env, command_failure, load, preview, resolve_tables, urns_of
from monitors.stackops.events import EventLog, ResourceChange, describe
from monitors.stackops.interrupt import run_interruptibly
from monitors.stackops.pulumi_cli import open_stack
from monitors.stackops.reasons import Explanation, explain, read_record
from monitors.stackops.reset.tokens import (
    ConfigSnapshot,
    StackFileChangedError,
    new_token,
    undo_commands,
    write_reset,
)
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


def reset(
    stack_name: str,
    tables: Sequence[str] | None,
    *,
    purge: bool = False,
    assume_yes: bool = False,
    confirm: Callable[[str], str] = input,
    env: Env | None = None,
) -> ResetReport:
    """Delete and recreate the chosen monitors (None: all enabled) of a stack, safely.

    Nothing changes unless the preview replaces exactly the chosen monitors, deletes nothing
    else, and the user confirms (typing the stack name where monitors are protected).
    """
    env = env or Env()
    project = load(stack_name, env)
    chosen = resolve_tables(stack_name, project, tables, env)
    stack = open_stack(stack_name, env.project_root, env.pulumi_root)
    asked = urns_of(stack_name, chosen, project.settings.api)
    states = _read_states(stack, stack_name, asked)
    _refuse_pending_creates(stack_name, project, asked, states)
    record = read_record(stack)
    snapshot = ConfigSnapshot.take(stack_name, env.project_root)
    report = ResetReport(stack_name, {})
    written: dict[str, ResetRequest | None] = {}
    try:
        for table in chosen:
            previous = project.settings.resets.get(table)
            why = unfinished_reset(
                previous, states[table], record.structures.get(table), record.applied(table)
            )
            if previous is not None and why is not None:
                report.tokens[table] = previous.token
                report.reused.add(table)
                env.out(f"{table}: reusing reset token {previous.token!r}: {why}")
                if purge != previous.purge:
                    env.out(
                        f"  (purge stays {'on' if previous.purge else 'off'} as that reset "
                        "wrote it: --purge does not change an unfinished reset)"
                    )
                continue
            token = new_token()
            while previous is not None and token == previous.token:
                token = new_token()
            written[table] = previous
            snapshot.writing()
            try:
                write_reset(stack, env.project_root, table, token, purge=purge)
                snapshot.wrote()
            except CommandError as exc:
                raise StackOpsError(
                    command_failure(f"writing {table}'s reset token", exc, None)
                    + "\nNothing was changed (the stack file was put back)."
                ) from None
            report.tokens[table] = token
        plan = preview(stack, f"preview of the reset in stack {stack_name!r}").changes()
        explanation = explain(load(stack_name, env), record)
        report.reasons = {t: _reasons(t, states[t], explanation) for t in chosen}
        _check_reset_plan(stack_name, asked, plan, explanation)
        _confirm_reset(stack_name, project, asked, plan, report, purge, assume_yes, confirm, env)
    except BaseException as exc:
        _restore(snapshot, stack_name, written, report.tokens, purge, exc)
        raise
    try:
        _apply_reset(stack, stack_name, project, asked, report, env)
    except KeyboardInterrupt:  # outside the wait for `up`: as it started, or while reporting
        headline = f"the reset in stack {stack_name!r} was interrupted around its update."
        raise OperationFailedError(
            _unfinished(stack, stack_name, project, asked, {}, headline)
        ) from None
    return report


def unfinished_reset(
    request: ResetRequest | None,
    state: MonitorState,
    last: Structure | None,
    applied: bool = True,
) -> str | None:
    """Why the reset token already in the stack file still has to be applied, or None.

    It has when the stack's state shows the replace it asked for half done (deleted and pending
    replacement, being deleted, or absent), or when the last deployment's record shows it was
    not applied: the record does not carry it (the run failed before recording it), or the run
    that asked for it did not complete the monitor's registration (`desired.record`: its
    `monitors` entry lacks the table name).
    """
    if request is None:
        return None
    if state is not MonitorState.PRESENT:
        return f"the reset that wrote it has not completed ({state.value})"
    if last is not None and last.reset_token != request.token:
        return "the last deployment did not apply it"
    if last is not None and last.resetting and not applied:
        return "the last deployment started it and did not complete it"
    return None


def _read_states(
    stack: Stack, stack_name: str, asked: Mapping[str, str]
) -> dict[str, MonitorState]:
    try:
        return monitor_states(stack.export_stack(), asked)
    except CommandError as exc:
        raise OperationFailedError(
            command_failure(f"reading the state of stack {stack_name!r}", exc, None)
            + "\nNothing was changed."
        ) from None


def _refuse_pending_creates(
    stack: str, project: Project, asked: Mapping[str, str], states: Mapping[str, MonitorState]
) -> None:
    """An interrupted create needs a person's answer (does the monitor exist?) before any update."""
    creating = [t for t in asked if states[t] is MonitorState.CREATING]
    if not creating:
        return
    lines = [
        f"refusing to reset in stack {stack!r}: an earlier update was interrupted while "
        "creating these monitors, and Pulumi keeps that pending until you resolve it:"
    ]
    for table in creating:
        lines.append(f"  {table}: {MonitorState.CREATING.value}; check it in Databricks, then")
        lines += [
            f"    {c}"
            for c in resolve_pending_create(
                short_stack(stack), asked[table], project.settings.full_table_name(table)
            )
        ]
    lines.append("Then run the reset again. Nothing was changed.")
    raise RefusedError("\n".join(lines))


def _reasons(table: str, state: MonitorState, explanation: Explanation) -> tuple[str, ...]:
    """The program's reasons for replacing `table`, with what the state adds."""
    extra: list[str] = []
    if state is MonitorState.PENDING_REPLACEMENT:
        extra.append("an earlier update deleted it and did not create it again")
    elif state is MonitorState.ABSENT:
        extra.append("it is not in the stack's state")
    reasons = (*explanation.reasons(table), *extra)
    if reasons:
        return reasons
    if explanation.problem is not None:
        return (f"the program's reasons could not be read: {explanation.problem}",)
    why_not = explanation.why_not(table)
    return (f"none from the program: {why_not}" if why_not else "none from the program",)


def _restore(
    snapshot: ConfigSnapshot,
    stack: str,
    written: Mapping[str, ResetRequest | None],
    tokens: Mapping[str, str],
    purge: bool,
    cause: BaseException,
) -> None:
    """Put the stack file back; if that fails, say so with the tokens and how to remove them."""
    if not written:  # nothing was written (a reused token): nothing to put back
        return
    try:
        snapshot.restore()
    except OSError as exc:
        fix = (
            "keep the other change"
            if isinstance(exc, StackFileChangedError)
            else "fix the file's permissions or free space first"
        )
        if isinstance(cause, MonitorsError):
            what = str(cause)
        elif isinstance(cause, KeyboardInterrupt | EOFError):
            what = "interrupted before the update started; nothing was applied"
        else:
            what = f"{type(cause).__name__}: {cause}"
        left = "\n".join(
            f"  {t}: token {tokens[t]!r}, purge {'true' if purge else 'false'}"
            for t in written
            if t in tokens
        )
        undo = "\n".join(f"  {c}" for c in undo_commands(stack, written))
        raise OperationFailedError(
            f"{what}\nBUT the stack file {snapshot.path} could not be put back ({exc}), so the "
            "reset requests written are still in it, and the next `pulumi up` would apply "
            f"them:\n{left}\nRemove them ({fix}), or "
            f"restore the file from version control:\n{undo}"
        ) from None


def _check_reset_plan(
    stack: str, asked: dict[str, str], plan: dict[str, ResourceChange], explanation: Explanation
) -> None:
    """Refuse a plan that replaces or deletes anything not asked for, or misses an asked one."""
    wanted = set(asked.values())
    unasked = [c for urn, c in plan.items() if c.destructive and urn not in wanted]
    if unasked:
        lines = [f"  {describe(c.urn)}: {c.kind}" + explanation.because(c) for c in unasked]
        raise RefusedError(
            f"refusing to reset in stack {stack!r}: the preview would also replace or delete "
            "resources you did not ask for:\n"
            + "\n".join(lines)
            + "\nNothing was changed (the reset tokens were removed again). Apply or revert "
            "those changes first, then run the reset again."
        )
    missing = [
        t
        for t, urn in asked.items()
        if plan.get(urn) is None or plan[urn].kind not in ("replace", "create")
    ]
    if missing:
        said = [f"  {why}" for why in map(explanation.why_not, missing) if why]
        raise RefusedError(
            f"refusing to reset in stack {stack!r}: the preview does not recreate "
            f"{', '.join(missing)} although its reset token is set; the program did not act on "
            "it"
            + (":\n" + "\n".join(said) + "\n" if said else ". ")
            + "Nothing was changed (the reset tokens were removed again)."
        )


def _because(reasons: Sequence[str]) -> str:
    return f"      because {'; '.join(reasons)}" if reasons else "      (no reason known)"


def _confirm_reset(
    stack: str,
    project: Project,
    asked: dict[str, str],
    plan: dict[str, ResourceChange],
    report: ResetReport,
    purge: bool,
    assume_yes: bool,
    confirm: Callable[[str], str],
    env: Env,
) -> None:
    """Show what will happen and why; ask for a yes, or the stack name where protected."""
    out = env.out
    kinds = {t: plan[urn] for t, urn in asked.items()}
    replaced = [
        t for t, c in kinds.items() if c.kind == "replace" and "delete-replaced" in c.planned
    ]
    finished = [t for t, c in kinds.items() if c.kind == "replace" and t not in replaced]
    created = [t for t, c in kinds.items() if c.kind == "create"]
    if replaced:
        out(f"Reset in stack {stack!r} will DELETE and then RECREATE these monitors:")
        for table in replaced:
            out(f"  - {table}  ({asked[table]})")
            out(_because(report.reasons[table]))
        out(f"Each recreated monitor's {HISTORY_WARNING}.")
    if finished:
        out(
            "Already deleted by an earlier reset that did not complete; they will be CREATED again:"
        )
        for table in finished:
            out(f"  - {table}  ({asked[table]})")
            out(_because(report.reasons[table]))
    if created:
        out("Not in the stack's state, so they will simply be created:")
        out("\n".join(f"  - {t}" for t in created))
    if purge:
        out(
            "--purge: between the delete and the create, their profile and drift metric tables "
            "are dropped and their dashboards trashed."
        )
    others = [c for urn, c in plan.items() if urn not in asked.values() and c.kind not in ("same",)]
    if others:
        out("The same update also applies these pending changes (nothing deleted):")
        out("\n".join(f"  - {describe(c.urn)}: {c.kind}" for c in others))
    if assume_yes:
        out("--yes given: not asking for confirmation.")
        return
    if project.settings.protect:
        answer = confirm(
            f"Monitors are protected in stack {stack!r}. Type the stack name to go on: "
        )
        if answer.strip() != short_stack(stack):
            raise AbortedError(
                f"aborted: you typed {answer.strip()!r}, not {short_stack(stack)!r}. "
                "Nothing was changed (the reset tokens were removed again)."
            )
        return
    answer = confirm("Go on? [y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        raise AbortedError("aborted. Nothing was changed (the reset tokens were removed again).")


def _apply_reset(
    stack: Stack,
    stack_name: str,
    project: Project,
    asked: dict[str, str],
    report: ResetReport,
    env: Env,
) -> None:
    """Run `up` through interrupts; report each outcome, or each state and how to resume."""
    log = EventLog()

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
    raise OperationFailedError(_unfinished(stack, stack_name, project, asked, changes, headline))


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


def _unfinished(
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
        f"  python -m monitors reset --stack {short} {tables}",
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
        f"into the state with: python -m monitors adopt --stack {short} {tables}"
    )
    return "\n".join(lines)
