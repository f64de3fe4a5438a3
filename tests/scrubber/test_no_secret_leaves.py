"""No secret leaves the program: each error path, with a secret planted where a service, a library
or the user could put it, prints it nowhere (stdout, stderr, `--json`) and writes it to no file.

The secrets are not in any shape the scrubber recognises by itself (except where the shape is the
point), so each test shows that the secret in play was remembered and the output passed the one
scrubber (`monitors.scrubber`) at its choke point: the CLI's streams, the file writer, the
program's log.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from monitors import atomic, scrubber
from monitors.cli.main import main
from monitors.declared.project import build_project
from monitors.declared.project_input import read_project_input
from monitors.program import hooks
from tests.cli import test_verify_command as verify_command
from tests.cli.test_verify_command import deploy_dev, verify
from tests.fakes.workspace import FakeWorkspace, refused_host
from tests.helpers.alerts import ALERTING
from tests.workspace.test_hooks import logged, update_args, warnings  # noqa: F401
from tests.workspace.test_verify_alerts import deploy as deploy_with_alerts

# No DATABRICKS_* variables, no profile file, no real `pulumi` (the project copy is
# tests/conftest.py's).
isolated = verify_command.isolated

TOKEN = "PLANTED-token-7f3a9c2e41"
PASSWORD = "PLANTED-pw-5b8d0e"
CATALOG = "wanderbricks_dev.wanderbricks_gold"
MONITOR = f"/api/2.1/unity-catalog/tables/{CATALOG}.dim_user/monitor"


@pytest.fixture
def workspace(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeWorkspace]:
    """The fake workspace, whose token (the planted secret) the environment gives the SDK."""
    with FakeWorkspace(token=TOKEN) as fake:
        monkeypatch.setenv("DATABRICKS_TOKEN", TOKEN)
        yield fake


def files_under(root: Path) -> str:
    """Every file's text under `root` (what the command may have written)."""
    return "\n".join(p.read_text(errors="replace") for p in sorted(root.rglob("*")) if p.is_file())


def assert_nowhere(secret: str, capsys: pytest.CaptureFixture[str], *roots: Path) -> str:
    """The secret is in neither stream nor any file under `roots`; returns stdout + stderr."""
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert secret not in shown
    for root in roots:
        assert secret not in files_under(root)
    return shown


def with_alerts(project: Path) -> None:
    path = project / "Pulumi.dev.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"]["lakehouse-monitors:alerts"] = ALERTING
    path.write_text(yaml.safe_dump(document, sort_keys=False))


# ---------------------------------------------------------------------------- verify


@pytest.mark.parametrize("as_json", [False, True])
def test_a_statement_error_echoing_the_token_is_masked_in_verify(
    workspace, project, capsys, as_json
):
    """The warehouse's error text for an alert's query is the service's: it can echo anything
    the request carried."""
    with_alerts(project)
    client = WorkspaceClient(config=Config(host=workspace.host, token=TOKEN, auth_type="pat"))
    deploy_with_alerts(workspace, client, build_project(read_project_input("dev", project)))
    workspace.fail_next_statement(f"[PARSE_SYNTAX_ERROR] near 'Bearer {TOKEN}' (token {TOKEN})")
    extra = ["--json"] if as_json else []
    assert verify(project, "--host", workspace.host, *extra) == 1
    shown = assert_nowhere(TOKEN, capsys, project)
    assert "(token ***)" in shown
    if as_json:
        json.loads(shown[: shown.rindex("}") + 1])


@pytest.mark.parametrize("as_json", [False, True])
def test_an_error_answer_echoing_the_token_is_masked_in_verify(workspace, project, capsys, as_json):
    deploy_dev(workspace)
    workspace.fail_next("GET", MONITOR, status=500, message=f"internal error for {TOKEN}")
    extra = ["--json"] if as_json else []
    assert verify(project, "--host", workspace.host, *extra) == 1
    assert "internal error for ***" in assert_nowhere(TOKEN, capsys, project)


def test_a_refresh_message_echoing_the_token_is_masked_in_verify(workspace, project, capsys):
    deploy_dev(workspace)
    workspace.add_refresh(f"{CATALOG}.dim_user", "FAILED", message=f"job failed: {TOKEN}")
    verify(project, "--host", workspace.host)
    assert_nowhere(TOKEN, capsys, project)


def test_a_token_shaped_text_is_masked_even_when_it_was_never_given(workspace, project, capsys):
    other = "dapi" + "0123456789abcdef" * 2
    deploy_dev(workspace)
    workspace.fail_next("GET", MONITOR, status=500, message=f"leaked {other}-2 here")
    assert verify(project, "--host", workspace.host) == 1
    assert "leaked *** here" in assert_nowhere(other, capsys, project)


# A free port is found when the test runs, not when it is collected: pytest-xdist workers each
# collect the tests and must find the same ids.
REFUSED = "<a loopback port where nothing listens>"


@pytest.mark.parametrize(
    "host",
    [
        f"http://user:{PASSWORD}@{REFUSED}",
        f"http://user:{PASSWORD}@[::1",
        f"http://user:{PASSWORD}@host:port",
        f"http://user:{PASSWORD}/more@127.0.0.1:1",
        f"http://user:{PASSWORD}#more@127.0.0.1:1",
        f"http://user@:{PASSWORD}@127.0.0.1:1",
        f"user:{PASSWORD}@127.0.0.1:1",
    ],
)
def test_a_password_in_a_failing_host_is_never_printed(project, capsys, host):
    host = host.replace(REFUSED, refused_host().removeprefix("http://"))
    code = verify(project, "--host", host)
    assert code in (1, 2)
    assert_nowhere(PASSWORD, capsys, project)
    assert_nowhere(PASSWORD.split("-")[-1], capsys, project)


def test_a_short_piece_of_a_password_a_url_parser_cuts_is_never_printed(project, capsys):
    """urllib3 reads `http://user:Sh0rt/rest@host` as host `user:Sh0rt` and names it."""
    assert verify(project, "--host", f"http://user:Sh0rt/{PASSWORD}@127.0.0.1:1") == 1
    assert_nowhere("Sh0rt", capsys, project)


def test_a_password_in_a_reachable_host_without_a_token_is_never_printed(project, capsys):
    """No credentials (exit 2): the SDK's own words name the host it was given."""
    with FakeWorkspace() as fake:
        host = fake.host.replace("://", f"://user:{PASSWORD}@")
        assert verify(project, "--host", host) == 2
    assert_nowhere(PASSWORD, capsys, project)


def test_a_password_in_a_bad_option_value_is_never_printed(project, capsys):
    """argparse repeats a value it refuses."""
    with pytest.raises(SystemExit):
        verify(project, f"--timeout=https://user:{PASSWORD}@host")
    assert_nowhere(PASSWORD, capsys, project)


def test_an_unforeseen_error_echoing_a_secret_of_the_environment_is_masked(
    workspace, project, capsys, monkeypatch
):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"unexpected: {TOKEN}")

    monkeypatch.setattr("monitors.declared.project.build_project", broken)
    assert verify(project, "--host", workspace.host) == 1
    assert "error: RuntimeError: unexpected: ***" in assert_nowhere(TOKEN, capsys, project)


# ---------------------------------------------------------------------------- export


@pytest.mark.parametrize("as_json", [False, True])
def test_an_error_answer_echoing_the_token_is_masked_in_export(workspace, project, capsys, as_json):
    deploy_dev(workspace)
    workspace.fail_next("GET", MONITOR, status=403, message=f"no access for {TOKEN}")
    extra = ["--json"] if as_json else []
    argv = ["export", "--stack", "dev", "--project-dir", str(project), "--host", workspace.host]
    assert main([*argv, "--table", "dim_user", "--force", *extra]) == 1
    assert "no access for ***" in assert_nowhere(TOKEN, capsys, project)


def test_a_declaration_that_would_hold_the_token_is_not_written(workspace, project, capsys):
    """A file is never masked (it would not read back as the monitor): it is not written."""
    deploy_dev(workspace)
    monitor = workspace.monitors[f"{CATALOG}.dim_user"]
    monitor["slicing_exprs"] = [f"country = '{TOKEN}'"]
    argv = ["export", "--stack", "dev", "--project-dir", str(project), "--host", workspace.host]
    assert main([*argv, "--table", "dim_user", "--force"]) == 1
    shown = assert_nowhere(TOKEN, capsys, project)
    assert "it would hold a credential this command was given" in shown


# ---------------------------------------------------------------------------- files, hooks


def test_a_text_file_holding_a_secret_in_play_is_refused_whole(tmp_path: Path) -> None:
    scrubber.remember(TOKEN)
    (tmp_path / "out").mkdir()
    with pytest.raises(atomic.WouldShowSecretError):
        atomic.write_text(tmp_path / "out" / "journal.json", json.dumps({"note": TOKEN}))
    assert list((tmp_path / "out").iterdir()) == []


def test_a_hook_warning_echoing_the_token_is_masked(
    logged,  # noqa: F811
):
    """The refresh hook's warning carries the service's error text to the engine's output."""
    with FakeWorkspace(token=TOKEN) as fake:
        table = f"{CATALOG}.fact_booking_daily"
        fake.add_table(table)
        fake.add_monitor(table)
        fake.initialise_monitor(table)
        fake.fail_next(
            "POST",
            f"/api/2.1/unity-catalog/tables/{table}/monitor/refreshes",
            status=400,
            message=f"bad request from {TOKEN}",
        )
        config = Config(host=fake.host, token=TOKEN, auth_type="pat")
        scrubber.remember(TOKEN)  # as connect() does with the engine's secret settings
        run = hooks.HookRun(open_client=lambda deadline: WorkspaceClient(config=config))
        args = update_args()
        args.new_outputs = {"tableName": table}
        assert hooks.refresh_after_update(args, run) is None
    [message] = warnings(logged)
    assert TOKEN not in message and "bad request from ***" in message
