"""An alert declaration is refused before anything is registered when it could never work.

Each case names the field as users find it (`alerts[i] (name).field`) and says why; the loader
reports them with the file and the monitor (see the last test).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from monitors.declared.loader import parse_declaration
from monitors.errors import DeclarationError
from tests.declared.declaration_cases import refusals, warnings
from tests.helpers.declarations import TABLE, declaration, inference

DRIFT_METRIC = {
    "name": "cancellation_rate_drift",
    "type": "drift",
    "input_columns": [":table"],
    "definition": "{{current_df}}.cancellation_rate - {{base_df}}.cancellation_rate",
    "output_data_type": "double",
}
PER_COLUMN = {
    "name": "negative_count",
    "type": "aggregate",
    "input_columns": ["booking_count", "cancellation_count"],
    "definition": "COUNT_IF({{input_column}} < 0)",
    "output_data_type": "long",
}
SPIKE = {"name": "spike", "metric": "cancellation_rate", "op": ">", "threshold": 0.15}


def with_alerts(*alerts: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """The base declaration (fields as `declaration` takes them) with these alerts."""
    data = declaration(**fields)
    drift = [] if "snapshot" in fields else [DRIFT_METRIC]  # drift metrics need time windows
    data.setdefault("custom_metrics", []).extend([*drift, PER_COLUMN])
    data["slicing_exprs"] = ["destination_id", "status = 'cancelled'"]
    data["alerts"] = [copy.deepcopy(a) for a in alerts]
    return data


def alert(**fields: Any) -> dict[str, Any]:
    return {**SPIKE, **fields}


SNAPSHOT = {"time_series": None, "snapshot": {}}
REFUSED = [
    (
        alert(metric="cancelation_rate"),
        {},
        "alerts[0] (spike).metric: unknown metric 'cancelation_rate': not a custom metric of this "
        "monitor, nor a built-in profile or drift statistic; did you mean 'cancellation_rate'? "
        "(after renaming a metric, change the alerts that watch it in the same change)",
    ),
    (
        alert(metric="quantiles"),
        {},
        "alerts[0] (spike).metric: the built-in column 'quantiles' holds no single number (an "
        "array or struct): an alert compares one number with its threshold",
    ),
    (
        alert(metric="ks_test"),
        {},
        "alerts[0] (spike).metric: the built-in column 'ks_test' holds no single number (an "
        "array or struct): an alert compares one number with its threshold",
    ),
    (
        alert(metric="js_distance"),
        SNAPSHOT,
        "alerts[0] (spike).metric: 'js_distance' is a drift metric, and this monitor computes no "
        "drift: a snapshot monitor has no time windows to compare, and it has no "
        "baseline_table_name",
    ),
    (
        alert(metric="js_distance", drift_type="consecutive"),
        {**SNAPSHOT, "baseline_table_name": "fact_booking_baseline"},
        "alerts[0] (spike).drift_type: 'js_distance' is a drift metric, and a snapshot monitor "
        "computes no consecutive drift (it has no time windows): use drift_type: baseline",
    ),
    (
        alert(metric="cancellation_rate_drift", drift_type="baseline"),
        {},
        "alerts[0] (spike).drift_type: baseline drift of 'cancellation_rate_drift' needs a "
        "baseline_table_name on this monitor",
    ),
    (
        alert(drift_type="consecutive"),
        {},
        "alerts[0] (spike).drift_type: 'cancellation_rate' is a column of the profile metrics "
        "table; drift_type applies only to drift metrics",
    ),
    (
        alert(slice={"key": "country", "value": "NL"}),
        {},
        "alerts[0] (spike).slice.key: 'country' is not one of this monitor's slicing_exprs "
        "('destination_id', \"status = 'cancelled'\"): the metric tables hold slices of those only",
    ),
    (
        alert(granularity="1 week"),
        {},
        "alerts[0] (spike).granularity: '1 week' is not one of this monitor's granularities "
        "(1 day)",
    ),
    (
        alert(metric="count", granularity="1 day"),
        SNAPSHOT,
        "alerts[0] (spike).granularity: a snapshot monitor has no granularities (one window per "
        "refresh): remove it",
    ),
    (
        alert(windows=3, violations=4),
        {},
        "alerts[0] (spike).violations: 4 violations cannot happen in the last 3 window(s): at "
        "most 3",
    ),
    (
        alert(column="booking_count"),
        {},
        "alerts[0] (spike).column: metric 'cancellation_rate' is computed for the whole table "
        "(column ':table'), not for 'booking_count'",
    ),
    (
        alert(metric="negative_count"),
        {},
        "alerts[0] (spike).column: metric 'negative_count' is computed per column "
        "(booking_count, cancellation_count), not for ':table'",
    ),
]


@pytest.mark.parametrize(("declared", "fields", "message"), REFUSED)
def test_an_alert_that_could_never_work_is_refused_naming_alert_and_field(
    declared, fields, message
):
    assert refusals(with_alerts(declared, **fields)) == [message]


BAD_VALUES = [
    (
        alert(op="=>"),
        "alerts[0] (spike).op: must be one of '>', '>=', '<', '<=', '==' or '!=', not text ('=>')",
    ),
    (alert(threshold=True), "alerts[0] (spike).threshold: must be a number, not true"),
    (alert(threshold="15"), "alerts[0] (spike).threshold: must be a number, not text ('15')"),
    (
        alert(threshold=float("nan")),
        "alerts[0] (spike).threshold: must be a finite number, not a number (nan)",
    ),
    (alert(windows=0), "alerts[0] (spike).windows: must be at least 1"),
    (alert(windows=101), "alerts[0] (spike).windows: must be at most 100"),
    (
        alert(violations=0),
        "alerts[0] (spike).violations: must be at least 1",
    ),
    (
        alert(name="Spike"),
        "alerts[0] (Spike).name: 'Spike' is not a valid alert name (lowercase "
        "letters, digits and underscore, not starting with a digit)",
    ),
    (
        alert(severity="urgent"),
        "alerts[0] (spike).severity: unknown severity 'urgent'; use one of info, warning, critical",
    ),
    (
        alert(granularity="daily"),
        "alerts[0] (spike).granularity: unknown granularity 'daily'; use "
        "one of 5 minutes, 30 minutes, 1 hour, 1 day, 1 week, 2 weeks, 3 weeks, 4 weeks, 1 month, "
        "1 year",
    ),
    (
        alert(slice={"key": "destination_id", "value": True}),
        "alerts[0] (spike).slice.value: write the slice value as text in quotes, e.g. 'true'",
    ),
    (
        alert(notify={"emails": ["not-an-address"]}),
        "alerts[0] (spike).notify.emails[0]: 'not-an-address' is not an email address",
    ),
    (
        alert(notify={"destinations": ["Slack", "Slack"]}),
        "alerts[0] (spike).notify.destinations: 'Slack' is listed twice",
    ),
    (alert(notify={"pager": ["x"]}), "alerts[0] (spike).notify.pager: unknown key"),
    (alert(thresold=1), "alerts[0] (spike).thresold: unknown key; did you mean 'threshold'?"),
]


@pytest.mark.parametrize(("declared", "message"), BAD_VALUES)
def test_a_bad_alert_value_is_refused_naming_alert_and_field(declared, message):
    assert refusals(with_alerts(declared)) == [message]


def test_two_alerts_with_one_name_are_refused():
    assert refusals(with_alerts(SPIKE, alert(threshold=0.3))) == [
        "alerts[1] (spike).name: duplicate alert name (also alerts[0])"
    ]


def test_renaming_a_metric_that_an_alert_watches_is_refused_until_the_alert_follows_it():
    data = with_alerts(SPIKE)
    data["custom_metrics"][2]["name"] = "cancel_rate"
    assert refusals(data)[0].startswith(
        "alerts[0] (spike).metric: unknown metric 'cancellation_rate'"
    )
    data["alerts"][0]["metric"] = "cancel_rate"
    assert refusals(data) == []


ACCEPTED = [
    alert(),
    alert(metric="count"),  # a built-in profile statistic
    alert(metric="percent_null", column="cancellation_count"),
    alert(metric="cancellation_rate_drift", op="<", threshold=-0.05),  # consecutive by default
    alert(metric="js_distance", column="status"),  # a built-in drift statistic
    alert(slice={"key": "status = 'cancelled'", "value": "true"}),
    alert(slice={"key": "destination_id", "value": 42}),  # taken as "42"
    alert(metric="negative_count", column="booking_count", windows=7, violations=2),
    alert(severity="CRITICAL", notify={"emails": ["a@b.example"], "destinations": ["On-call"]}),
]


@pytest.mark.parametrize("declared", ACCEPTED)
def test_an_alert_on_a_metric_the_monitor_computes_is_accepted(declared):
    assert refusals(with_alerts(declared)) == []


def test_a_numeric_slice_value_is_read_as_the_text_the_metric_tables_hold():
    spec = parse_declaration(
        TABLE, with_alerts(alert(slice={"key": "destination_id", "value": 42})), "f"
    )
    assert spec.alerts[0].slice is not None and spec.alerts[0].slice.value == "42"


def test_all_of_the_windows_must_violate_unless_told_otherwise():
    spec = parse_declaration(TABLE, with_alerts(alert(windows=3)), "f")
    assert spec.alerts[0].required_violations == 3


def test_comparing_a_fraction_for_equality_is_a_warning_not_a_refusal():
    assert warnings(with_alerts(alert(op="=="))) == [
        "alerts[0] (spike).op: compares a double with ==: a computed fraction rarely equals a "
        "threshold exactly; prefer <, <=, > or >="
    ]


def test_the_loader_names_the_file_the_monitor_and_the_alert():
    with pytest.raises(DeclarationError) as raised:
        parse_declaration(TABLE, with_alerts(alert(metric="nope")), f"{TABLE}.yaml")
    assert str(raised.value).startswith(
        "fact_booking_daily.yaml: monitor fact_booking_daily: alerts[0] (spike).metric: "
        "unknown metric 'nope'"
    )


def test_an_alert_on_an_inference_log_monitor_warns_that_it_reads_every_models_rows():
    data = inference()
    data["alerts"] = [alert(metric="accuracy_score", op="<", threshold=0.8)]
    assert warnings(data) == [
        "alerts[0] (spike).metric: an inference_log monitor's metric tables hold a row per "
        "model id in each window (model_version): this alert reads the latest rows whatever "
        "their model, so with several models a window counts more than once"
    ]


def _unknown_metric(metric: str, meant: str) -> str:
    return (
        f"alerts[0] (spike).metric: unknown metric {metric!r}: not a custom metric of this "
        f"monitor, nor a built-in profile or drift statistic{meant} (after renaming a metric, "
        "change the alerts that watch it in the same change)"
    )


def test_mean_absolute_error_is_pointed_to_the_metric_tables_mean_average_error():
    """Public queries call the regression column mean_absolute_error (the sklearn and MLflow
    name); every source naming the metric-table column says mean_average_error."""
    data = inference(problem_type="regression", label_col="price")
    data["alerts"] = [alert(metric="mean_absolute_error")]
    assert refusals(data) == [
        _unknown_metric("mean_absolute_error", "; did you mean 'mean_average_error'?")
    ]


def test_mean_absolute_error_on_a_monitor_without_inference_names_where_it_is_computed():
    assert refusals(with_alerts(alert(metric="mean_absolute_error"))) == [
        _unknown_metric(
            "mean_absolute_error",
            "; did you mean 'mean_average_error'? (only an inference_log monitor computes it, "
            "as its metric tables name it)",
        )
    ]


def test_an_alert_field_under_another_name_is_pointed_to_ours():
    refused = refusals(
        with_alerts({**{k: v for k, v in SPIKE.items() if k != "op"}, "operator": ">"})
    )
    assert "alerts[0] (spike).operator: unknown key; did you mean 'op'?" in refused
