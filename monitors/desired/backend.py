"""A stack never switches monitor API silently: the backend guard, and how a migration passes it.

A monitor's resource type differs by backend (`databricks.QualityMonitor` on `legacy`,
`databricks.DataQualityMonitor` on `data_quality`), so its URN differs too. Registering a
monitor the stack holds as one type as the other makes the engine create the new resource and
delete the old one, which on the service is a second create on a table that already has a
monitor (refused), or, once the old one is deleted, a new monitor without its history. So the
program compares each declared monitor's record entry (`monitors.desired.record`: `api`, absent
= legacy) with the stack's `api` setting and stops, before registering anything, when they
differ, pointing at `monitors migrate`.

The contract with `migrate` (which moves a stack without deleting a monitor):
1. migrate sets both `lakehouse-monitors:api: <target>` and `lakehouse-monitors:migratingTo:
   <target>` in the stack file (settings refuse a `migratingTo` that differs from `api`);
2. it removes each monitor's old resource from the state (`pulumi state delete`, no delete
   call) and imports the same monitor as the target type under the same resource name (the
   table), with the import ID of that type (`table,<table_id>` for `DataQualityMonitor`);
3. its preview (and then `up`) runs this program: with `migratingTo` equal to `api`, a monitor
   whose record names the other backend is *migrating*, not refused. It is decided against its
   record as if the engine held no replacement trigger for it, which is exactly the state of a
   freshly imported resource: no replace can be triggered in that run (a structural change
   made meanwhile is held back one run, as for any monitor the engine holds no trigger for), it
   gets its trigger, and its record entry now names the target backend;
4. once an `up` has recorded every monitor on the target backend, migrate removes
   `migratingTo`. Left in place it is harmless: it only lets records of the other backend pass.
A record naming the other backend while `migratingTo` is unset (or names the other backend) is
refused with `BackendMismatchError`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from monitors.declared.settings import StackSettings
from monitors.desired.record import LastDeployment
from monitors.errors import BackendMismatchError
from monitors.naming import (
    API_DATA_QUALITY,
    CONFIG_NAMESPACE,
    migrate_command,
    resource_type,
    short_stack,
)

_TYPE_NAMES = {
    "legacy": "databricks.QualityMonitor",
    API_DATA_QUALITY: "databricks.DataQualityMonitor",
}
_API_NAMES = {
    "legacy": "the legacy Lakehouse Monitoring API",
    API_DATA_QUALITY: "the Data Quality Monitoring API",
}


def on_other_backend(
    settings: StackSettings, last: LastDeployment, tables: Collection[str]
) -> dict[str, str]:
    """The declared monitors whose record names another backend than the stack's: table -> api."""
    return {
        table: structure.api
        for table, structure in sorted(last.structures.items())
        if table in tables and structure.api != settings.api
    }


def mismatch_message(settings: StackSettings, others: dict[str, str]) -> str:
    """Why the program stops, and the two ways on (migrate, or set `api` back)."""
    stack = short_stack(settings.stack)
    recorded = sorted(set(others.values()))
    lines = []
    for api in recorded:
        tables = ", ".join(t for t, a in others.items() if a == api)
        lines.append(
            f"stack '{stack}' deployed monitor(s) {tables} through {_API_NAMES[api]} "
            f"({_TYPE_NAMES[api]}), but {CONFIG_NAMESPACE}:api is '{settings.api}'."
        )
    return (
        " ".join(lines)
        + f" Registering them as {_TYPE_NAMES[settings.api]} (type {resource_type(settings.api)}) "
        "would make Pulumi create new monitors and delete the deployed ones: the creates fail "
        "(a table has one monitor) or, once the old ones are gone, monitoring history is lost. "
        "Nothing was registered. To move the stack to the new API without deleting a monitor, "
        f"run `{migrate_command(stack, settings.api)}`; to stay on the deployed API, set "
        f"`{CONFIG_NAMESPACE}:api: {recorded[0]}` in the stack file again."
    )


def prepare_last(
    settings: StackSettings, last: LastDeployment, tables: Collection[str]
) -> tuple[LastDeployment, frozenset[str]]:
    """The last deployment as this run decides against it, and the monitors being migrated.

    Raises BackendMismatchError when a declared monitor's record names another backend and the
    stack is not migrating to its `api`. A migrating monitor's record is read as "the engine
    holds no trigger" (`no_trigger`) on the stack's backend: see the module docstring.
    """
    others = on_other_backend(settings, last, tables)
    if not others:
        return last, frozenset()
    if settings.migrating_to != settings.api:
        raise BackendMismatchError(mismatch_message(settings, others))
    structures = dict(last.structures)
    for table in others:
        structures[table] = replace(
            structures[table],
            api=settings.api,
            no_trigger=True,
            first_trigger=False,
            resetting=False,
        )
    return replace(last, structures=structures), frozenset(others)


def describe_migrating(table: str, settings: StackSettings) -> str:
    """The preview line for a monitor registered on its new backend for the first time."""
    return (
        f"monitor '{table}' is migrating to {_API_NAMES[settings.api]} "
        f"({CONFIG_NAMESPACE}:migratingTo): it is registered as {_TYPE_NAMES[settings.api]} "
        "and must already be in the state under that type (imported by `migrate`), so it is "
        "neither created nor replaced in this run; it gets its replacement trigger now."
    )


def type_name(api: str) -> str:
    """The Python type of a monitor on the `api` backend, e.g. `databricks.QualityMonitor`."""
    return _TYPE_NAMES[api]


def api_name(api: str) -> str:
    """The `api` backend in words, e.g. `the Data Quality Monitoring API`."""
    return _API_NAMES[api]
