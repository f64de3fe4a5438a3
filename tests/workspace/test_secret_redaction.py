"""No secret reaches a message: texts from databricks-sdk, requests and http.client that carry a
credential as it is are masked (monitors.scrubber), whatever command or hook shows them."""

from __future__ import annotations

import pytest

from monitors import scrubber as secrets
from monitors.errors import CredentialsError, WorkspaceUnreachableError
from monitors.program import hooks
from monitors.workspace.check_results import CheckStatus
from monitors.workspace.client import VERIFY_LIMITS, Deadline, connect
from monitors.workspace.credentials import settings_from_config
from monitors.workspace.verify.checks import verify_monitor
from tests.fakes.workspace import refused_host
from tests.workspace.test_hooks import logged, update_args, warnings  # noqa: F401

TOKEN_WITH_BREAK = "dapi-fake-token\nsecond-line-of-it"


def connected(fake_workspace, **config: str):
    settings = settings_from_config(
        {f"databricks:{k}": v for k, v in config.items()}, "Pulumi.dev.yaml"
    )
    return connect(settings, VERIFY_LIMITS, Deadline(30))


def test_a_token_http_refuses_to_send_is_never_shown_in_a_failed_check(
    fake_workspace, deploy_monitor
):
    """http.client refuses a header with a line break by quoting it whole (`putheader`)."""
    expected = deploy_monitor()
    connection = connected(fake_workspace, host=fake_workspace.host, token=TOKEN_WITH_BREAK)
    report = verify_monitor(connection.client, expected)
    exists = report.check("exists")
    assert exists.status is CheckStatus.FAIL
    assert "dapi-fake-token" not in exists.detail
    assert "second-line-of-it" not in exists.detail
    assert "holds a line break or surrounding whitespace" in exists.detail


def test_a_secret_metadata_service_url_is_not_in_the_credentials_error(fake_workspace):
    """urllib3 names the path of the URL it could not reach: the secret part of that URL."""
    url = refused_host() + "/metadata-secret-path-0123456789"
    with pytest.raises(CredentialsError) as raised:
        connected(fake_workspace, host=fake_workspace.host, metadataServiceUrl=url)
    assert "metadata-secret-path-0123456789" not in str(raised.value)
    assert "The Databricks SDK said: default auth: metadata-service:" in str(raised.value)


def test_the_refresh_hooks_warning_never_shows_a_token_http_refuses_to_send(
    fake_workspace,
    deploy_monitor,
    logged,  # noqa: F811
):
    deploy_monitor()
    connection = connected(fake_workspace, host=fake_workspace.host, token=TOKEN_WITH_BREAK)
    run = hooks.HookRun(open_client=lambda deadline: connection.client)
    assert hooks.refresh_after_update(update_args(), run) is None
    [message] = warnings(logged)
    assert "dapi-fake-token" not in message
    assert "second-line-of-it" not in message


@pytest.mark.parametrize(
    ("secret", "text", "hidden"),
    [
        ("dapi0123456789abcdef", "token dapi0123456789abcdef was refused", "0123456789"),
        ("dapi0123456789abcdef\n", "whitespace in 'Bearer dapi0123456789abcdef\\n'", "0123456789"),
        (
            "two\nlines-of-secret",
            "Invalid header value b'Bearer two\\nlines-of-secret'",
            "lines-of",
        ),
        (
            "http://169.254.1.1/token-0123456789",
            "Max retries exceeded with url: /token-0123456789",
            "token-",
        ),
        ("pass word/with?odd", "GET /x?p=pass%20word/with%3Fodd", "word"),
        ("never-given", "Authorization: Bearer something-never-remembered", "something"),
    ],
)
def test_every_form_of_a_remembered_secret_is_masked(secret, text, hidden):
    secrets.remember(secret)
    assert hidden not in secrets.redact(text)


def _with_password(url: str, password: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://user:{password}@{rest}"


def test_a_password_in_the_host_url_is_not_in_the_unreachable_message(fake_workspace):
    """requests names the URL it could not reach; a host written user:password@ carries one."""
    host = _with_password(refused_host(), "host-password-0123")
    with pytest.raises(WorkspaceUnreachableError) as raised:
        connected(fake_workspace, host=host, token="dapi-fake-token")
    assert "host-password-0123" not in str(raised.value)
    assert "user:***@127.0.0.1" in str(raised.value)


def test_a_password_in_the_host_url_is_not_in_the_sources_lines(fake_workspace):
    host = _with_password(fake_workspace.host, "host-password-4567")
    connection = connected(fake_workspace, host=host, token="dapi-fake-token")
    assert connection.sources
    assert not [line for line in connection.sources if "host-password-4567" in line]
