"""No secret leaves a stack operation: the Pulumi CLI's error text, relayed on stderr, and the
stack file put back never show a secret in play (here, the environment's Databricks token, which
the provider would have used)."""

from __future__ import annotations

import pytest

from monitors.naming import stack_file_name
from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import monitor_resource, same_all
from tests.stackops.test_reset_recovery import run_cli, scenario

TOKEN = "PLANTED-token-0c4e8a1f77"


@pytest.mark.parametrize("failing", ["preview", "config set"])
def test_a_pulumi_error_echoing_the_token_is_masked_in_reset(
    fake,
    project,
    capsys,
    monkeypatch,
    failing,
):
    monkeypatch.setenv("DATABRICKS_TOKEN", TOKEN)
    scenario(
        fake,
        "dev",
        [monitor_resource("dev", t) for t in TABLES],
        preview=same_all("dev", but={"dim_host": "replace"}),
        fail_commands={failing: f"error: provider said: invalid token {TOKEN}"},
    )
    before = (project / stack_file_name("dev")).read_bytes()
    assert run_cli(["reset", "--stack", "dev", "--table", "dim_host", "--yes"], project, fake) != 0
    captured = capsys.readouterr()
    assert TOKEN not in captured.out + captured.err
    assert "invalid token ***" in captured.out + captured.err
    assert (project / stack_file_name("dev")).read_bytes() == before
