"""The end of step 1 of `migrate`, the last thing before the first change: show the steps and ask,
then write the journal that a run stopped part-way needs (the facts and the restore point)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pulumi.automation import Deployment

from monitors.declared.backend import API_SETTING, MIGRATION_SETTING
from monitors.declared.settings import stack_file
from monitors.desired.backend import api_name, type_name
from monitors.errors import AbortedError, StackOpsError
from monitors.naming import CONFIG_NAMESPACE, stack_file_name
from monitors.stackops.common import ask_to_go_on
from monitors.stackops.migrate.context import Migration
from monitors.stackops.migrate.journal import Journal, journal_path
from monitors.stackops.migrate.placement import Dependent, Placement
from monitors.workspace.migration import MonitorFacts


def confirm_plan(
    m: Migration,
    places: Mapping[str, Placement],
    moving: Mapping[str, list[Dependent]],
    ids: Mapping[str, str],
    assume_yes: bool,
    confirm: Callable[[str], str],
) -> None:
    """Show the steps this run will take, and ask (the stack name where protected)."""
    out = m.env.out
    to_remove = [t for t, p in places.items() if p.holds_source]
    leaving = [d for t in to_remove for d in moving[t]]
    reimport = [d for deps in moving.values() for d in deps]
    out(
        f"Migrating stack '{m.name}' from {api_name(m.source)} "
        f"({type_name(m.source)}) to {api_name(m.target)} ({type_name(m.target)}). "
        "No monitor is deleted or recreated:"
    )
    if m.settings.api != m.target or m.settings.migrating_to != m.target:
        out(
            f"  1. write {CONFIG_NAMESPACE}:{API_SETTING}: {m.target} and "
            f"{CONFIG_NAMESPACE}:{MIGRATION_SETTING}: {m.target} to "
            f"{stack_file_name(m.name)}"
        )
    if to_remove:
        extra = f", with the {len(leaving)} resource(s) that depend on them" if leaving else ""
        out(
            f"  2. pulumi state remove: {', '.join(to_remove)} as {type_name(m.source)}"
            f"{extra} (the state only: nothing is deleted in Databricks)"
        )
    if ids or reimport:
        out(f"  3. pulumi import ({'protected' if m.settings.protect else 'not protected'}):")
        for table, found in ids.items():
            out(f"       {table} as {type_name(m.target)}, ID {found}")
        for dependent in reimport:
            out(f"       {dependent.name} ({dependent.type}), ID {dependent.id}")
    out(
        "  4. pulumi preview: the migration is refused, and the state and stack file put "
        "back, if it plans any replace, delete or create"
    )
    out(f"  5. pulumi up, then remove {CONFIG_NAMESPACE}:{MIGRATION_SETTING}")
    out(
        "  6. the history proof: monitor_version, dashboard and metric tables read again "
        "must be unchanged"
    )
    ask_to_go_on(
        m.name,
        protect=m.settings.protect,
        assume_yes=assume_yes,
        confirm=confirm,
        out=out,
    )


def keep_journal(
    m: Migration, checkpoint: Deployment, before: Mapping[str, MonitorFacts], fresh: bool
) -> None:
    """Write the journal, or stop with nothing changed: a journal that cannot be written is
    an error naming it, and one written by a run interrupted before its first change is
    taken back (it would otherwise block the next run as a leftover)."""
    first = m.journal is None
    path = journal_path(m.env.project_root, m.name)
    try:
        _write_journal(m, checkpoint, before, fresh)
    except OSError as exc:
        raise StackOpsError(
            f"cannot write the migration journal {path} ({exc.strerror or exc}); migrate keeps "
            "in it what a run that stops part-way needs. Make the project directory writable "
            "and run the same command again. Nothing was changed."
        ) from None
    except KeyboardInterrupt:
        if not first:  # a resumed migration: the report says where each monitor stands
            raise
        path.unlink(missing_ok=True)
        m.journal = None
        raise AbortedError(
            "aborted while the migration journal was written, before anything changed: the "
            "journal was taken back. Nothing was changed."
        ) from None


def _write_journal(
    m: Migration, checkpoint: Deployment, before: Mapping[str, MonitorFacts], fresh: bool
) -> None:
    """Keep what a later run needs before changing anything (the first run writes it)."""
    if m.journal is not None:
        m.journal.target = m.target
        for table, facts in before.items():  # a monitor enabled since: its facts from now
            m.journal.before.setdefault(table, facts)
        m.journal.save()
        return
    m.journal = Journal(
        path=journal_path(m.env.project_root, m.name),
        source=m.settings.api if fresh else m.source,
        target=m.target,
        stack_file=stack_file(m.name, m.env.project_root).read_text(encoding="utf-8"),
        checkpoint={"version": checkpoint.version, "deployment": checkpoint.deployment},
        before=dict(before),
        resumed=not fresh,
    )
    m.journal.save()
