"""Run the program for the stack the Pulumi engine selected (called from `__main__.py`)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.config import CONFIG, get_config_env

from monitors.declared import sql_cache
from monitors.declared.advice import project_notes, project_warnings
from monitors.declared.project import build_project
from monitors.declared.project_input import read_project_input
from monitors.desired.plan import make_plan
from monitors.errors import MonitorsError
from monitors.naming import PROJECT_ROOT
from monitors.program import log
from monitors.program.hooks import make_hooks
from monitors.program.register import deploy
from monitors.program.tables import list_gold_tables


def engine_config() -> dict[str, Any]:
    """All config the engine passed to the program (`namespace:key` to string value)."""
    return {**get_config_env(), **CONFIG.get()}


def main(root: Path | None = None) -> None:
    """Load and check declarations and settings (of the project at `root`), then declare the
    monitors; pattern templates are resolved with the provider's table listing.

    Bad input stops here, before any resource is registered, with the file, monitor and field.
    """
    config = engine_config()
    log.remember_config_secrets(config)
    try:
        given = read_project_input(pulumi.get_stack(), root or PROJECT_ROOT, config)
        project = build_project(given, list_gold_tables)
        for line in project_warnings(project):
            log.warn(line)
        sql_cache.forget()  # the last SQL checks of the run are made
        for line in project_notes(project):
            log.info(line)
        for line in project.notes:
            log.info(line)
        plan = make_plan(project)
        # What was read and decided lives until the end of the run: out of the collector's
        # sight, as the imports are (`__main__.py`), its full collections while thousands of
        # resources register do not rescan it (measured with bench/benchmark.py).
        gc.freeze()
        deploy(project, make_hooks(project), plan)
    except MonitorsError as exc:
        raise log.run_error(str(exc)) from None
