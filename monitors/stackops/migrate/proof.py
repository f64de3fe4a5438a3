"""Step 6 of `migrate`, the history proof: each monitor's facts read again through the new API must
equal those the journal kept from before (a changed dashboard or version means it was recreated)."""

from __future__ import annotations

from monitors.desired.backend import api_name, type_name
from monitors.errors import MonitorsError, OperationFailedError
from monitors.naming import migrate_command
from monitors.stackops.migrate.context import MigrateReport, Migration
from monitors.stackops.migrate.facts import open_connection, read


def prove(m: Migration) -> MigrateReport:
    """Step 6: the facts read again through the target API must equal the journal's."""
    journal = m.journal
    assert journal is not None
    out = m.env.out
    try:
        m.env.progress(f"history proof: reading each monitor again through {api_name(m.target)}")
        connection = open_connection(m)
        after = {t: read(m, connection, m.target, t) for t in m.tables}
    except KeyboardInterrupt:  # the stack is migrated: this is no "nothing changed" abort
        raise OperationFailedError(
            f"stack '{m.name}' is migrated to {api_name(m.target)}, but its history "
            "proof was interrupted before it read the monitors (it only reads). Run the same "
            f"command again to prove it: {migrate_command(m.name, m.target)} (the facts "
            f"from before are kept in {journal.path})."
        ) from None
    except MonitorsError as exc:
        raise OperationFailedError(
            f"stack '{m.name}' is migrated to {api_name(m.target)}, but the history "
            f"proof could not read the workspace: {exc}\nRun the same command again to "
            f"prove it: {migrate_command(m.name, m.target)} (the facts from before "
            f"are kept in {journal.path})."
        ) from None
    failed: list[str] = []
    now_through = api_name(m.target)
    out(f"History proof (facts read {journal.facts_read}, and now through {now_through}):")
    for table in m.tables:
        before, now = journal.before.get(table), after[table]
        if now is None:
            failed.append(table)
            out(f"  {table}: FAILED: {api_name(m.target)} finds no monitor")
            continue
        m.report.after[table] = now
        if before is None:
            out(f"  {table}: no facts from before to compare with ({now.describe()})")
            continue
        changes = before.changes(now)
        if changes:
            failed.append(table)
            out(f"  {table}: FAILED: {'; '.join(changes)}")
        else:
            out(f"  {table}: unchanged ({now.describe()})")
    if failed:
        raise OperationFailedError(
            f"the history proof failed for {', '.join(failed)} in stack '{m.name}': "
            "Databricks does not show the same monitor as before the migration (a changed "
            "dashboard or monitor_version means it was recreated, or reconfigured: see "
            "above). The stack is migrated; nothing more was changed. The facts from before "
            f"stay in {journal.path}; delete it once you have looked."
        )
    journal.delete()
    out(
        f"Stack '{m.name}' now deploys through {api_name(m.target)} "
        f"({type_name(m.target)}); every monitor kept its history."
    )
    return m.report
