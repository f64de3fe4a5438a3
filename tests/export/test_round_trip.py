"""The guarantee: every shipped declaration, deployed by the program, exports to a declaration
whose payload is the monitor's configuration, field for field, so `adopt` + `pulumi up` is a
no-op. Monitors are created in the fake workspace the way the provider creates them from the
program's inputs; the exported file is read back by the program's own loader; `adopt` is the
provider's import (tests/fakes/provider_read.py `BridgedMonitors.import_`), and the next `up`
is the bridge's diff against the inputs the program registers for the exported declaration.
"""

from __future__ import annotations

import pytest

from monitors.declared.loader import load_declarations, parse_declaration, parse_declaration_text
from monitors.declared.yamlfile import load_yaml
from monitors.desired.payload import monitor_request
from monitors.export.check import compared_part, held_configuration
from monitors.naming import DECLARATIONS_DIR, DECLARATIONS_PATH
from monitors.workspace.export import export_monitors
from monitors.workspace.export_report import Outcome
from tests.fakes.provider_read import planned_changes
from tests.helpers.shipped_monitors import (
    EVERY_MONITOR,
    SHIPPED,
    STACKS,
    answer,
    create_through_program,
    registered,
    run_declarations,
    settings_of,
)


def export_one(client, project, stack, table):
    report = export_monitors(client, settings_of(stack), project, [table])
    (result,) = report.results
    return report, result


@pytest.mark.parametrize(("stack", "table"), EVERY_MONITOR)
def test_a_shipped_monitor_exports_to_a_declaration_that_validates(
    workspace, client, provider, project, stack, table
):
    create_through_program(workspace, provider, registered(stack, table))
    _, result = export_one(client, project, stack, table)
    assert result.outcome is Outcome.WRITTEN
    text = (project / DECLARATIONS_PATH / f"{table}.yaml").read_text()
    parse_declaration_text(table, text, f"{table}.yaml")


@pytest.mark.parametrize(("stack", "table"), EVERY_MONITOR)
def test_the_exported_payload_is_what_the_workspace_holds_field_for_field(
    workspace, client, provider, project, stack, table
):
    inputs = registered(stack, table)
    create_through_program(workspace, provider, inputs)
    report, result = export_one(client, project, stack, table)
    exported = load_declarations(project / DECLARATIONS_PATH)[table]
    held = held_configuration(answer(client, inputs["tableName"]))
    assert compared_part(monitor_request(table, exported, settings_of(stack))) == held
    assert result.differences == ()
    assert report.exit_code == 0


@pytest.mark.parametrize(("stack", "table"), EVERY_MONITOR)
def test_the_exported_payload_is_the_shipped_declarations_payload(
    workspace, client, provider, project, stack, table
):
    create_through_program(workspace, provider, registered(stack, table))
    export_one(client, project, stack, table)
    exported = load_declarations(project / DECLARATIONS_PATH)[table]
    settings = settings_of(stack)
    assert monitor_request(table, exported, settings) == monitor_request(
        table, SHIPPED[table], settings
    )


@pytest.mark.parametrize(("stack", "table"), EVERY_MONITOR)
def test_adopt_then_up_plans_no_update_of_an_exported_monitor(
    workspace, client, provider, project, stack, table
):
    inputs = registered(stack, table)
    create_through_program(workspace, provider, inputs)
    export_one(client, project, stack, table)
    exported = load_declarations(project / DECLARATIONS_PATH)
    run = run_declarations(stack, exported)
    imported = provider.import_(inputs["tableName"])
    registration = run.monitor(table)
    assert planned_changes(imported, registration.inputs, registration.ignore_changes) == []
    assert registration.replacement_trigger is None  # no record: adopt never replaces


def test_exporting_twice_writes_the_same_bytes(workspace, client, provider, project):
    create_through_program(workspace, provider, registered("prod", "fact_booking_daily"))
    export_monitors(client, settings_of("prod"), project, ["fact_booking_daily"])
    path = project / DECLARATIONS_PATH / "fact_booking_daily.yaml"
    first = path.read_bytes()
    export_monitors(client, settings_of("prod"), project, ["fact_booking_daily"], force=True)
    assert path.read_bytes() == first


def test_an_exported_file_starts_like_a_shipped_one(workspace, client, provider, project):
    create_through_program(workspace, provider, registered("dev", "dim_user"))
    export_monitors(client, settings_of("dev"), project, ["dim_user"])
    lines = (project / DECLARATIONS_PATH / "dim_user.yaml").read_text().splitlines()
    assert lines[0] == "# yaml-language-server: $schema=./monitor.schema.json"
    assert lines[1].startswith("# Exported by `monitors export` from the monitor of ")
    assert lines[2] == "snapshot: {}"


# ---- other declaration shapes --------------------------------------------------------------------

OTHER_SHAPES = {
    "inference log with optional columns": {
        "inference_log": {
            "problem_type": "classification",
            "timestamp_col": "created_at",
            "granularities": ["1 day", "1 hour"],
            "prediction_col": "prediction",
            "model_id_col": "model_version",
            "label_col": "label",
            "prediction_proba_col": "probability",
        }
    },
    "regression without a label": {
        "inference_log": {
            "problem_type": "regression",
            "timestamp_col": "created_at",
            "granularities": ["1 week"],
            "prediction_col": "prediction",
            "model_id_col": "model_version",
        }
    },
    "snapshot with a baseline in the gold schema": {
        "snapshot": {},
        "baseline_table_name": "dim_host_baseline",
    },
    "snapshot with a baseline elsewhere": {
        "snapshot": {},
        "baseline_table_name": "other_catalog.reference.dim_host_baseline",
    },
    "drift against a baseline": {
        "snapshot": {},
        "baseline_table_name": "dim_host_baseline",
        "custom_metrics": [
            {
                "name": "avg_rating",
                "type": "aggregate",
                "input_columns": [":table"],
                "definition": "AVG(rating)",
                "output_data_type": "decimal(10,2)",
            },
            {
                "name": "rating_drift",
                "type": "drift",
                "input_columns": [":table"],
                "definition": "{{current_df}}.avg_rating - {{base_df}}.avg_rating",
                "output_data_type": "double",
            },
        ],
    },
    "a metric per column": {
        "snapshot": {},
        "custom_metrics": [
            {
                "name": "null_share",
                "type": "aggregate",
                "input_columns": ["email", "phone"],
                "definition": "AVG(CASE WHEN `{{input_column}}` IS NULL THEN 1.0 ELSE 0.0 END)",
                "output_data_type": "double",
            }
        ],
    },
    "data classification enabled": {
        "snapshot": {},
        "data_classification_config": {"enabled": True},
    },
    "data classification disabled": {
        "snapshot": {},
        "data_classification_config": {"enabled": False},
    },
    "both notification events": {
        "snapshot": {},
        "notifications": {
            "on_failure": {"email_addresses": ["a@example.com", "b@example.com"]},
            "on_new_classification_tag_detected": {"email_addresses": ["c@example.com"]},
        },
    },
    "nobody notified": {"snapshot": {}, "notifications": {"on_failure": {"email_addresses": []}}},
    "own schedule": {
        "snapshot": {},
        "schedule": {"quartz_cron_expression": "0 30 2 * * ?", "timezone_id": "Europe/Paris"},
    },
    "no built-in dashboard": {"snapshot": {}, "skip_builtin_dashboard": True},
    "quoted strings": {
        "snapshot": {},
        "slicing_exprs": ["country = 'FR'", "rating > 4.5", "yes", "0o17"],
        "custom_metrics": [
            {
                "name": "odd_text",
                "type": "aggregate",
                "input_columns": [":table"],
                "definition": "COUNT_IF(name LIKE '%: #%')\n  + COUNT_IF(email = '')",
                "output_data_type": "long",
            }
        ],
    },
}


@pytest.mark.parametrize("shape", OTHER_SHAPES.values(), ids=OTHER_SHAPES.keys())
@pytest.mark.parametrize("stack", STACKS)
def test_other_declaration_shapes_export_exactly(
    workspace, client, provider, project, stack, shape
):
    declared = parse_declaration("dim_host", shape, "dim_host.yaml")
    inputs = run_declarations(stack, {**SHIPPED, "dim_host": declared}).monitor("dim_host").inputs
    create_through_program(workspace, provider, inputs)
    _, result = export_one(client, project, stack, "dim_host")
    assert result.differences == ()
    exported = load_declarations(project / DECLARATIONS_PATH)
    settings = settings_of(stack)
    payload = monitor_request("dim_host", exported["dim_host"], settings)
    assert payload == monitor_request("dim_host", declared, settings)
    assert compared_part(payload) == held_configuration(answer(client, inputs["tableName"]))
    run = run_declarations(stack, {**SHIPPED, **exported})
    registration = run.monitor("dim_host")
    imported = provider.import_(inputs["tableName"])
    assert planned_changes(imported, registration.inputs, registration.ignore_changes) == []


@pytest.mark.parametrize(("stack", "table"), EVERY_MONITOR)
def test_the_exported_file_says_what_the_shipped_file_says_in_the_same_words(
    workspace, client, provider, project, stack, table
):
    """Friendly forms restored, no schedule or notifications the stack already gives, and
    the alerts of the declaration the file replaces (with --force) kept."""
    create_through_program(workspace, provider, registered(stack, table))
    shipped_text = (DECLARATIONS_DIR / f"{table}.yaml").read_text()
    path = project / DECLARATIONS_PATH / f"{table}.yaml"
    path.write_text(shipped_text)
    export_monitors(client, settings_of(stack), project, [table], force=True)
    shipped = load_yaml(shipped_text)
    shipped["custom_metrics"].sort(key=lambda m: m["name"])  # the program sends them by name
    assert load_yaml(path.read_text()) == shipped
