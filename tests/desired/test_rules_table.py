"""The replacement and protection rules as one table, on the pure functions, in milliseconds.

Each row: the last record of a monitor (or none), what is declared now, whether the last run's
registration completed, whether the stack protects its monitors -> the decision (update in
place, replace with its reasons, held one run, no trigger, refused by protection). The program
and change report suites drive the same rules through the engine model (tests/change_table.py);
this table calls `monitors.desired.replacement.decide` and
`monitors.desired.protection.is_protected` directly, so a bad rule change fails here with the
rule's own name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from monitors.desired.protection import is_protected
from monitors.desired.replacement import (
    CREATE_ONLY_FIELDS,
    UNKNOWN_NO_GENERATION,
    UNKNOWN_NO_RECORD,
    UNKNOWN_UNCONFIRMED,
    Decision,
    MetricShape,
    Structure,
    decide,
    definition_digest,
    describe,
)

TABLE = "fact_booking_daily"
FULL_NAME = "main.gold.fact_booking_daily"
TOKEN = "2026-12-06T01:00:00Z-a1"

TOTAL = MetricShape(
    "CUSTOM_METRIC_TYPE_AGGREGATE", (":table",), "long", definition_digest("SUM(x)")
)
RATE = MetricShape("CUSTOM_METRIC_TYPE_DERIVED", (":table",), "double", definition_digest("a / b"))

DEPLOYED = Structure(
    profile_type="time_series",
    assets_dir="/Workspace/Shared/lakehouse_monitoring/dev/fact_booking_daily",
    warehouse_id=None,
    skip_builtin_dashboard=False,
    metrics={"total": TOTAL, "rate": RATE},
    generation=3,
    table_name=FULL_NAME,
)
DECLARED = replace(DEPLOYED, generation=0)  # what structure_of gives: no generation of its own


def now(**changes: object) -> Structure:
    """The declaration of the deployed monitor, with `changes`."""
    return replace(DECLARED, **changes)  # type: ignore[arg-type]


def last(**changes: object) -> Structure:
    """The last record of the monitor, with `changes`."""
    return replace(DEPLOYED, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Rule:
    """One row: inputs of `decide` and `is_protected`, and the decision they must give."""

    name: str
    last: Structure | None
    now: Structure
    outcome: str  # update | replace | refused | held | no trigger
    reasons: tuple[str, ...] = ()
    applied: bool = True
    protects: bool = False
    generation: int = 3  # the generation this run records
    reset: bool = False  # this run applies a reset (protection lifted for it)
    unknown: str | None = None


RULES: tuple[Rule, ...] = (
    Rule("the same declaration updates in place", last(), now(), "update"),
    Rule(
        "a new metric updates in place",
        last(),
        now(metrics={**DECLARED.metrics, "max": replace(TOTAL, definition_digest="m")}),
        "update",
    ),
    Rule(
        "a removed metric updates in place",
        last(),
        now(metrics={"total": TOTAL}),
        "update",
    ),
    Rule(
        "a changed definition updates in place",
        last(),
        now(metrics={"total": replace(TOTAL, definition_digest="other"), "rate": RATE}),
        "update",
    ),
    Rule(
        "a renamed metric (same body) replaces",
        last(),
        now(metrics={"sum_all": TOTAL, "rate": RATE}),
        "replace",
        reasons=("metric 'total' renamed to 'sum_all'",),
        generation=4,
    ),
    Rule(
        "a metric's changed type replaces",
        last(),
        now(metrics={"total": replace(TOTAL, type="CUSTOM_METRIC_TYPE_DRIFT"), "rate": RATE}),
        "replace",
        reasons=(
            "metric 'total' type changed from CUSTOM_METRIC_TYPE_AGGREGATE "
            "to CUSTOM_METRIC_TYPE_DRIFT",
        ),
        generation=4,
    ),
    Rule(
        "a metric's changed input_columns replaces",
        last(),
        now(metrics={"total": replace(TOTAL, input_columns=("x",)), "rate": RATE}),
        "replace",
        reasons=("metric 'total' input_columns changed from [':table'] to ['x']",),
        generation=4,
    ),
    Rule(
        "a metric's changed output type replaces",
        last(),
        now(metrics={"total": replace(TOTAL, output_type="double"), "rate": RATE}),
        "replace",
        reasons=("metric 'total' output_data_type changed from long to double",),
        generation=4,
    ),
    Rule(
        "a changed profile type replaces",
        last(),
        now(profile_type="snapshot"),
        "replace",
        reasons=("profile type changed from time_series to snapshot",),
        generation=4,
    ),
    Rule(
        "a changed assets_dir replaces (create-only)",
        last(),
        now(assets_dir="/Workspace/x"),
        "replace",
        reasons=(
            "assets_dir changed from "
            "'/Workspace/Shared/lakehouse_monitoring/dev/fact_booking_daily' "
            "to '/Workspace/x' (create-only)",
        ),
        generation=4,
    ),
    Rule(
        "a changed warehouse_id replaces (create-only)",
        last(),
        now(warehouse_id="abc"),
        "replace",
        reasons=("warehouse_id changed from None to 'abc' (create-only)",),
        generation=4,
    ),
    Rule(
        "a changed skip_builtin_dashboard replaces (create-only)",
        last(),
        now(skip_builtin_dashboard=True),
        "replace",
        reasons=("skip_builtin_dashboard changed from False to True (create-only)",),
        generation=4,
    ),
    Rule(
        "another monitored table replaces",
        last(),
        now(table_name="main.gold_v2.fact_booking_daily"),
        "replace",
        reasons=(
            f"monitored table changed from '{FULL_NAME}' to 'main.gold_v2.fact_booking_daily' "
            "(a monitor belongs to one table)",
        ),
        generation=4,
    ),
    Rule(
        "the monitored table in another letter case updates in place",
        last(),
        now(table_name=FULL_NAME.upper()),
        "update",
    ),
    Rule(
        "an unknown last table is never a reason",
        last(table_name=None),
        now(),
        "update",
    ),
    Rule(
        "a new reset token replaces and applies the reset",
        last(),
        now(reset_token=TOKEN),
        "replace",
        reasons=(f"reset requested (token {TOKEN!r})",),
        generation=4,
        reset=True,
    ),
    Rule(
        "a reset token the record has seen changes nothing",
        last(reset_token=TOKEN),
        now(reset_token=TOKEN),
        "update",
    ),
    Rule(
        "a removed reset token changes nothing",
        last(reset_token=TOKEN),
        now(),
        "update",
    ),
    Rule(
        "a reset the last run started and did not finish is finished",
        last(reset_token=TOKEN, resetting=True),
        now(reset_token=TOKEN),
        "update",  # no new reason: the generation already moved; the reset re-applies
        applied=False,
        reset=True,
    ),
    Rule(
        "a finished reset is not applied again",
        last(reset_token=TOKEN, resetting=True),
        now(reset_token=TOKEN),
        "update",
    ),
    Rule(
        "a structural change in a protected stack is refused",
        last(),
        now(profile_type="snapshot"),
        "refused",
        reasons=("profile type changed from time_series to snapshot",),
        protects=True,
        generation=4,
    ),
    Rule(
        "a reset in a protected stack lifts protection for that run",
        last(),
        now(reset_token=TOKEN),
        "replace",
        reasons=(f"reset requested (token {TOKEN!r})",),
        protects=True,
        generation=4,
        reset=True,
    ),
    Rule(
        "a reset with a structural change in a protected stack replaces once",
        last(),
        now(reset_token=TOKEN, warehouse_id="abc"),
        "replace",
        reasons=(
            "warehouse_id changed from None to 'abc' (create-only)",
            f"reset requested (token {TOKEN!r})",
        ),
        protects=True,
        generation=4,
        reset=True,
    ),
    Rule(
        "an update in place in a protected stack stays protected",
        last(),
        now(metrics={"total": TOTAL}),
        "update",
        protects=True,
    ),
    Rule(
        "no record: no trigger, never replaced",
        None,
        now(profile_type="snapshot"),
        "no trigger",
        generation=0,
        unknown=UNKNOWN_NO_RECORD,
    ),
    Rule(
        "a record without a generation: no trigger, never replaced",
        last(generation=None),
        now(profile_type="snapshot"),
        "no trigger",
        generation=0,
        unknown=UNKNOWN_NO_GENERATION,
    ),
    Rule(
        "an unconfirmed registration without a trigger: no trigger again",
        last(no_trigger=True),
        now(profile_type="snapshot"),
        "no trigger",
        applied=False,
        generation=0,
        unknown=UNKNOWN_UNCONFIRMED,
    ),
    Rule(
        "a reset token with unknown history is not applied",
        None,
        now(reset_token=TOKEN),
        "no trigger",
        generation=0,
        unknown=UNKNOWN_NO_RECORD,
    ),
    Rule(
        "the first trigger keeps the recorded generation",
        last(no_trigger=True),
        now(metrics={"total": TOTAL}),
        "update",
    ),
    Rule(
        "a replace due when the engine holds no trigger is held one run",
        last(no_trigger=True),
        now(profile_type="snapshot"),
        "held",
        reasons=("profile type changed from time_series to snapshot",),
    ),
    Rule(
        "a replace due after an unconfirmed first trigger is held again",
        last(first_trigger=True),
        now(profile_type="snapshot"),
        "held",
        reasons=("profile type changed from time_series to snapshot",),
        applied=False,
    ),
    Rule(
        "a replace due after a confirmed first trigger replaces",
        last(first_trigger=True),
        now(profile_type="snapshot"),
        "replace",
        reasons=("profile type changed from time_series to snapshot",),
        generation=4,
    ),
)


def verdict(decision: Decision, stack_protects: bool) -> str:
    """The decision in one word, protection included (the engine refuses a protected replace)."""
    if decision.unknown is not None:
        return "no trigger"
    if decision.held:
        return "held"
    if decision.replace:
        return "refused" if is_protected(stack_protects, decision.reset) else "replace"
    return "update"


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_rule(rule: Rule) -> None:
    decision = decide(TABLE, rule.last, rule.now, applied=rule.applied)
    assert (
        verdict(decision, rule.protects),
        decision.reasons,
        decision.generation,
        decision.reset,
        decision.unknown,
    ) == (rule.outcome, rule.reasons, rule.generation, rule.reset, rule.unknown)


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_unknown_history_sends_no_trigger_and_every_other_decision_its_generation(
    rule: Rule,
) -> None:
    decision = decide(TABLE, rule.last, rule.now, applied=rule.applied)
    assert decision.trigger == (None if rule.unknown else rule.generation)


def test_every_create_only_field_has_a_row() -> None:
    named = {reason.split(" ")[0] for rule in RULES for reason in rule.reasons}
    assert set(CREATE_ONLY_FIELDS) <= named


@pytest.mark.parametrize(
    "stack_protects, reset_now, protect",
    [(False, False, False), (False, True, False), (True, False, True), (True, True, False)],
    ids=[
        "an unprotected stack never protects",
        "an unprotected stack with a reset does not protect",
        "a protected stack protects",
        "a protected stack lifts protection in the run that resets",
    ],
)
def test_protection(stack_protects: bool, reset_now: bool, protect: bool) -> None:
    assert is_protected(stack_protects, reset_now) is protect


def test_the_replace_message_names_the_monitor_every_reason_and_the_history_lost() -> None:
    decision = decide(TABLE, last(), now(profile_type="snapshot", warehouse_id="abc"))
    assert describe(decision) == (
        f"monitor '{TABLE}' will be REPLACED (deleted, then created again): "
        "profile type changed from time_series to snapshot; "
        "warehouse_id changed from None to 'abc' (create-only). "
        "monitoring history older than about 30 days will be lost "
        "(a new monitor back-fills only ~30 days)."
    )
