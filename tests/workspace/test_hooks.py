"""The program's resource hooks, run against the fake workspace through the real SDK.

A hook never fails or stalls a deployment: every error is one warning naming the monitor, the
hooks of one deployment share one time budget, and after the workspace failed to answer (or no
credentials were found) the rest warn at once.
"""

from __future__ import annotations

import asyncio
import time

import pulumi
import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from monitors.program import hooks
from monitors.program.hooks import HookRun
from monitors.workspace.client import HOOK_LIMITS, Deadline, DeadlineClock, Limits
from tests.fakes.workspace import Blackhole, VirtualClock, refused_host
from tests.helpers.workspace_monitors import SCHEMA

SHORT = "fact_booking_daily"
TABLE = f"{SCHEMA}.{SHORT}"
PROFILE = f"{TABLE}_profile_metrics"
DRIFT = f"{TABLE}_drift_metrics"
REFRESHES = f"/api/2.1/unity-catalog/tables/{TABLE}/monitor/refreshes"
FAST = Limits(http_timeout_s=0.05, retry_timeout_s=1, connect_timeout_s=0.05, total_s=5)


@pytest.fixture
def logged(monkeypatch):
    messages: list[tuple[str, str]] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda m, *a, **k: messages.append(("warn", m)))
    monkeypatch.setattr(pulumi.log, "info", lambda m, *a, **k: messages.append(("info", m)))
    return messages


@pytest.fixture
def engine_config():
    """Set the config the engine hands the program (`databricks:*` included) for one test."""

    def set_config(**values: str) -> None:
        pulumi.runtime.set_all_config({f"databricks:{k}": v for k, v in values.items()})

    yield set_config
    pulumi.runtime.set_all_config({})


def hook_args(name: str = SHORT, **kwargs) -> pulumi.ResourceHookArgs:
    return pulumi.ResourceHookArgs(
        urn=f"urn:pulumi:dev::lakehouse-monitors::databricks:index/qualityMonitor:QualityMonitor::{name}",
        id=f"{SCHEMA}.{name}",
        name=name,
        type="databricks:index/qualityMonitor:QualityMonitor",
        **kwargs,
    )


def update_args(name: str = SHORT) -> pulumi.ResourceHookArgs:
    return hook_args(name, new_outputs={"tableName": f"{SCHEMA}.{name}"})


def with_client(client: WorkspaceClient) -> HookRun:
    return HookRun(open_client=lambda deadline: client)


def purge(args, run, purge_tables=frozenset({SHORT})):
    return hooks.purge_after_delete(args, set(purge_tables), run, SCHEMA)


def warnings(logged) -> list[str]:
    return [m for kind, m in logged if kind == "warn"]


# ---------------------------------------------------------------------------- refresh


def test_refresh_hook_queues_a_refresh_of_the_updated_monitor(
    deploy_monitor, fake_workspace, workspace_client, logged
):
    deploy_monitor(refresh_state=None)
    assert hooks.refresh_after_update(update_args(), with_client(workspace_client)) == "1"
    assert ("POST", REFRESHES) in fake_workspace.call_signatures()
    assert logged == [("info", f"{SHORT}: queued metric refresh 1 after the update")]


def test_refresh_hook_failure_only_warns_naming_the_monitor(workspace_client, logged):
    args = update_args("no_such_table")
    assert hooks.refresh_after_update(args, with_client(workspace_client)) is None
    [message] = warnings(logged)
    assert message.startswith(
        f"no_such_table: could not queue a metric refresh for {SCHEMA}.no_such_table"
    )


FAILURES = {
    "500": lambda fake: fake.fail_next("POST", REFRESHES, status=500, message="Backend exploded"),
    "malformed JSON": lambda fake: fake.answer_next("POST", REFRESHES, b"{not json"),
    "HTML from a proxy": lambda fake: fake.answer_next(
        "POST", REFRESHES, b"<html>502 Bad Gateway</html>", status=502
    ),
    "throttled past the budget": lambda fake: fake.fail_next(
        "POST", REFRESHES, status=429, times=1000, retry_after=30
    ),
    "workspace stopped": lambda fake: fake.stop(),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failing_refresh_is_one_warning_never_an_exception(
    deploy_monitor, fake_workspace, workspace_client, logged, failure
):
    deploy_monitor(refresh_state=None)
    FAILURES[failure](fake_workspace)
    assert hooks.refresh_after_update(update_args(), with_client(workspace_client)) is None
    [message] = warnings(logged)
    assert message.startswith(f"{SHORT}: could not queue a metric refresh")
    assert "The update is deployed" in message


def test_a_refresh_answer_with_an_id_that_is_no_number_warns_in_words(
    deploy_monitor, fake_workspace, workspace_client, logged
):
    deploy_monitor(refresh_state=None)
    fake_workspace.answer_next("POST", REFRESHES, b'{"refresh_id": "abc", "state": "PENDING"}')
    assert hooks.refresh_after_update(update_args(), with_client(workspace_client)) is None
    [message] = warnings(logged)
    assert message.startswith(
        f"{SHORT}: could not queue a metric refresh for {TABLE} after its update: the "
        "workspace's answer is not in the shape databricks-sdk reads"
    )
    assert "invalid literal" not in message


def test_a_refresh_answer_without_an_id_is_not_reported_as_refresh_none(
    deploy_monitor, fake_workspace, workspace_client, logged
):
    deploy_monitor(refresh_state=None)
    fake_workspace.answer_next("POST", REFRESHES, b'{"state": "PENDING"}')
    hooks.refresh_after_update(update_args(), with_client(workspace_client))
    assert logged == [
        ("info", f"{SHORT}: queued a metric refresh after the update (the workspace named no id)")
    ]


def test_an_unsafe_table_name_in_the_update_is_refused_with_a_warning(
    fake_workspace, workspace_client, logged
):
    args = hook_args(new_outputs={"tableName": f"{TABLE}?x=1"})
    assert hooks.refresh_after_update(args, with_client(workspace_client)) is None
    assert "refusing table name" in warnings(logged)[0]
    assert fake_workspace.api_calls() == []


# ---------------------------------------------------------------------------- purge


def test_purge_hook_leaves_a_monitor_that_is_not_being_reset_alone(
    deploy_monitor, fake_workspace, workspace_client, logged
):
    deploy_monitor()
    before = len(fake_workspace.api_calls())
    args = hook_args(old_outputs={"profileMetricsTableName": PROFILE})
    assert purge(args, with_client(workspace_client), {"dim_host"}) is None
    assert len(fake_workspace.api_calls()) == before


def test_purge_hook_drops_metric_tables_and_dashboard_of_a_purging_reset(
    deploy_monitor, fake_workspace, workspace_client, logged
):
    expected = deploy_monitor()
    monitor = workspace_client.quality_monitors.get(expected.full_table_name)
    workspace_client.quality_monitors.delete(expected.full_table_name)
    args = hook_args(
        old_outputs={
            "profileMetricsTableName": monitor.profile_metrics_table_name,
            "driftMetricsTableName": monitor.drift_metrics_table_name,
            "dashboardId": monitor.dashboard_id,
        }
    )
    result = purge(args, with_client(workspace_client))
    assert result is not None and result.complete
    deletes = [c for c in fake_workspace.call_signatures() if c[0] == "DELETE"]
    assert deletes[-3:] == [
        ("DELETE", f"/api/2.1/unity-catalog/tables/{PROFILE}"),
        ("DELETE", f"/api/2.1/unity-catalog/tables/{DRIFT}"),
        ("DELETE", f"/api/2.0/lakeview/dashboards/{monitor.dashboard_id}"),
    ]
    assert [kind for kind, _ in logged] == ["info"] * 3


def test_a_purge_of_names_from_state_that_are_not_the_monitors_warns_and_touches_nothing(
    fake_workspace, workspace_client, logged
):
    fake_workspace.add_table(TABLE)
    args = hook_args(old_outputs={"profileMetricsTableName": f"{TABLE}?x=_profile_metrics"})
    purge(args, with_client(workspace_client))
    [message] = warnings(logged)
    assert message.startswith(f"{SHORT}: purge after delete incomplete. refused (nothing")
    assert "The monitor is recreated without a clean slate" in message
    assert fake_workspace.api_calls() == []
    assert TABLE in fake_workspace.tables


def test_a_partial_purge_warning_says_what_was_already_dropped(
    fake_workspace, workspace_client, logged
):
    fake_workspace.add_table(PROFILE)
    fake_workspace.add_table(DRIFT)
    fake_workspace.fail_next(
        "DELETE", f"/api/2.1/unity-catalog/tables/{DRIFT}", status=500, message="boom"
    )
    args = hook_args(
        old_outputs={
            "profileMetricsTableName": PROFILE,
            "driftMetricsTableName": DRIFT,
            "dashboardId": "0123456789abcdef",
        }
    )
    purge(args, with_client(workspace_client))
    [message] = warnings(logged)
    assert f"done: dropped table {PROFILE}" in message
    assert f"failed: table {DRIFT}: boom" in message
    assert "not attempted: dashboard 0123456789abcdef" in message


# ---------------------------------------------------------------------------- credentials


def test_hooks_use_the_provider_settings_the_engine_gives_the_program(
    deploy_monitor, fake_workspace, engine_config, logged
):
    deploy_monitor(refresh_state=None)
    engine_config(host=fake_workspace.host, token=fake_workspace.token)
    assert hooks.refresh_after_update(update_args(), HookRun()) == "1"


def test_the_hooks_client_has_short_timeouts_and_the_deployments_deadline(
    fake_workspace, engine_config
):
    engine_config(host=fake_workspace.host, token=fake_workspace.token)
    config = HookRun().client().config
    assert config.host == fake_workspace.host
    assert config.retry_timeout_seconds == HOOK_LIMITS.retry_timeout_s == 15
    assert config.http_timeout_seconds == HOOK_LIMITS.http_timeout_s == 10
    assert isinstance(config.clock, DeadlineClock)


def test_a_longer_timeout_in_the_stack_config_does_not_lengthen_the_hooks(
    fake_workspace, engine_config
):
    engine_config(
        host=fake_workspace.host,
        token=fake_workspace.token,
        retryTimeoutSeconds="600",
        httpTimeoutSeconds="300",
    )
    config = HookRun().client().config
    assert (config.retry_timeout_seconds, config.http_timeout_seconds) == (15, 10)


def test_hooks_take_the_profile_setting_from_the_engine_config(
    deploy_monitor, fake_workspace, engine_config, tmp_path, logged
):
    deploy_monitor(refresh_state=None)
    (tmp_path / ".databrickscfg").write_text(
        f"[ci]\nhost = {fake_workspace.host}\ntoken = {fake_workspace.token}\n"
    )
    engine_config(profile="ci")
    assert hooks.refresh_after_update(update_args(), HookRun()) == "1"


def test_no_credentials_is_one_warning_per_monitor_never_an_exception(engine_config, logged):
    engine_config()
    run = HookRun()
    assert hooks.refresh_after_update(update_args(), run) is None
    assert purge(hook_args("dim_host"), run, {"dim_host"}) is None
    first, second = warnings(logged)
    assert first.startswith(f"{SHORT}: no metric refresh queued: no usable Databricks credentials")
    assert "1. the stack's databricks:* settings: none" in first
    assert second.startswith(
        "dim_host: purge after delete skipped, nothing was dropped: no usable Databricks "
        "credentials (see the first warning)"
    )


def test_an_unreachable_workspace_is_tried_once_then_every_hook_warns_at_once(
    engine_config, logged
):
    engine_config(host=refused_host(), token="dapi-x")
    run = HookRun()
    started = time.monotonic()
    for name in ("fact_booking_daily", "dim_host", "dim_user"):
        hooks.refresh_after_update(update_args(name), run)
    assert time.monotonic() - started < 2
    first, *rest = warnings(logged)
    assert "no metric refresh queued: cannot reach the workspace at" in first
    assert "Connection refused" in first
    assert [m.split(":")[0] for m in rest] == ["dim_host", "dim_user"]
    assert all("the workspace did not answer" in m for m in rest)


def test_a_workspace_that_accepts_and_never_answers_is_given_up_within_the_limits(
    engine_config, logged
):
    with Blackhole() as blackhole:
        engine_config(host=blackhole.host, token="dapi-x")
        run = HookRun(limits=FAST)
        started = time.monotonic()
        for name in ("fact_booking_daily", "dim_host"):
            hooks.refresh_after_update(update_args(name), run)
        elapsed = time.monotonic() - started
        assert blackhole.connections == 1  # one preflight, then no more tries
    assert elapsed < 1
    assert "accepted a connection but did not answer within 0.05 s" in warnings(logged)[0]
    assert len(warnings(logged)) == 2


def test_the_hooks_stop_once_the_deployments_time_budget_is_spent(workspace_client, logged):
    clock = [0.0]
    run = HookRun(open_client=lambda deadline: workspace_client, now=lambda: clock[0])
    run.client()
    clock[0] = HOOK_LIMITS.total_s + 1
    assert hooks.refresh_after_update(update_args(), run) is None
    [message] = warnings(logged)
    assert "the hooks' time budget of 60 s for this deployment ran out" in message


def test_the_sdk_retry_loop_ends_at_the_deadline_not_at_its_own_budget(fake_workspace):
    """Throttled with Retry-After 20 s and a 60 s retry budget, a call gives up at the 5 s
    deadline (virtual time: nothing really sleeps)."""
    base = VirtualClock()
    deadline = Deadline(5, now=base.time)
    config = Config(
        host=fake_workspace.host,
        token=fake_workspace.token,
        auth_type="pat",
        retry_timeout_seconds=60,
        clock=DeadlineClock(deadline, base),
    )
    client = WorkspaceClient(config=config)
    fake_workspace.add_monitor(TABLE)
    fake_workspace.fail_next("POST", REFRESHES, status=429, times=1000, retry_after=20)
    with pytest.raises(TimeoutError):
        client.quality_monitors.run_refresh(table_name=TABLE)
    assert len(fake_workspace.api_calls()) == 1
    assert base.sleeps == [pytest.approx(5, abs=0.1)]


# ---------------------------------------------------------------------------- registration


def test_hooks_tell_the_engine_their_errors_are_warnings():
    from monitors.declared.project import build_project
    from monitors.declared.project_input import read_project_input
    from tests.fakes.mock_runtime import run_program

    made: list[hooks.Hooks] = []
    run_program(
        lambda: made.append(hooks.make_hooks(build_project(read_project_input("dev")))), stack="dev"
    )
    binding = made[0].binding
    assert binding is not None
    registered = [*(binding.after_update or []), *(binding.after_delete or [])]
    assert [h.name for h in registered] == [hooks.REFRESH_HOOK, hooks.PURGE_HOOK]
    assert all(h.opts is not None and h.opts.ignore_errors for h in registered)
    assert all(not h.opts.on_dry_run for h in registered if h.opts)


def test_a_registered_hook_runs_its_work_off_the_event_loop_and_never_raises(logged):
    def broken(args: pulumi.ResourceHookArgs) -> None:
        raise RuntimeError("bug")

    loop = asyncio.new_event_loop()  # not asyncio.run: it would unset the main thread's loop
    try:
        loop.run_until_complete(hooks.in_thread(broken)(hook_args()))
    finally:
        loop.close()
    assert warnings(logged) == [f"{SHORT}: hook failed unexpectedly: RuntimeError: bug"]
