"""Step 4 of `migrate`: the preview after the import. A replace, delete or create refuses the
migration and puts back the state (`pulumi stack import` of the restore point) and the stack file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pulumi.automation import CommandError

from monitors.atomic import write_bytes
from monitors.declared.settings import stack_file
from monitors.desired.backend import api_name
from monitors.errors import OperationFailedError, RefusedError
from monitors.naming import monitor_urn
from monitors.stackops.common import command_failure
from monitors.stackops.events import EventLog, ResourceChange, describe
from monitors.stackops.migrate.context import Migration, Stopped
from monitors.stackops.migrate.placement import unknown_to
from monitors.stackops.state_edit import export_checkpoint, import_checkpoint

# Steps a migration's preview or update must never plan: a monitor or alert would be recreated
# (history lost, or a second alert) or deleted.
FORBIDDEN = frozenset({"replace", "delete", "create"})


def preview(m: Migration) -> None:
    """Step 4: the preview after the import; any replace, delete or create refuses."""
    m.env.out(f"Previewing stack '{m.name}' on {api_name(m.target)}...")
    log = EventLog()
    try:
        m.run_step(
            f"the preview of stack '{m.name}'",
            lambda log: m.stack.preview(on_event=log),
            log,
        )
    except Stopped as stop:
        # A replace of a protected resource fails the preview, which still shows its steps
        # (step_generator.go continueStepsFromDiff): that is a refusal too.
        forbidden = [c for c in log.changes().values() if c.kind in FORBIDDEN]
        if forbidden and not stop.interrupted:
            refuse(m, forbidden)
        raise
    changes = log.changes()
    forbidden = [c for c in changes.values() if c.kind in FORBIDDEN]
    if forbidden:
        refuse(m, forbidden)
    updated = [c for c in changes.values() if c.kind == "update"]
    m.report.updated = [describe(c.urn) for c in updated]
    if updated:
        m.env.out("The preview plans these updates in place (nothing is recreated):")
        for change in updated:
            diffs = f" ({', '.join(change.diffs)})" if change.diffs else ""
            m.env.out(f"  {describe(change.urn)}: update{diffs}")
    else:
        m.env.out("The preview plans no change.")


def refuse(m: Migration, forbidden: Sequence[ResourceChange]) -> None:
    """Put everything back as the restore point has it, then refuse."""
    lines = [f"  {describe(c.urn)}: {c.kind}" for c in forbidden]
    headline = (
        f"refusing to migrate stack '{m.name}': after the import, the preview would "
        "recreate or delete (history lost, or a second copy made):\n" + "\n".join(lines)
    )
    journal = m.journal
    assert journal is not None
    try:
        now = export_checkpoint(m.stack)
        allowed = [monitor_urn(m.name, t, m.target) for t in m.tables]
        unknown = unknown_to(journal.restore_point, now, allowed)
        if unknown:
            raise OperationFailedError(
                headline + "\nThe state was NOT put back automatically: it now holds resources the "
                "restore point does not (" + ", ".join(unknown) + "), which putting it back "
                "would drop from the state. Nothing was deleted in Databricks. " + m.ways_on()
            )
        import_checkpoint(m.stack, journal.restore_point)
    except CommandError as exc:
        raise OperationFailedError(
            headline
            + "\n"
            + command_failure("putting the state back (`pulumi stack import`)", exc, None)
            + f"\nThe restore point is kept in {journal.path} (`checkpoint`). "
            + m.ways_on()
        ) from None
    path = put_back_stack_file(m, headline + "\nThe state was put back")
    journal.delete()
    raise RefusedError(
        headline + f"\nEverything was put back {journal.restore_point_taken}: the state (`pulumi "
        f"stack import`) and {path.name}. Nothing was deleted in Databricks. Make the preview "
        "clean (see `pulumi preview --diff` after the import) or stay on the current API."
    )


def put_back_stack_file(m: Migration, before: str) -> Path:
    """Write the journal's copy of the stack file back; OperationFailedError when that fails
    (the journal keeps the text)."""
    journal = m.journal
    assert journal is not None
    path = stack_file(m.name, m.env.project_root)
    try:
        write_bytes(path, journal.stack_file.encode("utf-8"))
    except OSError as exc:
        raise OperationFailedError(
            f"{before}, BUT {path} could not be written back ({exc}). Its text from before "
            f"the migration is in {journal.path} (`stack_file`): put it back by hand."
        ) from None
    return path
