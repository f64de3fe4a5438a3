"""Every way a record entry can be unreadable, and the exact message it is refused with.

The record (`monitors.desired.record`) is read through pydantic models; these tables pin the
words each problem is reported in, and which problem is reported when an entry has several (a
missing field, then an unknown one, then the values in the order the record lists them).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from monitors.desired.record import (
    FIX_HINT,
    entry,
    parse_entry,
    read_last_structures,
)
from monitors.desired.replacement import MetricShape, Structure
from monitors.errors import RecordError

TABLE = "t1"
METRIC = ["CUSTOM_METRIC_TYPE_AGGREGATE", [":table"], "double", "d1"]
KIND = METRIC[0]
GOOD: dict[str, Any] = {
    "profile_type": "time_series",
    "assets_dir": "/Shared/m",
    "warehouse_id": "w1",
    "skip_builtin_dashboard": False,
    "reset_token": None,
    "generation": 1,
    "metrics": {"total": METRIC},
}
GONE = object()
PROFILES = "['time_series', 'snapshot', 'inference_log']"
APIS = "['legacy', 'data_quality']"
SHAPE = "must be [type, input_columns, output_type, definition_digest]"


def written(**changes: Any) -> str:
    data = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        if value is GONE:
            del data[key]
        else:
            data[key] = value
    return json.dumps(data)


def with_metric(value: Any) -> str:
    return written(metrics={"total": value})


ENTRIES = [
    (
        "bad-json",
        "{",
        " is not valid JSON (Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1))",
    ),
    ("array", "[1]", " must be a JSON object, got list"),
    ("number", "7", " must be a JSON object, got int"),
    ("null", "null", " must be a JSON object, got NoneType"),
    ("text", '"text"', " must be a JSON object, got str"),
    ("true", "true", " must be a JSON object, got bool"),
    ("no-profile", written(profile_type=GONE), " profile_type: is missing"),
    ("no-assets", written(assets_dir=GONE), " assets_dir: is missing"),
    ("no-metrics", written(metrics=GONE), " metrics: is missing"),
    ("empty", "{}", " profile_type: is missing"),
    ("unknown-first-sorted", written(zeta=1, alpha=2), " alpha: is not a field of the record"),
    (
        "unknown-before-values",
        written(extra=1, generation="1"),
        " extra: is not a field of the record",
    ),
    ("missing-before-unknown", written(extra=1, metrics=GONE), " metrics: is missing"),
    ("profile-number", written(profile_type=3), f" profile_type: must be one of {PROFILES}, got 3"),
    (
        "profile-other",
        written(profile_type="weird"),
        f" profile_type: must be one of {PROFILES}, got 'weird'",
    ),
    (
        "profile-null",
        written(profile_type=None),
        f" profile_type: must be one of {PROFILES}, got None",
    ),
    (
        "generation-text",
        written(generation="1"),
        " generation: must be a whole number >= 0, got '1'",
    ),
    (
        "generation-negative",
        written(generation=-1),
        " generation: must be a whole number >= 0, got -1",
    ),
    (
        "generation-bool",
        written(generation=True),
        " generation: must be a whole number >= 0, got True",
    ),
    (
        "generation-fraction",
        written(generation=1.5),
        " generation: must be a whole number >= 0, got 1.5",
    ),
    (
        "generation-float",
        written(generation=1.0),
        " generation: must be a whole number >= 0, got 1.0",
    ),
    (
        "generation-nan",
        '{"profile_type":"time_series","assets_dir":"a","metrics":{},"generation":NaN}',
        " generation: must be a whole number >= 0, got nan",
    ),
    ("metrics-list", written(metrics=[]), " metrics: must be an object, got list"),
    ("metrics-text", written(metrics="x"), " metrics: must be an object, got str"),
    ("metrics-null", written(metrics=None), " metrics: must be an object, got NoneType"),
    ("api-other", written(api="v3"), f" api: must be one of {APIS}, got 'v3'"),
    ("api-null", written(api=None), f" api: must be one of {APIS}, got None"),
    ("api-number", written(api=1), f" api: must be one of {APIS}, got 1"),
    ("assets-null", written(assets_dir=None), " assets_dir: must be a non-empty string, got None"),
    ("assets-number", written(assets_dir=7), " assets_dir: must be a non-empty string, got 7"),
    ("assets-empty", written(assets_dir=""), " assets_dir: must be a non-empty string, got ''"),
    (
        "warehouse-number",
        written(warehouse_id=5),
        " warehouse_id: must be a non-empty string or null, got 5",
    ),
    (
        "warehouse-empty",
        written(warehouse_id=""),
        " warehouse_id: must be a non-empty string or null, got ''",
    ),
    (
        "warehouse-list",
        written(warehouse_id=[]),
        " warehouse_id: must be a non-empty string or null, got []",
    ),
    (
        "skip-text",
        written(skip_builtin_dashboard="false"),
        " skip_builtin_dashboard: must be true or false, got 'false'",
    ),
    (
        "skip-zero",
        written(skip_builtin_dashboard=0),
        " skip_builtin_dashboard: must be true or false, got 0",
    ),
    (
        "skip-null",
        written(skip_builtin_dashboard=None),
        " skip_builtin_dashboard: must be true or false, got None",
    ),
    (
        "metric-name-empty",
        written(metrics={"": METRIC}),
        " metrics: metric names must be non-empty strings, got ''",
    ),
    ("metric-three", with_metric(METRIC[:3]), f" metrics.total: {SHAPE}"),
    ("metric-five", with_metric([*METRIC, "x"]), f" metrics.total: {SHAPE}"),
    ("metric-text", with_metric("x"), f" metrics.total: {SHAPE}"),
    ("metric-object", with_metric({}), f" metrics.total: {SHAPE}"),
    ("metric-null", with_metric(None), f" metrics.total: {SHAPE}"),
    (
        "metric-three-bad-kind",
        with_metric(["ratio", [":table"], "long"]),
        f" metrics.total: {SHAPE}",
    ),
    (
        "metric-kind",
        with_metric(["ratio", [":table"], "long", "d"]),
        " metrics.total[0]: unknown metric type 'ratio'",
    ),
    (
        "metric-kind-null",
        with_metric([None, [":table"], "long", "d"]),
        " metrics.total[0]: unknown metric type None",
    ),
    (
        "columns-text",
        with_metric([KIND, ":table", "long", "d"]),
        " metrics.total[1]: must be a non-empty list, got ':table'",
    ),
    (
        "columns-empty",
        with_metric([KIND, [], "long", "d"]),
        " metrics.total[1]: must be a non-empty list, got []",
    ),
    (
        "column-number",
        with_metric([KIND, [":table", 1], "long", "d"]),
        " metrics.total[1]: input columns must be strings, got [':table', 1]",
    ),
    (
        "column-empty",
        with_metric([KIND, ["a", ""], "long", "d"]),
        " metrics.total[1]: input columns must be strings, got ['a', '']",
    ),
    (
        "output-number",
        with_metric([KIND, ["a"], 5, "d"]),
        " metrics.total[2]: must be a type name, got 5",
    ),
    (
        "output-empty",
        with_metric([KIND, ["a"], "", "d"]),
        " metrics.total[2]: must be a type name, got ''",
    ),
    (
        "digest-null",
        with_metric([KIND, ["a"], "long", None]),
        " metrics.total[3]: must be a digest, got None",
    ),
    (
        "digest-empty",
        with_metric([KIND, ["a"], "long", ""]),
        " metrics.total[3]: must be a digest, got ''",
    ),
    (
        "metric-first-value-first",
        with_metric(["ratio", [], 5, None]),
        " metrics.total[0]: unknown metric type 'ratio'",
    ),
    (
        "second-metric",
        written(metrics={"a": METRIC, "b": ["ratio", ["x"], "l", "d"]}),
        " metrics.b[0]: unknown metric type 'ratio'",
    ),
    (
        "metric-before-token",
        written(metrics={"a": ["ratio", ["x"], "l", "d"]}, reset_token=5),
        " metrics.a[0]: unknown metric type 'ratio'",
    ),
    (
        "skip-before-metric",
        written(metrics={"a": ["ratio", ["x"], "l", "d"]}, skip_builtin_dashboard=1),
        " skip_builtin_dashboard: must be true or false, got 1",
    ),
    (
        "token-number",
        written(reset_token=5),
        " reset_token: must be a non-empty string or null, got 5",
    ),
    (
        "token-bool",
        written(reset_token=True),
        " reset_token: must be a non-empty string or null, got True",
    ),
    (
        "token-empty",
        written(reset_token=""),
        " reset_token: must be a non-empty string or null, got ''",
    ),
    ("resetting-text", written(resetting="yes"), " resetting: must be true or false, got 'yes'"),
    ("no-trigger-number", written(no_trigger=1), " no_trigger: must be true or false, got 1"),
    (
        "first-trigger-null",
        written(first_trigger=None),
        " first_trigger: must be true or false, got None",
    ),
    (
        "profile-before-generation",
        written(generation=-1, profile_type="x"),
        f" profile_type: must be one of {PROFILES}, got 'x'",
    ),
    (
        "generation-before-the-rest",
        written(generation=-1, api="x", assets_dir=1, warehouse_id=2, metrics={"": 1}, resetting=2),
        " generation: must be a whole number >= 0, got -1",
    ),
    ("api-before-assets", written(api="x", assets_dir=1), f" api: must be one of {APIS}, got 'x'"),
]


def refused(where: str) -> str:
    return (
        f"stack output 'monitor_structure':{where}; refusing to guess what was deployed. {FIX_HINT}"
    )


@pytest.mark.parametrize(("raw", "where"), [c[1:] for c in ENTRIES], ids=[c[0] for c in ENTRIES])
def test_an_unreadable_entry_is_refused_with_its_first_problem(raw, where):
    with pytest.raises(RecordError) as raised:
        parse_entry(TABLE, raw)
    assert str(raised.value) == refused(f" monitor {TABLE}:{where}")


def read_as_objects(cases: list[tuple[str, str, str]]) -> list[tuple[str, Any, str]]:
    """The cases whose text `json` reads as an object: the engine may hand those back parsed."""
    return [(name, json.loads(raw), where) for name, raw, where in cases if raw.endswith("}")]


@pytest.mark.parametrize(
    ("data", "where"),
    [c[1:] for c in read_as_objects(ENTRIES)],
    ids=[c[0] for c in read_as_objects(ENTRIES)],
)
def test_an_entry_read_back_as_an_object_is_refused_in_the_same_words(data, where):
    with pytest.raises(RecordError) as raised:
        parse_entry(TABLE, data)
    assert str(raised.value) == refused(f" monitor {TABLE}:{where}")


RECORDS = [
    ("list", [], " must be an object of monitors, got list"),
    ("text", "x", " must be an object of monitors, got str"),
    ("number", 3, " must be an object of monitors, got int"),
    ("bool", True, " must be an object of monitors, got bool"),
    ("empty-name", {"": written()}, " monitor names must be non-empty strings, got ''"),
    (
        "number-name",
        {"a": written(), 5: written()},
        " monitor names must be non-empty strings, got 5",
    ),
    (
        "first-in-order",
        {"a": written(generation=-1), "": 1},
        " monitor a: generation: must be a whole number >= 0, got -1",
    ),
    ("entry-number", {"a": 5}, " monitor a: must be a JSON object, got int"),
]


@pytest.mark.parametrize(("raw", "where"), [c[1:] for c in RECORDS], ids=[c[0] for c in RECORDS])
def test_an_unreadable_record_is_refused_naming_the_monitor(raw, where):
    with pytest.raises(RecordError) as raised:
        read_last_structures(raw)
    assert str(raised.value) == refused(where)


READABLE = [
    ("no-generation", written(generation=GONE), None),
    ("null-generation", written(generation=None), None),
    ("huge-generation", written(generation=10**30), 10**30),
    ("repeated-key-last-wins", written()[:-1] + ', "generation": 7}', 7),
]


@pytest.mark.parametrize(
    ("raw", "generation"), [c[1:] for c in READABLE], ids=[c[0] for c in READABLE]
)
def test_a_readable_entry_is_read(raw, generation):
    assert parse_entry(TABLE, raw).generation == generation


def test_an_entry_read_as_text_or_object_is_the_same_structure():
    structure = Structure(
        "snapshot",
        "/Shared/m",
        None,
        True,
        {"rate": MetricShape("CUSTOM_METRIC_TYPE_DERIVED", ("a", "b"), "double", "d2")},
        "tok",
        3,
        resetting=True,
        api="data_quality",
    )
    assert parse_entry(TABLE, entry(structure)) == structure
    assert parse_entry(TABLE, json.loads(entry(structure))) == structure
