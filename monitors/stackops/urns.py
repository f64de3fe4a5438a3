"""`urns`: each monitor's URN, where the stack's state has it, and the commands that recreate it.

Pulumi's own way to recreate one resource is `pulumi up --replace <urn>`. The engine refuses a
replace only when the recorded AND the newly registered `protect` are both on (pulumi/pulumi
pkg/resource/deploy/step_generator.go continueStepsFromDiff: `new.Protect && old.Protect`), so
in a protected stack `pulumi state unprotect <urn>` first clears the recorded flag; the program
registers `protect` again in that same `up`, so the monitor is protected again once it ran.

A monitor an earlier update left half done gets the commands that finish it instead: `--replace`
would not help (a record pending replacement is replaced by any update, step_generator.go
generateStepsFromDiff `old.PendingReplacement`; an interrupted create stays pending until a user
resolves it, `stackops.state`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pulumi.automation import CommandError

from monitors.desired.protection import is_protected
from monitors.errors import CliNotFoundError, CliTooOldError
from monitors.naming import (
    API_LEGACY,
    replace_command,
    reset_command,
    short_stack,
    unprotect_command,
)
from monitors.stackops.common import Env, cli_stderr, load, resolve_tables, urns_of
from monitors.stackops.pulumi_cli import open_stack
from monitors.stackops.state import (
    MonitorState,
    monitor_states,
    resolve_pending_create,
    urns_in_state,
)


@dataclass(frozen=True)
class MonitorUrn:
    """A monitor's URN, whether the stack's state has it live (None: state not read), its state
    in words (None: not read), and the commands that recreate or finish it (none when absent)."""

    table: str
    urn: str
    in_state: bool | None
    commands: tuple[str, ...] = ()
    state: MonitorState | None = None


def replace_commands(
    stack: str, table: str, protected: bool, api: str = API_LEGACY
) -> tuple[str, ...]:
    """The raw path for one monitor: `pulumi up --replace`, after `state unprotect` if protected."""
    replace = replace_command(stack, table, api)
    return (unprotect_command(stack, table, api), replace) if protected else (replace,)


def finish_commands(
    stack: str, table: str, state: MonitorState, urn: str, monitor_id: str
) -> tuple[str, ...]:
    """What finishes a monitor an earlier update left half done (empty: nothing is half done)."""
    stack = short_stack(stack)
    if state is MonitorState.PENDING_REPLACEMENT:
        # A reset previews first and lifts protection for this monitor only, in any stack.
        return (reset_command(stack, table),)
    if state is MonitorState.CREATING:
        return tuple(resolve_pending_create(stack, urn, monitor_id))
    if state is MonitorState.DELETING:
        # Refresh drops the record if the delete went through; the next `up` then creates it.
        return (f"pulumi refresh --stack {stack} --yes",)
    return ()


def urns(
    stack_name: str, tables: Sequence[str] | None = None, *, env: Env | None = None
) -> list[MonitorUrn]:
    """The enabled monitors' URNs (None: all, pattern templates' tables listed from the
    workspace), or the named ones', marked with where the stack's state has each one.

    The URNs are computed, so they are listed even when the state cannot be read (no CLI, or
    `pulumi stack export` failed): then `in_state` and `state` are None and a note says why.
    """
    env = env or Env()
    project = load(stack_name, env, every_table=tables is None)
    api = project.settings.api
    computed = urns_of(stack_name, resolve_tables(stack_name, project, tables, env), api)
    try:
        stack = open_stack(stack_name, env.project_root, env.pulumi_root)
        deployment = stack.export_stack()
    except (CliNotFoundError, CliTooOldError) as exc:
        env.out(f"note: {exc}; not checking the stack's state")
        deployment = None
    except CommandError as exc:
        env.out(f"note: reading the stack's state failed ({cli_stderr(exc)}); state unknown")
        deployment = None
    managed = None if deployment is None else urns_in_state(deployment)
    states = None if deployment is None else monitor_states(deployment, computed)
    protected = is_protected(project.settings.protect, reset_applied_now=False)
    found = []
    for table, urn in computed.items():
        state = None if states is None else states[table]
        in_state = None if managed is None else urn in managed
        commands: tuple[str, ...] = ()
        if state is not None and not state.settled:
            full_name = project.settings.full_table_name(table)
            commands = finish_commands(stack_name, table, state, urn, full_name)
        elif in_state is not False:
            commands = replace_commands(stack_name, table, protected, api)
        found.append(MonitorUrn(table, urn, in_state, commands, state))
    return found
