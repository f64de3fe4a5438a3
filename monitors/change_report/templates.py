"""Pattern templates in the change report: the template change itself, since the tables a
pattern covers are known only to the workspace (resolved at `pulumi preview`, or by `plan` with
credentials), never to git.

A template listing its tables is reported table by table like own files (its tables are known).
A pattern template added, removed or edited is reported with its changed fields (`tables`,
`overrides.<table>`, any declaration field). Whether its tables are replaced is decided by the
program's own rule (`monitors.desired.replacement.decide`) on the template's declaration and on
each overridden table, so a structural edit asks for an approval like a replaced monitor; so do a
removed template and a narrowed pattern (its tables' monitors are deleted), since the report
cannot name the tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitors.change_report.diff import FieldChange, diff_values
from monitors.declared.models import MonitorSpec
from monitors.declared.settings import StackSettings
from monitors.declared.templates import Template
from monitors.desired.payload import monitor_request
from monitors.desired.plan import Plan
from monitors.desired.replacement import Structure, decide, structure_of

# The stand-in table name for a template's declaration when the replace rule compares it.
STAND_IN = "each_table"


@dataclass(frozen=True)
class TemplateChange:
    """One pattern template's change: what it covers on each side, the fields changed, and
    why its tables need an approval (empty when none is needed)."""

    file: str
    outcome: str  # created, updated, deleted
    covers_before: str | None
    covers_now: str | None
    changes: tuple[FieldChange, ...] = ()
    approval: tuple[str, ...] = ()


def _patterns(plan: Plan | None) -> dict[str, Template]:
    if plan is None:
        return {}
    return {t.file: t for t in plan.project.declared.templates if t.pattern is not None}


def _replace_reasons(
    table: str, before: MonitorSpec, after: MonitorSpec, last: StackSettings, now: StackSettings
) -> tuple[str, ...]:
    """The replace rule's reasons between two declarations of one table (none: an update)."""

    def structure(spec: MonitorSpec, settings: StackSettings) -> Structure:
        request = monitor_request(table, spec, settings)
        return structure_of(request, None, settings.api, settings.full_table_name(table))

    decision = decide(table, structure(before, last), structure(after, now))
    return decision.reasons if decision.replace else ()


def compare_templates(last: Plan | None, now: Plan) -> dict[str, TemplateChange]:
    """Every pattern template added, removed or changed between the ref and the working tree."""
    before, after = _patterns(last), _patterns(now)
    changes: dict[str, TemplateChange] = {}
    for file in sorted(before.keys() | after.keys()):
        old, new = before.get(file), after.get(file)
        if new is None and old is not None:
            changes[file] = TemplateChange(
                file,
                "deleted",
                old.describe(),
                None,
                approval=(
                    f"{file} ({old.describe()}) is removed: the monitors of its tables are deleted",
                ),
            )
            continue
        assert new is not None
        if old is None:
            changes[file] = TemplateChange(file, "created", None, new.describe())
            continue
        fields = diff_values(old.data, new.data)
        if not fields:
            continue
        approval: list[str] = []
        assert old.pattern is not None and new.pattern is not None
        if old.pattern.like != new.pattern.like or not new.pattern.exclude <= old.pattern.exclude:
            approval.append(
                f"{file}: its pattern changed ({old.describe()} -> {new.describe()}): tables it "
                "no longer covers lose their monitors (resolved at `pulumi preview`)"
            )
        assert last is not None
        settings_before, settings_now = last.project.settings, now.project.settings
        reasons = _replace_reasons(STAND_IN, old.base, new.base, settings_before, settings_now)
        if reasons:
            approval.append(
                f"{file}: every table it covers without an override is REPLACED (history lost): "
                + "; ".join(reasons)
            )
        for table in sorted(old.overrides.keys() | new.overrides.keys()):
            why = _replace_reasons(
                table, old.spec_for(table), new.spec_for(table), settings_before, settings_now
            )
            if why:
                approval.append(
                    f"{file}: table {table} (if in the workspace) is REPLACED: " + "; ".join(why)
                )
        changes[file] = TemplateChange(
            file, "updated", old.describe(), new.describe(), fields, tuple(approval)
        )
    return changes
