"""The provider's `databricks:*` settings of a stack, read outside the program.

Inside the program the engine hands the provider (and our hooks) the stack's config with secrets
decrypted. Outside it, only the Pulumi CLI can decrypt a `secure:` value and merge in what the
project file and ESC environments add: `pulumi config --show-secrets --json` (Automation API
`LocalWorkspace.get_all_config`; CLI `pkg/cmd/pulumi/config/config.go` `listConfig`, which
elides nothing when --show-secrets is given). Where no CLI is installed (a CI job, a laptop), or
it cannot answer (not logged in, no passphrase), the stack file's plain settings are used, and
the notes say so; the SDK's environment and profiles apply in every case.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from pulumi.automation import CommandError, LocalWorkspace, Stack

from monitors import scrubber
from monitors.declared.settings import read_stack_config
from monitors.naming import stack_file_name
from monitors.stackops.pulumi_cli import SettledCommand, cli_path
from monitors.workspace.credentials import ProviderSettings, merged, settings_from_config

CLI_SOURCE = "`pulumi config` (decrypted by the Pulumi CLI)"


def stack_provider_settings(
    stack: str, project_root: Path, pulumi_root: Path | None = None, opened: Stack | None = None
) -> ProviderSettings:
    """The stack's provider settings: the stack file's plain ones, plus what the Pulumi CLI
    decrypts or adds (through `opened`, or a workspace on `project_root`) when it can."""
    file_name = stack_file_name(stack)
    plain = settings_from_config(read_stack_config(stack, project_root), file_name)
    try:
        if opened is not None:
            config = opened.get_all_config()
        else:
            command = SettledCommand(
                root=str(pulumi_root) if pulumi_root else None, skip_version_check=True
            )
            workspace = LocalWorkspace(work_dir=str(project_root), pulumi_command=command)
            config = workspace.get_all_config(stack)
    except (OSError, subprocess.CalledProcessError):
        return _without_cli(plain, f"the Pulumi CLI was not found ({cli_path(pulumi_root)})")
    except CommandError as exc:
        return _without_cli(plain, f"`pulumi config` failed: {_cli_error(exc)}")
    # `--show-secrets` decrypted every secret of the stack into this process, not only ours.
    scrubber.remember(*(value.value for value in config.values() if value.secret))
    decrypted = settings_from_config(
        {key: value.value for key, value in config.items()}, CLI_SOURCE
    )
    return merged(plain, decrypted)


def _without_cli(plain: ProviderSettings, why: str) -> ProviderSettings:
    note = f"{why}: using the stack file's plain databricks:* settings"
    if plain.unreadable:
        note += (
            f"; its secret {', '.join(plain.unreadable)} cannot be read without the CLI "
            "(set the matching DATABRICKS_* variable instead)"
        )
    return ProviderSettings(plain.values, (note, *plain.notes), plain.unreadable)


def _cli_error(exc: CommandError) -> str:
    """The CLI's own error line (stderr only: stdout could hold config values)."""
    stderr = str(exc).split(" stderr: ", 1)[-1]
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    return (errors or lines or ["no error message"])[-1]
