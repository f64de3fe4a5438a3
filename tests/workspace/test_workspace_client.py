"""Credentials resolve as the provider's do, client creation talks to the host cleanly, and the
user is told where each credential came from, never what it is."""

import logging

import pytest
from databricks.sdk.errors import Unauthenticated

from monitors.errors import CredentialsError, ExitCode
from monitors.workspace.client import VERIFY_LIMITS, Deadline, connect
from monitors.workspace.credentials import ProviderSettings, settings_from_config
from monitors.workspace.legacy import get_monitor


def settings(**config):
    """Provider settings as a stack file would hold them (`databricks:<key>`)."""
    return settings_from_config({f"databricks:{k}": v for k, v in config.items()}, "Pulumi.t.yaml")


def client_for(provider_settings=None):
    return connect(provider_settings or ProviderSettings(), VERIFY_LIMITS, Deadline(60)).client


def test_stack_host_and_token_reach_the_workspace(fake_workspace):
    client = client_for(settings(host=fake_workspace.host, token=fake_workspace.token))
    assert get_monitor(client, "main.gold.t") is None
    assert fake_workspace.api_calls()[-1].status == 404  # answered past authentication


def test_credentials_come_from_databricks_env_vars(fake_workspace, monkeypatch):
    monkeypatch.setenv("DATABRICKS_HOST", fake_workspace.host)
    monkeypatch.setenv("DATABRICKS_TOKEN", fake_workspace.token)
    assert get_monitor(client_for(), "main.gold.t") is None


def test_stack_host_with_token_from_the_environment(fake_workspace, monkeypatch):
    monkeypatch.setenv("DATABRICKS_TOKEN", fake_workspace.token)
    assert get_monitor(client_for(settings(host=fake_workspace.host)), "main.gold.t") is None


def test_credentials_come_from_databrickscfg_profile(fake_workspace, tmp_path):
    (tmp_path / ".databrickscfg").write_text(
        f"[dev]\nhost = {fake_workspace.host}\ntoken = {fake_workspace.token}\n"
    )
    assert get_monitor(client_for(settings(profile="dev")), "main.gold.t") is None


def test_the_stack_config_file_setting_chooses_the_profile_file(fake_workspace, tmp_path):
    other = tmp_path / "elsewhere.cfg"
    other.write_text(f"[ci]\nhost = {fake_workspace.host}\ntoken = {fake_workspace.token}\n")
    client = client_for(settings(profile="ci", configFile=str(other)))
    assert get_monitor(client, "main.gold.t") is None


def test_stack_token_wins_over_env_token(fake_workspace, monkeypatch):
    monkeypatch.setenv("DATABRICKS_HOST", fake_workspace.host)
    monkeypatch.setenv("DATABRICKS_TOKEN", "stale-token")
    assert get_monitor(client_for(settings(token=fake_workspace.token)), "main.gold.t") is None


def test_rejected_token_is_not_in_the_error_message(fake_workspace):
    client = client_for(settings(host=fake_workspace.host, token="dapi-secret-value"))
    with pytest.raises(Unauthenticated) as raised:
        get_monitor(client, "main.gold.t")
    assert "dapi-secret-value" not in str(raised.value)


def test_client_creation_reads_host_metadata_without_warning(fake_workspace, caplog):
    with caplog.at_level(logging.WARNING, logger="databricks.sdk"):
        client_for(settings(host=fake_workspace.host, token=fake_workspace.token))
    assert fake_workspace.calls[0].path == "/.well-known/databricks-config"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_missing_credentials_name_every_source_tried_and_exit_2():
    with pytest.raises(CredentialsError) as raised:
        client_for()
    message = str(raised.value)
    assert "the stack's databricks:* settings: none" in message
    assert "the environment (DATABRICKS_*, ARM_*, GOOGLE_CREDENTIALS): none set" in message
    assert "profiles in ~/.databrickscfg (no such file)" in message
    assert raised.value.exit_code is ExitCode.INVALID


def test_a_secret_the_cli_could_not_decrypt_is_named_in_the_credentials_error(fake_workspace):
    found = settings(host=fake_workspace.host, token={"secure": "v1:abc"})
    with pytest.raises(CredentialsError, match="databricks:token is a secret in the stack file"):
        client_for(found)


def test_sources_say_where_each_credential_came_from_and_never_the_secret(fake_workspace):
    token = fake_workspace.token
    connection = connect(
        settings(host=fake_workspace.host, token=token), VERIFY_LIMITS, Deadline(60)
    )
    text = "\n".join(connection.sources)
    assert f"workspace {fake_workspace.host} (host: databricks:host from Pulumi.t.yaml)" in text
    assert "authentication pat (token: databricks:token (secret) from Pulumi.t.yaml)" in text
    assert token not in text


def test_sources_name_the_environment_variable_and_the_profile(
    fake_workspace, tmp_path, monkeypatch
):
    (tmp_path / ".databrickscfg").write_text(f"[dev]\nhost = {fake_workspace.host}\n")
    monkeypatch.setenv("DATABRICKS_TOKEN", fake_workspace.token)
    connection = connect(settings(profile="dev"), VERIFY_LIMITS, Deadline(60))
    text = "\n".join(connection.sources)
    assert "(host: profile [dev] of ~/.databrickscfg)" in text
    assert "token: environment variable DATABRICKS_TOKEN" in text
    assert "profile: databricks:profile from Pulumi.t.yaml" in text


def test_a_profile_file_that_is_not_ini_is_a_credentials_error_naming_that_file(tmp_path):
    """databricks-sdk's profile loader raises configparser's errors as they are."""
    path = tmp_path / "odd dir" / "databricks.cfg"
    path.parent.mkdir()
    path.write_text("host = https://example.invalid\n")
    with pytest.raises(CredentialsError) as raised:
        client_for(settings(configFile=str(path), profile="dev"))
    message = str(raised.value)
    assert f"profiles in {path}\n" in message
    assert "The Databricks SDK said: File contains no section headers." in message
    assert raised.value.exit_code is ExitCode.INVALID
