"""The change report's alerts: what the next deployment does to each alert, and which fields.

Alerts are their own resources, so each has its own outcome, decided as the engine would from
the two sides' AlertV2 inputs (`monitors.desired.alerts`, the very inputs the program sends):
created, updated in place, replaced (only when its folder `parent_path` changes: the API takes
it on create only, and the program asks for a replace then), deleted, or unchanged. A monitor's
replace never touches its alerts. Deleting an alert in a protected stack needs the unprotect
command, like a monitor (the recorded `protect` is the deployed side's); a replaced alert needs
nothing more, as its folder changes only with `assetsRoot`, whose monitor replaces need resets,
and a reset lifts protection for that monitor's alerts.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitors.change_report.diff import FieldChange, diff_values
from monitors.desired.alerts import ALERT_CREATE_ONLY_FIELDS, AlertRequest
from monitors.desired.plan import Plan

QUERY = "query_text"


@dataclass(frozen=True)
class AlertChange:
    """One alert's outcome (a `report.Outcome` value) and what a reviewer needs to judge it."""

    key: str
    table: str
    outcome: str
    rule: str
    rule_before: str | None = None
    changes: tuple[FieldChange, ...] = ()
    needs_unprotect: bool = False

    @property
    def changed_fields(self) -> list[str]:
        """The top-level AlertV2 fields that differ, sorted."""
        return sorted({change.field.split(".", 1)[0] for change in self.changes})


def _classify(
    key: str, last: AlertRequest | None, now: AlertRequest | None, protect: bool
) -> AlertChange:
    if last is None and now is not None:
        return AlertChange(key, now.table, "created", now.rule)
    if now is None and last is not None:
        return AlertChange(key, last.table, "deleted", last.rule, needs_unprotect=protect)
    assert last is not None and now is not None
    changes = diff_values(last.body, now.body)
    if not changes:
        return AlertChange(key, now.table, "unchanged", now.rule)
    replaced = any(c.field in ALERT_CREATE_ONLY_FIELDS for c in changes)
    return AlertChange(
        key,
        now.table,
        "replaced" if replaced else "updated",
        now.rule,
        rule_before=last.rule if last.rule != now.rule else None,
        changes=changes,
    )


def compare_alerts(last: Plan | None, now: Plan) -> dict[str, AlertChange]:
    """Every alert of either side, in a stable order (table, then alert)."""
    before = last.alerts if last is not None else {}
    protect = last.protect if last is not None else False
    keys = sorted(set(before) | set(now.alerts))
    return {key: _classify(key, before.get(key), now.alerts.get(key), protect) for key in keys}
