"""The tutorial, from the page, under the real engine: every command of its `console test` and
`console engine` blocks, in order, with the real `pulumi` and Databricks provider against the
loopback workspace, each succeeding. The machine's setup (installing the CLI, `pulumi login`)
is the harness's: a file backend and passphrase of its own (tests/engine/conftest.py). After
`pulumi stack init` the harness also bounds the provider's retries, as every engine test does,
so a failure ends within the command timeout instead of retrying forever."""

from __future__ import annotations

from tests.docs.tutorial import BOTH, ENGINE_ONLY, commands, filled
from tests.helpers.real_engine import RETRY_TIMEOUT_SECONDS, TOKEN, Project


def test_every_command_of_the_tutorial_succeeds_under_the_real_engine(project: Project) -> None:
    for words in commands(BOTH, ENGINE_ONLY):
        words = filled(words, project.workspace.host, TOKEN)
        if words[0] == "monitors":
            project.monitors(*words[1:])
        else:
            project.pulumi(*words[1:])
        if words == ["pulumi", "stack", "init", "dev"]:
            project.pulumi("config", "set", "databricks:retryTimeoutSeconds", RETRY_TIMEOUT_SECONDS)
    assert project.outcomes() == dict.fromkeys(project.outcomes(), "create")
    assert len(project.outcomes()) == 5
