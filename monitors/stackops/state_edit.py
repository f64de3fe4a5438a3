"""The Pulumi CLI commands that read or edit a stack's state without touching the cloud, as
`migrate` (and, for the provider version an import names, `adopt`) runs them. Each raises the
Automation API's CommandError when the CLI fails.

- `pulumi stack output --json --show-secrets`: the outputs the program recorded, as values.
- `pulumi stack export` WITHOUT `--show-secrets` (the Automation API's `export_stack` always
  decrypts): the checkpoint with its secrets still encrypted, safe to keep in a file, and what
  `pulumi stack import` takes back (pkg/cmd/pulumi/stack/stack_import.go: the stack's own
  secrets manager decrypts it).
- `pulumi stack import --file F`: replaces the checkpoint (io.go `SaveSnapshot` refuses another
  stack's resources and a snapshot failing `VerifyIntegrity`, and clears pending operations).
- `pulumi state remove [--force] [--target-dependents] -- URN...`: removes resources from the
  state only; no provider is loaded and nothing is deleted (pkg/cmd/pulumi/state/state_delete.go;
  pkg/resource/edit/operations.go `DeleteResource`). A protected resource needs `--force`, one
  that others depend on needs `--target-dependents`, which removes those too. The command is
  `state remove` from CLI 3.254.0 and `state delete` before it (the same code, renamed; later
  CLIs keep `delete` as a hidden alias, as the engine suite shows with a real 3.274.0): the
  verb is chosen from the running CLI's version, never assumed.
- `pulumi import --file F --protect=B --generate-code=false`: reads each resource from the
  provider by its import ID and records it (pkg/cmd/pulumi/operations/import.go; a resource
  already in the state with the same ID is left alone, pkg/resource/deploy/import.go).
"""

from __future__ import annotations

import importlib.metadata
import json
from collections.abc import Sequence
from typing import Any

from pulumi.automation import Deployment, Stack
from pulumi.automation._stack import ImportResource  # the TypedDict `import_resources` takes
from semver import VersionInfo

# `pulumi state delete` became `pulumi state remove` in this release (pulumi CHANGELOG 3.254.0).
STATE_REMOVE_SINCE = VersionInfo.parse("3.254.0")


def databricks_provider_version() -> str:
    """The pulumi-databricks version the program runs with: imports must use the same plugin."""
    return importlib.metadata.version("pulumi_databricks")


def _env(stack: Stack) -> dict[str, str]:
    """The environment the Automation API gives every command of the stack's workspace."""
    workspace = stack.workspace
    env = {"PULUMI_DEBUG_COMMANDS": "true", **workspace.env_vars}
    if workspace.pulumi_home is not None:
        env["PULUMI_HOME"] = workspace.pulumi_home
    return env


def export_checkpoint(stack: Stack) -> Deployment:
    """The stack's checkpoint, secrets encrypted (`pulumi stack export`)."""
    result = stack.workspace.pulumi_command.run(
        ["stack", "export", "--stack", stack.name], stack.workspace.work_dir, _env(stack)
    )
    document = json.loads(result.stdout)
    return Deployment(version=document.get("version"), deployment=document.get("deployment"))


def read_outputs(stack: Stack) -> dict[str, Any]:
    """The stack outputs as plain values (`pulumi stack output --json --show-secrets`: one call,
    where the Automation API's `outputs()` makes a second one only to mark secrets)."""
    result = stack.workspace.pulumi_command.run(
        ["stack", "output", "--json", "--show-secrets", "--stack", stack.name],
        stack.workspace.work_dir,
        _env(stack),
    )
    outputs = json.loads(result.stdout or "{}")
    return dict(outputs) if isinstance(outputs, dict) else {}


def import_checkpoint(stack: Stack, checkpoint: Deployment) -> None:
    """Replace the stack's checkpoint with `checkpoint` (`pulumi stack import --file`)."""
    stack.import_stack(checkpoint)


def remove_from_state(
    stack: Stack, urns: Sequence[str], *, force: bool, target_dependents: bool
) -> None:
    """`pulumi state remove --yes [--force] [--target-dependents] -- URN...` (`state delete`
    on CLIs before 3.254.0): one state edit."""
    command = stack.workspace.pulumi_command
    argv = ["state", state_remove_verb(command.version), "--yes"]
    argv += ["--force"] if force else []
    argv += ["--stack", stack.name]
    argv += ["--target-dependents"] if target_dependents else []
    command.run([*argv, "--", *urns], stack.workspace.work_dir, _env(stack))


def state_remove_verb(version: VersionInfo | None) -> str:
    """`remove` on CLIs that have it, `delete` on those before 3.254.0 (and when unknown: every
    CLI since 3.x has `delete`, later ones as a hidden alias)."""
    if version is not None and version.compare(STATE_REMOVE_SINCE) >= 0:
        return "remove"
    return "delete"


def import_into_state(stack: Stack, specs: Sequence[ImportResource], *, protect: bool) -> None:
    """`pulumi import --yes --skip-preview --file F --protect=B --generate-code=false`."""
    stack.import_resources(resources=list(specs), protect=protect, generate_code=False)
