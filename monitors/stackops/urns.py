"""`urns`: each monitor's URN, for the raw `pulumi up --replace <urn>` path."""

from __future__ import annotations

from dataclasses import dataclass

from monitors.errors import CliNotFoundError, CliTooOldError
from monitors.stackops.common import Env, load, urns_of
from monitors.stackops.pulumi_cli import open_stack
from monitors.stackops.state import urns_in_state


@dataclass(frozen=True)
class MonitorUrn:
    """A monitor's URN, and whether the stack's state has it (None: CLI not available)."""

    table: str
    urn: str
    in_state: bool | None


def urns(stack_name: str, *, env: Env | None = None) -> list[MonitorUrn]:
    """The enabled monitors' URNs, marked with whether the stack's state has each one.

    The URNs are computed, so they are listed even without a CLI (then `in_state` is None).
    """
    env = env or Env()
    project = load(stack_name, env)
    computed = urns_of(stack_name, list(project.monitors))
    try:
        stack = open_stack(stack_name, env.project_root, env.pulumi_root)
        managed: set[str] | None = urns_in_state(stack.export_stack())
    except (CliNotFoundError, CliTooOldError) as exc:
        env.out(f"note: {exc}; not checking the stack's state")
        managed = None
    return [
        MonitorUrn(t, u, None if managed is None else u in managed) for t, u in computed.items()
    ]
