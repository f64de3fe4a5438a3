"""Credentials resolve as the provider's do, and client creation talks to the host cleanly."""

import logging

import pytest
from databricks.sdk.errors import Unauthenticated

from monitors.workspace.api import get_monitor
from monitors.workspace.client import workspace_client


def test_explicit_host_and_token_reach_the_workspace(fake_workspace):
    client = workspace_client(host=fake_workspace.host, token=fake_workspace.token)
    assert get_monitor(client, "main.gold.t") is None
    assert fake_workspace.api_calls()[-1].status == 404  # answered past authentication


def test_credentials_come_from_databricks_env_vars(fake_workspace, monkeypatch):
    monkeypatch.setenv("DATABRICKS_HOST", fake_workspace.host)
    monkeypatch.setenv("DATABRICKS_TOKEN", fake_workspace.token)
    assert get_monitor(workspace_client(), "main.gold.t") is None


def test_credentials_come_from_databrickscfg_profile(fake_workspace, tmp_path):
    (tmp_path / ".databrickscfg").write_text(
        f"[dev]\nhost = {fake_workspace.host}\ntoken = {fake_workspace.token}\n"
    )
    assert get_monitor(workspace_client(profile="dev"), "main.gold.t") is None


def test_explicit_token_wins_over_env_token(fake_workspace, monkeypatch):
    monkeypatch.setenv("DATABRICKS_HOST", fake_workspace.host)
    monkeypatch.setenv("DATABRICKS_TOKEN", "stale-token")
    assert get_monitor(workspace_client(token=fake_workspace.token), "main.gold.t") is None


def test_rejected_token_is_not_in_the_error_message(fake_workspace):
    client = workspace_client(host=fake_workspace.host, token="dapi-secret-value")
    with pytest.raises(Unauthenticated) as raised:
        get_monitor(client, "main.gold.t")
    assert "dapi-secret-value" not in str(raised.value)


def test_client_creation_reads_host_metadata_without_warning(fake_workspace, caplog):
    with caplog.at_level(logging.WARNING, logger="databricks.sdk"):
        workspace_client(host=fake_workspace.host, token=fake_workspace.token)
    assert fake_workspace.calls[0].path == "/.well-known/databricks-config"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_missing_credentials_raise_value_error_naming_the_sources():
    with pytest.raises(ValueError, match="default auth"):
        workspace_client()
