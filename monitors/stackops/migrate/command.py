"""The `migrate` command: open the stack, then run the steps in order (see the package docstring);
a stop after the first change ends in the report of where each monitor stands (`stopped`)."""

from __future__ import annotations

from collections.abc import Callable

from monitors.desired.backend import api_name, type_name
from monitors.errors import StackOpsError
from monitors.naming import APIS
from monitors.stackops.common import Env, load, resolve_tables
from monitors.stackops.migrate.checks import (
    check_fresh,
    dependents_to_move,
    refuse_unsettled,
    resuming,
    stale_journal,
)
from monitors.stackops.migrate.context import MigrateReport, Migration, Stopped
from monitors.stackops.migrate.facts import facts_before, import_ids, open_connection
from monitors.stackops.migrate.journal import JournalError, load_journal
from monitors.stackops.migrate.placement import Placement
from monitors.stackops.migrate.preview import preview
from monitors.stackops.migrate.proof import prove
from monitors.stackops.migrate.start import confirm_plan, keep_journal
from monitors.stackops.migrate.state_move import move_state, write_config
from monitors.stackops.migrate.stopped import interrupted_again, stopped
from monitors.stackops.migrate.update import remove_marker, update
from monitors.stackops.pulumi_cli import open_stack


def migrate(
    stack_name: str,
    target: str,
    *,
    assume_yes: bool = False,
    confirm: Callable[[str], str] = input,
    env: Env | None = None,
) -> MigrateReport:
    """Move every enabled monitor of the stack to the `target` API, keeping each monitor.

    Raises RefusedError (nothing changed, or everything put back) when a check or the preview
    shows what a migration must not do, OperationFailedError when a step failed part-way (the
    message says where each monitor stands and how to continue) or the history proof failed.
    """
    env = env or Env()
    if target not in APIS:
        raise StackOpsError(f"--to must be one of {', '.join(APIS)}, not {target!r}")
    project = load(stack_name, env, every_table=True, by_name=False)
    tables = resolve_tables(stack_name, project, None, env)
    stack = open_stack(stack_name, env.project_root, env.pulumi_root)
    return run(Migration(stack_name, stack, project, env, target, tables), assume_yes, confirm)


def run(m: Migration, assume_yes: bool, confirm: Callable[[str], str]) -> MigrateReport:
    """The steps in order (the package docstring says what each does); a stop after the first
    change becomes the report of where each monitor stands."""
    out = m.env.out
    m.journal = load_journal(m.env.project_root, m.name)
    fresh = m.settings.migrating_to is None and m.settings.api != m.target
    if fresh and m.journal is not None:
        raise JournalError(stale_journal(m))
    checkpoint = m.export("reading the stack's state")
    outputs, record = m.read_record()
    if record.problem is not None:
        raise StackOpsError(
            f"cannot read stack '{m.name}''s record of its last update: {record.problem}. "
            "Nothing was changed."
        )
    places = m.locate(checkpoint, record)
    m.report.placements = places
    recorded = all(p is Placement.RECORDED for p in places.values())
    if recorded and m.settings.migrating_to is None:
        return already_there(m)
    refuse_unsettled(m, places)
    if fresh:
        check_fresh(m, places)
    else:
        out(resuming(m, places))
    moving = dependents_to_move(m, places, checkpoint, outputs)
    connection = open_connection(m)
    before = facts_before(m, connection, fresh)
    ids = import_ids(m, connection, places)
    if not recorded:
        confirm_plan(m, places, moving, ids, assume_yes, confirm)
    try:
        # In the try: an interrupt just after the journal is written is reported as a stop
        # (which takes a first journal back when nothing else changed).
        keep_journal(m, checkpoint, before, fresh)
        if not recorded:
            write_config(m)
            move_state(m, places, moving, ids, checkpoint)
            preview(m)
            update(m)
        remove_marker(m)
    except (Stopped, KeyboardInterrupt) as stop:
        if isinstance(stop, Stopped):
            headline, interrupted = stop.headline, stop.interrupted
        else:
            headline = f"the migration of stack '{m.name}' was interrupted."
            interrupted = True
        try:  # here, not in stopped(): an interrupt may come as it is called
            error = stopped(m, headline, fresh, interrupted)
        except KeyboardInterrupt:
            error = interrupted_again(m, headline)
        raise error from None
    return prove(m)


def already_there(m: Migration) -> MigrateReport:
    """Every monitor is recorded on the target: nothing to do, or only the proof left."""
    out = m.env.out
    if m.journal is None:
        out(
            f"Stack '{m.name}' already deploys every monitor through "
            f"{api_name(m.target)} ({type_name(m.target)}): nothing to migrate."
        )
        m.report.nothing_to_do = True
        return m.report
    out(
        f"Stack '{m.name}' is migrated to {api_name(m.target)}; the history proof of "
        f"the migration started {m.journal.started} has not passed yet: running it."
    )
    return prove(m)
