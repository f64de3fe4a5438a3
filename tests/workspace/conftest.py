"""Fixtures: a fake workspace per test and a real WorkspaceClient pointed at it."""

from collections.abc import Iterator

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from tests.fakes.workspace import FakeWorkspace, VirtualClock
from tests.helpers.workspace_monitors import SCHEMA, custom_metric


@pytest.fixture(autouse=True)
def isolated_databricks_env(monkeypatch, tmp_path):
    """Keep the developer's DATABRICKS_* variables and ~/.databrickscfg out of every test."""
    import os

    for name in list(os.environ):
        if name.startswith("DATABRICKS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))


@pytest.fixture
def fake_workspace() -> Iterator[FakeWorkspace]:
    with FakeWorkspace() as workspace:
        yield workspace


@pytest.fixture
def sdk_clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def workspace_client(fake_workspace, sdk_clock) -> WorkspaceClient:
    """The real SDK client; its clock is virtual so retry backoff costs no wall time."""
    config = Config(
        host=fake_workspace.host,
        token=fake_workspace.token,
        auth_type="pat",
        clock=sdk_clock,
        retry_timeout_seconds=60,
    )
    return WorkspaceClient(config=config)


@pytest.fixture
def deploy_monitor(fake_workspace):
    """Seed a monitor as deployed and initialised; returns the matching ExpectedMonitor."""
    from monitors.workspace.expected import ExpectedMonitor

    def deploy(
        table: str = "fact_booking_daily",
        *,
        metrics: tuple[str, ...] = ("total_bookings", "cancellation_rate"),
        drift_metrics: tuple[str, ...] = (),
        time_series: bool = True,
        skip_builtin_dashboard: bool = False,
        initialise: bool = True,
        refresh_state: str | None = "SUCCESS",
    ) -> ExpectedMonitor:
        full_name = f"{SCHEMA}.{table}"
        config: dict = {
            "output_schema_name": SCHEMA,
            "custom_metrics": [custom_metric(n) for n in metrics]
            + [custom_metric(n, "DRIFT") for n in drift_metrics],
            "skip_builtin_dashboard": skip_builtin_dashboard,
        }
        if time_series:
            config["time_series"] = {"timestamp_col": "check_in_date", "granularities": ["1 day"]}
        else:
            config["snapshot"] = {}
        fake_workspace.add_monitor(full_name, **config)
        if initialise:
            fake_workspace.initialise_monitor(full_name)
        if refresh_state:
            fake_workspace.add_refresh(full_name, refresh_state)
        return ExpectedMonitor(
            table=table,
            full_table_name=full_name,
            custom_metric_names=metrics,
            expects_drift_table=time_series or bool(drift_metrics),
            expects_dashboard=not skip_builtin_dashboard,
            custom_drift_metric_names=drift_metrics,
        )

    return deploy
