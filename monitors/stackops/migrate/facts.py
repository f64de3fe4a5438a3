"""Step 1 of `migrate`, in the workspace: each monitor's history facts (read through both APIs on a
fresh start: they must show one monitor) and the import IDs, with the provider's credentials."""

from __future__ import annotations

from collections.abc import Mapping

from monitors.desired.backend import api_name
from monitors.errors import MonitorsError, OperationFailedError, RefusedError, StackOpsError
from monitors.stackops.migrate.context import Migration
from monitors.stackops.migrate.placement import Placement
from monitors.stackops.provider_settings import stack_provider_settings
from monitors.workspace.client import (
    VERIFY_LIMITS,
    Connection,
    Deadline,
    connect,
    describe_error,
    is_unreachable,
)
from monitors.workspace.migration import MonitorFacts, import_id, read_facts


def open_connection(m: Migration) -> Connection:
    """A client with the provider's credentials, and a fresh time budget for this step."""
    if m.credentials is None:
        m.credentials = stack_provider_settings(
            m.name, m.env.project_root, m.env.pulumi_root, opened=m.stack
        )
    settings = m.credentials
    connection = connect(settings, VERIFY_LIMITS, Deadline(VERIFY_LIMITS.total_s))
    for line in connection.sources:
        m.env.out(f"Workspace: {line}")
    return connection


def read(m: Migration, connection: Connection, api: str, table: str) -> MonitorFacts | None:
    """One monitor's history facts through `api` (None: no monitor on its table)."""
    full_name = m.settings.full_table_name(table)
    try:
        return read_facts(connection.client, api, full_name)
    except MonitorsError:
        raise
    except Exception as exc:  # the SDK's errors, a dropped connection, a spent budget
        raise _workspace_error(f"reading the monitor of {full_name}", api, exc) from None


def _workspace_error(action: str, api: str, exc: Exception) -> MonitorsError:
    """A failed workspace read as an error: OperationFailedError when unreachable."""
    message = f"{action} through {api_name(api)} failed: {describe_error(exc)}"
    if is_unreachable(exc):
        return OperationFailedError(message)
    return StackOpsError(message)


def facts_before(m: Migration, connection: Connection, fresh: bool) -> dict[str, MonitorFacts]:
    """The facts the proof compares with: the journal's, else read now (through the source
    API on a fresh migration, which the target API must then read alike)."""
    known = m.journal.before if m.journal is not None else {}
    api = m.source if fresh else m.target
    before: dict[str, MonitorFacts] = {}
    missing = []
    for table in m.tables:
        if table not in known:
            m.env.progress(f"{table}: reading its history facts through {api_name(api)}")
        facts = known.get(table) or read(m, connection, api, table)
        if facts is None:
            missing.append(table)
        else:
            before[table] = facts
    if missing:
        raise RefusedError(
            f"refusing to migrate stack '{m.name}': {api_name(api)} finds no monitor on "
            f"the table of {', '.join(missing)}. Nothing was changed."
        )
    if fresh:
        _check_same_monitor(m, connection, before)
    m.report.before = before
    m.env.out("History facts before the migration:")
    for table, facts in before.items():
        m.env.out(f"  {table}: {facts.describe()}")
    return before


def _check_same_monitor(
    m: Migration, connection: Connection, before: Mapping[str, MonitorFacts]
) -> None:
    """The target API must read the very monitor the source API reads, or an import would
    take another object (or none)."""
    differing = []
    for table, facts in before.items():
        seen = read(m, connection, m.target, table)
        if seen is None:
            differing.append(f"  {table}: {api_name(m.target)} finds no monitor")
        elif facts.changes(seen):
            differing.append(f"  {table}: {'; '.join(facts.changes(seen))}")
    if differing:
        raise RefusedError(
            f"refusing to migrate stack '{m.name}': {api_name(m.target)} does not read "
            f"the same monitors as {api_name(m.source)}:\n"
            + "\n".join(differing)
            + "\nNothing was changed."
        )


def import_ids(
    m: Migration, connection: Connection, places: Mapping[str, Placement]
) -> dict[str, str]:
    """The import ID of each monitor still to import as the target type (a table UUID for
    the data quality type: looked up now)."""
    ids: dict[str, str] = {}
    for table, place in places.items():
        if place not in (Placement.SOURCE, Placement.REMOVED):
            continue
        full_name = m.settings.full_table_name(table)
        try:
            found = import_id(connection.client, m.target, full_name)
        except Exception as exc:
            raise _workspace_error(f"looking up the table {full_name}", m.target, exc) from None
        if found is None:
            raise RefusedError(
                f"refusing to migrate stack '{m.name}': the table {full_name} does not "
                "exist. Nothing was changed."
            )
        ids[table] = found
    return ids
