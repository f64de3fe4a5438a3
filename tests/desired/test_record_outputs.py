"""The lenient parts of the record: the `monitors`, `anomaly_detection` and `readers` outputs.

They only word the preview or name what was deployed, so what cannot be read counts as nothing
(no refusal): each table pins what is kept of an odd record and what is left out.
"""

from __future__ import annotations

from collections import UserDict

import pytest

from monitors.desired.alert_record import recorded_metric_tables
from monitors.desired.alerts import MetricTables
from monitors.desired.readers import LastReaders, read_last_readers, reported_dashboards
from monitors.desired.record import (
    MONITORS_OUTPUT,
    anomaly_excluded,
    anomaly_schema,
    recorded_table_names,
    registered_tables,
)

NAMES = [
    ("completed", {"t": {"table_name": "c.s.t", "status": "x"}}, {"t": "c.s.t"}),
    ("empty-name-counts", {"t": {"table_name": ""}}, {"t": ""}),
    ("unknown-after-failure", {"t": {"table_name": None}}, {}),
    ("no-name", {"t": {"status": "x"}}, {}),
    ("name-not-text", {"t": {"table_name": 5}, "u": {"table_name": "c.s.u"}}, {"u": "c.s.u"}),
    ("entry-not-an-object", {"t": "text", "u": ["table_name"]}, {}),
    ("entry-a-mapping", {"t": UserDict({"table_name": "c.s.t"})}, {"t": "c.s.t"}),
    ("other-fields-odd", {"t": {"table_name": "c.s.t", "dashboard_id": 5}}, {"t": "c.s.t"}),
    ("absent", None, {}),
    ("not-an-object", "text", {}),
    ("a-list", [{"table_name": "x"}], {}),
]


@pytest.mark.parametrize(("raw", "names"), [c[1:] for c in NAMES], ids=[c[0] for c in NAMES])
def test_a_monitor_counts_as_registered_only_with_its_table_name(raw, names):
    assert recorded_table_names(raw) == names
    assert registered_tables(raw) == set(names)


DASHBOARDS = [
    ("reported", {"t": {"dashboard_id": "d1"}}, {"t": "d1"}),
    ("empty", {"t": {"dashboard_id": ""}}, {}),
    ("unknown", {"t": {"dashboard_id": None, "table_name": "c.s.t"}}, {}),
    ("not-text", {"t": {"dashboard_id": 7}, "u": {"dashboard_id": "d2"}}, {"u": "d2"}),
    ("entry-not-an-object", {"t": "d1"}, {}),
    ("not-an-object", ["d1"], {}),
    ("absent", None, {}),
]


@pytest.mark.parametrize(
    ("raw", "found"), [c[1:] for c in DASHBOARDS], ids=[c[0] for c in DASHBOARDS]
)
def test_a_dashboard_counts_as_reported_only_as_non_empty_text(raw, found):
    assert reported_dashboards(raw) == found


PLAIN = {"profile_metrics_table_name": "c.s.t_profile", "drift_metrics_table_name": "c.s.t_drift"}
METRIC_TABLES = [
    ("both-plain", {"t": PLAIN}, {"t": MetricTables("c.s.t_profile", "c.s.t_drift")}),
    ("one-missing", {"t": {"profile_metrics_table_name": "c.s.p"}}, {}),
    ("one-not-text", {"t": {**PLAIN, "drift_metrics_table_name": 5}}, {}),
    ("two-parts", {"t": {**PLAIN, "profile_metrics_table_name": "s.p"}}, {}),
    ("quoted", {"t": {**PLAIN, "drift_metrics_table_name": "c.s.`d`"}}, {}),
    ("key-not-text", {5: PLAIN, "u": PLAIN}, {"u": MetricTables("c.s.t_profile", "c.s.t_drift")}),
    ("entry-not-an-object", {"t": "x"}, {}),
    ("not-an-object", "x", {}),
]


@pytest.mark.parametrize(
    ("raw", "found"), [c[1:] for c in METRIC_TABLES], ids=[c[0] for c in METRIC_TABLES]
)
def test_metric_tables_are_read_only_as_two_plain_names(raw, found):
    assert recorded_metric_tables({MONITORS_OUTPUT: raw}) == found


ANOMALY = [
    ("none", None, None, None),
    (
        "named",
        {"schema_name": "s", "excluded_table_full_names": ["c.s.a", "c.s.b"]},
        "s",
        ("c.s.a", "c.s.b"),
    ),
    ("no-exclusions", {"schema_name": "s", "excluded_table_full_names": []}, "s", ()),
    ("unnamed", {"excluded_table_full_names": ["c.s.a"]}, "?", ("c.s.a",)),
    ("empty-name", {"schema_name": ""}, "?", None),
    ("name-not-text", {"schema_name": 5}, "?", None),
    (
        "exclusion-not-text",
        {"schema_name": "s", "excluded_table_full_names": ["c.s.a", 5]},
        "s",
        None,
    ),
    (
        "exclusions-not-a-list",
        {"schema_name": "s", "excluded_table_full_names": "c.s.a"},
        "s",
        None,
    ),
    (
        "exclusions-a-tuple",
        {"schema_name": "s", "excluded_table_full_names": ("c.s.a",)},
        "s",
        None,
    ),
    ("not-an-object", "text", "?", None),
    ("a-mapping", UserDict({"schema_name": "s"}), "s", None),
]


@pytest.mark.parametrize(
    ("raw", "schema", "excluded"), [c[1:] for c in ANOMALY], ids=[c[0] for c in ANOMALY]
)
def test_the_anomaly_entry_names_its_schema_and_exclusions_when_readable(raw, schema, excluded):
    assert anomaly_schema(raw) == schema
    assert anomaly_excluded(raw) == excluded


READERS = [
    ("none", None, LastReaders()),
    (
        "written",
        {"grants": ["g1", "g2"], "dashboards": {"t": "d1"}},
        LastReaders(("g1", "g2"), {"t": "d1"}),
    ),
    ("odd-grants-left-out", {"grants": ["g1", 5, None]}, LastReaders(("g1",), {})),
    (
        "grants-not-a-list",
        {"grants": "g1", "dashboards": {"t": "d1"}},
        LastReaders((), {"t": "d1"}),
    ),
    ("grants-a-tuple", {"grants": ("g1",)}, LastReaders()),
    ("odd-dashboards-left-out", {"dashboards": {"t": 5, "u": "d2"}}, LastReaders((), {"u": "d2"})),
    (
        "dashboards-not-an-object",
        {"grants": ["g1"], "dashboards": ["d1"]},
        LastReaders(("g1",), {}),
    ),
    ("dashboard-keys-as-text", {"dashboards": {5: "d1"}}, LastReaders((), {"5": "d1"})),
    ("not-an-object", ["g1"], LastReaders()),
]


@pytest.mark.parametrize(("raw", "last"), [c[1:] for c in READERS], ids=[c[0] for c in READERS])
def test_the_readers_record_keeps_what_it_can_read(raw, last):
    assert read_last_readers(raw) == last
