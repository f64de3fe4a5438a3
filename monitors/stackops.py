"""Stack operations a bare `pulumi up` does not make safe: reset monitors, adopt existing ones.

`reset` recreates chosen monitors by writing fresh reset tokens and applying them only after a
preview proves that nothing else would be replaced or deleted and the user confirmed.
`adopt` imports monitors the old scripts created into the stack's state under the names the
program uses, without creating or deleting anything, then previews the in-place alignment.
`urns` lists the monitors' URNs for the raw `pulumi up --replace <urn>` path.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pulumi.automation import CommandError, Stack

from monitors.loader import DECLARATIONS_DIR, load_declarations
from monitors.naming import RESOURCE_TYPE, monitor_urn, resource_name
from monitors.project import Project, load_project
from monitors.replacement import HISTORY_WARNING
from monitors.settings import PROJECT_ROOT
from monitors.stackops_config import ConfigSnapshot, new_token, write_reset
from monitors.stackops_errors import (
    AbortedError,
    CliNotFoundError,
    CliTooOldError,
    OperationFailedError,
    RefusedError,
    UnknownTableError,
)
from monitors.stackops_events import EventLog, ResourceChange, describe
from monitors.stackops_pulumi import open_stack
from monitors.stackops_state import monitor_states, state_lines, urns_in_state


@dataclass(frozen=True)
class Env:
    """Where the operations run: the project copy, the CLI to use, and where messages go."""

    project_root: Path = PROJECT_ROOT
    pulumi_root: Path | None = None
    out: Callable[[str], None] = print

    @property
    def declarations(self) -> Path:
        """The declarations directory of this project copy."""
        return self.project_root / DECLARATIONS_DIR.relative_to(PROJECT_ROOT)


@dataclass
class ResetReport:
    """What a completed reset did: the token written and the outcome, per table."""

    stack: str
    tokens: dict[str, str]
    outcomes: dict[str, str] = field(default_factory=dict)


@dataclass
class AdoptReport:
    """What adopt imported, skipped, and what `pulumi up` would now do to each monitor."""

    stack: str
    imported: list[str]
    skipped: list[str]
    plan: dict[str, ResourceChange] = field(default_factory=dict)


@dataclass(frozen=True)
class MonitorUrn:
    """A monitor's URN, and whether the stack's state has it (None: CLI not available)."""

    table: str
    urn: str
    in_state: bool | None


def short_stack(stack: str) -> str:
    """`org/project/dev` -> `dev`: the part URNs and stack files use."""
    return stack.split("/")[-1]


def _load(stack: str, env: Env) -> Project:
    return load_project(short_stack(stack), env.project_root, env.declarations)


def resolve_tables(
    stack: str, project: Project, requested: Sequence[str] | None, env: Env
) -> list[str]:
    """The tables to act on: all enabled (None) or the requested ones, which must be enabled."""
    enabled = list(project.monitors)
    if requested is None:
        if not enabled:
            raise UnknownTableError(f"stack {stack!r} enables no monitors")
        return enabled
    unknown = [t for t in dict.fromkeys(requested) if t not in project.monitors]
    if unknown:
        declared = load_declarations(env.declarations)
        reasons = [
            f"{t!r} is declared but not enabled in stack {stack!r}"
            if t in declared
            else f"{t!r} is not a declared monitor"
            for t in unknown
        ]
        raise UnknownTableError(
            "; ".join(reasons) + f" (enabled monitors: {', '.join(enabled) or 'none'})"
        )
    return list(dict.fromkeys(requested))


def _urns(stack: str, tables: Sequence[str]) -> dict[str, str]:
    return {t: monitor_urn(short_stack(stack), t) for t in tables}


def _command_failure(action: str, exc: CommandError, log: EventLog | None) -> str:
    """The reason a CLI command failed: the engine's error diagnostics, else its stderr."""
    errors = log.errors() if log else []
    detail = "\n".join(f"  {e}" for e in errors) if errors else f"  {str(exc).strip()}"
    return f"{action} failed:\n{detail}"


def _preview(stack: Stack, action: str) -> EventLog:
    log = EventLog()
    try:
        stack.preview(on_event=log)
    except CommandError as exc:
        raise OperationFailedError(_command_failure(action, exc, log)) from None
    return log


# ------------------------------------------------------------------------------ reset


def reset(
    stack_name: str,
    tables: Sequence[str] | None,
    *,
    purge: bool = False,
    assume_yes: bool = False,
    confirm: Callable[[str], str] = input,
    env: Env | None = None,
) -> ResetReport:
    """Delete and recreate the chosen monitors (None: all enabled) of a stack, safely.

    Nothing changes unless the preview replaces exactly the chosen monitors, deletes nothing
    else, and the user confirms (typing the stack name where monitors are protected).
    """
    env = env or Env()
    project = _load(stack_name, env)
    chosen = resolve_tables(stack_name, project, tables, env)
    stack = open_stack(stack_name, env.project_root, env.pulumi_root)
    asked = _urns(stack_name, chosen)
    snapshot = ConfigSnapshot.take(stack_name, env.project_root)
    report = ResetReport(stack_name, {})
    try:
        for table in chosen:
            token = new_token()
            previous = project.settings.resets.get(table)
            while previous is not None and token == previous.token:
                token = new_token()
            write_reset(stack, env.project_root, table, token, purge=purge)
            report.tokens[table] = token
        plan = _preview(stack, f"preview of the reset in stack {stack_name!r}").changes()
        _check_reset_plan(stack_name, asked, plan)
        _confirm_reset(stack_name, project, asked, plan, purge, assume_yes, confirm, env)
    except BaseException:
        snapshot.restore()
        raise
    _apply_reset(stack, stack_name, asked, report, env)
    return report


def _check_reset_plan(stack: str, asked: dict[str, str], plan: dict[str, ResourceChange]) -> None:
    """Refuse a plan that replaces or deletes anything not asked for, or misses an asked one."""
    wanted = set(asked.values())
    unasked = [c for urn, c in plan.items() if c.destructive and urn not in wanted]
    if unasked:
        lines = [f"  {describe(c.urn)}: {c.kind}" + _why(c) for c in unasked]
        raise RefusedError(
            f"refusing to reset in stack {stack!r}: the preview would also replace or delete "
            "resources you did not ask for:\n"
            + "\n".join(lines)
            + "\nNothing was changed (the reset tokens were removed again). Apply or revert "
            "those changes first, then run the reset again."
        )
    missing = [
        t
        for t, urn in asked.items()
        if plan.get(urn) is None or plan[urn].kind not in ("replace", "create")
    ]
    if missing:
        raise RefusedError(
            f"refusing to reset in stack {stack!r}: the preview does not recreate "
            f"{', '.join(missing)} although a new reset token was written; the program did not "
            "act on it. Nothing was changed (the reset tokens were removed again)."
        )


def _why(change: ResourceChange) -> str:
    keys = change.keys or change.diffs
    return f" (because of {', '.join(keys)})" if keys else ""


def _confirm_reset(
    stack: str,
    project: Project,
    asked: dict[str, str],
    plan: dict[str, ResourceChange],
    purge: bool,
    assume_yes: bool,
    confirm: Callable[[str], str],
    env: Env,
) -> None:
    """Show what will happen; ask for a yes, or the stack name where monitors are protected."""
    out = env.out
    replaced = [t for t, urn in asked.items() if plan[urn].kind == "replace"]
    created = [t for t, urn in asked.items() if plan[urn].kind == "create"]
    if replaced:
        out(f"Reset in stack {stack!r} will DELETE and then RECREATE these monitors:")
        out("\n".join(f"  - {t}  ({asked[t]})" for t in replaced))
        out(f"Recreating a monitor loses its {HISTORY_WARNING}.")
    if created:
        out("Not in the stack's state, so they will simply be created:")
        out("\n".join(f"  - {t}" for t in created))
    if purge:
        out(
            "--purge: between the delete and the create, their profile and drift metric tables "
            "are dropped and their dashboards trashed."
        )
    others = [c for urn, c in plan.items() if urn not in asked.values() and c.kind not in ("same",)]
    if others:
        out("The same update also applies these pending changes (nothing deleted):")
        out("\n".join(f"  - {describe(c.urn)}: {c.kind}" for c in others))
    if assume_yes:
        out("--yes given: not asking for confirmation.")
        return
    if project.settings.protect:
        answer = confirm(
            f"Monitors are protected in stack {stack!r}. Type the stack name to go on: "
        )
        if answer.strip() != short_stack(stack):
            raise AbortedError(
                f"aborted: you typed {answer.strip()!r}, not {short_stack(stack)!r}. "
                "Nothing was changed (the reset tokens were removed again)."
            )
        return
    answer = confirm("Go on? [y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        raise AbortedError("aborted. Nothing was changed (the reset tokens were removed again).")


def _apply_reset(
    stack: Stack, stack_name: str, asked: dict[str, str], report: ResetReport, env: Env
) -> None:
    """Run `up`; report each monitor's outcome, or its state and how to resume if it fails."""
    log = EventLog()
    try:
        stack.up(on_event=log)
    except CommandError as exc:
        message = _command_failure(f"the reset's update in stack {stack_name!r}", exc, log)
        try:
            states = monitor_states(stack.export_stack(), asked)
            where = "\n".join(state_lines(states, asked))
        except CommandError:
            where = "  (could not read the stack's state: run `pulumi stack export` to see it)"
        tables = " ".join(f"--table {t}" for t in asked)
        raise OperationFailedError(
            f"{message}\nState of each monitor now:\n{where}\n"
            "Running the same reset again is safe: it writes a fresh token and recreates "
            "whatever is not back yet:\n"
            f"  python -m monitors reset --stack {stack_name} {tables}\n"
            "If that fails because a monitor 'already exists' in Databricks, take it back into "
            f"the state with: python -m monitors adopt --stack {stack_name} {tables}"
        ) from None
    changes = log.changes()
    for table, urn in asked.items():
        change = changes.get(urn)
        done = change.completed if change else []
        if "create-replacement" in done:
            report.outcomes[table] = "deleted and recreated"
        elif "create" in done:
            report.outcomes[table] = "created"
        else:
            report.outcomes[table] = "not changed by the update (check `pulumi stack`)"
    env.out(f"Reset applied in stack {stack_name!r}:")
    env.out("\n".join(f"  {t}: {o}" for t, o in report.outcomes.items()))


# ------------------------------------------------------------------------------ adopt


def import_spec(project: Project, table: str, provider_version: str) -> dict[str, str]:
    """One entry of the `pulumi import --file` JSON: the monitor as the program declares it."""
    return {
        "type": RESOURCE_TYPE,
        "name": resource_name(table),
        "id": project.settings.full_table_name(table),
        "version": provider_version,
    }


def databricks_provider_version() -> str:
    """The pulumi-databricks version the program runs with: imports must use the same plugin."""
    return importlib.metadata.version("pulumi_databricks")


def adopt(stack_name: str, tables: Sequence[str] | None, *, env: Env | None = None) -> AdoptReport:
    """Import existing monitors into the stack's state, then preview the alignment (no `up`).

    Only `pulumi import` (which reads, never creates or deletes) and `pulumi preview` run.
    Raises RefusedError if the preview would replace or delete any chosen monitor.
    """
    env = env or Env()
    project = _load(stack_name, env)
    chosen = resolve_tables(stack_name, project, tables, env)
    stack = open_stack(stack_name, env.project_root, env.pulumi_root)
    urns = _urns(stack_name, chosen)
    managed = urns_in_state(stack.export_stack())
    skipped = [t for t in chosen if urns[t] in managed]
    to_import = [t for t in chosen if urns[t] not in managed]
    report = AdoptReport(stack_name, [], skipped)
    for table in skipped:
        env.out(f"{table}: already in the stack's state, skipped")
    if to_import:
        version = databricks_provider_version()
        resources = [import_spec(project, t, version) for t in to_import]
        try:
            stack.import_resources(
                resources=resources,  # type: ignore[arg-type]  # TypedDict of str values
                protect=project.settings.protect,
                generate_code=False,
            )
        except CommandError as exc:
            states = monitor_states(stack.export_stack(), {t: urns[t] for t in to_import})
            raise OperationFailedError(
                _command_failure(f"import into stack {stack_name!r}", exc, None)
                + "\nState of each monitor now:\n"
                + "\n".join(state_lines(states, to_import))
                + "\nNothing was created or deleted in Databricks. Fix the cause and run the "
                "same adopt again: monitors already imported are skipped."
            ) from None
        report.imported = to_import
        env.out(
            f"Imported into stack {stack_name!r} "
            f"({'protected' if project.settings.protect else 'not protected'}):"
        )
        env.out("\n".join(f"  {t} <- {project.settings.full_table_name(t)}" for t in to_import))
    plan = _preview(stack, f"preview after adopting into stack {stack_name!r}").changes()
    report.plan = {t: plan[u] for t, u in urns.items() if u in plan}
    _show_alignment(stack_name, urns, plan, env)
    return report


def _show_alignment(
    stack: str, urns: dict[str, str], plan: dict[str, ResourceChange], env: Env
) -> None:
    """Print what `pulumi up` would now do to the adopted monitors; refuse loudly if destructive."""
    env.out("What `pulumi up` would do next to align them with the declarations:")
    for table, urn in urns.items():
        change = plan.get(urn)
        kind = change.kind if change else "same"
        detail = f" ({', '.join(change.diffs)})" if change and change.diffs else ""
        env.out(f"  {table}: {'update in place' if kind == 'update' else kind}{detail}")
    destructive = [c for c in plan.values() if c.destructive]
    if destructive:
        lines = [f"  {describe(c.urn)}: {c.kind}" + _why(c) for c in destructive]
        raise RefusedError(
            f"DO NOT run `pulumi up` on stack {stack!r} yet: it would REPLACE or DELETE:\n"
            + "\n".join(lines)
            + "\nA replaced monitor loses its history older than about 30 days. Make the "
            "declarations match the existing monitors (or reset them on purpose with "
            "`python -m monitors reset`) until this preview shows only in-place updates."
        )
    env.out(f"No monitor would be recreated. Apply with: pulumi up --stack {stack}")


# ------------------------------------------------------------------------------ urns


def urns(stack_name: str, *, env: Env | None = None) -> list[MonitorUrn]:
    """The enabled monitors' URNs, marked with whether the stack's state has each one.

    The URNs are computed, so they are listed even without a CLI (then `in_state` is None).
    """
    env = env or Env()
    project = _load(stack_name, env)
    computed = _urns(stack_name, list(project.monitors))
    try:
        stack = open_stack(stack_name, env.project_root, env.pulumi_root)
        managed: set[str] | None = urns_in_state(stack.export_stack())
    except (CliNotFoundError, CliTooOldError) as exc:
        env.out(f"note: {exc}; not checking the stack's state")
        managed = None
    return [
        MonitorUrn(t, u, None if managed is None else u in managed) for t, u in computed.items()
    ]


__all__ = [
    "AbortedError",
    "AdoptReport",
    "Env",
    "MonitorUrn",
    "ResetReport",
    "UnknownTableError",
    "adopt",
    "import_spec",
    "reset",
    "resolve_tables",
    "urns",
]
