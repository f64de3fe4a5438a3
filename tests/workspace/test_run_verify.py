"""run_verify is what the CLI calls: exit code, table or JSON on out, progress elsewhere."""

import io
import json

from monitors.workspace.verify.run import run_verify


def test_run_verify_exits_0_and_prints_table_when_all_pass(workspace_client, deploy_monitor):
    out = io.StringIO()
    code = run_verify(
        workspace_client, [deploy_monitor()], wait=False, timeout_s=0, as_json=False, out=out
    )
    assert code == 0
    assert out.getvalue().startswith("monitor")


def test_run_verify_exits_1_when_a_check_fails(workspace_client, deploy_monitor):
    out = io.StringIO()
    expected = [deploy_monitor(initialise=False)]
    assert run_verify(workspace_client, expected, wait=False, timeout_s=0, as_json=False, out=out)
    assert "Failures:" in out.getvalue()


def test_run_verify_json_keeps_progress_off_out(fake_workspace, workspace_client, deploy_monitor):
    expected = deploy_monitor(initialise=False)
    fake_workspace.initialise_after(expected.full_table_name, gets=2)
    out, progress = io.StringIO(), io.StringIO()
    code = run_verify(
        workspace_client,
        [expected],
        wait=True,
        timeout_s=5,
        poll_s=0.01,
        as_json=True,
        out=out,
        progress_out=progress,
    )
    assert code == 0
    assert json.loads(out.getvalue())["ok"] is True
    assert "waiting for 1 of 1 monitors" in progress.getvalue()


def test_run_verify_wait_shows_progress_then_fails_still_pending(workspace_client, deploy_monitor):
    out = io.StringIO()
    code = run_verify(
        workspace_client,
        [deploy_monitor(initialise=False)],
        wait=True,
        timeout_s=0.05,
        poll_s=0.01,
        as_json=False,
        out=out,
    )
    assert code == 1
    assert out.getvalue().startswith("waiting for 1 of 1 monitors to initialise")
    assert "still initialising (PENDING)" in out.getvalue()


def test_a_monitor_still_pending_after_wait_is_not_told_to_try_wait(
    workspace_client, deploy_monitor
):
    """No message contradicts what the user just did: after --wait, the advice is the timeout."""
    expected = [deploy_monitor(initialise=False)]
    waited, unwaited = io.StringIO(), io.StringIO()
    common = {"timeout_s": 0.05, "poll_s": 0.01, "as_json": False}
    assert run_verify(workspace_client, expected, wait=True, out=waited, **common) == 1
    assert run_verify(workspace_client, expected, wait=False, out=unwaited, **common) == 1
    assert "try --wait" not in waited.getvalue()
    assert "--wait ended first; a longer --timeout may see it ACTIVE" in waited.getvalue()
    assert "still initialising (PENDING); try --wait" in unwaited.getvalue()


def test_the_sdks_retries_of_an_unavailable_poll_end_when_the_wait_does(
    fake_workspace, deploy_monitor
):
    """503 without Retry-After on every GET: the wait (0.05 s) gives the SDK no more than that,
    not its 30 s retry budget; the checks after it then get theirs (virtual time throughout)."""
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.config import Config

    from monitors.workspace.client import Deadline, DeadlineClock
    from tests.fakes.workspace import VirtualClock

    base = VirtualClock()
    deadline = Deadline(120, now=base.time)
    config = Config(
        host=fake_workspace.host,
        token=fake_workspace.token,
        auth_type="pat",
        retry_timeout_seconds=30,
        clock=DeadlineClock(deadline, base),
    )
    expected = deploy_monitor(initialise=False)
    path = f"/api/2.1/unity-catalog/tables/{expected.full_table_name}/monitor"
    fake_workspace.fail_next("GET", path, status=503, retry_after=None, times=10_000)
    progress = io.StringIO()
    code = run_verify(
        WorkspaceClient(config=config),
        [expected],
        wait=True,
        timeout_s=0.05,
        poll_s=0.01,
        as_json=False,
        out=io.StringIO(),
        progress_out=progress,
        deadline=deadline,
    )
    assert code == 1
    assert "could not read fact_booking_daily: gave up retrying after" in progress.getvalue()
    assert sum(base.sleeps) < 30 + 10  # the checks' budget, plus at most one last backoff
