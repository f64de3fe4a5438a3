"""The tutorial's runnable commands, for the two suites that run them: blocks marked
`console test` run against the fake workspace (tests/docs) and under the real engine
(tests/engine); blocks marked `console engine` need a real `pulumi` and run only there. Plain
`console` blocks (installing the CLI, logging in) set up a machine and are not run."""

from __future__ import annotations

import shlex

from monitors.naming import PROJECT_ROOT
from tests.docs.markdown import fenced_blocks

TUTORIAL = PROJECT_ROOT / "docs" / "tutorial" / "first-deployment.md"
BOTH = "console test"
ENGINE_ONLY = "console engine"
HOST, TOKEN = "https://<your-workspace>", "<token>"


def commands(*marks: str) -> list[list[str]]:
    """Each command line of the blocks with one of `marks`, in page order, split as a shell
    splits it."""
    return [
        words
        for block in fenced_blocks(TUTORIAL)
        if block.info in marks
        for line in block.text.splitlines()
        if (words := shlex.split(line, comments=True))
    ]


def filled(words: list[str], host: str, token: str) -> list[str]:
    """The command with the page's placeholders for the workspace and its token filled in."""
    return [w.replace(HOST, host).replace(TOKEN, token) for w in words]
