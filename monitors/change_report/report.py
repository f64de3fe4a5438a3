"""The change report (`plan --against GIT_REF`): what a change does, per monitor.

The declarations and stack file at GIT_REF (taken to be what is deployed) are compared with the
working tree. Each monitor is created, updated in place (with the changed fields), replaced (with
every reason from `monitors.desired.replacement.decide`, the very rule the program applies, and the
history-loss warning), deleted, or unchanged. No Pulumi CLI, credentials or network: only git.

A stack that was protected at the ref and is not protected now needs an approval too: from then
on nothing stops a replace or delete in that stack, so switching protection off is as serious as
a replacement (`protection_removed`). So does the schema-level anomaly detection monitor being
replaced (another gold schema) or deleted (turned off), decided by the program's own rule
(`monitors.desired.replacement.AnomalyChange`).

Exit codes (see `monitors.errors.ExitCode`): 0 nothing is replaced or deleted and protection
stays; 2 an invalid declaration or stack file at either side (each line names the side); 10 at
least one monitor (or alert, or the schema anomaly detection monitor) is replaced or deleted, or
protection is switched off, so require an approval;
11 the ref cannot be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from monitors.change_report.alerts import AlertChange, compare_alerts
from monitors.change_report.diff import BodyDiff, FieldChange, diff_requests, diff_values
from monitors.change_report.sources import (
    project_of,
    read_at_ref,
    read_working_tree,
    resolve_ref,
    skipped_files,
)
from monitors.change_report.templates import TemplateChange, compare_templates
from monitors.declared.project_input import ProjectInput
from monitors.desired.anomaly_alert import UPDATE_REMOVES_RECIPIENTS
from monitors.desired.deployment import monitor_step
from monitors.desired.plan import Plan, make_plan
from monitors.desired.replacement import AnomalyChange, decide
from monitors.errors import ExitCode, SideInvalidError
from monitors.naming import API_LEGACY, CONFIG_NAMESPACE, migrate_command

PROTECTION_REMOVED = (
    "stack {report.stack!r} protects its monitors at {report.ref} "
    "(lakehouse-monitors:protect: true) and not in the working tree: after this change "
    "nothing stops a replace or delete of its monitors"
)


BACKEND_SWITCHED = (
    "stack {report.stack!r} deploys its monitors through the {report.api_at_ref!r} API at "
    f"{{report.ref}} and through {{report.api!r}} in the working tree ({CONFIG_NAMESPACE}:api): "
    "`pulumi up` refuses to switch the deployed monitors (they would be deleted and created "
    "again); they move with `{migrate}`"
)


class Outcome(StrEnum):
    """What the next deployment does to one monitor."""

    CREATED = "created"
    UPDATED = "updated"
    REPLACED = "replaced"
    DELETED = "deleted"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class MonitorChange:
    """One monitor's outcome and everything a reviewer needs to judge it."""

    table: str
    table_name: str
    outcome: Outcome
    profile_type: str
    reasons: tuple[str, ...] = ()
    reset_requested: bool = False
    needs_reset: bool = False
    needs_unprotect: bool = False
    diff: BodyDiff = field(default_factory=BodyDiff)


@dataclass(frozen=True)
class AnomalyDetectionChange:
    """The schema-level anomaly detection monitor's outcome: the schema it watches (after the
    change; before it, when deleted), why it is replaced or deleted, and the changed fields."""

    schema_name: str
    outcome: Outcome
    reasons: tuple[str, ...] = ()
    needs_unprotect: bool = False
    changes: tuple[FieldChange, ...] = ()
    warnings: tuple[str, ...] = ()  # what an update in place does beyond its fields

    @property
    def lost(self) -> bool:
        """True when the deployed schema monitor is replaced or deleted."""
        return self.outcome in (Outcome.REPLACED, Outcome.DELETED)


@dataclass(frozen=True)
class ChangeReport:
    """The whole comparison of one stack between a git ref and the working tree."""

    stack: str
    ref: str
    commit: str
    protect: bool
    stack_at_ref: bool
    monitors: dict[str, MonitorChange]
    stack_changes: tuple[FieldChange, ...] = ()
    protect_at_ref: bool | None = None
    skipped: tuple[str, ...] = ()
    alerts: dict[str, AlertChange] = field(default_factory=dict)
    api: str = API_LEGACY  # the monitor API in the working tree, and at the ref
    api_at_ref: str | None = None
    anomaly: AnomalyDetectionChange | None = None  # None: neither side turns it on
    templates: dict[str, TemplateChange] = field(default_factory=dict)  # pattern templates

    def count(self, outcome: Outcome) -> int:
        """How many monitors have `outcome`."""
        return sum(1 for change in self.monitors.values() if change.outcome is outcome)

    def count_alerts(self, outcome: Outcome) -> int:
        """How many alerts have `outcome`."""
        return sum(1 for change in self.alerts.values() if change.outcome == outcome.value)

    @property
    def protection_removed(self) -> bool:
        """The stack protected its monitors at the ref and does not now."""
        return bool(self.protect_at_ref) and not self.protect

    @property
    def backend_switched(self) -> bool:
        """The stack deploys through another monitor API than at the ref."""
        return self.api_at_ref is not None and self.api_at_ref != self.api

    @property
    def approval_reasons(self) -> tuple[str, ...]:
        """Why an approval is needed, one sentence each (empty when none is)."""
        reasons: list[str] = []
        lost = [
            table
            for table, change in self.monitors.items()
            if change.outcome in (Outcome.REPLACED, Outcome.DELETED)
        ]
        if lost:
            reasons.append(
                f"monitors replaced or deleted ({', '.join(lost)}): monitoring history older "
                "than about 30 days, or the monitor itself, is lost"
            )
        gone = [
            key
            for key, change in self.alerts.items()
            if change.outcome in (Outcome.REPLACED.value, Outcome.DELETED.value)
        ]
        if gone:
            reasons.append(
                f"alerts replaced or deleted ({', '.join(gone)}): nobody hears of those "
                "thresholds being broken until they exist again"
            )
        if self.anomaly is not None and self.anomaly.lost:
            reasons.append(
                f"schema anomaly detection of {self.anomaly.schema_name} "
                f"{self.anomaly.outcome.value}: {'; '.join(self.anomaly.reasons)}"
            )
        for change in self.templates.values():
            reasons.extend(change.approval)
        if self.protection_removed:
            reasons.append(PROTECTION_REMOVED.format(report=self))
        if self.backend_switched:
            reasons.append(BACKEND_SWITCHED.format(report=self, migrate=self.migrate_command))
        return tuple(reasons)

    @property
    def migrate_command(self) -> str:
        """The command that moves the stack's deployed monitors to the working tree's API."""
        return migrate_command(self.stack, self.api)

    @property
    def approval_required(self) -> bool:
        """True when a monitor or an alert is replaced or deleted (history, the monitor or the
        alert goes), or when a protected stack stops being protected."""
        return bool(self.approval_reasons)

    @property
    def exit_code(self) -> ExitCode:
        """0 when nothing is lost, 10 when a replacement, deletion or unprotection is coming."""
        return ExitCode.REPLACEMENTS if self.approval_required else ExitCode.OK


def _classify(table: str, last: Plan | None, now: Plan) -> MonitorChange:
    """One monitor's outcome, decided by `monitors.desired.replacement.decide` as the program
    does."""
    if last is None or table not in last.structures:
        name = now.project.settings.full_table_name(table)
        return MonitorChange(table, name, Outcome.CREATED, now.structures[table].profile_type)
    if table not in now.structures:
        return MonitorChange(
            table,
            last.project.settings.full_table_name(table),
            Outcome.DELETED,
            last.structures[table].profile_type,
            needs_unprotect=last.protect,
        )
    decision = decide(table, last.structures[table], now.structures[table])
    diff = diff_requests(last.requests[table], now.requests[table])
    name = now.project.settings.full_table_name(table)
    profile = decision.structure.profile_type
    if decision.replace:
        return MonitorChange(
            table,
            name,
            Outcome.REPLACED,
            profile,
            reasons=decision.reasons,
            reset_requested=decision.reset,
            needs_reset=monitor_step(now, decision).protect,
            diff=diff,
        )
    outcome = Outcome.UPDATED if diff else Outcome.UNCHANGED
    return MonitorChange(table, name, outcome, profile, diff=diff)


def compare_anomaly(last: Plan | None, now: Plan) -> AnomalyDetectionChange | None:
    """The schema monitor's outcome, as the program decides it (`AnomalyChange`); None when
    neither side turns anomaly detection on."""
    before = last.project.settings.gold_schema_name if last and last.anomaly else None
    after = now.project.settings.gold_schema_name if now.anomaly else None
    change = AnomalyChange(before, after)
    reasons = (change.reason,) if change.reason else ()
    # The engine refuses a delete when the recorded `protect` is on, a replace when both are.
    protected_before = last is not None and last.protect
    if change.created and after is not None:
        return AnomalyDetectionChange(after, Outcome.CREATED)
    if change.deleted and before is not None:
        return AnomalyDetectionChange(
            before, Outcome.DELETED, reasons, needs_unprotect=protected_before
        )
    if last is None or last.anomaly is None or now.anomaly is None or after is None:
        return None
    changes = diff_values(last.anomaly, now.anomaly)
    if change.replaced:
        protected = protected_before and now.protect
        return AnomalyDetectionChange(after, Outcome.REPLACED, reasons, protected, changes)
    if not changes:
        return AnomalyDetectionChange(after, Outcome.UNCHANGED)
    warnings = (UPDATE_REMOVES_RECIPIENTS,)
    return AnomalyDetectionChange(after, Outcome.UPDATED, changes=changes, warnings=warnings)


def compare(
    ref: str, commit: str, last: Plan | None, now: Plan, skipped: tuple[str, ...] = ()
) -> ChangeReport:
    """Classify every monitor of either side; `last` is None when the stack is new at the ref."""
    tables = sorted(set(now.structures) | set(last.structures if last else ()))
    settings = now.project.settings
    stack_changes = (
        diff_values(
            last.project.settings.model_dump(mode="json", by_alias=True),
            settings.model_dump(mode="json", by_alias=True),
        )
        if last is not None
        else ()
    )
    return ChangeReport(
        stack=settings.stack,
        ref=ref,
        commit=commit,
        protect=settings.protect,
        stack_at_ref=last is not None,
        monitors={table: _classify(table, last, now) for table in tables},
        stack_changes=stack_changes,
        protect_at_ref=last.project.settings.protect if last is not None else None,
        skipped=skipped,
        alerts=compare_alerts(last, now),
        api=settings.api,
        api_at_ref=last.project.settings.api if last is not None else None,
        anomaly=compare_anomaly(last, now),
        templates=compare_templates(last, now),
    )


def change_report(root: Path, stack: str, ref: str) -> ChangeReport:
    """Read both sides of `stack` in the repository at `root` and compare them.

    Raises GitRefError when the ref cannot be read and SideInvalidError (all problems of both
    sides) when either side is invalid.
    """
    commit = resolve_ref(root, ref)
    at_ref, working_tree = read_at_ref(root, ref, commit, stack), read_working_tree(root, stack)
    problems: list[str] = []
    # A stack file missing at the ref is a stack added since: every monitor is created.
    last = _plan(at_ref, problems) if at_ref.stack_present else None
    now = _plan(working_tree, problems)
    if problems or now is None:
        raise SideInvalidError(tuple(problems))
    return compare(ref, commit, last, now, skipped_files(at_ref) + skipped_files(working_tree))


def _plan(side: ProjectInput, problems: list[str]) -> Plan | None:
    """One side's plan, or None with its problems recorded (so both sides are reported)."""
    try:
        return make_plan(project_of(side))
    except SideInvalidError as exc:
        problems.extend(exc.lines)
        return None
