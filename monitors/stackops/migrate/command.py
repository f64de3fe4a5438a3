"""`migrate`: move a stack's monitors to the other monitor API without deleting one.

A table has one monitor, which both APIs read, but Pulumi holds it as a resource of one type
(`databricks.QualityMonitor` or `databricks.DataQualityMonitor`); registering it as the other
type would create a second and delete the first. So migrate changes the state, never the cloud:

0. checks: the CLI, the stack, every enabled monitor in the state as the source type and
   settled, the preview planning no change, credentials that reach the workspace;
1. reads each monitor's history facts through both APIs (they must agree: one monitor) and the
   import IDs, shows the plan and asks (the stack name in a protected stack), then writes the
   journal (`monitors.stackops.migrate.journal`: the facts and the restore point);
2. writes `lakehouse-monitors:api` and `lakehouse-monitors:migratingTo` (the backend guard's
   contract, `monitors.desired.backend`);
3. `pulumi state remove` of the old resources (with `--force` where protected, and
   `--target-dependents` for the alerts that depend on them: they leave the state with their
   monitor, and stay in Databricks), then one `pulumi import` of the same monitors as the target
   type and of those alerts by their IDs (`monitors.stackops.state_edit`);
4. `pulumi preview`: any replace, delete or create refuses the migration and puts the state and
   the stack file back exactly (`pulumi stack import` of the restore point);
5. `pulumi up` (the program records each monitor on the new backend), then removes
   `migratingTo`;
6. the history proof: the facts read again through the new API must be unchanged.
Run again after a failure or an interrupt, it reads where each monitor stands
(`monitors.stackops.migrate.placement`) and continues; `--to` the other API goes back the same way.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi.automation import CommandError, ConfigValue, Deployment, Stack, UpResult
from pulumi.automation._stack import ImportResource

from monitors.desired.backend import api_name, type_name
from monitors.desired.record import read_last_deployment
from monitors.errors import (
    AbortedError,
    MonitorsError,
    OperationFailedError,
    RefusedError,
    StackOpsError,
)
from monitors.naming import (
    APIS,
    CONFIG_NAMESPACE,
    migrate_command,
    monitor_urn,
    resource_name,
    resource_type,
    short_stack,
    stack_file_name,
)
from monitors.spec.backend import API_SETTING, MIGRATION_SETTING
from monitors.spec.project import Project
from monitors.spec.settings import stack_file
from monitors.stackops.common import Env, cli_stderr, command_failure, load, resolve_tables
from monitors.stackops.events import EventLog, ResourceChange, describe
from monitors.stackops.interrupt import run_interruptibly
from monitors.stackops.migrate.journal import Journal, JournalError, journal_path, load_journal
from monitors.stackops.migrate.placement import (
    Dependent,
    Placement,
    dependents,
    live_urns,
    not_reimportable,
    other_api,
    placements,
    recorded_alerts,
    recorded_on,
    unknown_to,
)
from monitors.stackops.provider_settings import stack_provider_settings
from monitors.stackops.pulumi_cli import open_stack
from monitors.stackops.reasons import LastRecord
from monitors.stackops.state_edit import (
    export_checkpoint,
    import_checkpoint,
    import_into_state,
    read_outputs,
    remove_from_state,
)
from monitors.workspace.client import (
    VERIFY_LIMITS,
    Connection,
    Deadline,
    connect,
    describe_error,
    is_unreachable,
)
from monitors.workspace.credentials import ProviderSettings
from monitors.workspace.migration import MonitorFacts, import_id, read_facts

# Steps a migration's preview or update must never plan: a monitor or alert would be recreated
# (history lost, or a second alert) or deleted.
FORBIDDEN = frozenset({"replace", "delete", "create"})
QUIET = frozenset({"same", "read"})


@dataclass
class MigrateReport:
    """What a migrate run found and did."""

    stack: str
    source: str
    target: str
    placements: dict[str, Placement] = field(default_factory=dict)
    updated: list[str] = field(default_factory=list)  # changed in place by the update
    before: dict[str, MonitorFacts] = field(default_factory=dict)
    after: dict[str, MonitorFacts] = field(default_factory=dict)
    nothing_to_do: bool = False


class _Stopped(Exception):
    """A step stopped (a CLI command failed or was interrupted); `headline` says which."""

    def __init__(self, headline: str, *, interrupted: bool = False) -> None:
        super().__init__(headline)
        self.headline = headline
        self.interrupted = interrupted


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
    project = load(stack_name, env)
    tables = resolve_tables(stack_name, project, None, env)
    stack = open_stack(stack_name, env.project_root, env.pulumi_root)
    return Migration(stack_name, stack, project, env, target, tables).run(assume_yes, confirm)


class Migration:
    """One run of `migrate` on one stack (see the module docstring for the steps)."""

    def __init__(
        self,
        stack_name: str,
        stack: Stack,
        project: Project,
        env: Env,
        target: str,
        tables: Sequence[str],
    ) -> None:
        self.name = short_stack(stack_name)
        self.stack = stack
        self.project = project
        self.env = env
        self.target = target
        self.source = other_api(target)
        self.tables = list(tables)
        self.settings = project.settings
        self.journal: Journal | None = None
        self.credentials: ProviderSettings | None = None
        self.report = MigrateReport(self.name, self.source, target)

    # ------------------------------------------------------------------ the run

    def run(self, assume_yes: bool, confirm: Callable[[str], str]) -> MigrateReport:
        out = self.env.out
        self.journal = load_journal(self.env.project_root, self.name)
        fresh = self.settings.migrating_to is None and self.settings.api != self.target
        if fresh and self.journal is not None:
            raise JournalError(self._stale_journal())
        checkpoint = self._export("reading the stack's state")
        outputs, record = self._read_outputs()
        if record.problem is not None:
            raise StackOpsError(
                f"cannot read stack '{self.name}''s record of its last update: {record.problem}. "
                "Nothing was changed."
            )
        places = self._placements(checkpoint, record)
        self.report.placements = places
        recorded = all(p is Placement.RECORDED for p in places.values())
        if recorded and self.settings.migrating_to is None:
            return self._already_there()
        self._refuse_unsettled(places)
        if fresh:
            self._check_fresh(places)
        else:
            out(self._resuming(places))
        moving = self._dependents(places, checkpoint, outputs)
        connection = self._connect()
        before = self._before(connection, fresh)
        ids = self._import_ids(connection, places)
        if not recorded:
            self._confirm(places, moving, ids, assume_yes, confirm)
        self._keep_journal(checkpoint, before, fresh)
        try:
            if not recorded:
                self._write_config()
                self._move_state(places, moving, ids, checkpoint)
                self._preview()
                self._update()
            self._remove_marker()
        except (_Stopped, KeyboardInterrupt) as stop:
            if isinstance(stop, _Stopped):
                headline, interrupted = stop.headline, stop.interrupted
            else:
                headline = f"the migration of stack '{self.name}' was interrupted."
                interrupted = True
            raise self._stopped(headline, fresh, interrupted) from None
        return self._prove()

    # ------------------------------------------------------------------ step 0: checks

    def _export(self, action: str) -> Deployment:
        try:
            return export_checkpoint(self.stack)
        except CommandError as exc:
            raise OperationFailedError(
                command_failure(f"{action} of stack '{self.name}'", exc, None)
                + "\nNothing was changed."
            ) from None

    def _read_outputs(self) -> tuple[dict[str, Any], LastRecord]:
        """The stack outputs as plain values, and the record the program reads from them."""
        try:
            outputs = read_outputs(self.stack)
        except CommandError as exc:
            problem = f"`pulumi stack output` failed: {cli_stderr(exc)}"
            return {}, LastRecord(problem=problem)
        try:
            return outputs, LastRecord(read_last_deployment(outputs))
        except MonitorsError as exc:
            return outputs, LastRecord(problem=str(exc))

    def _placements(self, checkpoint: Deployment, record: LastRecord) -> dict[str, Placement]:
        return placements(checkpoint, self.name, self.tables, self.target, record.deployment)

    def _stale_journal(self) -> str:
        journal = self.journal
        assert journal is not None
        return (
            f"a migration journal of stack '{self.name}' is in {journal.path} (from "
            f"{journal.source} to {journal.target}, started {journal.started}), but the stack is "
            "not migrating: that migration was put back, or finished without its history proof "
            "passing. Read it (it holds the monitors' facts from before), then delete it to start "
            "a new migration. Nothing was changed."
        )

    def _already_there(self) -> MigrateReport:
        out = self.env.out
        if self.journal is None:
            out(
                f"Stack '{self.name}' already deploys every monitor through "
                f"{api_name(self.target)} ({type_name(self.target)}): nothing to migrate."
            )
            self.report.nothing_to_do = True
            return self.report
        out(
            f"Stack '{self.name}' is migrated to {api_name(self.target)}; the history proof of "
            f"the migration started {self.journal.started} has not passed yet: running it."
        )
        return self._prove()

    def _refuse_unsettled(self, places: Mapping[str, Placement]) -> None:
        unsettled = [t for t, p in places.items() if p is Placement.UNSETTLED]
        if unsettled:
            raise RefusedError(
                f"refusing to migrate stack '{self.name}': an earlier update left these monitors "
                f"pending: {', '.join(unsettled)}. Finish it first (`pulumi up --stack "
                f"{self.name}`, or `python -m monitors reset` for an unfinished reset; `pulumi "
                "stack export` shows the pending operation), then run the migration again. "
                "Nothing was changed."
            )

    def _check_fresh(self, places: Mapping[str, Placement]) -> None:
        """A migration starts only from a stack whose monitors are all deployed as the source
        type and whose preview plans nothing: its update must change nothing else."""
        misplaced = {t: p for t, p in places.items() if p is not Placement.SOURCE}
        if misplaced:
            lines = [
                f"  {t}: "
                + ("not in the state" if p is Placement.REMOVED else p.describe(self.target))
                for t, p in misplaced.items()
            ]
            raise RefusedError(
                f"refusing to migrate stack '{self.name}': {CONFIG_NAMESPACE}:api is "
                f"'{self.source}', so every enabled monitor must be in the state as "
                f"{type_name(self.source)}, and these are not:\n"
                + "\n".join(lines)
                + f"\nDeploy them first (`pulumi up --stack {self.name}`), or adopt existing "
                "ones (`python -m monitors adopt`). Nothing was changed."
            )
        self.env.out(f"Checking that stack '{self.name}' has no pending change (pulumi preview)...")
        try:
            log = self._run(
                f"the preview of stack '{self.name}'", lambda log: self.stack.preview(on_event=log)
            )
        except _Stopped as stop:
            raise OperationFailedError(f"{stop.headline}\nNothing was changed.") from None
        pending = [c for c in log.changes().values() if c.kind not in QUIET]
        if pending:
            lines = [f"  {describe(c.urn)}: {c.kind}" for c in pending]
            raise RefusedError(
                f"refusing to migrate stack '{self.name}': its preview plans changes the "
                "migration's update would apply too:\n"
                + "\n".join(lines)
                + f"\nApply them first (`pulumi up --stack {self.name}`) or revert them, so the "
                "migration changes nothing but the monitors' type. Nothing was changed."
            )

    def _resuming(self, places: Mapping[str, Placement]) -> str:
        if self.settings.migrating_to is not None:
            headline = f"Continuing the migration of stack '{self.name}' to {api_name(self.target)}"
        else:  # no migration was started: the stack file says `api` alone, the state disagrees
            headline = (
                f"Stack '{self.name}' is set to {api_name(self.target)}, but its state does not "
                "have every monitor there yet: moving the rest"
            )
        lines = [f"{headline}; where each monitor stands:"]
        lines += [f"  {t}: {p.describe(self.target)}" for t, p in places.items()]
        if self.journal is None:
            lines.append(
                f"The journal of the first run ({journal_path(self.env.project_root, self.name)})"
                " is missing: the history proof compares with facts read now, and a refusal "
                "puts back the state as this run found it."
            )
        return "\n".join(lines)

    def _dependents(
        self, places: Mapping[str, Placement], checkpoint: Deployment, outputs: Mapping[str, Any]
    ) -> dict[str, list[Dependent]]:
        """Per table, the resources to import again with its monitor: those that depend on its
        old resource (`state remove --target-dependents` takes them out with it), or that an
        earlier run took out and did not import back. Refuses what could not come back."""
        restore = self.journal.restore_point if self.journal else checkpoint
        live = live_urns(checkpoint)
        found: dict[str, list[Dependent]] = {}
        problems: list[str] = []
        for table, place in places.items():
            old = monitor_urn(self.name, table, self.source)
            if place in (Placement.SOURCE, Placement.BOTH):
                raw = dependents(checkpoint, old)
            else:
                raw = dependents(restore, old) or dependents(
                    restore, monitor_urn(self.name, table, self.target)
                )
                raw = [r for r in raw if r["urn"] not in live]
            for resource in raw:
                why = not_reimportable(resource, self.name)
                if why:
                    problems.append(f"  {resource['urn']} depends on monitor {table}, but {why}")
            moving = [Dependent.of(r) for r in raw]
            if not raw and place is not Placement.SOURCE and self.journal is None:
                moving = [
                    d for d in recorded_alerts(outputs, self.name, table) if d.urn not in live
                ]
            found[table] = moving
        if problems:
            raise RefusedError(
                f"refusing to migrate stack '{self.name}': `pulumi state remove` takes the "
                "resources that depend on a monitor out of the state with it, and migrate could "
                "not import these back:\n" + "\n".join(problems) + "\nNothing was changed."
            )
        return found

    # ------------------------------------------------------------------ step 1: the workspace

    def _connect(self) -> Connection:
        """A client with the provider's credentials, and a fresh time budget for this step."""
        if self.credentials is None:
            self.credentials = stack_provider_settings(
                self.name, self.env.project_root, self.env.pulumi_root, opened=self.stack
            )
        settings = self.credentials
        connection = connect(settings, VERIFY_LIMITS, Deadline(VERIFY_LIMITS.total_s))
        for line in connection.sources:
            self.env.out(f"Workspace: {line}")
        return connection

    def _read(self, connection: Connection, api: str, table: str) -> MonitorFacts | None:
        full_name = self.settings.full_table_name(table)
        try:
            return read_facts(connection.client, api, full_name)
        except MonitorsError:
            raise
        except Exception as exc:  # the SDK's errors, a dropped connection, a spent budget
            raise self._workspace_error(f"reading the monitor of {full_name}", api, exc) from None

    def _workspace_error(self, action: str, api: str, exc: Exception) -> MonitorsError:
        message = f"{action} through {api_name(api)} failed: {describe_error(exc)}"
        if is_unreachable(exc):
            return OperationFailedError(message)
        return StackOpsError(message)

    def _before(self, connection: Connection, fresh: bool) -> dict[str, MonitorFacts]:
        """The facts the proof compares with: the journal's, else read now (through the source
        API on a fresh migration, which the target API must then read alike)."""
        known = self.journal.before if self.journal is not None else {}
        api = self.source if fresh else self.target
        before: dict[str, MonitorFacts] = {}
        missing = []
        for table in self.tables:
            facts = known.get(table) or self._read(connection, api, table)
            if facts is None:
                missing.append(table)
            else:
                before[table] = facts
        if missing:
            raise RefusedError(
                f"refusing to migrate stack '{self.name}': {api_name(api)} finds no monitor on "
                f"the table of {', '.join(missing)}. Nothing was changed."
            )
        if fresh:
            self._check_same_monitor(connection, before)
        self.report.before = before
        self.env.out("History facts before the migration:")
        for table, facts in before.items():
            self.env.out(f"  {table}: {facts.describe()}")
        return before

    def _check_same_monitor(
        self, connection: Connection, before: Mapping[str, MonitorFacts]
    ) -> None:
        """The target API must read the very monitor the source API reads, or an import would
        take another object (or none)."""
        differing = []
        for table, facts in before.items():
            seen = self._read(connection, self.target, table)
            if seen is None:
                differing.append(f"  {table}: {api_name(self.target)} finds no monitor")
            elif facts.changes(seen):
                differing.append(f"  {table}: {'; '.join(facts.changes(seen))}")
        if differing:
            raise RefusedError(
                f"refusing to migrate stack '{self.name}': {api_name(self.target)} does not read "
                f"the same monitors as {api_name(self.source)}:\n"
                + "\n".join(differing)
                + "\nNothing was changed."
            )

    def _import_ids(
        self, connection: Connection, places: Mapping[str, Placement]
    ) -> dict[str, str]:
        """The import ID of each monitor still to import as the target type (a table UUID for
        the data quality type: looked up now)."""
        ids: dict[str, str] = {}
        for table, place in places.items():
            if place not in (Placement.SOURCE, Placement.REMOVED):
                continue
            full_name = self.settings.full_table_name(table)
            try:
                found = import_id(connection.client, self.target, full_name)
            except Exception as exc:
                raise self._workspace_error(
                    f"looking up the table {full_name}", self.target, exc
                ) from None
            if found is None:
                raise RefusedError(
                    f"refusing to migrate stack '{self.name}': the table {full_name} does not "
                    "exist. Nothing was changed."
                )
            ids[table] = found
        return ids

    def _confirm(
        self,
        places: Mapping[str, Placement],
        moving: Mapping[str, list[Dependent]],
        ids: Mapping[str, str],
        assume_yes: bool,
        confirm: Callable[[str], str],
    ) -> None:
        out = self.env.out
        to_remove = [t for t, p in places.items() if p in (Placement.SOURCE, Placement.BOTH)]
        leaving = [d for t in to_remove for d in moving[t]]
        reimport = [d for deps in moving.values() for d in deps]
        out(
            f"Migrating stack '{self.name}' from {api_name(self.source)} "
            f"({type_name(self.source)}) to {api_name(self.target)} ({type_name(self.target)}). "
            "No monitor is deleted or recreated:"
        )
        if self.settings.api != self.target or self.settings.migrating_to != self.target:
            out(
                f"  1. write {CONFIG_NAMESPACE}:{API_SETTING}: {self.target} and "
                f"{CONFIG_NAMESPACE}:{MIGRATION_SETTING}: {self.target} to "
                f"{stack_file_name(self.name)}"
            )
        if to_remove:
            extra = f", with the {len(leaving)} resource(s) that depend on them" if leaving else ""
            out(
                f"  2. pulumi state remove: {', '.join(to_remove)} as {type_name(self.source)}"
                f"{extra} (the state only: nothing is deleted in Databricks)"
            )
        if ids or reimport:
            out(
                f"  3. pulumi import ({'protected' if self.settings.protect else 'not protected'}):"
            )
            for table, found in ids.items():
                out(f"       {table} as {type_name(self.target)}, ID {found}")
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
        if assume_yes:
            out("--yes given: not asking for confirmation.")
            return
        if self.settings.protect:
            answer = confirm(
                f"Monitors are protected in stack '{self.name}'. Type the stack name to go on: "
            )
            if answer.strip() != self.name:
                raise AbortedError(
                    f"aborted: you typed {answer.strip()!r}, not {self.name!r}. Nothing was "
                    "changed."
                )
            return
        if confirm("Go on? [y/N] ").strip().lower() not in ("y", "yes"):
            raise AbortedError("aborted. Nothing was changed.")

    def _keep_journal(
        self, checkpoint: Deployment, before: Mapping[str, MonitorFacts], fresh: bool
    ) -> None:
        """Write the journal, or stop with nothing changed: a journal that cannot be written is
        an error naming it, and one written by a run interrupted before its first change is
        taken back (it would otherwise block the next run as a leftover)."""
        first = self.journal is None
        path = journal_path(self.env.project_root, self.name)
        try:
            self._write_journal(checkpoint, before, fresh)
        except OSError as exc:
            raise StackOpsError(
                f"cannot write the migration journal {path} ({exc.strerror or exc}); migrate keeps "
                "in it what a run that stops part-way needs. Make the project directory writable "
                "and run the same command again. Nothing was changed."
            ) from None
        except KeyboardInterrupt:
            if first:
                path.unlink(missing_ok=True)
                self.journal = None
            raise

    def _write_journal(
        self, checkpoint: Deployment, before: Mapping[str, MonitorFacts], fresh: bool
    ) -> None:
        """Keep what a later run needs before changing anything (the first run writes it)."""
        if self.journal is not None:
            self.journal.target = self.target
            for table, facts in before.items():  # a monitor enabled since: its facts from now
                self.journal.before.setdefault(table, facts)
            self.journal.save()
            return
        self.journal = Journal(
            path=journal_path(self.env.project_root, self.name),
            source=self.settings.api if fresh else self.source,
            target=self.target,
            stack_file=stack_file(self.name, self.env.project_root).read_text(encoding="utf-8"),
            checkpoint={"version": checkpoint.version, "deployment": checkpoint.deployment},
            before=dict(before),
            resumed=not fresh,
        )
        self.journal.save()

    # ------------------------------------------------------------------ steps 2 and 3

    def _run(
        self, action: str, work: Callable[[EventLog], object], log: EventLog | None = None
    ) -> EventLog:
        """Run one CLI command through interrupts (`stackops.interrupt`), its engine events going
        to `log`; _Stopped when it failed, was interrupted, or the user stopped waiting for it."""
        if log is None:
            log = EventLog()

        def on_interrupt(count: int) -> None:
            self.env.out(
                f"\nInterrupted. Waiting for Pulumi to end {action}, to tell you where each "
                "monitor stands (interrupt again to stop waiting)..."
            )

        waited = run_interruptibly(lambda: work(log), on_interrupt)
        error = waited.error
        if error is not None and not isinstance(error, CommandError):
            raise error
        if not waited.finished:
            raise _Stopped(
                f"{action} was interrupted and you stopped waiting for Pulumi: it may still be "
                "running, so what follows is the state as last saved. Wait until no `pulumi` "
                f"process runs for stack '{self.name}' before you continue.",
                interrupted=True,
            )
        if waited.interrupted:
            errors = log.errors()
            detail = "".join(f"\n  {e}" for e in errors)
            raise _Stopped(f"{action} was interrupted.{detail}", interrupted=True)
        if isinstance(error, CommandError):
            raise _Stopped(command_failure(action, error, log))
        return log

    def _write_config(self) -> None:
        """Step 2: `api` and `migratingTo` in one write of the stack file (`pulumi config
        set-all`), so it never holds one without the other (settings refuse a `migratingTo`
        other than `api`)."""
        marker = f"{CONFIG_NAMESPACE}:{MIGRATION_SETTING}"
        if self.settings.api != self.target or self.settings.migrating_to != self.target:
            values = {
                API_SETTING: ConfigValue(self.target),
                MIGRATION_SETTING: ConfigValue(self.target),
            }
            self._run(
                f"writing {CONFIG_NAMESPACE}:{API_SETTING} and {marker}",
                lambda _: self.stack.set_all_config(values),
            )
        self.env.out(
            f"Wrote {CONFIG_NAMESPACE}:{API_SETTING} and {marker}: {self.target} to "
            f"{stack_file_name(self.name)}."
        )

    def _move_state(
        self,
        places: Mapping[str, Placement],
        moving: Mapping[str, list[Dependent]],
        ids: Mapping[str, str],
        checkpoint: Deployment,
    ) -> None:
        """Step 3: take the old resources out of the state, then import the same monitors (and
        the resources that left with them) as they are in Databricks."""
        to_remove = [t for t, p in places.items() if p in (Placement.SOURCE, Placement.BOTH)]
        if to_remove:
            urns = [monitor_urn(self.name, t, self.source) for t in to_remove]
            removed = {str(r["urn"]): r for r in _resources(checkpoint) if r["urn"] in urns}
            protected = any(r.get("protect") for r in removed.values()) or any(
                d.protect for t in to_remove for d in moving[t]
            )
            with_dependents = any(moving[t] for t in to_remove)
            self._run(
                "`pulumi state remove`",
                lambda _: remove_from_state(
                    self.stack, urns, force=protected, target_dependents=with_dependents
                ),
            )
            self.env.out(
                f"Removed from the state (nothing deleted in Databricks): {', '.join(to_remove)}"
                + (" and the alerts that depend on them." if with_dependents else ".")
            )
        version = importlib.metadata.version("pulumi_databricks")
        specs: list[ImportResource] = [
            {
                "type": resource_type(self.target),
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
            self._run(
                "`pulumi import`",
                lambda _: import_into_state(self.stack, specs, protect=self.settings.protect),
            )
            others = len(specs) - len(ids)
            with_them = f"; and {others} resource(s) that depend on them" if others else ""
            self.env.out(
                f"Imported as {type_name(self.target)}: {', '.join(ids) or 'none'}{with_them}."
            )

    # ------------------------------------------------------------------ step 4: the preview

    def _preview(self) -> None:
        self.env.out(f"Previewing stack '{self.name}' on {api_name(self.target)}...")
        log = EventLog()
        try:
            self._run(
                f"the preview of stack '{self.name}'",
                lambda log: self.stack.preview(on_event=log),
                log,
            )
        except _Stopped as stop:
            # A replace of a protected resource fails the preview, which still shows its steps
            # (step_generator.go continueStepsFromDiff): that is a refusal too.
            forbidden = [c for c in log.changes().values() if c.kind in FORBIDDEN]
            if forbidden and not stop.interrupted:
                self._refuse(forbidden)
            raise
        changes = log.changes()
        forbidden = [c for c in changes.values() if c.kind in FORBIDDEN]
        if forbidden:
            self._refuse(forbidden)
        updated = [c for c in changes.values() if c.kind == "update"]
        self.report.updated = [describe(c.urn) for c in updated]
        if updated:
            self.env.out("The preview plans these updates in place (nothing is recreated):")
            for change in updated:
                diffs = f" ({', '.join(change.diffs)})" if change.diffs else ""
                self.env.out(f"  {describe(change.urn)}: update{diffs}")
        else:
            self.env.out("The preview plans no change.")

    def _refuse(self, forbidden: Sequence[ResourceChange]) -> None:
        """Put everything back as the restore point has it, then refuse."""
        lines = [f"  {describe(c.urn)}: {c.kind}" for c in forbidden]
        headline = (
            f"refusing to migrate stack '{self.name}': after the import, the preview would "
            "recreate or delete (history lost, or a second copy made):\n" + "\n".join(lines)
        )
        journal = self.journal
        assert journal is not None
        try:
            now = export_checkpoint(self.stack)
            allowed = [monitor_urn(self.name, t, self.target) for t in self.tables]
            unknown = unknown_to(journal.restore_point, now, allowed)
            if unknown:
                raise OperationFailedError(
                    headline
                    + "\nThe state was NOT put back automatically: it now holds resources the "
                    "restore point does not (" + ", ".join(unknown) + "), which putting it back "
                    "would drop from the state. Nothing was deleted in Databricks. "
                    + self._ways_on()
                )
            import_checkpoint(self.stack, journal.restore_point)
        except CommandError as exc:
            raise OperationFailedError(
                headline
                + "\n"
                + command_failure("putting the state back (`pulumi stack import`)", exc, None)
                + f"\nThe restore point is kept in {journal.path} (`checkpoint`). "
                + self._ways_on()
            ) from None
        path = self._put_back_stack_file(headline + "\nThe state was put back")
        journal.delete()
        raise RefusedError(
            headline
            + f"\nEverything was put back {journal.restore_point_taken}: the state (`pulumi "
            f"stack import`) and {path.name}. Nothing was deleted in Databricks. Make the preview "
            "clean (see `pulumi preview --diff` after the import) or stay on the current API."
        )

    def _put_back_stack_file(self, before: str) -> Path:
        """Write the journal's copy of the stack file back; OperationFailedError when that fails
        (the journal keeps the text)."""
        journal = self.journal
        assert journal is not None
        path = stack_file(self.name, self.env.project_root)
        try:
            path.write_text(journal.stack_file, encoding="utf-8")
        except OSError as exc:
            raise OperationFailedError(
                f"{before}, BUT {path} could not be written back ({exc}). Its text from before "
                f"the migration is in {journal.path} (`stack_file`): put it back by hand."
            ) from None
        return path

    # ------------------------------------------------------------------ step 5: the update

    def _update(self) -> None:
        self.env.out(f"Updating stack '{self.name}' (pulumi up)...")
        results: list[UpResult] = []
        log = self._run(
            f"the migration's update of stack '{self.name}'",
            lambda log: results.append(self.stack.up(on_event=log)),
        )
        done = [
            c
            for c in log.changes().values()
            if {"create", "delete", "delete-replaced", "create-replacement"} & set(c.completed)
        ]
        if done:
            raise OperationFailedError(
                f"the migration's update of stack '{self.name}' created or deleted resources its "
                "preview did not plan:\n"
                + "\n".join(f"  {describe(c.urn)}: {c.kind}" for c in done)
                + "\nSomething changed between the preview and the update. "
                + self._ways_on()
            )
        outputs = {k: v.value for k, v in results[0].outputs.items()}
        try:
            last = read_last_deployment(outputs)
        except MonitorsError as exc:
            raise _Stopped(
                f"the migration's update of stack '{self.name}' succeeded, but its record cannot "
                f"be read: {exc}"
            ) from None
        missing = [t for t in self.tables if not recorded_on(last, t, self.target)]
        if missing:
            raise _Stopped(
                f"the migration's update of stack '{self.name}' succeeded, but its record does "
                f"not show {', '.join(missing)} on {api_name(self.target)}."
            )
        self.report.placements = dict.fromkeys(self.tables, Placement.RECORDED)
        self.env.out(f"Every monitor is recorded on {api_name(self.target)}.")

    def _remove_marker(self) -> None:
        self._run(
            f"removing {CONFIG_NAMESPACE}:{MIGRATION_SETTING}",
            lambda _: self.stack.remove_config(MIGRATION_SETTING),
        )
        self.env.out(
            f"Removed {CONFIG_NAMESPACE}:{MIGRATION_SETTING} from {stack_file_name(self.name)}."
        )

    # ------------------------------------------------------------------ step 6: the proof

    def _prove(self) -> MigrateReport:
        journal = self.journal
        assert journal is not None
        out = self.env.out
        try:
            connection = self._connect()
            after = {t: self._read(connection, self.target, t) for t in self.tables}
        except KeyboardInterrupt:  # the stack is migrated: this is no "nothing changed" abort
            raise OperationFailedError(
                f"stack '{self.name}' is migrated to {api_name(self.target)}, but its history "
                "proof was interrupted before it read the monitors (it only reads). Run the same "
                f"command again to prove it: {migrate_command(self.name, self.target)} (the facts "
                f"from before are kept in {journal.path})."
            ) from None
        except MonitorsError as exc:
            raise OperationFailedError(
                f"stack '{self.name}' is migrated to {api_name(self.target)}, but the history "
                f"proof could not read the workspace: {exc}\nRun the same command again to "
                f"prove it: {migrate_command(self.name, self.target)} (the facts from before "
                f"are kept in {journal.path})."
            ) from None
        failed: list[str] = []
        now_through = api_name(self.target)
        out(f"History proof (facts read {journal.facts_read}, and now through {now_through}):")
        for table in self.tables:
            before, now = journal.before.get(table), after[table]
            if now is None:
                failed.append(table)
                out(f"  {table}: FAILED: {api_name(self.target)} finds no monitor")
                continue
            self.report.after[table] = now
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
                f"the history proof failed for {', '.join(failed)} in stack '{self.name}': "
                "Databricks does not show the same monitor as before the migration (a changed "
                "dashboard or monitor_version means it was recreated, or reconfigured: see "
                "above). The stack is migrated; nothing more was changed. The facts from before "
                f"stay in {journal.path}; delete it once you have looked."
            )
        journal.delete()
        out(
            f"Stack '{self.name}' now deploys through {api_name(self.target)} "
            f"({type_name(self.target)}); every monitor kept its history."
        )
        return self.report

    # ------------------------------------------------------------------ failure reports

    def _ways_on(self) -> str:
        return (
            "Do not run `pulumi up` by hand until the migration is finished. To continue from "
            f"here, run the same command again: {migrate_command(self.name, self.target)}; to go "
            f"back instead: {migrate_command(self.name, self.source)}."
        )

    def _stopped(self, headline: str, fresh: bool, interrupted: bool) -> MonitorsError:
        """Where each monitor stands after a failed or interrupted step, and how to go on; when
        nothing was changed yet in the state, the stack file is put back too."""
        try:
            checkpoint = export_checkpoint(self.stack)
            places: dict[str, Placement] | None = self._placements(
                checkpoint, self._read_outputs()[1]
            )
        except (CommandError, KeyboardInterrupt):
            places = None
        journal = self.journal
        if (
            fresh
            and places is not None
            and journal is not None
            and all(p is Placement.SOURCE for p in places.values())
            and live_urns(checkpoint) == live_urns(journal.restore_point)
        ):
            self._put_back_stack_file(f"{headline}\nThe state was not touched")
            journal.delete()
            kind = AbortedError if interrupted else StackOpsError
            return kind(
                f"{headline}\nNothing was changed: the state was not touched and "
                f"{stack_file_name(self.name)} was put back."
            )
        lines = [headline, "Where each monitor stands now:"]
        if places is None:
            lines.append(
                f"  (could not read the state: run `pulumi stack export --stack {self.name}`)"
            )
        else:
            lines += [f"  {t}: {p.describe(self.target)}" for t, p in places.items()]
        lines.append(
            f"Nothing was deleted in Databricks. {stack_file_name(self.name)} says "
            f"{CONFIG_NAMESPACE}:{API_SETTING}: {self.target} and "
            f"{CONFIG_NAMESPACE}:{MIGRATION_SETTING}: {self.target} while the migration runs."
        )
        lines.append(self._ways_on())
        return OperationFailedError("\n".join(lines))


def _resources(checkpoint: Deployment) -> list[dict[str, Any]]:
    return list((checkpoint.deployment or {}).get("resources") or [])
