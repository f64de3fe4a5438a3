"""The one rule of what forces a monitor to be deleted and recreated.

The provider plans every change as an update, and the engine only sees that `customMetrics`
changed, so the decision is made here by comparing what was deployed last with what is declared
now. A replace is signalled by bumping the monitor's `generation`, which the program passes as
Pulumi's `replacement_trigger`; an unchanged generation never replaces. Everything else (metrics
added or removed, definitions, slicing, granularities, schedule, notifications, baseline) is an
update in place that keeps monitoring history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from monitors.datatypes import output_type_label

HISTORY_WARNING = (
    "monitoring history older than about 30 days will be lost "
    "(a new monitor back-fills only ~30 days)"
)
# Create-only fields: the API ignores or rejects a change, so only a new monitor can apply it.
CREATE_ONLY_FIELDS: tuple[str, ...] = ("assets_dir", "warehouse_id", "skip_builtin_dashboard")


@dataclass(frozen=True)
class MetricShape:
    """What identifies a custom metric's column in the metric tables."""

    type: str
    input_columns: tuple[str, ...]
    output_data_type: str
    definition: str

    @property
    def body(self) -> tuple[str, tuple[str, ...], str, str]:
        """Everything but the name: two metrics with the same body are a rename."""
        return (self.type, self.input_columns, self.output_data_type, self.definition)


@dataclass(frozen=True)
class Structure:
    """The parts of a deployed monitor that decide between update and replace."""

    profile_type: str
    assets_dir: str
    warehouse_id: str | None
    skip_builtin_dashboard: bool
    metrics: dict[str, MetricShape] = field(default_factory=dict)
    reset_token: str | None = None
    generation: int = 0

    def to_output(self) -> dict[str, Any]:
        """Plain JSON for the stack output the next deployment reads back."""
        data = asdict(self)
        data["metrics"] = {
            name: {**asdict(shape), "input_columns": list(shape.input_columns)}
            for name, shape in self.metrics.items()
        }
        return data

    @classmethod
    def from_output(cls, data: Mapping[str, Any]) -> Structure:
        """Read back what `to_output` wrote (a stack output from the last deployment)."""
        metrics = {
            name: MetricShape(
                type=str(m["type"]),
                input_columns=tuple(m["input_columns"]),
                output_data_type=str(m["output_data_type"]),
                definition=str(m["definition"]),
            )
            for name, m in dict(data.get("metrics") or {}).items()
        }
        return cls(
            profile_type=str(data["profile_type"]),
            assets_dir=str(data["assets_dir"]),
            warehouse_id=data.get("warehouse_id"),
            skip_builtin_dashboard=bool(data.get("skip_builtin_dashboard", False)),
            metrics=metrics,
            reset_token=data.get("reset_token"),
            generation=int(data.get("generation", 0)),
        )


def structure_of(request: Mapping[str, Any], reset_token: str | None) -> Structure:
    """The structure of a monitor's API body (see `monitors.payload.monitor_request`)."""
    profile = next(p for p in ("time_series", "snapshot", "inference_log") if p in request)
    metrics = {
        m["name"]: MetricShape(
            type=m["type"],
            input_columns=tuple(m["input_columns"]),
            output_data_type=m["output_data_type"],
            definition=m["definition"],
        )
        for m in request.get("custom_metrics", [])
    }
    return Structure(
        profile_type=profile,
        assets_dir=request["assets_dir"],
        warehouse_id=request.get("warehouse_id"),
        skip_builtin_dashboard=bool(request.get("skip_builtin_dashboard", False)),
        metrics=metrics,
        reset_token=reset_token,
    )


@dataclass(frozen=True)
class Decision:
    """What the next deployment does to one monitor, and why."""

    table: str
    structure: Structure
    reasons: tuple[str, ...] = ()
    reset: bool = False
    created: bool = False

    @property
    def replace(self) -> bool:
        """True when the monitor is deleted and recreated (history is lost)."""
        return bool(self.reasons)

    @property
    def generation(self) -> int:
        """The `replacement_trigger` value: it changes exactly when the monitor is replaced."""
        return self.structure.generation


def _metric_reasons(last: Mapping[str, MetricShape], now: Mapping[str, MetricShape]) -> list[str]:
    reasons: list[str] = []
    for name in sorted(last.keys() & now.keys()):
        old, new = last[name], now[name]
        if old.type != new.type:
            reasons.append(f"metric '{name}' type changed from {old.type} to {new.type}")
        if old.input_columns != new.input_columns:
            reasons.append(
                f"metric '{name}' input_columns changed from {list(old.input_columns)} "
                f"to {list(new.input_columns)}"
            )
        if old.output_data_type != new.output_data_type:
            reasons.append(
                f"metric '{name}' output_data_type changed from "
                f"{output_type_label(old.output_data_type)} to "
                f"{output_type_label(new.output_data_type)}"
            )
    added = {name: now[name] for name in sorted(now.keys() - last.keys())}
    for old_name in sorted(last.keys() - now.keys()):
        match = next((n for n, s in added.items() if s.body == last[old_name].body), None)
        if match is not None:
            reasons.append(f"metric '{old_name}' renamed to '{match}'")
            del added[match]
    return reasons


def replace_reasons(last: Structure, now: Structure) -> list[str]:
    """Why `now` cannot be reached from `last` by an update; empty means update in place."""
    reasons: list[str] = []
    if last.profile_type != now.profile_type:
        reasons.append(f"profile type changed from {last.profile_type} to {now.profile_type}")
    for name in CREATE_ONLY_FIELDS:
        before, after = getattr(last, name), getattr(now, name)
        if before != after:
            reasons.append(f"{name} changed from {before!r} to {after!r} (create-only)")
    reasons.extend(_metric_reasons(last.metrics, now.metrics))
    if now.reset_token is not None and now.reset_token != last.reset_token:
        reasons.append(f"reset requested (token {now.reset_token!r})")
    return reasons


def decide(table: str, last: Structure | None, now: Structure) -> Decision:
    """Compare the last deployment with the declaration; bump the generation on a replace."""
    if last is None:
        return Decision(table, replace(now, generation=0), created=True)
    reasons = tuple(replace_reasons(last, now))
    reset = now.reset_token is not None and now.reset_token != last.reset_token
    generation = last.generation + 1 if reasons else last.generation
    return Decision(table, replace(now, generation=generation), reasons, reset=reset)


def describe(decision: Decision) -> str:
    """The preview message for a replace: which monitor, why, and what is lost."""
    return (
        f"monitor '{decision.table}' will be REPLACED (deleted, then created again): "
        + "; ".join(decision.reasons)
        + f". {HISTORY_WARNING}."
    )
