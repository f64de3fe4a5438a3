"""`monitors verify`: the declared monitors, checked through the real SDK, with the
provider's credentials, within a bounded time, with a clear message and exit code on failure."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
import yaml
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from monitors.cli.main import main
from monitors.declared.project import build_project
from monitors.declared.project_input import read_project_input
from monitors.desired.plan import make_plan
from monitors.errors import MonitorsError
from monitors.workspace import client as client_module
from monitors.workspace.client import Limits
from monitors.workspace.expected import expected_monitors
from monitors.workspace.verify import wait as wait_module
from tests.fakes.workspace import Blackhole, FakeWorkspace, refused_host
from tests.helpers.machine import isolate_from_the_machine

FAKE_CLI = Path(__file__).resolve().parent.parent / "fakes" / "pulumi_cli"
CIPHERTEXT = "v1:AAAAfake-ciphertext"
CATALOG = "wanderbricks_dev.wanderbricks_gold"
MONITOR = f"/api/2.1/unity-catalog/tables/{CATALOG}.dim_user/monitor"


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No DATABRICKS_* variables, no ~/.databrickscfg, no passphrase, no real `pulumi`."""
    isolate_from_the_machine(monkeypatch, tmp_path)


@pytest.fixture
def workspace():
    with FakeWorkspace() as fake:
        yield fake


@pytest.fixture
def fake_cli(tmp_path, monkeypatch) -> Path:
    """The recording fake `pulumi` (tests/fakes/pulumi_cli), decrypting CIPHERTEXT."""
    directory = tmp_path / "fake-cli"
    directory.mkdir()
    monkeypatch.setenv("FAKE_PULUMI_SCENARIO", str(directory / "scenario.json"))
    monkeypatch.setenv("FAKE_PULUMI_PYTHON", sys.executable)
    return directory


def write_scenario(directory: Path, token: str) -> None:
    (directory / "scenario.json").write_text(
        json.dumps(
            {
                "version": "3.231.0",
                "project": "lakehouse-monitors",
                "stacks": {"dev": {"resources": []}},
                "secrets": {CIPHERTEXT: token},
            }
        )
    )


def set_stack_config(project: Path, **config) -> None:
    path = project / "Pulumi.dev.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"].update({f"databricks:{k}": v for k, v in config.items()})
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def deploy_dev(fake: FakeWorkspace) -> None:
    """Create every dev monitor with the exact body the program sends, then initialise it."""
    project = build_project(read_project_input("dev"))
    client = WorkspaceClient(config=Config(host=fake.host, token=fake.token, auth_type="pat"))
    for table, request in make_plan(project).requests.items():
        full_name = project.settings.full_table_name(table)
        fake.add_table(full_name)
        client.api_client.do(
            "POST", f"/api/2.1/unity-catalog/tables/{full_name}/monitor", body=request
        )
        fake.initialise_monitor(full_name)
        fake.add_refresh(full_name, "SUCCESS")


def verify(project: Path, *extra: str) -> int:
    return main(["verify", "--stack", "dev", "--project-dir", str(project), *extra])


# ---------------------------------------------------------------------------- what is checked


def test_snapshot_monitors_expect_no_drift_table_and_time_series_ones_do():
    expected = {e.table: e for e in expected_monitors(build_project(read_project_input("dev")))}
    assert expected["dim_host"].expects_drift_table is False
    assert expected["fact_booking_daily"].expects_drift_table is True
    assert "cancellation_rate_drift" in expected["fact_booking_daily"].custom_drift_metric_names
    assert "cancellation_rate_drift" not in expected["fact_booking_daily"].custom_metric_names


def test_verify_of_an_unknown_table_is_an_error():
    with pytest.raises(MonitorsError, match="unknown table"):
        expected_monitors(build_project(read_project_input("dev")), ["fact_booking_detail"])


def test_verify_passes_when_every_declared_monitor_is_deployed(
    workspace, project, monkeypatch, capsys
):
    deploy_dev(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    assert verify(project, "--host", workspace.host, "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert len(report["monitors"]) == 5


def test_verify_fails_when_a_declared_metric_is_missing_from_the_profile_table(
    workspace, project, monkeypatch, capsys
):
    deploy_dev(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    profile = "wanderbricks_dev.wanderbricks_gold_monitoring.dim_user_profile_metrics"
    workspace.add_table(profile, ["window", "column_name", "current_user_count"])
    assert verify(project, "--host", workspace.host, "--table", "dim_user") == 1
    out = capsys.readouterr().out
    assert "dim_user / metrics: missing column(s)" in out
    assert "business_user_rate (in " in out


# ---------------------------------------------------------------------------- credentials


def test_the_readmes_deploying_steps_work_host_in_stack_token_secret_nothing_in_env(
    workspace, project, fake_cli, monkeypatch, capsys
):
    """`pulumi config set databricks:host ...`, `pulumi config set --secret databricks:token`,
    nothing in the environment: the token comes decrypted through the Pulumi CLI."""
    deploy_dev(workspace)
    set_stack_config(project, host=workspace.host, token={"secure": CIPHERTEXT})
    write_scenario(fake_cli, workspace.token)
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "correct horse")
    assert verify(project, "--pulumi-root", str(FAKE_CLI)) == 0
    captured = capsys.readouterr()
    assert f"verify: workspace {workspace.host} (host: databricks:host from Pulumi.dev.yaml)" in (
        captured.err
    )
    assert (
        "verify: authentication pat (token: databricks:token (secret) from `pulumi config` "
        "(decrypted by the Pulumi CLI))" in captured.err
    )
    assert workspace.token not in captured.out + captured.err


def test_without_a_pulumi_cli_verify_uses_plain_settings_and_the_environment_and_says_so(
    workspace, project, monkeypatch, capsys
):
    deploy_dev(workspace)
    set_stack_config(project, host=workspace.host, token={"secure": CIPHERTEXT})
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    assert verify(project) == 0
    err = capsys.readouterr().err
    assert "verify: the Pulumi CLI was not found (pulumi): using the stack file's plain" in err
    assert "its secret databricks:token cannot be read without the CLI" in err
    assert "token: environment variable DATABRICKS_TOKEN" in err


def test_a_secret_token_without_a_cli_is_a_credentials_error_naming_what_was_tried(
    workspace, project, capsys
):
    set_stack_config(project, host=workspace.host, token={"secure": CIPHERTEXT})
    assert verify(project) == 2
    err = capsys.readouterr().err
    assert "error: no usable Databricks credentials. Tried, in the provider's order:" in err
    assert "databricks:token is a secret in the stack file: only the Pulumi CLI can decrypt" in err
    assert "Traceback" not in err


def test_a_cli_that_cannot_decrypt_falls_back_and_says_why(
    workspace, project, fake_cli, monkeypatch, capsys
):
    deploy_dev(workspace)
    set_stack_config(project, host=workspace.host, token={"secure": CIPHERTEXT})
    write_scenario(fake_cli, workspace.token)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    assert verify(project, "--pulumi-root", str(FAKE_CLI)) == 0
    err = capsys.readouterr().err
    assert (
        "`pulumi config` failed: error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE"
        in (err)
    )


def test_no_credentials_anywhere_exits_2_without_a_traceback(project, capsys):
    assert verify(project) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no usable Databricks credentials")
    assert "Traceback" not in err


def test_verify_never_prints_the_token(workspace, project, monkeypatch, capsys):
    deploy_dev(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    verify(project, "--host", workspace.host)
    captured = capsys.readouterr()
    assert workspace.token not in captured.out + captured.err


# ---------------------------------------------------------------------------- bounded time


def test_an_unreachable_workspace_answers_within_seconds_with_exit_1(project, monkeypatch, capsys):
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-x")
    host = refused_host()
    started = time.monotonic()
    assert verify(project, "--host", host) == 1
    assert time.monotonic() - started < 2
    err = capsys.readouterr().err
    assert f"error: cannot reach the workspace at {host}: Connection refused" in err


def test_a_workspace_that_never_answers_is_given_up_within_the_limits(project, monkeypatch, capsys):
    fast = Limits(http_timeout_s=0.05, retry_timeout_s=1, connect_timeout_s=0.05, total_s=1)
    monkeypatch.setattr(client_module, "VERIFY_LIMITS", fast)
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-x")
    with Blackhole() as blackhole:
        started = time.monotonic()
        assert verify(project, "--host", blackhole.host) == 1
        assert time.monotonic() - started < 1
    assert "accepted a connection but did not answer within 0.05 s" in capsys.readouterr().err


def test_malformed_json_fails_that_check_not_the_command(workspace, project, monkeypatch, capsys):
    deploy_dev(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    workspace.answer_next("GET", MONITOR, b'{"table_name": "wanderbricks_dev.')
    assert verify(project, "--host", workspace.host) == 1
    out = capsys.readouterr().out
    assert "dim_user / exists: could not read monitor: the workspace answered with malformed" in out
    assert "4 of 5 monitors pass." in out


def test_an_error_page_from_a_proxy_is_named_as_one_not_as_an_sdk_bug(
    workspace, project, monkeypatch, capsys
):
    """databricks-sdk reads an HTML 502 without <pre> or <title> as "unable to parse response",
    inviting an SDK bug report (errors/parser.py `_unknown_error`)."""
    deploy_dev(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    workspace.answer_next("GET", MONITOR, b"<html><body>Bad gateway</body></html>", status=502)
    assert verify(project, "--host", workspace.host) == 1
    out = capsys.readouterr().out
    assert (
        "dim_user / exists: could not read monitor: the workspace answered with an error page "
        "that is not a Databricks error (from a proxy or gateway?)\n"
    ) in out
    assert "issue tracker" not in out


def test_a_500_while_waiting_is_polled_again_not_a_traceback(
    workspace, project, monkeypatch, capsys
):
    deploy_dev(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    monkeypatch.setattr(wait_module, "DEFAULT_POLL_S", 0.01)
    workspace.set_monitor_status(f"{CATALOG}.dim_user", "MONITOR_STATUS_PENDING")
    workspace.initialise_after(f"{CATALOG}.dim_user", gets=2)
    workspace.fail_next("GET", MONITOR, status=500, message="try later", times=1)
    assert verify(project, "--host", workspace.host, "--wait", "--timeout", "5") == 0
    out = capsys.readouterr().out
    assert "could not read dim_user: try later" in out
    assert "5 of 5 monitors pass." in out


def test_losing_the_workspace_while_waiting_is_exit_1_with_a_message(
    workspace, project, monkeypatch, capsys
):
    deploy_dev(workspace)
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.token)
    monkeypatch.setattr(wait_module, "DEFAULT_POLL_S", 0.01)
    workspace.set_monitor_status(f"{CATALOG}.dim_user", "MONITOR_STATUS_PENDING")
    monkeypatch.setattr(
        client_module,
        "VERIFY_LIMITS",
        Limits(http_timeout_s=1, retry_timeout_s=30, connect_timeout_s=1, total_s=0.05),
    )
    original = wait_module._poll

    def poll_then_stop(*args):
        result = original(*args)
        workspace.stop()
        return result

    monkeypatch.setattr(wait_module, "_poll", poll_then_stop)
    started = time.monotonic()
    assert verify(project, "--host", workspace.host, "--wait", "--timeout", "0.05") == 1
    assert time.monotonic() - started < 1
    err = capsys.readouterr().err
    assert "error: the workspace stopped answering while waiting for dim_user" in err


@pytest.mark.parametrize("timeout", ["nan", "NaN", "inf", "-inf", "1e400", "-1", "86401", "5s", ""])
def test_a_timeout_that_is_not_a_finite_number_in_range_is_refused_before_any_request(
    project, capsys, timeout
):
    with pytest.raises(SystemExit) as exited:
        verify(project, "--wait", f"--timeout={timeout}")
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "argument --timeout: must be a number of seconds from 0 to 86400" in err
    assert "Traceback" not in err
