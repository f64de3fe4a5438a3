"""Field-by-field differences between two API bodies of one monitor (what an update would send).

Objects are compared leaf by leaf (`schedule.quartz_cron_expression`), lists as a whole, and
`custom_metrics` by metric name, so a reviewer reads "added guest_count" rather than a list diff.
A field missing from one body is shown as None (API bodies never hold nulls).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

METRICS_FIELD = "custom_metrics"


@dataclass(frozen=True)
class FieldChange:
    """One changed field: its dotted path and its value before and after (None when absent)."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class MetricChange:
    """A custom metric kept under the same name whose fields changed."""

    name: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class MetricChanges:
    """Custom metrics added, removed or changed, by name."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[MetricChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True)
class BodyDiff:
    """Everything that differs between two API bodies."""

    fields: tuple[FieldChange, ...] = ()
    metrics: MetricChanges = field(default_factory=MetricChanges)

    def __bool__(self) -> bool:
        return bool(self.fields or self.metrics)

    @property
    def changed_fields(self) -> list[str]:
        """The top-level API fields that differ, sorted."""
        names = {change.field.split(".", 1)[0] for change in self.fields}
        if self.metrics:
            names.add(METRICS_FIELD)
        return sorted(names)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of nested objects by dotted path; lists and empty objects are leaves."""
    if isinstance(value, Mapping) and value:
        leaves: dict[str, Any] = {}
        for key, child in value.items():
            leaves.update(flatten(child, f"{prefix}.{key}" if prefix else str(key)))
        return leaves
    return {prefix: value}


def diff_values(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """Every leaf that differs between two objects, sorted by path."""
    old, new = flatten(before), flatten(after)
    return tuple(
        FieldChange(path, old.get(path), new.get(path))
        for path in sorted(old.keys() | new.keys())
        if old.get(path) != new.get(path)
    )


def diff_metrics(before: list[Mapping[str, Any]], after: list[Mapping[str, Any]]) -> MetricChanges:
    """Metrics by name: which appear, which go, and which change (and in which fields)."""
    old = {m["name"]: m for m in before}
    new = {m["name"]: m for m in after}
    changed = tuple(
        MetricChange(name, diff_values(old[name], new[name]))
        for name in sorted(old.keys() & new.keys())
        if old[name] != new[name]
    )
    return MetricChanges(
        added=tuple(sorted(new.keys() - old.keys())),
        removed=tuple(sorted(old.keys() - new.keys())),
        changed=changed,
    )


def diff_requests(before: Mapping[str, Any], after: Mapping[str, Any]) -> BodyDiff:
    """What differs between the API body at the ref and the one in the working tree."""
    rest_before = {k: v for k, v in before.items() if k != METRICS_FIELD}
    rest_after = {k: v for k, v in after.items() if k != METRICS_FIELD}
    return BodyDiff(
        fields=diff_values(rest_before, rest_after),
        metrics=diff_metrics(before.get(METRICS_FIELD, []), after.get(METRICS_FIELD, [])),
    )
