"""`urns`: each monitor's URN and the exact commands of the raw `pulumi up --replace` path.

Pulumi's own way to recreate one resource is `pulumi up --replace <urn>`. The engine refuses a
replace only when the recorded AND the newly registered `protect` are both on (pulumi/pulumi
pkg/resource/deploy/step_generator.go continueStepsFromDiff: `new.Protect && old.Protect`), so
in a protected stack `pulumi state unprotect <urn>` first clears the recorded flag; the program
registers `protect` again in that same `up`, so the monitor is protected again once it ran.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitors.desired.protection import is_protected
from monitors.errors import CliNotFoundError, CliTooOldError
from monitors.naming import API_LEGACY, replace_command, unprotect_command
from monitors.stackops.common import Env, load, urns_of
from monitors.stackops.pulumi_cli import open_stack
from monitors.stackops.state import urns_in_state


@dataclass(frozen=True)
class MonitorUrn:
    """A monitor's URN, whether the stack's state has it (None: CLI not available), and the
    commands that recreate it by hand (none when the state does not have it)."""

    table: str
    urn: str
    in_state: bool | None
    commands: tuple[str, ...] = ()


def replace_commands(
    stack: str, table: str, protected: bool, api: str = API_LEGACY
) -> tuple[str, ...]:
    """The raw path for one monitor: `pulumi up --replace`, after `state unprotect` if protected."""
    replace = replace_command(stack, table, api)
    return (unprotect_command(stack, table, api), replace) if protected else (replace,)


def urns(stack_name: str, *, env: Env | None = None) -> list[MonitorUrn]:
    """The enabled monitors' URNs, marked with whether the stack's state has each one.

    The URNs are computed, so they are listed even without a CLI (then `in_state` is None).
    """
    env = env or Env()
    project = load(stack_name, env)
    api = project.settings.api
    computed = urns_of(stack_name, list(project.monitors), api)
    try:
        stack = open_stack(stack_name, env.project_root, env.pulumi_root)
        managed: set[str] | None = urns_in_state(stack.export_stack())
    except (CliNotFoundError, CliTooOldError) as exc:
        env.out(f"note: {exc}; not checking the stack's state")
        managed = None
    protected = is_protected(project.settings.protect, reset_applied_now=False)
    found = []
    for table, urn in computed.items():
        in_state = None if managed is None else urn in managed
        commands = () if in_state is False else replace_commands(stack_name, table, protected, api)
        found.append(MonitorUrn(table, urn, in_state, commands))
    return found
