"""`adopt`: take monitors the old scripts created into the stack's state, never recreating them.

Imports existing monitors under the names the program uses, then previews the in-place alignment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pulumi.automation import CommandError, Stack

from monitors.declared.project import Project
from monitors.errors import OperationFailedError, RefusedError, StackOpsError
from monitors.naming import API_LEGACY, CONFIG_NAMESPACE, RESOURCE_TYPE, resource_name, short_stack
from monitors.stackops.common import (
    Env,
    cli_stderr,
    command_failure,
    load,
    preview,
    read_state,
    resolve_tables,
    urns_of,
)
from monitors.stackops.creator_check import creator_check_lines
from monitors.stackops.events import ResourceChange, describe
from monitors.stackops.pulumi_cli import open_stack
from monitors.stackops.reasons import explain, read_record
from monitors.stackops.state import MonitorState, monitor_states, state_lines, urns_in_state
from monitors.stackops.state_edit import databricks_provider_version
from monitors.stackops.urns import finish_commands


@dataclass
class AdoptReport:
    """What adopt imported, skipped, and what `pulumi up` would now do to each monitor."""

    stack: str
    imported: list[str]
    skipped: list[str]
    plan: dict[str, ResourceChange] = field(default_factory=dict)


def import_spec(project: Project, table: str, provider_version: str) -> dict[str, str]:
    """One entry of the `pulumi import --file` JSON: the monitor as the program declares it."""
    return {
        "type": RESOURCE_TYPE,
        "name": resource_name(table),
        "id": project.settings.full_table_name(table),
        "version": provider_version,
    }


def adopt(stack_name: str, tables: Sequence[str] | None, *, env: Env | None = None) -> AdoptReport:
    """Import existing monitors into the stack's state, then preview the alignment (no `up`).

    Only `pulumi import` (which reads, never creates or deletes) and `pulumi preview` run.
    Raises RefusedError if the preview would replace or delete any chosen monitor.
    """
    env = env or Env()
    project = load(stack_name, env, every_table=tables is None)
    if project.settings.api != API_LEGACY:
        raise StackOpsError(
            f"adopt imports monitors as databricks.QualityMonitor, the legacy API's type, but "
            f"stack '{short_stack(stack_name)}' deploys through {CONFIG_NAMESPACE}:api "
            f"'{project.settings.api}': adopt the monitors on a legacy stack first (then move "
            "it with `monitors migrate`). Nothing was imported."
        )
    chosen = resolve_tables(stack_name, project, tables, env)
    stack = open_stack(stack_name, env.project_root, env.pulumi_root)
    urns = urns_of(stack_name, chosen)
    env.progress(f"reading the state of stack {stack_name!r}")
    deployment = read_state(stack, stack_name, "Nothing was imported.")
    _refuse_half_done(stack_name, project, urns, monitor_states(deployment, urns))
    managed = urns_in_state(deployment)
    skipped = [t for t in chosen if urns[t] in managed]
    to_import = [t for t in chosen if urns[t] not in managed]
    report = AdoptReport(stack_name, [], skipped)
    for table in skipped:
        env.out(f"{table}: already in the stack's state, skipped")
    if to_import:
        _import(stack, stack_name, project, to_import, urns, env)
        report.imported = to_import
    try:
        env.progress("pulumi preview: what `pulumi up` would now do to each monitor")
        plan = preview(stack, f"preview after adopting into stack {stack_name!r}").changes()
        report.plan = {t: plan[u] for t, u in urns.items() if u in plan}
        for line in creator_check_lines(stack_name, project, chosen, env, stack):
            env.out(line)
        _show_alignment(stack, project, urns, plan, env)
    except KeyboardInterrupt:
        imported = ", ".join(to_import) or "nothing (every monitor was in the state already)"
        raise OperationFailedError(
            f"adopt was interrupted after it imported into stack {stack_name!r}: {imported}. "
            "Nothing else changed, and nothing in Databricks. See what `pulumi up` would do "
            f"with `pulumi preview --stack {short_stack(stack_name)}`, or run the same adopt "
            "again (monitors already imported are skipped)."
        ) from None
    return report


def _import(
    stack: Stack,
    stack_name: str,
    project: Project,
    tables: list[str],
    urns: dict[str, str],
    env: Env,
) -> None:
    """`pulumi import` the monitors; a failure or an interrupt says where each one stands."""
    resources = [import_spec(project, t, databricks_provider_version()) for t in tables]
    env.progress(f"pulumi import: {', '.join(tables)}")
    try:
        stack.import_resources(
            resources=resources,  # type: ignore[arg-type]  # TypedDict of str values
            protect=project.settings.protect,
            generate_code=False,
        )
    except (CommandError, KeyboardInterrupt) as exc:
        what = (
            command_failure(f"import into stack {stack_name!r}", exc, None)
            if isinstance(exc, CommandError)
            else f"the import into stack {stack_name!r} was interrupted."
        )
        try:
            states = _states_after_import(stack, stack_name, {t: urns[t] for t in tables})
        except KeyboardInterrupt:
            states = (
                "  (not read: you interrupted again; run "
                f"`monitors urns --stack {short_stack(stack_name)}` to see it)"
            )
        raise OperationFailedError(
            f"{what}\nState of each monitor now:\n{states}\nNothing was created or deleted in "
            "Databricks. Fix the cause if there is one, and run the same adopt again: monitors "
            "already imported are skipped."
        ) from None
    env.out(
        f"Imported into stack {stack_name!r} "
        f"({'protected' if project.settings.protect else 'not protected'}):"
    )
    env.out("\n".join(f"  {t} <- {project.settings.full_table_name(t)}" for t in tables))


def _refuse_half_done(
    stack_name: str, project: Project, urns: dict[str, str], states: dict[str, MonitorState]
) -> None:
    """A monitor an earlier update left half done is not adopted: an import of its URN does
    nothing when the state holds it pending replacement (pkg/resource/deploy/import.go
    importResources skips a URN recorded with the same ID, and `olds` keeps pending
    replacements), and an interrupted create has its own way in (`stackops.state`)."""
    half_done = {
        t: s for t, s in states.items() if s not in (MonitorState.PRESENT, MonitorState.ABSENT)
    }
    if not half_done:
        return
    lines = [
        f"refusing to adopt into stack {stack_name!r}: an earlier update left these monitors "
        "half done, and importing them would not finish that:"
    ]
    for table, state in half_done.items():
        lines.append(f"  {table}: {state.value}; finish it with:")
        full_name = project.settings.full_table_name(table)
        lines += [
            f"    {c}" for c in finish_commands(stack_name, table, state, urns[table], full_name)
        ]
    lines.append("Nothing was imported.")
    raise RefusedError("\n".join(lines))


def _states_after_import(stack: Stack, stack_name: str, urns: dict[str, str]) -> str:
    """Each monitor's state after a failed import; a failing state read must not hide the
    import's own error, so it becomes one line saying how to look."""
    try:
        return "\n".join(state_lines(monitor_states(stack.export_stack(), urns), urns))
    except CommandError as exc:
        return (
            f"  (could not read the stack's state: {cli_stderr(exc)}; run "
            f"`pulumi stack export --stack {short_stack(stack_name)}` to see it)"
        )


def _show_alignment(
    stack: Stack, project: Project, urns: dict[str, str], plan: dict[str, ResourceChange], env: Env
) -> None:
    """Print what `pulumi up` would now do to the adopted monitors; refuse loudly if destructive.

    A replace is explained with the program's own reasons (`stackops.reasons`): the engine's
    events of a replace forced by `replacement_trigger` carry no changed keys.
    """
    env.out("What `pulumi up` would do next to align them with the declarations:")
    for table, urn in urns.items():
        change = plan.get(urn)
        kind = change.kind if change else "same"
        detail = f" ({', '.join(change.diffs)})" if change and change.diffs else ""
        env.out(f"  {table}: {'update in place' if kind == 'update' else kind}{detail}")
    destructive = [c for c in plan.values() if c.destructive]
    if destructive:
        explanation = explain(project, read_record(stack))
        lines = [f"  {describe(c.urn)}: {c.kind}" + explanation.because(c) for c in destructive]
        raise RefusedError(
            f"DO NOT run `pulumi up` on stack {stack.name!r} yet: it would REPLACE or DELETE:\n"
            + "\n".join(lines)
            + "\nA replaced monitor loses its history older than about 30 days. Make the "
            "declarations match the existing monitors (or reset them on purpose with "
            "`monitors reset`) until this preview shows only in-place updates."
        )
    env.out(f"No monitor would be recreated. Apply with: pulumi up --stack {stack.name}")
