"""Steps 2 and 3 of `migrate`: write `api` and `migratingTo` to the stack file, then move each
monitor in the state: `pulumi state remove` of the old resource (with its dependents), `pulumi
import` of the same monitor as the target type (and of those dependents). The cloud is untouched.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi.automation import ConfigValue, Deployment
from pulumi.automation._stack import ImportResource

from monitors.declared.backend import API_SETTING, MIGRATION_SETTING
from monitors.desired.backend import type_name
from monitors.naming import (
    CONFIG_NAMESPACE,
    monitor_urn,
    resource_name,
    resource_type,
    stack_file_name,
)
from monitors.stackops.migrate.context import Migration
from monitors.stackops.migrate.placement import Dependent, Placement, resources
from monitors.stackops.state_edit import (
    databricks_provider_version,
    import_into_state,
    remove_from_state,
)


def write_config(m: Migration) -> None:
    """Step 2: `api` and `migratingTo` in one write of the stack file (`pulumi config
    set-all`), so it never holds one without the other (settings refuse a `migratingTo`
    other than `api`)."""
    marker = f"{CONFIG_NAMESPACE}:{MIGRATION_SETTING}"
    if m.settings.api != m.target or m.settings.migrating_to != m.target:
        values = {
            API_SETTING: ConfigValue(m.target),
            MIGRATION_SETTING: ConfigValue(m.target),
        }
        m.run_step(
            f"writing {CONFIG_NAMESPACE}:{API_SETTING} and {marker}",
            lambda _: m.stack.set_all_config(values),
        )
    m.env.out(
        f"Wrote {CONFIG_NAMESPACE}:{API_SETTING} and {marker}: {m.target} to "
        f"{stack_file_name(m.name)}."
    )


def move_state(
    m: Migration,
    places: Mapping[str, Placement],
    moving: Mapping[str, list[Dependent]],
    ids: Mapping[str, str],
    checkpoint: Deployment,
) -> None:
    """Step 3: take the old resources out of the state, then import the same monitors (and
    the resources that left with them) as they are in Databricks."""
    to_remove = [t for t, p in places.items() if p.holds_source]
    if to_remove:
        urns = [monitor_urn(m.name, t, m.source) for t in to_remove]
        removed = {str(r["urn"]): r for r in resources(checkpoint) if r["urn"] in urns}
        protected = any(r.get("protect") for r in removed.values()) or any(
            d.protect for t in to_remove for d in moving[t]
        )
        with_dependents = any(moving[t] for t in to_remove)
        m.run_step(
            "`pulumi state remove`",
            lambda _: remove_from_state(
                m.stack, urns, force=protected, target_dependents=with_dependents
            ),
        )
        m.env.out(
            f"Removed from the state (nothing deleted in Databricks): {', '.join(to_remove)}"
            + (" and the alerts that depend on them." if with_dependents else ".")
        )
    version = databricks_provider_version()
    specs: list[ImportResource] = [
        {
            "type": resource_type(m.target),
            "name": resource_name(table),
            "id": found,
            "version": version,
        }
        for table, found in ids.items()
    ]
    specs += [
        {"type": d.type, "name": d.name, "id": d.id, "version": version}
        for deps in moving.values()
        for d in deps
    ]
    if specs:
        m.run_step(
            "`pulumi import`",
            lambda _: import_into_state(m.stack, specs, protect=m.settings.protect),
        )
        others = len(specs) - len(ids)
        with_them = f"; and {others} resource(s) that depend on them" if others else ""
        m.env.out(f"Imported as {type_name(m.target)}: {', '.join(ids) or 'none'}{with_them}.")
