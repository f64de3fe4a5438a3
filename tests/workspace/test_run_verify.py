"""run_verify is what the CLI calls: exit code, table or JSON on out, progress elsewhere."""

import io
import json

from monitors.workspace.verify import run_verify


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
