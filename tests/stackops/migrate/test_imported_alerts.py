"""An alert `migrate` took out of the state with its monitor and imported back plans no update.

`pulumi import` of an AlertV2 runs the provider's ImportState (the ID is the alert's id,
terraform-provider-databricks `alert_v2/resource_alert_v2.go` `ImportState`) and then its Read
with no prior state: the GET answer becomes the state with nothing to sync from
(tests/fakes/alert_read.py `refreshed_state` from an empty prior). The program's inputs must
then plan no change (`planned_changes`), or the migration's preview would show updates; a
change of `parent_path` would even be a replace, which migrate refuses.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config
from databricks.sdk.service.sql import AlertV2

from tests.alerts.test_alert_round_trip import registered
from tests.fakes.alert_read import planned_changes, refreshed_state
from tests.fakes.workspace import FakeWorkspace, VirtualClock
from tests.helpers.alerts import SHIPPED_ALERTS


@pytest.fixture
def client() -> Iterator[WorkspaceClient]:
    with FakeWorkspace() as fake:
        config = Config(host=fake.host, token=fake.token, auth_type="pat", clock=VirtualClock())
        yield WorkspaceClient(config=config)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_an_imported_alert_plans_no_update(client, stack):
    alerts = registered(stack)
    assert sorted(alerts) == sorted(SHIPPED_ALERTS)
    for key, inputs in alerts.items():
        created = client.alerts_v2.create_alert(AlertV2.from_dict(inputs))
        imported = refreshed_state(
            {"id": created.id}, client.alerts_v2.get_alert(created.id).as_dict()
        )
        assert planned_changes(imported, inputs) == [], key
