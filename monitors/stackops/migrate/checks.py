"""Step 0 of `migrate`: what must hold before anything changes (no leftover journal, every monitor
settled and, on a fresh start, deployed as the source type with a preview that plans nothing), and
which dependent resources must leave the state and come back with each monitor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.automation import Deployment

from monitors.desired.backend import api_name, type_name
from monitors.errors import OperationFailedError, RefusedError
from monitors.naming import CONFIG_NAMESPACE, monitor_urn
from monitors.stackops.events import describe
from monitors.stackops.migrate.context import Migration, Stopped
from monitors.stackops.migrate.journal import journal_path
from monitors.stackops.migrate.placement import (
    Dependent,
    Placement,
    dependents,
    live_urns,
    not_reimportable,
    recorded_alerts,
)

# What a fresh migration's first preview may plan: its update must change nothing else.
QUIET = frozenset({"same", "read"})


def stale_journal(m: Migration) -> str:
    """Why a journal left by an earlier migration blocks a fresh one."""
    journal = m.journal
    assert journal is not None
    return (
        f"a migration journal of stack '{m.name}' is in {journal.path} (from "
        f"{journal.source} to {journal.target}, started {journal.started}), but the stack is "
        "not migrating: that migration was put back, or finished without its history proof "
        "passing. Read it (it holds the monitors' facts from before), then delete it to start "
        "a new migration. Nothing was changed."
    )


def refuse_unsettled(m: Migration, places: Mapping[str, Placement]) -> None:
    """A monitor an earlier update left pending must be finished first."""
    unsettled = [t for t, p in places.items() if p is Placement.UNSETTLED]
    if unsettled:
        raise RefusedError(
            f"refusing to migrate stack '{m.name}': an earlier update left these monitors "
            f"pending: {', '.join(unsettled)}. Finish it first (`pulumi up --stack "
            f"{m.name}`, or `monitors reset` for an unfinished reset; `pulumi "
            "stack export` shows the pending operation), then run the migration again. "
            "Nothing was changed."
        )


def check_fresh(m: Migration, places: Mapping[str, Placement]) -> None:
    """A migration starts only from a stack whose monitors are all deployed as the source
    type and whose preview plans nothing: its update must change nothing else."""
    misplaced = {t: p for t, p in places.items() if p is not Placement.SOURCE}
    if misplaced:
        lines = [
            f"  {t}: " + ("not in the state" if p is Placement.REMOVED else p.describe(m.target))
            for t, p in misplaced.items()
        ]
        raise RefusedError(
            f"refusing to migrate stack '{m.name}': {CONFIG_NAMESPACE}:api is "
            f"'{m.source}', so every enabled monitor must be in the state as "
            f"{type_name(m.source)}, and these are not:\n"
            + "\n".join(lines)
            + f"\nDeploy them first (`pulumi up --stack {m.name}`), or adopt existing "
            "ones (`monitors adopt`). Nothing was changed."
        )
    m.env.out(f"Checking that stack '{m.name}' has no pending change (pulumi preview)...")
    try:
        log = m.run_step(
            f"the preview of stack '{m.name}'", lambda log: m.stack.preview(on_event=log)
        )
    except Stopped as stop:
        raise OperationFailedError(f"{stop.headline}\nNothing was changed.") from None
    pending = [c for c in log.changes().values() if c.kind not in QUIET]
    if pending:
        lines = [f"  {describe(c.urn)}: {c.kind}" for c in pending]
        raise RefusedError(
            f"refusing to migrate stack '{m.name}': its preview plans changes the "
            "migration's update would apply too:\n"
            + "\n".join(lines)
            + f"\nApply them first (`pulumi up --stack {m.name}`) or revert them, so the "
            "migration changes nothing but the monitors' type. Nothing was changed."
        )


def resuming(m: Migration, places: Mapping[str, Placement]) -> str:
    """What a run that continues a migration says first: where each monitor stands."""
    if m.settings.migrating_to is not None:
        headline = f"Continuing the migration of stack '{m.name}' to {api_name(m.target)}"
    else:  # no migration was started: the stack file says `api` alone, the state disagrees
        headline = (
            f"Stack '{m.name}' is set to {api_name(m.target)}, but its state does not "
            "have every monitor there yet: moving the rest"
        )
    lines = [f"{headline}; where each monitor stands:"]
    lines += [f"  {t}: {p.describe(m.target)}" for t, p in places.items()]
    if m.journal is None:
        lines.append(
            f"The journal of the first run ({journal_path(m.env.project_root, m.name)})"
            " is missing: the history proof compares with facts read now, and a refusal "
            "puts back the state as this run found it."
        )
    return "\n".join(lines)


def dependents_to_move(
    m: Migration,
    places: Mapping[str, Placement],
    checkpoint: Deployment,
    outputs: Mapping[str, Any],
) -> dict[str, list[Dependent]]:
    """Per table, the resources to import again with its monitor: those that depend on its
    old resource (`state remove --target-dependents` takes them out with it), or that an
    earlier run took out and did not import back. Refuses what could not come back."""
    restore = m.journal.restore_point if m.journal else checkpoint
    live = live_urns(checkpoint)
    found: dict[str, list[Dependent]] = {}
    problems: list[str] = []
    for table, place in places.items():
        old = monitor_urn(m.name, table, m.source)
        if place.holds_source:
            raw = dependents(checkpoint, old)
        else:
            raw = dependents(restore, old) or dependents(
                restore, monitor_urn(m.name, table, m.target)
            )
            raw = [r for r in raw if r["urn"] not in live]
        for resource in raw:
            why = not_reimportable(resource, m.name)
            if why:
                problems.append(f"  {resource['urn']} depends on monitor {table}, but {why}")
        moving = [Dependent.of(r) for r in raw]
        if not raw and place is not Placement.SOURCE and m.journal is None:
            moving = [d for d in recorded_alerts(outputs, m.name, table) if d.urn not in live]
        found[table] = moving
    if problems:
        raise RefusedError(
            f"refusing to migrate stack '{m.name}': `pulumi state remove` takes the "
            "resources that depend on a monitor out of the state with it, and migrate could "
            "not import these back:\n" + "\n".join(problems) + "\nNothing was changed."
        )
    return found
