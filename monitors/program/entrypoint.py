"""Run the program for the stack the Pulumi engine selected (called from `__main__.py`)."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.runtime.config import CONFIG, get_config_env

from monitors.errors import MonitorsError
from monitors.naming import PROJECT_ROOT
from monitors.program.hooks import make_hooks
from monitors.program.register import deploy
from monitors.spec.advice import project_notes, project_warnings
from monitors.spec.project import project_from_config


def engine_config() -> dict[str, Any]:
    """All config the engine passed to the program (`namespace:key` to string value)."""
    return {**get_config_env(), **CONFIG.get()}


def main() -> None:
    """Load and check declarations and settings, then declare the monitors.

    Bad input stops here, before any resource is registered, with the file, monitor and field.
    """
    try:
        project = project_from_config(pulumi.get_stack(), engine_config(), PROJECT_ROOT)
        for line in project_warnings(project):
            pulumi.log.warn(line)
        for line in project_notes(project):
            pulumi.log.info(line)
        deploy(project, make_hooks(project))
    except MonitorsError as exc:
        raise pulumi.RunError(str(exc)) from None
