"""Step 5 of `migrate`: `pulumi up`, which records every monitor on the new API and must create or
delete nothing, then `migratingTo` leaves the stack file."""

from __future__ import annotations

from pulumi.automation import UpResult

from monitors.declared.backend import MIGRATION_SETTING
from monitors.desired.backend import api_name
from monitors.desired.record import read_last_deployment
from monitors.errors import MonitorsError, OperationFailedError
from monitors.naming import CONFIG_NAMESPACE, stack_file_name
from monitors.stackops.events import describe
from monitors.stackops.migrate.context import Migration, Stopped
from monitors.stackops.migrate.placement import Placement, recorded_on


def update(m: Migration) -> None:
    """Step 5: `pulumi up`, which must create and delete nothing and record every monitor."""
    m.env.out(f"Updating stack '{m.name}' (pulumi up)...")
    results: list[UpResult] = []
    log = m.run_step(
        f"the migration's update of stack '{m.name}'",
        lambda log: results.append(m.stack.up(on_event=log)),
    )
    done = [
        c
        for c in log.changes().values()
        if {"create", "delete", "delete-replaced", "create-replacement"} & set(c.completed)
    ]
    if done:
        raise OperationFailedError(
            f"the migration's update of stack '{m.name}' created or deleted resources its "
            "preview did not plan:\n"
            + "\n".join(f"  {describe(c.urn)}: {c.kind}" for c in done)
            + "\nSomething changed between the preview and the update. "
            + m.ways_on()
        )
    outputs = {k: v.value for k, v in results[0].outputs.items()}
    try:
        last = read_last_deployment(outputs)
    except MonitorsError as exc:
        raise Stopped(
            f"the migration's update of stack '{m.name}' succeeded, but its record cannot "
            f"be read: {exc}"
        ) from None
    missing = [t for t in m.tables if not recorded_on(last, t, m.target)]
    if missing:
        raise Stopped(
            f"the migration's update of stack '{m.name}' succeeded, but its record does "
            f"not show {', '.join(missing)} on {api_name(m.target)}."
        )
    m.report.placements = dict.fromkeys(m.tables, Placement.RECORDED)
    m.env.out(f"Every monitor is recorded on {api_name(m.target)}.")


def remove_marker(m: Migration) -> None:
    """The end of step 5: `migratingTo` leaves the stack file."""
    m.run_step(
        f"removing {CONFIG_NAMESPACE}:{MIGRATION_SETTING}",
        lambda _: m.stack.remove_config(MIGRATION_SETTING),
    )
    m.env.out(f"Removed {CONFIG_NAMESPACE}:{MIGRATION_SETTING} from {stack_file_name(m.name)}.")
