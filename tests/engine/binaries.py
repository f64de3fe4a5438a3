"""Where the engine suite finds the real Pulumi CLI, language host and Databricks provider.

`tests/engine/build.sh` puts them in `.engine/`: the CLI and the Python language host (with its
exec script) in `.engine/bin/`, which goes on PATH, and the provider in `.engine/plugins/`, which
does not: a non-bundled plugin found on PATH makes every operation print "using
pulumi-resource-databricks from $PATH" (pulumi sdk/go/common/workspace/plugins.go
`getPluginInfoAndPath`), so the scratch project names it in `Pulumi.yaml` `plugins.providers`
instead (the way pulumi's providertest `pulumitest` attaches a provider binary).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENGINE = REPO / ".engine"
BIN = ENGINE / "bin"
PLUGINS = ENGINE / "plugins"
PROVIDER = PLUGINS / "pulumi-resource-databricks"
BUILD_HINT = "build them with `bash tests/engine/build.sh` (CONTRIBUTING.md, 'The engine suite')"


@dataclass(frozen=True)
class Engine:
    """The real binaries, checked present, and the versions they report."""

    bin: Path
    provider: Path
    cli_version: str

    @property
    def pulumi(self) -> Path:
        return self.bin / "pulumi"


def missing() -> list[str]:
    """What the engine suite needs and `.engine/` lacks, one line each (empty: all there)."""
    wanted = {
        BIN / "pulumi": "the Pulumi CLI",
        BIN / "pulumi-language-python": "the Python language host",
        BIN / "pulumi-language-python-exec": "the language host's exec script",
        PROVIDER: "the Databricks provider plugin",
    }
    return [
        f"{what} ({path.relative_to(REPO)})"
        for path, what in wanted.items()
        if not (path.is_file() and os.access(path, os.X_OK | os.R_OK))
    ]


def find_cli() -> Path:
    """The real `pulumi` alone (what the CLI-only tests need); RuntimeError if absent."""
    cli = BIN / "pulumi"
    if not (cli.is_file() and os.access(cli, os.X_OK)):
        raise RuntimeError(f"missing the Pulumi CLI ({cli.relative_to(REPO)}): {BUILD_HINT}")
    return cli


def find_engine() -> Engine:
    """The engine in `.engine/`; RuntimeError naming every missing piece otherwise."""
    absent = missing()
    if absent:
        raise RuntimeError(f"missing {', '.join(absent)}: {BUILD_HINT}")
    version = subprocess.run(
        [str(BIN / "pulumi"), "version"], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    return Engine(bin=BIN, provider=PROVIDER, cli_version=version.lstrip("v"))
