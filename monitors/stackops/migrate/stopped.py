"""What `migrate` says when a step failed or was interrupted: where each monitor stands and how to
go on; when the state was not touched yet, the stack file is put back and nothing changed."""

from __future__ import annotations

from pulumi.automation import CommandError

from monitors.declared.backend import API_SETTING, MIGRATION_SETTING
from monitors.errors import AbortedError, MonitorsError, OperationFailedError, StackOpsError
from monitors.naming import CONFIG_NAMESPACE, stack_file_name
from monitors.stackops.migrate.context import Migration
from monitors.stackops.migrate.placement import Placement, live_urns
from monitors.stackops.migrate.preview import put_back_stack_file
from monitors.stackops.state_edit import export_checkpoint


def interrupted_again(m: Migration, headline: str) -> MonitorsError:
    """A stop whose report was interrupted in turn: how to go on all the same (the same command
    reads where each monitor stands)."""
    return OperationFailedError(
        f"{headline}\nYou interrupted again while migrate was reading where each monitor "
        f"stands, so it is not shown here (`pulumi stack export --stack {m.name}` shows the "
        f"state). Nothing was deleted in Databricks. {m.ways_on()}"
    )


def stopped(m: Migration, headline: str, fresh: bool, interrupted: bool) -> MonitorsError:
    """Where each monitor stands after a failed or interrupted step, and how to go on; when
    nothing was changed yet in the state, the stack file is put back too."""
    try:
        checkpoint = export_checkpoint(m.stack)
        places: dict[str, Placement] | None = m.locate(checkpoint, m.read_record()[1])
    except (CommandError, KeyboardInterrupt):
        places = None
    journal = m.journal
    if (
        fresh
        and places is not None
        and journal is not None
        and all(p is Placement.SOURCE for p in places.values())
        and live_urns(checkpoint) == live_urns(journal.restore_point)
    ):
        put_back_stack_file(m, f"{headline}\nThe state was not touched")
        journal.delete()
        kind = AbortedError if interrupted else StackOpsError
        return kind(
            f"{headline}\nNothing was changed: the state was not touched and "
            f"{stack_file_name(m.name)} was put back."
        )
    lines = [headline, "Where each monitor stands now:"]
    if places is None:
        lines.append(f"  (could not read the state: run `pulumi stack export --stack {m.name}`)")
    else:
        lines += [f"  {t}: {p.describe(m.target)}" for t, p in places.items()]
    lines.append(
        f"Nothing was deleted in Databricks. {stack_file_name(m.name)} says "
        f"{CONFIG_NAMESPACE}:{API_SETTING}: {m.target} and "
        f"{CONFIG_NAMESPACE}:{MIGRATION_SETTING}: {m.target} while the migration runs."
    )
    lines.append(m.ways_on())
    return OperationFailedError("\n".join(lines))
