"""Every kind of bad declaration fails with one line naming the file, the monitor and the field."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from monitors.declared.loader import load_declarations
from monitors.errors import DeclarationError, DeclarationErrors
from tests.helpers.declarations import BASE


def error_for(tmp_path: Path, data: dict, table: str = "fact_booking_daily") -> str:
    """Write `data` as a declaration file, load the folder, return the single error line."""
    (tmp_path / f"{table}.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(DeclarationErrors) as caught:
        load_declarations(tmp_path)
    (error,) = caught.value.errors
    assert isinstance(error, DeclarationError)
    lines = str(error).splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def edited(**changes) -> dict:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def with_metric(index: int, **changes) -> dict:
    data = copy.deepcopy(BASE)
    data["custom_metrics"][index].update(changes)
    return data


def prefix(tmp_path: Path, table: str = "fact_booking_daily") -> str:
    return f"{tmp_path / table}.yaml: monitor {table}: "


def test_the_base_declaration_is_valid(tmp_path):
    (tmp_path / "fact_booking_daily.yaml").write_text(yaml.safe_dump(BASE))
    assert list(load_declarations(tmp_path)) == ["fact_booking_daily"]


def test_unknown_key_is_an_error(tmp_path):
    line = error_for(tmp_path, edited(slicing_expressions=["destination_id"]))
    assert (
        line == prefix(tmp_path) + "slicing_expressions: unknown key; did you mean 'slicing_exprs'?"
    )


def test_unknown_key_inside_a_metric_is_an_error(tmp_path):
    line = error_for(tmp_path, with_metric(1, output_type="long"))
    assert (
        line
        == prefix(tmp_path)
        + "custom_metrics[1] (total_cancellations).output_type: unknown key; "
        "did you mean 'output_data_type'?"
    )


def test_duplicate_metric_name_is_an_error(tmp_path):
    data = copy.deepcopy(BASE)
    data["custom_metrics"].append(copy.deepcopy(data["custom_metrics"][0]))
    line = error_for(tmp_path, data)
    assert line == (
        prefix(tmp_path)
        + "custom_metrics[3] (total_bookings).name: duplicate metric name (also custom_metrics[0])"
    )


def test_derived_metric_using_templates_is_an_error(tmp_path):
    data = with_metric(2, definition="{{total_cancellations}} / NULLIF({{total_bookings}}, 0)")
    line = error_for(tmp_path, data)
    assert line.startswith(prefix(tmp_path) + "custom_metrics[2] (cancellation_rate).definition: ")
    assert "UNDEFINED_TEMPLATE_VARIABLE" in line


def test_derived_metric_naming_an_unknown_metric_is_an_error(tmp_path):
    line = error_for(tmp_path, with_metric(2, definition="total_cancellations / total_nights"))
    assert line.startswith(prefix(tmp_path) + "custom_metrics[2] (cancellation_rate).definition: ")
    assert "names unknown metric(s) total_nights" in line


def test_derived_metric_may_use_builtin_aggregates(tmp_path):
    data = with_metric(2, definition="total_cancellations / NULLIF(count, 0)")
    (tmp_path / "fact_booking_daily.yaml").write_text(yaml.safe_dump(data))
    assert load_declarations(tmp_path)


def test_drift_without_both_templates_is_an_error(tmp_path):
    data = with_metric(2, type="drift", definition="{{current_df}}.cancellation_rate")
    line = error_for(tmp_path, data)
    assert line == (
        prefix(tmp_path)
        + "custom_metrics[2] (cancellation_rate).definition: a drift metric compares windows "
        "with {{current_df}} and {{base_df}}; missing {{base_df}}"
    )


def test_drift_on_a_snapshot_without_baseline_is_an_error(tmp_path):
    data = with_metric(
        2, type="drift", definition="{{current_df}}.total_bookings - {{base_df}}.total_bookings"
    )
    data.pop("time_series")
    data["snapshot"] = {}
    line = error_for(tmp_path, data)
    assert line.startswith(prefix(tmp_path) + "custom_metrics[2] (cancellation_rate).type: ")
    assert "needs baseline_table_name" in line


def test_drift_on_a_snapshot_with_a_baseline_is_valid(tmp_path):
    data = with_metric(
        2, type="drift", definition="{{current_df}}.total_bookings - {{base_df}}.total_bookings"
    )
    data.pop("time_series")
    data.update(snapshot={}, baseline_table_name="fact_booking_daily_baseline")
    (tmp_path / "fact_booking_daily.yaml").write_text(yaml.safe_dump(data))
    assert load_declarations(tmp_path)


def test_empty_input_columns_is_an_error(tmp_path):
    line = error_for(tmp_path, with_metric(0, input_columns=[]))
    assert line.startswith(prefix(tmp_path) + "custom_metrics[0] (total_bookings).input_columns: ")


def test_unknown_metric_type_is_an_error(tmp_path):
    line = error_for(tmp_path, with_metric(0, type="sum"))
    assert line == (
        prefix(tmp_path) + "custom_metrics[0] (total_bookings).type: unknown value 'sum'; "
        "use one of aggregate, derived, drift"
    )


def test_unknown_output_type_is_an_error(tmp_path):
    line = error_for(tmp_path, with_metric(0, output_data_type="number"))
    assert line.startswith(
        prefix(tmp_path) + "custom_metrics[0] (total_bookings).output_data_type: "
        "unknown output type 'number'"
    )


def test_bad_granularity_is_an_error(tmp_path):
    line = error_for(
        tmp_path, edited(time_series={"timestamp_col": "d", "granularities": ["1 days"]})
    )
    assert line.startswith(prefix(tmp_path) + "time_series.granularities[0]: unknown granularity")


def test_bad_cron_is_an_error(tmp_path):
    line = error_for(tmp_path, edited(schedule={"quartz_cron_expression": "0 6 * * *"}))
    assert line.startswith(prefix(tmp_path) + "schedule.quartz_cron_expression: ")
    assert "needs 6 or 7 fields" in line


def test_cron_without_a_question_mark_is_an_error(tmp_path):
    line = error_for(tmp_path, edited(schedule={"quartz_cron_expression": "0 0 6 * * *"}))
    assert "exactly one of day-of-month and day-of-week must be '?'" in line


def test_more_than_five_emails_is_an_error(tmp_path):
    emails = [f"person{i}@team.example" for i in range(6)]
    line = error_for(tmp_path, edited(notifications={"on_failure": {"email_addresses": emails}}))
    assert line.startswith(prefix(tmp_path) + "notifications.on_failure.email_addresses: ")


def test_two_profile_types_is_an_error(tmp_path):
    line = error_for(tmp_path, edited(snapshot={}))
    assert (
        line
        == prefix(tmp_path)
        + "snapshot: two profile types (time_series and snapshot): set exactly one"
    )


def test_no_profile_type_is_an_error(tmp_path):
    data = copy.deepcopy(BASE)
    data.pop("time_series")
    line = error_for(tmp_path, data)
    assert "no profile type: set one of time_series, snapshot, inference_log" in line


def test_aggregate_with_input_column_template_over_the_whole_table_is_an_error(tmp_path):
    line = error_for(tmp_path, with_metric(0, definition="SUM({{input_column}})"))
    assert "uses {{input_column}} but input_columns is [':table']" in line


def test_a_definition_with_a_subquery_is_an_error(tmp_path):
    line = error_for(tmp_path, with_metric(0, definition="(SELECT SUM(x) FROM t)"))
    assert line.startswith(prefix(tmp_path) + "custom_metrics[0] (total_bookings).definition: ")
    assert "is not one SQL expression (it has SELECT or JOIN)" in line
    assert "no subqueries or joins" in line


def test_every_bad_file_is_reported_in_one_run(tmp_path):
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(edited(bogus=1)))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(with_metric(0, type="sum")))
    with pytest.raises(DeclarationErrors) as caught:
        load_declarations(tmp_path)
    assert [e.file for e in caught.value.errors] == [
        str(tmp_path / "a.yaml"),
        str(tmp_path / "b.yaml"),
    ]


def test_invalid_yaml_is_an_error(tmp_path):
    (tmp_path / "dim_host.yaml").write_text("snapshot: {\n")
    with pytest.raises(
        DeclarationErrors, match=r"dim_host.yaml: monitor dim_host: is not valid YAML"
    ):
        load_declarations(tmp_path)


def test_unknown_timezone_is_an_error(tmp_path):
    schedule = {"quartz_cron_expression": "0 0 6 * * ?", "timezone_id": "Europe/Atlantis"}
    line = error_for(tmp_path, edited(schedule=schedule))
    assert line.startswith(prefix(tmp_path) + "schedule.timezone_id: unknown timezone_id")
