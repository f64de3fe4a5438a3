"""Every field of a declaration and of the stack settings, given a value of every wrong kind (a
list where a mapping is wanted, a mapping where text is, null, a flag, huge numbers, nested junk):
the answer is a refusal naming the file, the monitor and the field, in the words of YAML. Never an
exception, and never Python text (a class name, `None`, a dict's repr, "too many values to
unpack") in what a user reads.
"""

from __future__ import annotations

import copy
import io
import math
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitors.cli.main import main
from monitors.cli.plan import render_plan
from monitors.declared.advice import project_warnings
from monitors.declared.loader import parse_declaration_text
from monitors.declared.project import build_project
from monitors.declared.settings import engine_text, parse_stack_config, settings_from_config
from monitors.desired.plan import make_plan, plan_document
from monitors.errors import DeclarationError, MonitorsError, StackConfigError
from tests.helpers.declarations import BASE, INFERENCE_LOG
from tests.helpers.project import project_input

ROOT = Path(__file__).resolve().parents[2]
TABLE = "fact_booking_daily"
FILE = f"monitors/declarations/{TABLE}.yaml"
STACK_FILE = "Pulumi.dev.yaml"
NS = "lakehouse-monitors:"
# Values of every kind YAML can hold, each wrong somewhere.
JUNK: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1.5,
    10**30,
    1e308,
    math.inf,
    math.nan,
    "",
    " ",
    "text",
    [],
    ["x"],
    [None],
    [[]],
    [{"k": "v"}],
    {},
    {"k": "v"},
    {"k": None},
    {"k": [{"k": {}}]},
)
# What a Python error or value looks like when it leaks into a message.
PYTHON_TEXT = re.compile(
    r"\b(None|True|False)\b|instance of|dictionary|valid string|[A-Za-z]+Error\b|\{'|"
    r"unpack|Traceback|<class|Input should"
)

_EMAILS = {"email_addresses": ["oncall@team.example"]}
# A declaration with every field set (one alert with every field), and its inference twin.
FULL: dict[str, Any] = {
    **copy.deepcopy(BASE),
    "slicing_exprs": ["destination_id"],
    "baseline_table_name": "fact_booking_baseline",
    "schedule": {"quartz_cron_expression": "0 0 6 * * ?", "timezone_id": "UTC"},
    "notifications": {"on_failure": _EMAILS, "on_new_classification_tag_detected": _EMAILS},
    "data_classification_config": {"enabled": True},
    "skip_builtin_dashboard": False,
    "alerts": [
        {
            "name": "spike",
            "metric": "js_distance",
            "op": ">",
            "threshold": 0.5,
            "column": "booking_count",
            "slice": {"key": "destination_id", "value": "42"},
            "granularity": "1 day",
            "drift_type": "baseline",
            "windows": 2,
            "violations": 1,
            "severity": "info",
            "notify": {"emails": ["oncall@team.example"], "destinations": ["Slack"]},
        }
    ],
}
FULL_INFERENCE: dict[str, Any] = {
    **{k: v for k, v in copy.deepcopy(FULL).items() if k != "time_series"},
    "inference_log": {**INFERENCE_LOG, "prediction_proba_col": "probability"},
}
FULL_CONFIG: dict[str, Any] = {
    f"{NS}catalog": "wanderbricks_dev",
    f"{NS}goldSchema": "wanderbricks_gold",
    f"{NS}outputSchema": "wanderbricks_gold_monitoring",
    f"{NS}assetsRoot": "/Workspace/Shared/monitoring",
    f"{NS}warehouseId": "abc123",
    f"{NS}notificationEmails": ["oncall@team.example"],
    f"{NS}schedule": {"quartz_cron_expression": "0 0 6 * * ?", "timezone_id": "UTC"},
    f"{NS}enabled": [TABLE],
    f"{NS}protect": True,
    f"{NS}resets": {TABLE: {"token": "t1", "purge": False}},
    f"{NS}refreshAfterUpdate": True,
    f"{NS}alerts": {
        "warehouse_id": "abc123",
        "schedule": {"quartz_cron_expression": "0 30 6 * * ?", "timezone_id": "UTC"},
        "notify": {"emails": ["oncall@team.example"], "destinations": ["Slack"]},
    },
    f"{NS}api": "legacy",
    f"{NS}migratingTo": "legacy",
    f"{NS}anomalyDetection": {"enabled": True, "excludedTables": [TABLE]},
}


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a value: each mapping key and list entry, at every depth."""
    if isinstance(node, dict):
        for key, child in node.items():
            yield (*prefix, key)
            yield from _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield (*prefix, index)
            yield from _paths(child, (*prefix, index))


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    data = copy.deepcopy(data)
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


def _python_text(lines: list[str]) -> list[str]:
    return [line for line in lines if PYTHON_TEXT.search(line)]


def _declaration_lines(data: dict[str, Any]) -> list[str]:
    """What the loader says of a declaration written as YAML: [] when it is valid."""
    try:
        parse_declaration_text(TABLE, yaml.safe_dump(data), FILE)
    except DeclarationError as exc:
        return [problem.describe(exc.file) for problem in exc.problems]
    return []


def _declaration_cases() -> list[Any]:
    cases = []
    for name, full in (("time_series", FULL), ("inference_log", FULL_INFERENCE)):
        for path in _paths(full):
            where = ".".join(str(part) for part in path)
            cases.append(pytest.param(full, path, id=f"{name}:{where}"))
    return cases


def test_the_full_declarations_are_valid():
    assert _declaration_lines(FULL) == []
    assert _declaration_lines(FULL_INFERENCE) == []


@pytest.mark.parametrize(("full", "path"), _declaration_cases())
def test_a_wrong_value_in_a_declaration_is_refused_naming_file_monitor_and_field(full, path):
    for junk in JUNK:
        lines = _declaration_lines(_replaced(full, path, junk))
        assert all(line.startswith(f"{FILE}: monitor {TABLE}: ") for line in lines), (junk, lines)
        assert all(line.count(": ") >= 3 for line in lines), (junk, lines)  # a field is named
        assert _python_text(lines) == [], junk


def test_a_field_of_the_wrong_kind_is_named_in_yaml_words():
    data = _replaced(FULL, ("time_series",), ["ts"])
    data = _replaced(data, ("alerts", 0, "notify"), "oncall")
    data = _replaced(data, ("alerts", 0, "threshold"), None)
    assert _declaration_lines(data) == [
        f"{FILE}: monitor {TABLE}: time_series: must be a mapping of fields (key: value), not "
        "a list",
        f"{FILE}: monitor {TABLE}: alerts[0] (spike).threshold: must be a number, not null",
        f"{FILE}: monitor {TABLE}: alerts[0] (spike).notify: must be a mapping of fields "
        "(key: value), not text ('oncall')",
    ]


def _plan_lines(config: dict[str, Any], data: dict[str, Any]) -> list[str]:
    """Everything `plan` computes for one declaration: its error lines, or [] once it rendered."""
    try:
        project = build_project(project_input("dev", config, {FILE: yaml.safe_dump(data)}))
        project_warnings(project)
        render_plan(plan_document(make_plan(project)), io.StringIO())
    except MonitorsError as exc:
        return str(exc).splitlines()
    return []


PROFILES: dict[str, Any] = {
    "time_series": {"timestamp_col": "check_in_date", "granularities": ["1 day", "1 week"]},
    "snapshot": {},
    "inference_log": INFERENCE_LOG,
}
PROFILE_SETS = [[], ["time_series"], ["snapshot"], ["inference_log"], ["time_series", "snapshot"]]
PROFILE_SETS += [["snapshot", "inference_log"], ["time_series", "snapshot", "inference_log"]]
# A custom derived metric, a custom drift metric, built-in profile and drift statistics, a
# column that is no number, and no metric at all.
ALERT_METRICS = ["cancellation_rate", "booking_drift", "mean", "js_distance", "quantiles", "nope"]
ALERT_EXTRAS: list[dict[str, Any]] = [
    {},
    {"drift_type": "baseline"},
    {"drift_type": "consecutive"},
    {"granularity": "1 week"},
    {"column": "booking_count"},
    {"slice": {"key": "destination_id", "value": "42"}},
]


@pytest.mark.parametrize("api", ["legacy", "data_quality"])
@pytest.mark.parametrize("profiles", PROFILE_SETS, ids="+".join)
def test_any_profile_types_with_any_alert_are_planned_or_refused_never_a_crash(api, profiles):
    config = {**FULL_CONFIG, f"{NS}api": api, f"{NS}migratingTo": api}
    drift = {
        "name": "booking_drift",
        "type": "drift",
        "input_columns": [":table"],
        "definition": "{{current_df}}.total_bookings - {{base_df}}.total_bookings",
        "output_data_type": "double",
    }
    for metric in ALERT_METRICS:
        for extra in ALERT_EXTRAS:
            for baseline in ({}, {"baseline_table_name": "fact_booking_baseline"}):
                data = {k: v for k, v in copy.deepcopy(BASE).items() if k != "time_series"}
                data.update({p: copy.deepcopy(PROFILES[p]) for p in profiles}, **baseline)
                data["custom_metrics"].append(drift)
                data["slicing_exprs"] = ["destination_id"]
                data["alerts"] = [
                    {"name": "a", "metric": metric, "op": ">", "threshold": 1, **extra}
                ]
                lines = _plan_lines(config, data)
                assert _python_text(lines) == [], (metric, extra, baseline)


def test_two_profile_types_with_a_drift_alert_name_the_file_monitor_and_field():
    data = {**copy.deepcopy(BASE), "snapshot": {}}
    data["alerts"] = [{"name": "drifting", "metric": "js_distance", "op": ">", "threshold": 0.2}]
    assert _declaration_lines(data) == [
        f"{FILE}: monitor {TABLE}: snapshot: two profile types (time_series and snapshot): set "
        "exactly one"
    ]


def test_plan_answers_a_declaration_with_two_profile_types_without_exception_text(tmp_path, capsys):
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    declarations = tmp_path / "monitors" / "declarations"
    shutil.copytree(ROOT / "monitors" / "declarations", declarations)
    data = {**copy.deepcopy(BASE), "snapshot": {}}
    data["alerts"] = [{"name": "drifting", "metric": "js_distance", "op": ">", "threshold": 0.2}]
    (declarations / f"{TABLE}.yaml").write_text(yaml.safe_dump(data))
    assert main(["plan", "--stack", "dev", "--project-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"error: {declarations}/{TABLE}.yaml: monitor {TABLE}: snapshot: two profile "
        "types (time_series and snapshot): set exactly one\n"
    )


# ---------------------------------------------------------------------------- stack settings


def _stack_lines(config: dict[str, Any]) -> list[str]:
    """What the stack file reader and the engine's strings both say of a config."""
    lines: list[str] = []
    try:
        parse_stack_config(yaml.safe_dump({"config": config}), STACK_FILE)
    except StackConfigError as exc:
        lines += str(exc).splitlines()
    engine = {key: None if value is None else engine_text(value) for key, value in config.items()}
    try:
        settings_from_config("dev", engine, STACK_FILE)
    except StackConfigError as exc:
        lines += str(exc).splitlines()
    return lines


def test_the_full_stack_settings_are_valid():
    assert _stack_lines(FULL_CONFIG) == []


@pytest.mark.parametrize(
    "path", [pytest.param(p, id=".".join(map(str, p))) for p in _paths(FULL_CONFIG)]
)
def test_a_wrong_value_in_the_stack_settings_is_refused_naming_file_and_setting(path):
    for junk in JUNK:
        lines = _stack_lines(_replaced(FULL_CONFIG, path, junk))
        assert all(line.startswith(f"{STACK_FILE}: {NS}") for line in lines), (junk, lines)
        assert _python_text(lines) == [], junk


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("1: x\n", "1"),
        ("true: x\n", "true"),
        ("null: x\n", "null"),
        ("schedule: {quartz_cron_expression: 0 0 6 * * ?, 7: x}\n", "schedule.7"),
        ("alerts: [{name: a, 5: 6}]\n", "alerts[0].5"),
    ],
)
def test_a_key_that_is_not_text_is_refused_as_written(text, field):
    base = yaml.safe_dump({k: v for k, v in BASE.items() if k not in ("alerts", "schedule")})
    with pytest.raises(DeclarationError) as caught:
        parse_declaration_text(TABLE, base + text, FILE)
    assert str(caught.value) == (
        f"{FILE}: monitor {TABLE}: {field}: is a key that is not text: every key here is a "
        "field name"
    )


def test_a_stack_setting_keyed_by_a_mapping_key_names_the_key_in_yaml_words():
    config = {**FULL_CONFIG, f"{NS}resets": {1: "t1"}}
    assert f"{STACK_FILE}: {NS}resets.1 (the key): '1' is not a plain table name" in (
        _stack_lines(config)
    )
    text = "config:\n  null: x\n"
    with pytest.raises(StackConfigError) as caught:
        parse_stack_config(text, STACK_FILE)
    assert str(caught.value).splitlines()[0] == (
        f"{STACK_FILE}: config: null: is not a configuration key (write namespace:name)"
    )
