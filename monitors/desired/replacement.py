"""The one rule of what forces a monitor to be deleted and recreated.

The provider plans every change as an update, and the engine only sees that `customMetrics`
changed, so the decision is made here by comparing what was deployed last with what is declared
now. A replace is signalled by bumping the monitor's `generation`, which the program passes as
Pulumi's `replacement_trigger`; an unchanged generation never replaces. Everything else (metrics
added or removed, definitions, slicing, granularities, schedule, notifications, baseline) is an
update in place that keeps monitoring history.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from monitors.spec.datatypes import output_type_label

HISTORY_WARNING = (
    "monitoring history older than about 30 days will be lost "
    "(a new monitor back-fills only ~30 days)"
)
# Create-only fields: the API ignores or rejects a change, so only a new monitor can apply it.
CREATE_ONLY_FIELDS: tuple[str, ...] = ("assets_dir", "warehouse_id", "skip_builtin_dashboard")


def definition_digest(definition: str) -> str:
    """A short digest of a metric's SQL: enough to tell a rename (same body) from a new metric."""
    return hashlib.sha256(definition.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class MetricShape:
    """What identifies a custom metric's column in the metric tables."""

    type: str
    input_columns: tuple[str, ...]
    output_type: str  # Spark type name inside the StructField JSON, e.g. "double"
    definition_digest: str

    @property
    def body(self) -> tuple[str, tuple[str, ...], str, str]:
        """Everything but the name: two metrics with the same body are a rename."""
        return (self.type, self.input_columns, self.output_type, self.definition_digest)


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

    def to_output(self) -> str:
        """Compact JSON for the stack output the next deployment reads back.

        One string per monitor: hundreds of monitors' structures cross the engine twice per
        run (exported, then read back), and nested values cost far more to serialise.
        """
        data = {
            "profile_type": self.profile_type,
            "assets_dir": self.assets_dir,
            "warehouse_id": self.warehouse_id,
            "skip_builtin_dashboard": self.skip_builtin_dashboard,
            "reset_token": self.reset_token,
            "generation": self.generation,
            "metrics": {
                name: [m.type, list(m.input_columns), m.output_type, m.definition_digest]
                for name, m in self.metrics.items()
            },
        }
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_output(cls, raw: str | Mapping[str, Any]) -> Structure:
        """Read back what `to_output` wrote (a stack output from the last deployment)."""
        data = json.loads(raw) if isinstance(raw, str) else raw
        metrics = {
            name: MetricShape(str(kind), tuple(columns), str(output_type), str(digest))
            for name, (kind, columns, output_type, digest) in dict(data["metrics"]).items()
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
            output_type=output_type_label(m["output_data_type"]),
            definition_digest=definition_digest(m["definition"]),
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
        if old.output_type != new.output_type:
            reasons.append(
                f"metric '{name}' output_data_type changed from {old.output_type} "
                f"to {new.output_type}"
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
