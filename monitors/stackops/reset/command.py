"""The `reset` command: choose the tables, write (or reuse) their reset tokens, preview, confirm,
then apply; a stop before the update puts the stack file back (`restore`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from pulumi.automation import CommandError

from monitors.declared.project import Project
from monitors.declared.settings import ResetRequest
from monitors.desired.replacement import Structure
from monitors.errors import OperationFailedError, RefusedError, StackOpsError
from monitors.naming import short_stack
from monitors.stackops.common import (
    Env,
    command_failure,
    load,
    preview,
    read_state,
    resolve_tables,
    urns_of,
)
from monitors.stackops.pulumi_cli import open_stack
from monitors.stackops.reasons import Explanation, explain, read_record
from monitors.stackops.reset.apply import ResetReport, apply_reset, unfinished
from monitors.stackops.reset.confirm import check_plan, confirm_reset
from monitors.stackops.reset.restore import interrupted_restore, restore
from monitors.stackops.reset.tokens import ConfigSnapshot, new_token, write_reset
from monitors.stackops.state import MonitorState, monitor_states, resolve_pending_create


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
    project = load(stack_name, env, every_table=tables is None)
    chosen = resolve_tables(stack_name, project, tables, env)
    stack = open_stack(stack_name, env.project_root, env.pulumi_root)
    asked = urns_of(stack_name, chosen, project.settings.api)
    states = monitor_states(read_state(stack, stack_name), asked)
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
            env.progress(f"{table}: writing a fresh reset token")
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
        env.progress(f"pulumi preview: checking the reset replaces only {', '.join(chosen)}")
        plan = preview(stack, f"preview of the reset in stack {stack_name!r}").changes()
        explanation = explain(load(stack_name, env, every_table=tables is None), record)
        report.reasons = {t: _reasons(t, states[t], explanation) for t in chosen}
        check_plan(stack_name, asked, plan, explanation)
        confirm_reset(
            stack_name, project, asked, plan, report.reasons, purge, assume_yes, confirm, env
        )
    except BaseException as exc:
        try:  # here, not in restore(): an interrupt may come as it is called
            restore(snapshot, stack_name, written, report.tokens, purge, exc)
        except KeyboardInterrupt:
            left = interrupted_restore(snapshot, stack_name, written, report.tokens, purge, exc)
            if left is not None:
                raise left from None
        raise
    try:
        apply_reset(stack, stack_name, project, asked, report, env)
    except KeyboardInterrupt:  # outside the wait for `up`: as it started, or while reporting
        headline = f"the reset in stack {stack_name!r} was interrupted around its update."
        try:
            message = unfinished(stack, stack_name, project, asked, {}, headline)
        except KeyboardInterrupt:
            message = interrupted_report(stack_name, asked, headline)
        raise OperationFailedError(message) from None
    return report


def interrupted_report(stack_name: str, asked: Mapping[str, str], headline: str) -> str:
    """How to finish a reset whose report was interrupted in turn."""
    short = short_stack(stack_name)
    tables = " ".join(f"--table {t}" for t in asked)
    return (
        f"{headline}\nYou interrupted again while the reset was reading where each monitor "
        f"stands: see it with `monitors urns --stack {short}`. To finish the reset, "
        f"run `pulumi up --stack {short}` (the reset token stays in the stack file), or the "
        f"same reset again: monitors reset --stack {short} {tables}"
    )


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
