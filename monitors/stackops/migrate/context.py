"""One migrate run's shared facts (the stack, the target API, the journal, the report) and what
every step needs of them: a CLI command run through interrupts, the state and record read back,
and the sentence saying how to go on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi.automation import CommandError, Deployment, Stack

from monitors.declared.project import Project
from monitors.desired.record import read_last_deployment
from monitors.errors import MonitorsError, OperationFailedError
from monitors.naming import migrate_command, short_stack
from monitors.stackops.common import Env, cli_stderr, command_failure
from monitors.stackops.events import EventLog
from monitors.stackops.interrupt import run_interruptibly
from monitors.stackops.migrate.journal import Journal
from monitors.stackops.migrate.placement import Placement, other_api, placements
from monitors.stackops.reasons import LastRecord
from monitors.stackops.state_edit import export_checkpoint, read_outputs
from monitors.workspace.credentials import ProviderSettings
from monitors.workspace.migration import MonitorFacts


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


class Stopped(Exception):
    """A step stopped (a CLI command failed or was interrupted); `headline` says which."""

    def __init__(self, headline: str, *, interrupted: bool = False) -> None:
        super().__init__(headline)
        self.headline = headline
        self.interrupted = interrupted


class Migration:
    """One run of `migrate` on one stack: what its steps (`monitors.stackops.migrate`) share."""

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

    def run_step(
        self, action: str, work: Callable[[EventLog], object], log: EventLog | None = None
    ) -> EventLog:
        """Run one CLI command through interrupts (`stackops.interrupt`), its engine events going
        to `log`; Stopped when it failed, was interrupted, or the user stopped waiting for it."""
        self.env.progress(f"{action}...")
        if log is None:
            log = EventLog(self.env.progress)

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
            raise Stopped(
                f"{action} was interrupted and you stopped waiting for Pulumi: it may still be "
                "running, so what follows is the state as last saved. Wait until no `pulumi` "
                f"process runs for stack '{self.name}' before you continue.",
                interrupted=True,
            )
        if waited.interrupted:
            errors = log.errors()
            detail = "".join(f"\n  {e}" for e in errors)
            raise Stopped(f"{action} was interrupted.{detail}", interrupted=True)
        if isinstance(error, CommandError):
            raise Stopped(command_failure(action, error, log))
        return log

    def export(self, action: str) -> Deployment:
        """The stack's checkpoint; OperationFailedError (nothing changed yet) when the CLI fails."""
        self.env.progress(f"{action}...")
        try:
            return export_checkpoint(self.stack)
        except CommandError as exc:
            raise OperationFailedError(
                command_failure(f"{action} of stack '{self.name}'", exc, None)
                + "\nNothing was changed."
            ) from None

    def read_record(self) -> tuple[dict[str, Any], LastRecord]:
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

    def locate(self, checkpoint: Deployment, record: LastRecord) -> dict[str, Placement]:
        """Where each monitor stands, read from the checkpoint and the last record."""
        return placements(checkpoint, self.name, self.tables, self.target, record.deployment)

    def ways_on(self) -> str:
        """How to go on from a migration stopped part-way: forward, or back."""
        return (
            "Do not run `pulumi up` by hand until the migration is finished. To continue from "
            f"here, run the same command again: {migrate_command(self.name, self.target)}; to go "
            f"back instead: {migrate_command(self.name, self.source)}."
        )
