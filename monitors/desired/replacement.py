"""The one rule of what forces a monitor to be deleted and recreated.

The provider plans every change as an update, and the engine only sees that `customMetrics`
changed, so the decision is made here by comparing what was deployed last with what is declared
now. A replace is signalled by bumping the monitor's `generation`, which the program passes as
Pulumi's `replacement_trigger`; an unchanged generation never replaces. Everything else (metrics
added or removed, definitions, slicing, granularities, schedule, notifications, baseline) is an
update in place that keeps monitoring history.

The engine rules this rests on (pulumi `pkg/resource/deploy/step_generator.go`):
`shouldTriggerReplace` replaces when the new and recorded triggers differ, never when either is
null; the new state records the trigger the program sent, null included. So:

- Unknown history never replaces: with no trustworthy record of a monitor the program sends no
  trigger. The engine then holds none for it, and the next run gives it one.
- A monitor the engine holds no trigger for cannot be replaced through the trigger: a replace
  asked for in the run that gives it one is held back (`ignore_changes: ["*"]` keeps the engine's
  inputs) and applied by the run after.
- A reset whose replace the last run started but did not finish is finished, with protection
  lifted again for that monitor only, until the record shows its registration completed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from monitors.declared.datatypes import output_type_label
from monitors.declared.models import PROFILE_TYPES
from monitors.naming import API_LEGACY

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
    """The parts of a deployed monitor that decide between update and replace.

    Also the unit of the record (`monitors.desired.record`): with `generation` (None when a
    record lacks it) and what the run that wrote it did: applied a reset (`resetting`),
    registered the monitor with no replacement trigger (`no_trigger`), or gave a trigger to a
    monitor the engine held none for (`first_trigger`). `api` is the backend the monitor was
    registered through; it never decides a replace (a monitor on another backend than the
    stack's is stopped or migrated first, see `monitors.desired.backend`). `table_name` is the
    monitored table (`catalog.schema.table`): a monitor belongs to one table, so another table
    is another monitor. It is not part of the record entry: the last deployment's comes from
    the `monitors` output, as the provider reported it (None when unknown: never a reason).
    """

    profile_type: str
    assets_dir: str
    warehouse_id: str | None
    skip_builtin_dashboard: bool
    metrics: dict[str, MetricShape] = field(default_factory=dict)
    reset_token: str | None = None
    generation: int | None = 0
    resetting: bool = False
    no_trigger: bool = False
    first_trigger: bool = False
    api: str = API_LEGACY
    table_name: str | None = None


def structure_of(
    request: Mapping[str, Any],
    reset_token: str | None,
    api: str = API_LEGACY,
    table_name: str | None = None,
) -> Structure:
    """The structure of a monitor's API body (see `monitors.desired.payload.monitor_request`) on the
    table `table_name` (which the body does not hold: it is in the URL)."""
    profile = next(p for p in PROFILE_TYPES if p in request)
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
        api=api,
        table_name=table_name,
    )


@dataclass(frozen=True)
class Decision:
    """What the next deployment does to one monitor, and why.

    `structure` is the record this run writes for the monitor. `reasons` say why it is
    replaced (or, when `held`, why it will be on the next run). `unknown` says why its history
    is unknown (then it gets no trigger and is never replaced). `reset` is true in the run that
    applies a reset, `resumed` when that reset is the unfinished one of the last run.
    """

    table: str
    structure: Structure
    reasons: tuple[str, ...] = ()
    reset: bool = False
    created: bool = False
    unknown: str | None = None
    resumed: bool = False
    held: bool = False

    @property
    def replace(self) -> bool:
        """True when this run deletes and recreates the monitor (history is lost)."""
        return bool(self.reasons) and not self.held

    @property
    def generation(self) -> int:
        """The generation this run records for the monitor."""
        return self.structure.generation or 0

    @property
    def trigger(self) -> int | None:
        """The `replacement_trigger` value: None (no trigger) when the history is unknown."""
        return None if self.structure.no_trigger else self.structure.generation


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
    if (
        last.table_name is not None
        and now.table_name is not None
        and last.table_name.lower() != now.table_name.lower()
    ):
        # The provider would plan it as an update of `table_name` (no field of either monitor
        # resource forces a replace), which updates whatever monitor the other table has, or
        # fails, and leaves the deployed monitor behind unmanaged.
        reasons.append(
            f"monitored table changed from '{last.table_name}' to '{now.table_name}' "
            "(a monitor belongs to one table)"
        )
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


UNKNOWN_NO_RECORD = "no record"
UNKNOWN_NO_GENERATION = "no generation"
UNKNOWN_UNCONFIRMED = "unconfirmed"


def decide(table: str, last: Structure | None, now: Structure, *, applied: bool = True) -> Decision:
    """Compare the last deployment's record with the declaration; bump the generation on a replace.

    `applied` is False when the record shows the last run's registration of this monitor did not
    complete (its resource outputs are missing), so the engine may not hold what was recorded.
    """
    if last is None or last.generation is None or (last.no_trigger and not applied):
        # No record, or the last run sent no trigger and may not have reached the engine: the
        # engine may hold any trigger, and only "none" is sure not to replace.
        unknown = (
            UNKNOWN_NO_RECORD
            if last is None
            else UNKNOWN_NO_GENERATION
            if last.generation is None
            else UNKNOWN_UNCONFIRMED
        )
        record = replace(now, generation=0, no_trigger=True)
        return Decision(table, record, created=last is None, unknown=unknown)
    reasons = tuple(replace_reasons(last, now))
    if last.no_trigger or (last.first_trigger and not applied):
        # The engine holds no trigger (or may not): a new one would not replace. Give it the
        # recorded one; with a replace due, keep the engine's inputs and the old record so the
        # next run replaces.
        if reasons:
            record = replace(last, resetting=False, no_trigger=False, first_trigger=True)
            return Decision(table, record, reasons, held=True)
        record = replace(now, generation=last.generation, first_trigger=True)
        return Decision(table, record)
    new_token = now.reset_token is not None and now.reset_token != last.reset_token
    resumed = (
        not applied
        and last.resetting
        and not reasons
        and now.reset_token is not None
        and now.reset_token == last.reset_token
    )
    reset = new_token or resumed
    generation = last.generation + 1 if reasons else last.generation
    record = replace(now, generation=generation, resetting=reset)
    return Decision(table, record, reasons, reset=reset, resumed=resumed)


def describe(decision: Decision) -> str:
    """The preview message for a replace: which monitor, why, and what is lost."""
    return (
        f"monitor '{decision.table}' will be REPLACED (deleted, then created again): "
        + "; ".join(decision.reasons)
        + f". {HISTORY_WARNING}."
    )


def describe_held(decision: Decision) -> str:
    """The preview message for a replace held back one run: the engine has no trigger yet."""
    return (
        f"monitor '{decision.table}' needs a replace ({'; '.join(decision.reasons)}), but the "
        "last deployment registered it without a replacement trigger (it was new, or its "
        "history was unknown), so this run cannot replace it. This run gives it its trigger "
        "and leaves it exactly as deployed (every change to it is held back); the next "
        f"`pulumi up` REPLACES it, and {HISTORY_WARNING}."
    )


def describe_unknown(decision: Decision, *, seen_before: bool) -> str:
    """Why a monitor is registered without a replacement trigger; calm when it looks new."""
    table = decision.table
    if decision.unknown == UNKNOWN_NO_RECORD and not seen_before:
        message = (
            f"monitor '{table}' has no record of an earlier deployment in this stack (new?): it "
            "is created, or kept as deployed if it already exists (never replaced); it gets its "
            "replacement trigger on the next `pulumi up`"
        )
    else:
        if decision.unknown == UNKNOWN_NO_GENERATION:
            why = f"the last deployment's record of monitor '{table}' has no generation"
        elif decision.unknown == UNKNOWN_UNCONFIRMED:
            why = (
                f"the last deployment registered monitor '{table}' without a replacement "
                "trigger and did not complete that registration"
            )
        else:
            why = f"monitor '{table}' was deployed but is missing from the last deployment's record"
        message = (
            f"{why}, so its history is unknown: it is registered without a replacement trigger "
            "and is never replaced in this run (a structural change made since its last "
            "deployment cannot be detected and is applied in place); this run rebuilds its "
            "record and the next `pulumi up` gives it its trigger"
        )
    if decision.structure.reset_token is not None:
        message += (
            f". A reset token is set for '{table}', but with its history unknown this run does "
            "not reset it: request a new reset after this run if you still need one"
        )
    return message + "."


def describe_resumed(decision: Decision) -> str:
    """The preview message for a reset the last run started and did not finish."""
    return (
        f"monitor '{decision.table}': the reset requested with token "
        f"{decision.structure.reset_token!r} did not complete in the last deployment; this run "
        f"finishes it (deleted if still there, then created). {HISTORY_WARNING}."
    )


@dataclass(frozen=True)
class AnomalyChange:
    """What the next deployment does to the schema-level anomaly detection monitor.

    The schema it watches is its identity (its `replacement_trigger`, `anomaly_trigger`):
    another schema is another monitor, so it is replaced; turned off, it is deleted. `before` is
    the schema it watched at the last deployment, `now` the one it watches after this one (None:
    none). Editing `excludedTables` is an update in place, which this does not decide.
    """

    before: str | None
    now: str | None

    @property
    def created(self) -> bool:
        return self.before is None and self.now is not None

    @property
    def deleted(self) -> bool:
        return self.before is not None and self.now is None

    @property
    def replaced(self) -> bool:
        return self.before is not None and self.now is not None and self.before != self.now

    @property
    def reason(self) -> str | None:
        """Why it is replaced or deleted; None when neither."""
        if self.deleted:
            return "anomaly detection is turned off (or its setting removed)"
        if self.replaced:
            return f"the gold schema changed from {self.before} to {self.now}"
        return None


def anomaly_trigger(schema_name: str) -> str:
    """The schema monitor's `replacement_trigger`: the schema it watches."""
    return schema_name


def describe_anomaly(change: AnomalyChange) -> str | None:
    """The preview warning for a replaced or deleted schema monitor; None when neither."""
    if change.deleted:
        return f"schema anomaly detection of {change.before} will be DELETED."
    if change.replaced:
        return (
            f"schema anomaly detection of {change.before} will be REPLACED "
            f"(it now watches {change.now})."
        )
    return None
