"""Opening the project's stack through the Automation API, after checking the CLI it will run.

Everything that talks to the `pulumi` binary starts here, so a missing CLI, a CLI too old for
the program, or a stack that does not exist each stop the operation before anything changes.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

from pulumi.automation import LocalWorkspace, PulumiCommand, Stack, StackNotFoundError
from pulumi.automation._cmd import CommandResult, OnOutput
from semver import VersionInfo

from monitors.errors import CliNotFoundError, CliTooOldError, StackMissingError
from monitors.program import engine
from monitors.stackops.interrupt import run_settled

# One owner (monitors.program.engine): below it the program stops, as the SDK cannot see that the
# engine honours replacement_trigger, so neither a reset nor a structural change could recreate.
MIN_CLI_VERSION = VersionInfo.parse(engine.MIN_CLI_VERSION)
INSTALL_HINT = "install it: https://www.pulumi.com/docs/iac/download-install/"


def cli_path(pulumi_root: Path | None) -> str:
    """The binary PulumiCommand runs: `<root>/bin/pulumi`, or `pulumi` from PATH."""
    return str(pulumi_root / "bin" / "pulumi") if pulumi_root else "pulumi"


class SettledCommand(PulumiCommand):
    """The Automation API's PulumiCommand, each command run to its end through an interrupt
    (`monitors.stackops.interrupt.run_settled`): every CLI command of every operation, from
    `stack select` to `up`, goes through `run`."""

    def run(
        self,
        args: list[str],
        cwd: str,
        additional_env: Mapping[str, str],
        on_output: OnOutput | None = None,
        on_error: OnOutput | None = None,
    ) -> CommandResult:
        parent = super().run
        return run_settled(lambda: parent(args, cwd, additional_env, on_output, on_error))


def pulumi_command(pulumi_root: Path | None = None) -> PulumiCommand:
    """The CLI under `pulumi_root` (PATH if None) as a SettledCommand, checked recent enough."""
    where = cli_path(pulumi_root)
    try:
        command = SettledCommand(
            root=str(pulumi_root) if pulumi_root else None, skip_version_check=True
        )
    except OSError:
        raise CliNotFoundError(
            f"the Pulumi CLI was not found ({where}); {INSTALL_HINT} "
            f"(version {MIN_CLI_VERSION} or later)"
        ) from None
    except subprocess.CalledProcessError as exc:
        raise CliNotFoundError(
            f"`{where} version` failed with exit code {exc.returncode}"
        ) from None
    check_cli_version(command.version, where)
    return command


def check_cli_version(version: VersionInfo | None, where: str = "pulumi") -> None:
    """Refuse CLIs we cannot vouch for: unparseable, another major, or older than the minimum."""
    if version is None:
        raise CliTooOldError(f"could not read the version of the Pulumi CLI ({where})")
    if version.major != MIN_CLI_VERSION.major:
        raise CliTooOldError(
            f"Pulumi CLI {version} ({where}) is not a 3.x release; "
            f"this project is tested with 3.x from {MIN_CLI_VERSION}"
        )
    if version.compare(MIN_CLI_VERSION) < 0:
        raise CliTooOldError(
            f"Pulumi CLI {version} ({where}) is too old: the program needs {MIN_CLI_VERSION} or "
            "later, the first engine that tells the Python SDK it honours `replacement_trigger` "
            "(how a reset token or a structural change recreates a monitor; the GetDeploymentInfo "
            "call); with an older engine the program stops before registering anything. "
            f"Upgrade: {INSTALL_HINT}"
        )


def open_stack(stack: str, project_root: Path, pulumi_root: Path | None = None) -> Stack:
    """Select an existing stack of the project in `project_root`; never creates one."""
    workspace = LocalWorkspace(
        work_dir=str(project_root), pulumi_command=pulumi_command(pulumi_root)
    )
    try:
        return Stack.select(stack, workspace)
    except StackNotFoundError:
        raise StackMissingError(
            f"stack {stack!r} does not exist in the Pulumi backend you are logged in to "
            f"(`pulumi stack ls` lists them); create it with `pulumi stack init {stack}` "
            "or log in to the right backend"
        ) from None
