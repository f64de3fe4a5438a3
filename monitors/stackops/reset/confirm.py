"""What a reset's preview must show (exactly the chosen monitors replaced, nothing else replaced or
deleted) and the user's yes after being shown what will happen and why."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from monitors.declared.project import Project
from monitors.desired.replacement import HISTORY_WARNING
from monitors.errors import RefusedError
from monitors.stackops.common import Env, ask_to_go_on
from monitors.stackops.events import ResourceChange, describe
from monitors.stackops.reasons import Explanation


def check_plan(
    stack: str, asked: dict[str, str], plan: dict[str, ResourceChange], explanation: Explanation
) -> None:
    """Refuse a plan that replaces or deletes anything not asked for, or misses an asked one."""
    wanted = set(asked.values())
    unasked = [c for urn, c in plan.items() if c.destructive and urn not in wanted]
    if unasked:
        lines = [f"  {describe(c.urn)}: {c.kind}" + explanation.because(c) for c in unasked]
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
        said = [f"  {why}" for why in map(explanation.why_not, missing) if why]
        raise RefusedError(
            f"refusing to reset in stack {stack!r}: the preview does not recreate "
            f"{', '.join(missing)} although its reset token is set; the program did not act on "
            "it"
            + (":\n" + "\n".join(said) + "\n" if said else ". ")
            + "Nothing was changed (the reset tokens were removed again)."
        )


def _because(reasons: Sequence[str]) -> str:
    return f"      because {'; '.join(reasons)}" if reasons else "      (no reason known)"


def confirm_reset(
    stack: str,
    project: Project,
    asked: dict[str, str],
    plan: dict[str, ResourceChange],
    reasons: Mapping[str, tuple[str, ...]],
    purge: bool,
    assume_yes: bool,
    confirm: Callable[[str], str],
    env: Env,
) -> None:
    """Show what will happen and why; ask for a yes, or the stack name where protected."""
    out = env.out
    kinds = {t: plan[urn] for t, urn in asked.items()}
    replaced = [
        t for t, c in kinds.items() if c.kind == "replace" and "delete-replaced" in c.planned
    ]
    finished = [t for t, c in kinds.items() if c.kind == "replace" and t not in replaced]
    created = [t for t, c in kinds.items() if c.kind == "create"]
    if replaced:
        out(f"Reset in stack {stack!r} will DELETE and then RECREATE these monitors:")
        for table in replaced:
            out(f"  - {table}  ({asked[table]})")
            out(_because(reasons[table]))
        out(f"Each recreated monitor's {HISTORY_WARNING}.")
    if finished:
        out(
            "Already deleted by an earlier reset that did not complete; they will be CREATED again:"
        )
        for table in finished:
            out(f"  - {table}  ({asked[table]})")
            out(_because(reasons[table]))
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
    ask_to_go_on(
        stack,
        protect=project.settings.protect,
        assume_yes=assume_yes,
        confirm=confirm,
        out=out,
        unchanged="Nothing was changed (the reset tokens were removed again).",
    )
