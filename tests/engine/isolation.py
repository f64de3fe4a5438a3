"""What every real `pulumi` run of the engine suite shares: an environment that reaches nothing
but what the test gives it, and the rule that a missing binary skips here and fails in CI."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

T = TypeVar("T")
# Variables that would point a run at another backend, cloud or workspace.
_FOREIGN = ("DATABRICKS_", "PULUMI_", "ARM_", "GOOGLE_", "AWS_")


def isolated_env(scratch: Path, pulumi_home: Path, passphrase: str, **extra: str) -> dict[str, str]:
    """The environment of one run: its own HOME and file backend under `scratch` (which must hold
    a `state` folder), a shared plugin cache, no update check and no plugin download
    (pulumi sdk/go/common/env/env.go; pkg/engine/plugins.go), plus `extra`."""
    home = scratch / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)}
    env.update(
        HOME=str(home),
        PULUMI_HOME=str(pulumi_home),
        PULUMI_BACKEND_URL=f"file://{scratch / 'state'}",
        PULUMI_CONFIG_PASSPHRASE=passphrase,
        PULUMI_SKIP_UPDATE_CHECK="true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
        DATABRICKS_CONFIG_FILE=str(home / "no-databrickscfg"),
        NO_COLOR="1",
    )
    env.update(extra)
    return env


def required(find: Callable[[], T], variable: str, what: str) -> T:
    """`find()`, or skip saying how to build it; with `variable`=1 (as `.ci/run` sets), fail."""
    try:
        return find()
    except RuntimeError as exc:
        if os.environ.get(variable) == "1":
            pytest.fail(f"{what} must run here: {exc}")
        pytest.skip(str(exc))
