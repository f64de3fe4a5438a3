"""Schema-level anomaly detection: one `DataQualityMonitor` for the gold schema, on either backend.

Its identity is the schema (the provider would PATCH another schema's UUID in place), so the
program passes the schema's name as its replacement trigger: a new gold schema replaces it; its
excluded tables are updated in place; it is protected in prod like the monitors.
"""

from __future__ import annotations

import pytest

from monitors.desired.record import ANOMALY_OUTPUT
from monitors.naming import ANOMALY_RESOURCE_NAME, DQ_RESOURCE_TYPE, anomaly_urn
from tests.fakes.mock_runtime import mock_object_id
from tests.helpers.program import deploy_once, deployed, stack_config

ON = {"enabled": True, "excludedTables": ["dim_user"]}


@pytest.mark.parametrize("api", ["legacy", "data_quality"])
def test_it_adds_one_schema_monitor_for_the_gold_schema(declarations, api):
    run = deploy_once(
        declarations, stack="prod", config=stack_config("prod", api=api, anomalyDetection=ON)
    )
    schema = run.monitor(ANOMALY_RESOURCE_NAME)
    assert schema.type == DQ_RESOURCE_TYPE
    assert schema.inputs == {
        "objectType": "schema",
        "objectId": mock_object_id("schema", "wanderbricks.wanderbricks_gold"),
        "anomalyDetectionConfig": {
            "excludedTableFullNames": ["wanderbricks.wanderbricks_gold.dim_user"]
        },
    }
    assert schema.protect and schema.delete_before_replace
    assert schema.replacement_trigger == "wanderbricks.wanderbricks_gold"
    assert run.outputs[ANOMALY_OUTPUT] == {
        "schema_name": "wanderbricks.wanderbricks_gold",
        "excluded_table_full_names": ["wanderbricks.wanderbricks_gold.dim_user"],
    }


def test_it_is_off_unless_asked_for(declarations):
    for config in (stack_config("dev"), stack_config("dev", anomalyDetection={"enabled": False})):
        run = deploy_once(declarations, config=config)
        assert ANOMALY_OUTPUT not in run.outputs
        assert [r.name for r in run.registrations if r.type == DQ_RESOURCE_TYPE] == []


def test_changing_the_excluded_tables_updates_it_in_place(declarations):
    stack = deployed(declarations, stack="prod", config=stack_config("prod", anomalyDetection=ON))
    result = stack.up(
        config=stack_config("prod", anomalyDetection={"enabled": True, "excludedTables": []})
    )
    assert result.ok and result.changed == {anomaly_urn("prod"): "update"}


def test_another_gold_schema_replaces_it_and_prod_refuses_that(declarations):
    dev = deployed(declarations, config=stack_config("dev", anomalyDetection=ON))
    moved = stack_config("dev", anomalyDetection=ON, goldSchema="gold_v2")
    preview = dev.preview(config=moved)
    assert preview.op(anomaly_urn("dev")) == "replace"
    prod = deployed(declarations, stack="prod", config=stack_config("prod", anomalyDetection=ON))
    refused = prod.preview(config=stack_config("prod", anomalyDetection=ON, goldSchema="gold_v2"))
    assert any(anomaly_urn("prod") in e and "protection" in e for e in refused.errors)
    assert any(
        "schema anomaly detection of wanderbricks.wanderbricks_gold will be REPLACED" in w
        for w in refused.program.warnings
    )


def test_turning_it_off_deletes_it_with_a_warning_and_prod_refuses(declarations):
    dev = deployed(declarations, config=stack_config("dev", anomalyDetection=ON))
    off = dev.up(config=stack_config("dev"))
    assert off.ok and off.changed == {anomaly_urn("dev"): "delete"}
    assert any("will be DELETED" in w for w in off.program.warnings)
    prod = deployed(declarations, stack="prod", config=stack_config("prod", anomalyDetection=ON))
    refused = prod.up(config=stack_config("prod"))
    assert any("cannot be deleted" in e and anomaly_urn("prod") in e for e in refused.errors)
    (warning,) = [w for w in refused.program.warnings if "anomaly" in w]
    assert f"pulumi state unprotect --stack prod '{anomaly_urn('prod')}'" in warning
