"""`reset`: recreate chosen monitors on purpose, after a preview proves nothing else is touched.

Fresh reset tokens are written to the stack file and applied only after the preview replaces
exactly the chosen monitors and the user confirmed; a refusal or abort puts the file back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pulumi.automation import CommandError, Stack

from monitors.desired.replacement import HISTORY_WARNING
from monitors.errors import AbortedError, OperationFailedError, RefusedError
from monitors.naming import short_stack
from monitors.spec.project import Project
from monitors.stackops.common import Env, command_failure, load, preview, resolve_tables, urns_of
from monitors.stackops.config import ConfigSnapshot, new_token, write_reset
from monitors.stackops.events import EventLog, ResourceChange, because, describe
from monitors.stackops.pulumi_cli import open_stack
from monitors.stackops.state import monitor_states, state_lines


@dataclass
class ResetReport:
    """What a completed reset did: the token written and the outcome, per table."""

    stack: str
    tokens: dict[str, str]
    outcomes: dict[str, str] = field(default_factory=dict)


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
    asked = urns_of(stack_name, chosen)
    snapshot = ConfigSnapshot.take(stack_name, env.project_root)
    report = ResetReport(stack_name, {})
    try:
        for table in chosen:
            token = new_token()
            previous = project.settings.resets.get(table)
            while previous is not None and token == previous.token:
                token = new_token()
            write_reset(stack, env.project_root, table, token, purge=purge)
            report.tokens[table] = token
        plan = preview(stack, f"preview of the reset in stack {stack_name!r}").changes()
        _check_reset_plan(stack_name, asked, plan)
        _confirm_reset(stack_name, project, asked, plan, purge, assume_yes, confirm, env)
    except BaseException:
        snapshot.restore()
        raise
    _apply_reset(stack, stack_name, asked, report, env)
    return report


def _check_reset_plan(stack: str, asked: dict[str, str], plan: dict[str, ResourceChange]) -> None:
    """Refuse a plan that replaces or deletes anything not asked for, or misses an asked one."""
    wanted = set(asked.values())
    unasked = [c for urn, c in plan.items() if c.destructive and urn not in wanted]
    if unasked:
        lines = [f"  {describe(c.urn)}: {c.kind}" + because(c) for c in unasked]
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
        raise RefusedError(
            f"refusing to reset in stack {stack!r}: the preview does not recreate "
            f"{', '.join(missing)} although a new reset token was written; the program did not "
            "act on it. Nothing was changed (the reset tokens were removed again)."
        )


def _confirm_reset(
    stack: str,
    project: Project,
    asked: dict[str, str],
    plan: dict[str, ResourceChange],
    purge: bool,
    assume_yes: bool,
    confirm: Callable[[str], str],
    env: Env,
) -> None:
    """Show what will happen; ask for a yes, or the stack name where monitors are protected."""
    out = env.out
    replaced = [t for t, urn in asked.items() if plan[urn].kind == "replace"]
    created = [t for t, urn in asked.items() if plan[urn].kind == "create"]
    if replaced:
        out(f"Reset in stack {stack!r} will DELETE and then RECREATE these monitors:")
        out("\n".join(f"  - {t}  ({asked[t]})" for t in replaced))
        out(f"Recreating a monitor loses its {HISTORY_WARNING}.")
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
    stack: Stack, stack_name: str, asked: dict[str, str], report: ResetReport, env: Env
) -> None:
    """Run `up`; report each monitor's outcome, or its state and how to resume if it fails."""
    log = EventLog()
    try:
        stack.up(on_event=log)
    except CommandError as exc:
        message = command_failure(f"the reset's update in stack {stack_name!r}", exc, log)
        try:
            states = monitor_states(stack.export_stack(), asked)
            where = "\n".join(state_lines(states, asked))
        except CommandError:
            where = "  (could not read the stack's state: run `pulumi stack export` to see it)"
        tables = " ".join(f"--table {t}" for t in asked)
        raise OperationFailedError(
            f"{message}\nState of each monitor now:\n{where}\n"
            "Running the same reset again is safe: it writes a fresh token and recreates "
            "whatever is not back yet:\n"
            f"  python -m monitors reset --stack {stack_name} {tables}\n"
            "If that fails because a monitor 'already exists' in Databricks, take it back into "
            f"the state with: python -m monitors adopt --stack {stack_name} {tables}"
        ) from None
    changes = log.changes()
    for table, urn in asked.items():
        change = changes.get(urn)
        done = change.completed if change else []
        if "create-replacement" in done:
            report.outcomes[table] = "deleted and recreated"
        elif "create" in done:
            report.outcomes[table] = "created"
        else:
            report.outcomes[table] = "not changed by the update (check `pulumi stack`)"
    env.out(f"Reset applied in stack {stack_name!r}:")
    env.out("\n".join(f"  {t}: {o}" for t, o in report.outcomes.items()))
