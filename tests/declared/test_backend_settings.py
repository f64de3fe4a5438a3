"""The backend settings (`api`, `migratingTo`, `anomalyDetection`) and what the data quality API
cannot express: refused before anything is registered, naming the file, monitor and field."""

from __future__ import annotations

import json
from typing import get_args

import pytest

from monitors.declared.backend import Api
from monitors.declared.project import build_project
from monitors.declared.settings import parse_stack_config, settings_from_config
from monitors.errors import DeclarationError, DeclarationErrors, StackConfigError
from monitors.naming import APIS
from tests.declared.test_stack_settings import BASE, ENGINE_BASE, FILE, file_errors, from_file
from tests.helpers.project import project_input

DIM_HOST = """\
snapshot: {}
custom_metrics: []
"""


def test_a_stack_without_the_setting_deploys_through_the_legacy_api():
    settings = from_file()
    assert (settings.api, settings.migrating_to, settings.anomaly_detection) == (
        "legacy",
        None,
        None,
    )


def test_the_settings_type_names_the_same_apis_as_the_names_module():
    assert get_args(Api) == APIS


@pytest.mark.parametrize("api", ["legacy", "data_quality"])
def test_api_takes_legacy_or_data_quality(api):
    assert from_file(f"  lakehouse-monitors:api: {api}\n").api == api


@pytest.mark.parametrize("value", ["dq", "Data_Quality", "new", "true"])
def test_any_other_api_is_refused(value):
    (error,) = file_errors(f"  lakehouse-monitors:api: {value}\n")
    assert error == (
        f"{FILE}: lakehouse-monitors:api: must be one of 'legacy' or 'data_quality', not "
        f"text ({value!r})"
    )


def test_a_migration_marker_must_name_the_stacks_api():
    (error,) = file_errors("  lakehouse-monitors:migratingTo: data_quality\n")
    assert error == (
        f"{FILE}: lakehouse-monitors:migratingTo: says the stack is migrating to 'data_quality', "
        "but lakehouse-monitors:api is 'legacy': finish the migration with "
        "`monitors migrate --stack prod --to data_quality`, or remove this setting"
    )
    both = from_file(
        "  lakehouse-monitors:api: data_quality\n  lakehouse-monitors:migratingTo: data_quality\n"
    )
    assert both.migrating_to == "data_quality"


def test_anomaly_detection_reads_the_same_from_the_file_and_from_the_engine():
    text = (
        "  lakehouse-monitors:anomalyDetection:\n"
        "    enabled: true\n"
        "    excludedTables: [dim_user, fact_booking_daily]\n"
    )
    from_text = from_file(text).anomaly_detection
    value = {"enabled": True, "excludedTables": ["dim_user", "fact_booking_daily"]}
    engine = settings_from_config(
        "prod", {**ENGINE_BASE, "lakehouse-monitors:anomalyDetection": json.dumps(value)}, FILE
    ).anomaly_detection
    assert from_text == engine
    assert engine is not None and engine.excluded_tables == ["dim_user", "fact_booking_daily"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{enabled: yes}", "anomalyDetection.enabled: must be true or false, not text ('yes')"),
        ("{excludedTables: [a]}", "anomalyDetection.enabled: is required"),
        ("{enabled: true, excludedTables: [Dim_User]}", "has capital letters"),
        ("{enabled: true, excludedTables: [gold.dim_user]}", "is not a plain table name"),
        ("{enabled: true, excludedTables: [a, a]}", "'a' is listed twice"),
        ("{enabled: true, exclude: [a]}", "anomalyDetection.exclude: unknown key"),
    ],
)
def test_anomaly_detection_settings_are_checked(value, message):
    errors = file_errors(f"  lakehouse-monitors:anomalyDetection: {value}\n")
    assert any(message in e for e in errors), errors


UNEXPRESSIBLE = {
    "data_classification_config": (
        "data_classification_config:\n  enabled: true\n",
        "data_classification_config: the Data Quality Monitoring API "
        "(lakehouse-monitors:api: data_quality) has no data classification",
    ),
    "prediction_proba_col": (
        "",
        "inference_log.prediction_proba_col: the Data Quality Monitoring API "
        "(lakehouse-monitors:api: data_quality) has no prediction probability column",
    ),
    "classification-tag notifications": (
        "notifications:\n  on_new_classification_tag_detected:\n"
        "    email_addresses: [a@example.com]\n",
        "notifications.on_new_classification_tag_detected: the Data Quality Monitoring API "
        "(lakehouse-monitors:api: data_quality) has no classification-tag notifications",
    ),
}
INFERENCE = """\
custom_metrics: []
inference_log:
  problem_type: classification
  timestamp_col: ts
  granularities: [1 day]
  prediction_col: p
  model_id_col: m
  prediction_proba_col: proba
"""


def _declaration(case: str) -> str:
    extra, _ = UNEXPRESSIBLE[case]
    return INFERENCE if case == "prediction_proba_col" else DIM_HOST + extra


def _config(api: str) -> dict:
    config = parse_stack_config(BASE + "  lakehouse-monitors:enabled: [dim_host]\n", FILE)
    config["lakehouse-monitors:api"] = api
    return config


@pytest.mark.parametrize("case", UNEXPRESSIBLE, ids=UNEXPRESSIBLE)
def test_what_the_data_quality_api_cannot_express_is_refused_naming_file_monitor_and_field(case):
    path = "monitors/declarations/dim_host.yaml"
    with pytest.raises(DeclarationError) as caught:
        build_project(project_input("prod", _config("data_quality"), {path: _declaration(case)}))
    _, message = UNEXPRESSIBLE[case]
    assert str(caught.value).startswith(f"{path}: monitor dim_host: {message}")


@pytest.mark.parametrize("case", UNEXPRESSIBLE, ids=UNEXPRESSIBLE)
def test_the_legacy_api_accepts_those_fields(case):
    path = "monitors/declarations/dim_host.yaml"
    project = build_project(project_input("prod", _config("legacy"), {path: _declaration(case)}))
    assert list(project.monitors) == ["dim_host"]


def test_unexpressible_fields_are_reported_with_every_other_problem_at_once():
    config = _config("data_quality")
    config["lakehouse-monitors:protect"] = "maybe"
    with pytest.raises((DeclarationErrors, StackConfigError)) as caught:
        build_project(
            project_input(
                "prod", config, {"d/dim_host.yaml": _declaration("data_classification_config")}
            )
        )
    assert "protect: must be true or false" in str(caught.value)
