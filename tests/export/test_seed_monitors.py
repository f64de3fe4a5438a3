"""Monitors the seed's scripts (or the UI) made: export what a declaration can say, report the
rest, and never write a declaration that says something else silently.

Each case starts from a script-made monitor that matches the prod stack exactly and changes one
thing. The reported differences must be exactly what the first `pulumi up` after `adopt` would
change (the provider model's planned changes), and the file must validate.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from monitors.declared.loader import load_declarations
from monitors.naming import DECLARATIONS_PATH
from monitors.workspace.export import export_monitors
from monitors.workspace.export_report import Outcome
from tests.fakes.provider_read import planned_changes, pulumi_name
from tests.helpers.shipped_monitors import SHIPPED, run_declarations, settings_of

FULL_NAME = "wanderbricks.wanderbricks_gold.dim_host"


def struct(type_name: str) -> str:
    return json.dumps(
        {"metadata": {}, "name": "output", "nullable": True, "type": type_name},
        separators=(",", ":"),
    )


# StructField JSON for `long` as `json.dumps` writes it by default, and with its keys reordered.
SPACED = '{"metadata": {}, "name": "output", "nullable": true, "type": "long"}'
REORDERED = '{"type":"long","name":"output","nullable":true,"metadata":{}}'


def metric(name: str, definition: str, kind: str = "AGGREGATE", output: str = "long") -> dict:
    return {
        "type": f"CUSTOM_METRIC_TYPE_{kind}",
        "name": name,
        "input_columns": [":table"],
        "definition": definition,
        "output_data_type": struct(output),
    }


def seed_monitor() -> dict[str, Any]:
    """A monitor a script made that the prod stack would declare exactly (metrics by name)."""
    return {
        "output_schema_name": "wanderbricks.wanderbricks_gold_monitoring",
        "assets_dir": "/Workspace/Shared/lakehouse_monitoring/prod/dim_host",
        "snapshot": {},
        "slicing_exprs": ["country"],
        "custom_metrics": [
            metric("current_host_count", "COUNT_IF(is_current)"),
            metric("current_verified_host_count", "COUNT_IF(is_current AND is_verified)"),
            metric(
                "verification_rate",
                "current_verified_host_count / NULLIF(current_host_count, 0)",
                "DERIVED",
                "double",
            ),
        ],
        "schedule": {"quartz_cron_expression": "0 0 6 * * ?", "timezone_id": "UTC"},
        "notifications": {
            "on_failure": {"email_addresses": ["data-platform-oncall@wanderbricks.example"]}
        },
    }


def with_metric(index: int, **changes: Any) -> Any:
    def edit(monitor: dict[str, Any]) -> None:
        monitor["custom_metrics"][index].update(changes)

    return edit


def drop(key: str) -> Any:
    return lambda monitor: monitor.pop(key)


def put(key: str, value: Any) -> Any:
    return lambda monitor: monitor.update({key: value})


def add_metric(new: dict[str, Any]) -> Any:
    return lambda monitor: monitor["custom_metrics"].insert(0, new)  # first by name


BRACES = "{{current_verified_host_count}} / NULLIF({{current_host_count}}, 0)"
# id: (edit of the seed monitor, the fields reported as differences)
CASES: dict[str, tuple[Any, set[str]]] = {
    "as the stack declares it": (lambda m: None, set()),
    "a bare output type": (
        with_metric(0, output_data_type="double"),
        {"custom_metrics (current_host_count).output_data_type"},
    ),
    "StructField JSON with another field name": (
        with_metric(0, output_data_type=struct("long").replace('"output"', '"outdated"')),
        {"custom_metrics (current_host_count).output_data_type"},
    ),
    "a metric type without its prefix": (
        with_metric(1, type="AGGREGATE"),
        {"custom_metrics (current_verified_host_count).type"},
    ),
    "a derived metric naming aggregates in braces": (
        with_metric(2, definition=BRACES),
        {"custom_metrics (verification_rate)"},
    ),
    "an aggregate no declaration can type, and the derived metric using it": (
        with_metric(1, output_data_type=struct("array<int>")),
        {
            "custom_metrics (current_verified_host_count)",
            "custom_metrics (verification_rate)",
        },
    ),
    "metrics in another order": (
        lambda m: m["custom_metrics"].reverse(),
        {"custom_metrics"},
    ),
    "a slicing expression listed twice": (
        put("slicing_exprs", ["country", "country"]),
        {"slicing_exprs"},
    ),
    "a slicing expression that is not one expression": (
        put("slicing_exprs", ["country", "SELECT country FROM dim_host"]),
        {"slicing_exprs"},
    ),
    "no schedule in a stack that schedules every monitor": (drop("schedule"), {"schedule"}),
    "an unknown time zone": (
        put("schedule", {"quartz_cron_expression": "0 0 6 * * ?", "timezone_id": "Mars/Base"}),
        {"schedule"},
    ),
    "a sixth address": (
        put(
            "notifications",
            {"on_failure": {"email_addresses": [f"p{i}@example.com" for i in range(6)]}},
        ),
        {"notifications"},
    ),
    "assets elsewhere": (put("assets_dir", "/Users/someone/dim_host"), {"assets_dir"}),
    "metric tables in another schema": (
        put("output_schema_name", "wanderbricks.monitoring"),
        {"output_schema_name"},
    ),
    "a baseline that is not a table name": (
        put("baseline_table_name", "wanderbricks.gold"),
        {"baseline_table_name"},
    ),
}
# Things that change nothing, or that a declaration says in its own words.
SAME_CASES: dict[str, Any] = {
    "another schedule": put(
        "schedule", {"quartz_cron_expression": "0 30 2 * * ?", "timezone_id": "Europe/Paris"}
    ),
    "nobody notified": drop("notifications"),
    "other addresses": put("notifications", {"on_failure": {"email_addresses": ["a@x.example"]}}),
    "a baseline in the gold schema": put(
        "baseline_table_name", "wanderbricks.wanderbricks_gold.dim_host_baseline"
    ),
    "no dashboard": put("skip_builtin_dashboard", True),
    "a metric with a DECIMAL output": add_metric(
        metric("avg_rating", "AVG(rating)", output="decimal(3,2)")
    ),
    # Equal JSON is equal: the declaration keeps the spelling, so `pulumi up` sends it as held.
    "StructField JSON with spaces": with_metric(0, output_data_type=SPACED),
    "StructField JSON in another key order": with_metric(0, output_data_type=REORDERED),
}


def make_seed(workspace, edit) -> dict[str, Any]:
    monitor = seed_monitor()
    edit(monitor)
    workspace.add_table(FULL_NAME)
    workspace.add_monitor(FULL_NAME, **monitor)
    workspace.initialise_monitor(FULL_NAME)
    return monitor


def export_seed(client, project):
    report = export_monitors(client, settings_of("prod"), project, ["dim_host"])
    (result,) = report.results
    return report, result


def first_up_after_adopt(provider, project) -> list[str]:
    """What `pulumi up` would change after `adopt`, with the exported declaration."""
    exported = load_declarations(project / DECLARATIONS_PATH)
    registration = run_declarations("prod", {**SHIPPED, **exported}).monitor("dim_host")
    imported = provider.import_(FULL_NAME)
    return planned_changes(imported, registration.inputs, registration.ignore_changes)


@pytest.mark.parametrize(("edit", "reported"), CASES.values(), ids=CASES.keys())
def test_a_script_made_monitor_exports_and_reports_what_a_declaration_cannot_say(
    workspace, client, project, edit, reported
):
    make_seed(workspace, edit)
    report, result = export_seed(client, project)
    assert result.outcome is Outcome.WRITTEN
    assert {gap.field for gap in result.differences} == reported
    assert report.exit_code == (1 if reported else 0)
    assert "dim_host" in load_declarations(project / DECLARATIONS_PATH)


@pytest.mark.parametrize(("edit", "reported"), CASES.values(), ids=CASES.keys())
def test_the_reported_differences_are_what_the_first_up_after_adopt_changes(
    workspace, client, provider, project, edit, reported
):
    make_seed(workspace, edit)
    _, result = export_seed(client, project)
    changed = {pulumi_name(gap.key[0]) for gap in result.differences}
    assert set(first_up_after_adopt(provider, project)) == changed


@pytest.mark.parametrize("edit", SAME_CASES.values(), ids=SAME_CASES.keys())
def test_what_a_declaration_can_say_is_exported_exactly(workspace, client, provider, project, edit):
    make_seed(workspace, edit)
    _, result = export_seed(client, project)
    assert result.differences == ()
    assert first_up_after_adopt(provider, project) == []


def test_a_bare_output_type_is_written_as_the_type_and_said_to_never_initialise(
    workspace, client, project
):
    make_seed(workspace, with_metric(0, output_data_type="double"))
    _, result = export_seed(client, project)
    (gap,) = result.differences
    assert "bare type" in gap.message and "never initialises" in gap.message
    exported = load_declarations(project / DECLARATIONS_PATH)["dim_host"]
    assert exported.custom_metrics[0].output_data_type == struct("double")


def test_a_derived_metric_in_braces_is_left_out_with_the_definition_the_service_takes(
    workspace, client, project
):
    make_seed(workspace, with_metric(2, definition=BRACES))
    _, result = export_seed(client, project)
    (gap,) = result.differences
    assert gap.message.startswith("left out: derived metrics name aggregates bare")
    assert '"current_verified_host_count / NULLIF(current_host_count, 0)"' in gap.message
    exported = load_declarations(project / DECLARATIONS_PATH)["dim_host"]
    assert [m.name for m in exported.custom_metrics] == [
        "current_host_count",
        "current_verified_host_count",
    ]


def test_the_differences_head_the_written_file(workspace, client, project):
    make_seed(workspace, put("assets_dir", "/Users/someone/dim_host"))
    export_seed(client, project)
    text = (project / DECLARATIONS_PATH / "dim_host.yaml").read_text()
    assert "# Not as in the workspace" in text
    assert 'set lakehouse-monitors:assetsRoot to "/Users/someone"' in text


def test_granularities_spelled_in_another_case_are_written_as_declarations_spell_them(
    workspace, client, project
):
    workspace.add_monitor(
        FULL_NAME,
        **{
            **seed_monitor(),
            "snapshot": None,
            "time_series": {"timestamp_col": "joined_at", "granularities": ["1 DAY", "1  week"]},
        },
    )
    workspace.monitors[FULL_NAME].pop("snapshot")
    workspace.initialise_monitor(FULL_NAME)
    _, result = export_seed(client, project)
    (gap,) = result.differences
    assert gap.field == "time_series"
    exported = load_declarations(project / DECLARATIONS_PATH)["dim_host"]
    assert exported.time_series is not None
    assert exported.time_series.granularities == ["1 day", "1 week"]


def test_a_profile_no_declaration_can_say_is_not_written(workspace, client, project):
    time_series = {"timestamp_col": "joined_at", "granularities": ["1 fortnight"]}
    monitor = {**seed_monitor(), "time_series": time_series}
    monitor.pop("snapshot")
    workspace.add_monitor(FULL_NAME, **monitor)
    report, result = export_seed(client, project)
    assert result.outcome is Outcome.FAILED
    assert "cannot be declared" in result.detail and "1 fortnight" in result.detail
    assert not (project / DECLARATIONS_PATH / "dim_host.yaml").exists()
    assert report.exit_code == 1


def test_a_paused_schedule_is_a_note_not_a_difference(workspace, client, provider, project):
    make_seed(workspace, lambda m: None)
    workspace.monitors[FULL_NAME]["schedule"]["pause_status"] = "PAUSED"
    _, result = export_seed(client, project)
    assert result.differences == ()
    assert [gap.field for gap in result.all_notes] == ["schedule.pause_status"]
    assert first_up_after_adopt(provider, project) == []


def test_a_failure_message_is_reported_as_an_update_no_declaration_prevents(
    workspace, client, provider, project
):
    make_seed(workspace, lambda m: None)
    workspace.set_monitor_status(
        FULL_NAME, "MONITOR_STATUS_ACTIVE", failure_msg="refresh failed: INTERNAL_ERROR"
    )
    _, result = export_seed(client, project)
    (gap,) = result.differences
    assert gap.field == "latest_monitor_failure_msg"
    assert first_up_after_adopt(provider, project) == ["latestMonitorFailureMsg"]


def test_a_monitor_without_a_dashboard_is_declared_without_one(workspace, client, project):
    make_seed(workspace, put("skip_builtin_dashboard", True))
    _, result = export_seed(client, project)
    assert load_declarations(project / DECLARATIONS_PATH)["dim_host"].skip_builtin_dashboard
    assert [gap.field for gap in result.all_notes] == ["skip_builtin_dashboard"]


def test_a_pending_monitor_without_a_dashboard_yet_is_not_guessed_to_skip_it(
    workspace, client, project
):
    make_seed(workspace, put("skip_builtin_dashboard", True))
    workspace.set_monitor_status(FULL_NAME, "MONITOR_STATUS_PENDING")
    _, result = export_seed(client, project)
    assert not load_declarations(project / DECLARATIONS_PATH)["dim_host"].skip_builtin_dashboard
    (note,) = result.all_notes
    assert "cannot be told" in note.message
