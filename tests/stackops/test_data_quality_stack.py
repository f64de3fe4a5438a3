"""The stack operations on a `data_quality` stack: its monitors' URNs name DataQualityMonitor,
so reset and urns act on the resources the state holds; adopt (legacy imports) refuses."""

from __future__ import annotations

import pytest
import yaml

from monitors.errors import StackOpsError
from monitors.naming import API_DATA_QUALITY, DQ_RESOURCE_TYPE, monitor_urn
from monitors.stackops.adopt import adopt
from monitors.stackops.reset.command import reset
from monitors.stackops.urns import urns
from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import full_name

DQ = API_DATA_QUALITY


def use_data_quality(project, fake, stack: str) -> None:
    """The stack file says `api: data_quality`; the state holds DataQualityMonitor resources."""
    path = project / f"Pulumi.{stack}.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"]["lakehouse-monitors:api"] = DQ
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    stacks = fake.scenario["stacks"]
    stacks[stack]["resources"] = [
        {
            "urn": monitor_urn(stack, t, DQ),
            "custom": True,
            "id": "missing ID",
            "type": DQ_RESOURCE_TYPE,
            "inputs": {"objectType": "table"},
            "outputs": {
                "objectType": "table",
                "dataProfilingConfig": {"monitoredTableName": full_name(stack, t)},
            },
        }
        for t in TABLES
    ]
    fake.write(stacks=stacks)


def test_urns_name_the_data_quality_type_and_find_them_in_the_state(env, fake, project):
    use_data_quality(project, fake, "prod")
    found = urns("prod", env=env)
    assert [m.urn for m in found] == [monitor_urn("prod", t, DQ) for t in TABLES]
    assert {m.in_state for m in found} == {True}
    urn = monitor_urn("prod", "dim_user", DQ)
    assert found[2].commands == (
        f"pulumi state unprotect --stack prod '{urn}'",
        f"pulumi up --stack prod --replace '{urn}'",
    )


def test_reset_recreates_the_data_quality_monitor_it_names(env, fake, project):
    use_data_quality(project, fake, "dev")
    steps = [
        {"op": "replace" if t == "dim_host" else "same", "urn": monitor_urn("dev", t, DQ)}
        for t in TABLES
    ]
    fake.write(stacks=fake.scenario["stacks"], preview={"steps": steps}, up={"steps": steps})
    report = reset("dev", ["dim_host"], assume_yes=True, env=env)
    assert report.outcomes == {"dim_host": "deleted and recreated"}


def test_adopt_refuses_a_data_quality_stack_before_touching_anything(env, fake, project):
    use_data_quality(project, fake, "dev")
    with pytest.raises(
        StackOpsError, match=r"adopt imports monitors as databricks\.QualityMonitor"
    ):
        adopt("dev", None, env=env)
    assert fake.calls() == []
