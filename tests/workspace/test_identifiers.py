"""Every name that reaches a URL is three plain identifiers (or one plain id), checked before the
request: the SDK formats names into paths unencoded, so anything else could address another
endpoint."""

from __future__ import annotations

import pytest

from monitors.errors import UnsafeNameError
from monitors.workspace import legacy as workspace
from monitors.workspace.identifiers import object_id, same_table, table_name

SOURCE = "cat.gold.fact_booking_daily"

HOSTILE_TABLE_NAMES = [
    f"{SOURCE}?x=_profile_metrics",  # the query drops the source table
    f"{SOURCE}#_profile_metrics",  # the fragment drops the source table
    "cat.gold.x/../../../../2.0/lakeview/dashboards/abc",  # dot segments climb to another API
    "cat.gold.fact%2F_profile_metrics",  # an encoded slash
    "cat.gold.fact%3F_profile_metrics",  # an encoded query
    "`cat`.`gold`.`fact_profile_metrics`",  # backticks
    '"cat"."gold"."fact_profile_metrics"',  # quotes
    "cat.gold.fact profile_metrics",  # a space
    "cat.gold.fact_booking_daily_profile_metrics\n",  # a trailing newline
    "cat.gold.extra.fact_profile_metrics",  # four parts
    "gold.fact_profile_metrics",  # two parts
    "cat..fact_profile_metrics",  # an empty part
    "cat.gold.f\u0430ct_profile_metrics",  # Cyrillic a: a unicode lookalike
    "cat.gold.fact_profile_metrics\x00",  # NUL
    "cat.gold." + "t" * 256,  # longer than Unity Catalog allows
]
HOSTILE_IDS = ["../abc", "a/b", "a.b", "a?b", "a#b", "a%2Fb", "a b", "", "\uff41bc", "x" * 129]


@pytest.mark.parametrize("name", HOSTILE_TABLE_NAMES)
def test_a_table_name_that_is_not_three_plain_identifiers_is_refused(name):
    with pytest.raises(UnsafeNameError, match="refusing table name"):
        table_name(name)


@pytest.mark.parametrize("value", [*HOSTILE_IDS, None, 42])
def test_an_id_that_is_not_one_plain_segment_is_refused(value):
    with pytest.raises(UnsafeNameError, match="refusing dashboard id"):
        object_id(value)


@pytest.mark.parametrize(
    "name",
    [
        SOURCE,
        "wanderbricks.wanderbricks_gold_monitoring.dim_host_profile_metrics",
        "my-catalog.gold.t2024",
        "C.S.T",
        "a." + "b" * 255 + ".c",
    ],
)
def test_plain_names_pass_unchanged(name):
    assert table_name(name) == name


@pytest.mark.parametrize(
    "value", ["0123456789abcdef0123456789abcdef", "01ef9a4d-3e5b-1c2a-8f7e-6d5c4b3a2910"]
)
def test_dashboard_ids_pass_unchanged(value):
    assert object_id(value) == value


def test_unity_catalog_names_compare_without_case():
    assert same_table("Cat.Gold.T", "cat.gold.t")
    assert not same_table("cat.gold.t", "cat.gold.u")


def test_the_sdk_itself_puts_a_hostile_name_into_the_url_unencoded(
    fake_workspace, workspace_client
):
    """Why the rule exists: without it, this DELETE reaches the source table."""
    fake_workspace.add_table(SOURCE)
    workspace_client.tables.delete(full_name=f"{SOURCE}?x=_profile_metrics")
    assert fake_workspace.call_signatures() == [
        ("DELETE", f"/api/2.1/unity-catalog/tables/{SOURCE}")
    ]
    assert SOURCE not in fake_workspace.tables


CALLS = {
    "get_monitor": lambda client, name: workspace.get_monitor(client, name),
    "queue_refresh": lambda client, name: workspace.queue_refresh(client, name),
    "list_refreshes": lambda client, name: workspace.list_refreshes(client, name),
    "get_table_column_names": lambda client, name: workspace.get_table_column_names(client, name),
    "drop_table": lambda client, name: workspace.drop_table(client, name),
}


@pytest.mark.parametrize("call", CALLS, ids=str)
@pytest.mark.parametrize("name", HOSTILE_TABLE_NAMES[:4])
def test_no_workspace_call_sends_a_hostile_table_name(fake_workspace, workspace_client, call, name):
    fake_workspace.add_table(SOURCE)
    fake_workspace.add_monitor(SOURCE)
    with pytest.raises(UnsafeNameError):
        CALLS[call](workspace_client, name)
    assert fake_workspace.api_calls() == []
    assert SOURCE in fake_workspace.tables


@pytest.mark.parametrize("call", [workspace.dashboard_exists, workspace.trash_dashboard])
@pytest.mark.parametrize("value", ["../../2.1/unity-catalog/tables/cat.gold.t", "x/../victim"])
def test_no_workspace_call_sends_a_hostile_dashboard_id(
    fake_workspace, workspace_client, call, value
):
    victim = fake_workspace.add_dashboard("victim")
    with pytest.raises(UnsafeNameError):
        call(workspace_client, value)
    assert fake_workspace.api_calls() == []
    assert fake_workspace.dashboards[victim]["lifecycle_state"] == "ACTIVE"
